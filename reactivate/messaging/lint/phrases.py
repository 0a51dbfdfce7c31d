"""The linter's phrase data, apart from its rules: ours, written for this product.

English and Spanish; a rule looks in the message's language and in English (messages mix).
"""

from __future__ import annotations

import re

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
        "no hard feelings",
        "totally understand",
        "completely understand",
        "i understand",
        "we understand",
        "if now isn't",
        "if now's not",
        "if now is not",
        "not the right time",
        "whenever you're ready",
        "no rush",
        "if you'd prefer",
        "if you're all set",
        "all good",
        "happy to close",
        "take you off our list",
        "just say so",
        "a quick no",
        "no is a fine answer",
        "let me know either way",
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
        "sin compromiso",
        "lo comprendo",
        "cuando usted quiera",
        "no hay prisa",
        "si ya no le interesa",
    ],
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

# Promises a practice cannot keep, and health advertising must not make (FTC: claims need
# substantiation): results guaranteed, treatment without pain.
PROMISES = {
    "en": [
        "guaranteed",
        "guarantee",
        "guarantees",
        "painless",
        "pain-free",
        "pain free",
        "no pain",
        "won't hurt",
        "wont hurt",
        "doesn't hurt",
        "100% success",
        "perfect results",
        "permanent results",
        "results are permanent",
        "zero risk",
        "no risk",
        "no downtime",
        "life-changing results",
    ],
    "es": [
        "garantizado",
        "garantizados",
        "garantizamos",
        "garantía de resultados",
        "sin dolor",
        "indoloro",
        "no duele",
        "100% de éxito",
        "resultados perfectos",
        "sin riesgo",
    ],
}
# Regret: a pressure of its own ("you'll regret waiting").
REGRET = {
    "en": [
        "you'll regret",
        "you will regret",
        "don't regret",
        "regret waiting",
        "regret it",
        "you'll wish you had",
        "you will wish you had",
        "before you regret",
        "it only gets worse",
        "only get worse",
        "the longer you wait",
        "every day you wait",
        "don't let your smile",
        "don't miss your chance",
        "miss your chance",
    ],
    "es": [
        "se arrepentirá",
        "se arrepentira",
        "te arrepentirás",
        "no se arrepienta",
        "solo empeora",
        "mientras más espere",
        "cuanto más espere",
        "pierda su oportunidad",
    ],
}
# Blame: the lead went quiet; a message that scolds them for it ends the conversation.
BLAME = {
    "en": [
        "why haven't you",
        "why havent you",
        "why didn't you",
        "why did you not",
        "you never called",
        "you never replied",
        "you never responded",
        "you never got back",
        "you didn't respond",
        "you didn't reply",
        "you didn't call",
        "you didn't show",
        "you haven't responded",
        "you haven't replied",
        "you haven't called",
        "you ignored",
        "ignoring us",
        "still waiting to hear from you",
        "we've been waiting",
        "we have been waiting",
        "you keep putting",
        "you promised",
        "no-show",
        "you no-showed",
    ],
    "es": [
        "por qué no ha",
        "por que no ha",
        "por qué no nos",
        "nunca respondió",
        "nunca nos llamó",
        "no ha respondido",
        "no nos ha llamado",
        "nos ignoró",
        "seguimos esperando",
        "usted prometió",
    ],
}

# The shape of a reference to the earlier conversation: someone talked, asked or came in
# (a past-tense verb of talking or visiting) and a time or a topic comes with it.
PAST_CONTACT = {
    "en": (
        r"talked|spoke|chatted|met|discussed|emailed|e-mailed|texted|called|phoned|messaged|"
        r"asked|inquired|enquired|wrote|reached out|got in touch|came in|came by|stopped by|"
        r"dropped by|popped in|visited|sat down|went over|looked at|filled out|filled in|"
        r"requested|booked|mentioned|were considering|were thinking|were looking|"
        r"were interested|started|left off|sent|shared|toured"
    ),
    "es": (
        r"hablamos|conversamos|platicamos|charlamos|nos vimos|nos conocimos|preguntó|"
        r"pregunto|consultó|consulto|pidió|pidio|vino|visitó|visito|nos visitó|escribió|"
        r"escribio|llamó|llamo|mencionó|menciono|solicitó|solicito|revisamos|estuvo|"
        r"estaba considerando|estaba pensando|mostró interés|agendó|reservó|tuvo"
    ),
}
MONTHS = {
    "en": (
        r"january|february|march|april|may|june|july|august|september|october|november|"
        r"december|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec"
    ),
    "es": (
        r"enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|setiembre|octubre|"
        r"noviembre|diciembre"
    ),
}
WHEN = {
    "en": (
        r"last (?:week|month|year|spring|summer|fall|autumn|winter|time)|this (?:spring|"
        r"summer|fall|autumn|winter|year)|(?:a|one|two|three|four|five|six|a few|several|"
        r"\d+) (?:days?|weeks?|months?|years?) ago|back in|earlier this|in the (?:spring|"
        r"summer|fall|autumn|winter)|(?:on|last) (?:monday|tuesday|wednesday|thursday|friday|"
        r"saturday|sunday)|before the holidays|over the summer|around the holidays|"
        r"(?:19|20)\d\d"
    ),
    "es": (
        r"el (?:mes|año) pasado|la (?:semana|vez) pasada|hace (?:unos|unas|\w+) (?:días|"
        r"semanas|meses|años)|en (?:primavera|verano|otoño|invierno)|antes de las fiestas|"
        r"(?:19|20)\d\d"
    ),
}
TOPIC = {
    "en": (
        r"about|regarding|for (?:your|a|an|the)|on (?:your|a|an|the)|your (?:consultation|"
        r"visit|appointment|exam|treatment plan|quote|estimate|options|smile|case|questions?)|"
        r"(?:a|an|the) (?:consultation|quote|estimate|treatment plan|exam|cleaning|x-rays?|"
        r"scan|appointment|visit|tour|price|cost|financing|payment plan)|options|pricing"
    ),
    "es": (
        r"sobre|acerca de|por (?:su|el|la)|para (?:su|el|la)|su (?:consulta|cita|visita|"
        r"plan de tratamiento|presupuesto|cotización)|(?:una|la) (?:consulta|cita|"
        r"evaluación|cotización)|(?:el|un) (?:presupuesto|plan|tratamiento)"
    ),
}
# A business named in a signature: "this is Sam from Harbor Smiles", "— Sam, Lakeside Dental".
BUSINESS_WORDS = (
    r"dental|dentistry|dentist|smiles?|orthodontics?|ortho|clinic|clínica|clinica|"
    r"medical|med ?spa|medspa|spa|aesthetics?|estética|estetica|cosmetic|surgery|surgical|"
    r"plastic|dermatology|derm|skin|laser|vein|wellness|health|care|center|centre|centro|"
    r"institute|group|associates|partners|practice|studio|office|consultorio|family|"
    r"implants?|oral|periodontics|endodontics|vision|eye|lasik|hearing|beauty|body"
)
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
