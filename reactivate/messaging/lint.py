"""The seed's five qualities, permission to say no, and the compliance rules, as a linter.

Seed: reactivation messages should be direct, brief, low-pressure, specific and easy to
respond to, and should "explicitly give permission to say no". STANDARDS.md adds what the law
and the carriers require. Each rule returns findings with a plain message and a suggested
fix; a quality scores 100 less 50 a failure and 20 a warning; the message fails when any
rule fails and warns when any rule warns.

A message is linted as a template (merge fields such as ``{{ treatment }}`` count for what
they will become) in English or Spanish. The phrase lists are ours, written for this product.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field

from reactivate.core.sms import REPLACEMENTS, sms_segments
from reactivate.messaging.fields import DETAIL_FIELDS, PHI_FIELDS
from reactivate.messaging.render import MERGE_FIELD, fields_used

QUALITIES = (
    "brief",
    "direct",
    "low_pressure",
    "specific",
    "easy_to_respond",
    "permission",
    "compliance",
)
CHANNELS = ("email", "sms", "call", "letter")

# Budgets (seed: "State your purpose in two or three sentences"; SMS "even shorter").
EMAIL_WORDS = (110, 180)  # warn above, fail above
EMAIL_SENTENCES = (5, 8)
SMS_SEGMENTS = (2, 3)
SUBJECT_CHARS = 60
# A merge field is measured at a typical filled-in length (a first name, a month, a
# treatment), since its real value differs from lead to lead.
TYPICAL_FIELD = "Xxxxxxxxxx"
LETTER_WORDS = (220, 350)
CALL_WORDS = (160, 260)

SPAM = {
    "en": [
        "act now",
        "you won't believe",
        "you wont believe",
        "congratulations",
        "winner",
        "exclusive offer",
        "exclusive deal",
        "risk-free",
        "risk free",
        "guaranteed",
        "100% free",
        "click here",
        "once in a lifetime",
        "amazing deal",
        "miracle",
        "special promotion",
        "don't miss out",
        "dont miss out",
        "urgent",
    ],
    "es": [
        "actúe ahora",
        "actue ahora",
        "no lo creerá",
        "felicidades",
        "ganador",
        "oferta exclusiva",
        "garantizado",
        "100% gratis",
        "haga clic aquí",
        "haz clic aquí",
        "única oportunidad",
        "oferta increíble",
        "milagro",
        "no se lo pierda",
        "urgente",
    ],
}
PRESSURE = {
    "en": [
        "last chance",
        "limited time",
        "today only",
        "expires",
        "expiring",
        "hurry",
        "don't wait",
        "dont wait",
        "before it's too late",
        "only a few spots",
        "spots left",
        "final notice",
        "book now",
        "act fast",
        "right away",
        "immediately",
        "while supplies last",
        "ends soon",
        "deadline",
        "final offer",
    ],
    "es": [
        "última oportunidad",
        "ultima oportunidad",
        "tiempo limitado",
        "solo hoy",
        "sólo hoy",
        "vence",
        "expira",
        "no espere",
        "antes de que sea tarde",
        "quedan pocos",
        "aviso final",
        "reserve ahora",
        "de inmediato",
        "inmediatamente",
        "termina pronto",
        "fecha límite",
        "oferta final",
    ],
}
DISCOUNT = {
    "en": [
        "% off",
        "percent off",
        "discount",
        "save $",
        "special offer",
        "promo",
        "coupon",
        "free whitening",
        "free consultation",
        "half price",
    ],
    "es": [
        "% de descuento",
        "descuento",
        "ahorre",
        "oferta especial",
        "promoción",
        "cupón",
        "gratis",
    ],
}
PERMISSION = {
    "en": [
        "either way",
        "no worries",
        "no pressure",
        "if not",
        "if the timing",
        "totally fine",
        "completely fine",
        "that's okay",
        "that's ok",
        "it's okay",
        "it's ok",
        "just let me know",
        "close out your file",
        "close your file",
        "if you've moved on",
        "if you have moved on",
        "if you'd rather not",
        "no problem",
        "reply no",
        "a simple no",
        "understand if",
        "is fine too",
        "also fine",
    ],
    "es": [
        "de cualquier manera",
        "de todas formas",
        "sin problema",
        "sin presión",
        "si no",
        "está bien",
        "esta bien",
        "cerraré su expediente",
        "cerrar su expediente",
        "lo entiendo",
        "lo entenderemos",
        "un simple no",
        "responda no",
        "no se preocupe",
    ],
}
# Words that show the message remembers the person (the seed's "specific").
DETAIL_PHRASES = {
    "en": [
        "we spoke",
        "we talked",
        "you asked",
        "you came in",
        "your visit",
        "your consultation",
        "your treatment plan",
        "you mentioned",
        "you were considering",
        "you were looking",
        "your inquiry",
        "we met",
        "back in",
        "last time",
    ],
    "es": [
        "hablamos",
        "conversamos",
        "nos preguntó",
        "nos pidió",
        "su visita",
        "su cita",
        "su plan de tratamiento",
        "mencionó",
        "estaba considerando",
        "su consulta",
        "nos conocimos",
        "la última vez",
    ],
}
YES_NO_STARTS = {
    "en": (
        "are",
        "is",
        "do",
        "does",
        "did",
        "would",
        "should",
        "could",
        "can",
        "will",
        "have",
        "has",
        "shall",
        "may",
        "still",
        "any",
        "want",
        "ready",
        "interested",
    ),
    "es": (
        "sigue",
        "sigues",
        "está",
        "esta",
        "están",
        "le",
        "te",
        "quiere",
        "quieres",
        "podemos",
        "puedo",
        "desea",
        "todavía",
        "aún",
        "tiene",
        "hay",
        "prefiere",
        "es",
        "sería",
        "interesa",
        "interesado",
        "interesada",
        "listo",
        "lista",
    ),
}
OPEN_STARTS = {
    "en": ("what", "when", "where", "why", "how", "which", "who"),
    "es": (
        "qué",
        "que",
        "cuándo",
        "cuando",
        "dónde",
        "donde",
        "por qué",
        "cómo",
        "como",
        "cuál",
        "quién",
    ),
}
OPT_OUT = re.compile(r"\b(stop|baja|alto)\b", re.IGNORECASE)
SHORTENERS = re.compile(
    r"\b(bit\.ly|tinyurl\.com|goo\.gl|t\.co|ow\.ly|is\.gd|buff\.ly|rebrand\.ly|cutt\.ly|"
    r"shorturl\.at|tiny\.cc|rb\.gy)\b",
    re.IGNORECASE,
)
LINK = re.compile(r"https?://\S+|www\.\S+", re.IGNORECASE)
ADDRESS = re.compile(r"\d+\s+\w+.*\b\d{5}(-\d{4})?\b")
ACRONYMS = {
    "SMS",
    "USA",
    "PPO",
    "HMO",
    "HIPAA",
    "STOP",
    "BAJA",
    "ALTO",
    "FAQ",
    "OK",
    "CEO",
    "DDS",
    "DMD",
    "MD",
    "ASAP",
}
# Treatment words that PHI-safe mode keeps out of texts and emails.
TREATMENT_WORDS = re.compile(
    r"\b(implants?|all-on-4|invisalign|aligners?|braces|veneers?|crowns?|whitening|"
    r"botox|fillers?|lipo\w*|rhinoplasty|facelift|breast|tummy tuck|liposuction|"
    r"root canal|dentures?|implantes?|carillas|coronas?|blanqueamiento|ortodoncia|"
    r"brackets|alineadores)\b",
    re.IGNORECASE,
)


@dataclass
class Finding:
    rule: str
    quality: str
    level: str  # "warn" or "fail"
    message: str
    fix: str


@dataclass
class LintResult:
    verdict: str  # "pass", "warn" or "fail"
    scores: dict[str, int]
    findings: list[Finding] = field(default_factory=list)
    segments: dict | None = None

    @property
    def exit_code(self) -> int:
        return {"pass": 0, "warn": 1, "fail": 2}[self.verdict]

    def as_dict(self) -> dict:
        return {
            "verdict": self.verdict,
            "scores": self.scores,
            "findings": [asdict(f) for f in self.findings],
            "segments": self.segments,
        }


@dataclass
class Message:
    channel: str
    body: str
    subject: str = ""
    language: str = "en"
    first_touch: bool = True
    phi_safe: bool = False
    practice_name: str = ""
    voicemail: str = ""


def _has(text: str, phrases: list[str]) -> str | None:
    """The first phrase found as whole words (case-insensitive; curly apostrophes too)."""
    lowered = text.lower().replace("\u2019", "'")
    for phrase in phrases:
        pattern = (
            (r"(?<!\w)" if phrase[0].isalnum() else "")
            + re.escape(phrase)
            + (r"(?!\w)" if phrase[-1].isalnum() else "")
        )
        if re.search(pattern, lowered):
            return phrase
    return None


def _sentences(text: str) -> list[str]:
    # Merge fields are single words for counting; URLs do not end sentences.
    flat = MERGE_FIELD.sub("X", LINK.sub("link", text))
    parts = re.split(r"(?<=[.!?])\s+|\n{2,}", flat)
    return [p.strip() for p in parts if re.search(r"\w", p)]


def _body_lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


FOOTER = re.compile(
    r"\{\{\s*(unsubscribe_link|practice_address)\s*\}\}|unsubscribe|darse de baja", re.I
)


def _content(text: str, language: str) -> str:
    """The message without greeting, sign-off and footer, for question and budget checks."""
    lines = [line for line in _body_lines(text) if not FOOTER.search(line)]
    greeting = re.compile(r"^(hi|hello|dear|hola|estimad[oa]|buenos días|buenas tardes)\b", re.I)
    if lines and greeting.match(lines[0]) and len(lines[0].split()) <= 5:
        lines = lines[1:]
    # A sign-off: trailing short lines with no sentence punctuation, or "— name".
    while (
        lines
        and (
            lines[-1].startswith(("\u2014", "-", "\u2013"))
            or (
                len(MERGE_FIELD.sub("X", lines[-1]).split()) <= 6
                and not re.search(r"[.!?]$", lines[-1])
            )
            or re.match(
                r"^(thanks|thank you|best|regards|gracias|saludos|atentamente)\b", lines[-1], re.I
            )
        )
        and len(lines) > 1
    ):
        lines = lines[:-1]
    return "\n".join(lines)


def lint(message: Message) -> LintResult:
    m = message
    if m.channel not in CHANNELS:
        raise ValueError(f"Unknown channel {m.channel!r}; use one of {', '.join(CHANNELS)}.")
    language = m.language if m.language in SPAM else "en"
    spoken = m.body + ("\n\n" + m.voicemail if m.voicemail else "")
    whole = (m.subject + "\n" + spoken) if m.subject else spoken
    content = _content(m.body, language)
    findings: list[Finding] = []

    def add(rule, quality, level, message, fix):
        findings.append(Finding(rule, quality, level, message, fix))

    # -- brief -------------------------------------------------------------------------------
    segments = None
    words = len(MERGE_FIELD.sub("X", content if m.channel != "sms" else m.body).split())
    if m.channel == "email":
        sentences = len(_sentences(content))
        if words > EMAIL_WORDS[1]:
            add(
                "email-words",
                "brief",
                "fail",
                f"{words} words: long messages don't get read.",
                f"Cut to {EMAIL_WORDS[0]} words or fewer: say why you're writing in two or "
                "three sentences.",
            )
        elif words > EMAIL_WORDS[0]:
            add(
                "email-words",
                "brief",
                "warn",
                f"{words} words; aim for {EMAIL_WORDS[0]} or fewer.",
                "Drop anything that is not the reason you're writing and the question.",
            )
        if sentences > EMAIL_SENTENCES[1]:
            add(
                "email-sentences",
                "brief",
                "fail",
                f"{sentences} sentences.",
                "State your purpose in two or three sentences.",
            )
        elif sentences > EMAIL_SENTENCES[0]:
            add(
                "email-sentences",
                "brief",
                "warn",
                f"{sentences} sentences.",
                "State your purpose in two or three sentences.",
            )
        if len(MERGE_FIELD.sub(TYPICAL_FIELD, m.subject)) > SUBJECT_CHARS:
            add(
                "subject-length",
                "brief",
                "warn",
                "The subject is long and will be cut off on phones.",
                f"Keep the subject under {SUBJECT_CHARS} characters.",
            )
    elif m.channel == "sms":
        sample = MERGE_FIELD.sub(TYPICAL_FIELD, m.body)
        counted = sms_segments(sample)
        segments = {
            "encoding": counted.encoding,
            "count": counted.count,
            "units": counted.units,
            "forcing": counted.forcing,
        }
        # Spanish needs á, í, ó, ú, which GSM-7 lacks: expected there, an accident in English.
        accidental = counted.forcing is not None and not (
            language != "en" and counted.forcing.isalpha()
        )
        if accidental:
            swap = REPLACEMENTS.get(counted.forcing)
            add(
                "sms-ucs2",
                "brief",
                "warn",
                f"“{counted.forcing}” ({counted.forcing_name}) makes the whole text UCS-2: "
                "70 characters a segment instead of 160.",
                f"Type {swap!r} instead." if swap else "Remove it or use a plain character.",
            )
        if counted.count > SMS_SEGMENTS[1]:
            add(
                "sms-segments",
                "brief",
                "fail",
                f"{counted.count} segments ({counted.encoding}).",
                "Keep texts even shorter than email: one or two segments.",
            )
        elif counted.count > SMS_SEGMENTS[0]:
            add(
                "sms-segments",
                "brief",
                "warn",
                f"{counted.count} segments ({counted.encoding}).",
                "One or two segments read as a text from a person.",
            )
    else:
        budget = LETTER_WORDS if m.channel == "letter" else CALL_WORDS
        if words > budget[1]:
            add(
                f"{m.channel}-words",
                "brief",
                "fail",
                f"{words} words.",
                f"Cut to about {budget[0]} words.",
            )
        elif words > budget[0]:
            add(
                f"{m.channel}-words",
                "brief",
                "warn",
                f"{words} words.",
                f"Aim for about {budget[0]} words.",
            )
        if m.voicemail and len(m.voicemail.split()) > 60:
            add(
                "voicemail-words",
                "brief",
                "warn",
                "The voicemail runs past 20 seconds.",
                "Name, practice, one reason, one number: under 60 words.",
            )

    # -- direct ------------------------------------------------------------------------------
    if re.match(r"^\s*(re|fwd?|fw)\s*:", m.subject, re.I):
        add(
            "fake-reply",
            "direct",
            "fail",
            "The subject pretends to be a reply or forward.",
            "Write an honest subject, e.g. “Checking in about {{ treatment }}”.",
        )
    spam = _has(whole, SPAM[language]) or _has(whole, SPAM["en"])
    if spam:
        add(
            "spam-phrase",
            "direct",
            "fail",
            f"“{spam}” reads as marketing, and spam filters agree.",
            "Say plainly why you are writing.",
        )
    shouting = [
        w
        for w in re.findall(r"\b[A-ZÁÉÍÓÚÑ]{3,}\b", MERGE_FIELD.sub("", whole))
        if w not in ACRONYMS
    ]
    if shouting:
        add(
            "all-caps",
            "direct",
            "fail" if len(shouting) > 1 else "warn",
            f"Capitals shout: {', '.join(shouting[:3])}.",
            "Write in sentence case.",
        )
    if "!!" in whole or whole.count("!") > 1:
        add(
            "exclamations",
            "direct",
            "fail" if "!!" in whole else "warn",
            "Exclamation marks make a check-in sound like an advert.",
            "Use full stops.",
        )
    if m.subject and m.subject.strip().endswith("?") and m.subject.count("?") > 1:
        add(
            "subject-questions",
            "direct",
            "warn",
            "The subject asks more than one question.",
            "One plain subject.",
        )

    # -- low pressure ------------------------------------------------------------------------
    pressure = _has(whole, PRESSURE[language]) or _has(whole, PRESSURE["en"])
    if pressure:
        add(
            "pressure",
            "low_pressure",
            "fail",
            f"“{pressure}” puts pressure on someone who went quiet.",
            "You're checking in, not pitching: drop the deadline.",
        )
    discount = _has(whole, DISCOUNT[language]) or _has(whole, DISCOUNT["en"])
    if discount:
        add(
            "discount",
            "low_pressure",
            "fail" if m.first_touch else "warn",
            f"“{discount}” turns a check-in into a pitch"
            + (" in a first touch." if m.first_touch else "."),
            "Restart the conversation first; talk about price if they ask.",
        )

    # -- specific ----------------------------------------------------------------------------
    used = fields_used(whole)
    detail = (
        any(f in used for f in DETAIL_FIELDS)
        or _has(whole, DETAIL_PHRASES[language])
        or _has(whole, DETAIL_PHRASES["en"])
        or re.search(r"\[[^\]]+\]", whole)  # the seed's own [Month] / [Project] placeholders
    )
    if not detail:
        add(
            "no-detail",
            "specific",
            "fail",
            "Nothing shows you remember this person.",
            "Refer to the earlier conversation: "
            "“we spoke {{ last_contact }} about {{ treatment }}”.",
        )

    # -- easy to respond to ------------------------------------------------------------------
    if m.channel in ("email", "sms", "letter"):
        questions = [q.strip() for q in re.findall(r"[^.!?\n¿]*\?", content.replace("¿", ""))]
        questions = [q for q in questions if re.search(r"\w", q)]
        if not questions:
            add(
                "no-question",
                "easy_to_respond",
                "fail",
                "There is no question to answer.",
                "End with one yes/no question, e.g. “Still interested?”",
            )
        elif len(questions) > 1:
            add(
                "many-questions",
                "easy_to_respond",
                "fail",
                f"{len(questions)} questions.",
                "Ask one simple yes/no question.",
            )
        else:
            # The clause that asks: "Hi Ana, about X: what would help?" asks "what would help".
            clause = re.split(r"[,:;\u2014]", MERGE_FIELD.sub("X", questions[0]))[-1]
            first = clause.strip().lower()
            first_word = first.split()[0] if first.split() else ""
            opens = first_word in OPEN_STARTS[language] or first_word in OPEN_STARTS["en"]
            if opens:
                add(
                    "open-question",
                    "easy_to_respond",
                    "warn",
                    "An open question asks for effort; a yes/no one gets answered.",
                    "Ask it so it can be answered yes or no: “Still thinking about it?”",
                )
            # The opt-out line may follow the question; anything else after it buries it.
            tail = [x for x in _sentences(content) if not OPT_OUT.search(x)][-3:]
            if not any("?" in s for s in tail):
                add(
                    "question-not-last",
                    "easy_to_respond",
                    "warn",
                    "The question is buried.",
                    "End with the question.",
                )
        links = len(LINK.findall(m.body)) + len(used & {"booking_link"})
        if links > 2:
            add("links", "easy_to_respond", "fail", f"{links} links.", "At most one link.")
        elif links > 1:
            add("links", "easy_to_respond", "warn", f"{links} links.", "At most one link.")

    # -- permission to say no ----------------------------------------------------------------
    if not (_has(spoken, PERMISSION[language]) or _has(spoken, PERMISSION["en"])):
        add(
            "no-permission",
            "permission",
            "warn" if m.channel == "call" else "fail",
            "Nothing tells them it's fine to say no.",
            "Add “Either way, just let me know” or “If the timing isn't right, that's okay.”",
        )

    # -- compliance --------------------------------------------------------------------------
    if m.channel == "sms":
        if m.first_touch:
            names_practice = "practice_name" in used or (
                m.practice_name and m.practice_name.lower() in m.body.lower()
            )
            if not names_practice:
                add(
                    "sms-identify",
                    "compliance",
                    "fail",
                    "A first text must say who it is from.",
                    "Name the practice: “… from {{ practice_name }}”.",
                )
            if not OPT_OUT.search(m.body):
                add(
                    "sms-opt-out",
                    "compliance",
                    "fail",
                    "A first text must say how to opt out.",
                    "End with “Reply STOP to opt out.”"
                    if language == "en"
                    else "Termine con “Responda STOP para no recibir más mensajes.”",
                )
        if SHORTENERS.search(m.body):
            add(
                "sms-shortener",
                "compliance",
                "fail",
                "Carriers filter texts with public link shorteners.",
                "Use the practice's own full link.",
            )
    if m.channel == "email":
        if "unsubscribe_link" not in used and not re.search(
            r"unsubscribe|darse de baja|cancelar suscripci", m.body, re.I
        ):
            add(
                "email-unsubscribe",
                "compliance",
                "fail",
                "No unsubscribe link (CAN-SPAM, RFC 8058).",
                "Add {{ unsubscribe_link }} to the footer.",
            )
        if "practice_address" not in used and not ADDRESS.search(m.body):
            add(
                "email-address",
                "compliance",
                "fail",
                "No postal address (CAN-SPAM).",
                "Add {{ practice_address }} to the footer.",
            )
    if m.phi_safe and m.channel in ("email", "sms"):
        named = [f for f in PHI_FIELDS if f in used]
        word = TREATMENT_WORDS.search(whole)
        if named or word:
            what = "{{ " + named[0] + " }}" if named else f"“{word.group(0)}”"
            add(
                "phi",
                "compliance",
                "fail",
                f"PHI-safe mode: {what} names a treatment.",
                "Say “your consultation” or “{{ stage }}” instead.",
            )

    scores = dict.fromkeys(QUALITIES, 100)
    for f in findings:
        scores[f.quality] = max(0, scores[f.quality] - (50 if f.level == "fail" else 20))
    verdict = "fail" if any(f.level == "fail" for f in findings) else "warn" if findings else "pass"
    return LintResult(verdict=verdict, scores=scores, findings=findings, segments=segments)


def parse_file(text: str, channel: str) -> tuple[str, str]:
    """A template file: for email the first line is ``Subject: …``."""
    text = text.replace("\r\n", "\n").lstrip("\ufeff")
    if channel == "email":
        first, _, rest = text.partition("\n")
        match = re.match(r"^\s*(subject|asunto)\s*:\s*(.*)$", first, re.I)
        if match:
            return match.group(2).strip(), rest.strip("\n")
    return "", text.strip("\n")


# The footer every reactivation email carries (CAN-SPAM: postal address and a working opt-out).
EMAIL_FOOTER = {
    "en": "\n\n{{ practice_name }} · {{ practice_address }}\nUnsubscribe: {{ unsubscribe_link }}",
    "es": "\n\n{{ practice_name }} · {{ practice_address }}\nDarse de baja: {{ unsubscribe_link }}",
}


SPANISH_MARKERS = re.compile(
    r"[¿¡ñ]|\b(hola|usted|su|sobre|hablamos|gracias|está|cita|tratamiento|responda)\b", re.I
)


def guess_language(text: str) -> str:
    """'es' when the text reads as Spanish, else 'en' (the linter's two languages)."""
    return "es" if len(SPANISH_MARKERS.findall(text)) >= 2 else "en"
