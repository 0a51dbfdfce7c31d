"""Starter playbooks: a complete reactivation sequence and a variant per dormancy reason.

Written for this product in the seed's voice (direct, brief, low-pressure, specific, one
yes/no question, permission to say no, and a final "I'll close out your file"), in English
and Spanish (usted). The seed's order: email first, then text, then a call, more touches, a
letter for high-value leads, and the closing message. Every message passes the linter
(tests/test_playbooks.py). Practices copy them into their own templates and edit from there.
"""

from __future__ import annotations

from dataclasses import dataclass

from reactivate.leads.choices import DormancyReason

SIGN = "{{ coordinator_name }}, {{ practice_name }}"
FIRMA = "{{ coordinator_name }}, {{ practice_name }}"


@dataclass(frozen=True)
class Step:
    key: str
    channel: str
    day: int  # days after the sequence starts
    first_touch: bool  # the first message on this channel in the sequence
    high_value_only: bool = False


STEPS = (
    Step("email-1", "email", 0, True),
    Step("sms-1", "sms", 3, True),
    Step("call-1", "call", 7, True),
    Step("email-2", "email", 12, False),
    Step("sms-2", "sms", 18, False),
    Step("letter-1", "letter", 24, True, high_value_only=True),
    Step("email-final", "email", 30, False),
)
STEP_NAMES = {
    "email-1": "First email",
    "sms-1": "First text",
    "call-1": "Call",
    "email-2": "Second email",
    "sms-2": "Second text",
    "letter-1": "Letter (high-value leads)",
    "email-final": "Closing the file",
}


@dataclass(frozen=True)
class Text:
    body: str
    subject: str = ""
    voicemail: str = ""


DEFAULT = {
    "en": {
        "email-1": Text(
            subject="Checking in about {{ treatment }}",
            body="Hi {{ first_name }},\n\nWe spoke {{ last_contact }} about {{ treatment }}. I "
            "wanted to check in and see if that's still on your radar, or if things have "
            "changed. Either way, just let me know.\n\nStill interested?\n\n" + SIGN,
        ),
        "sms-1": Text(
            "Hi {{ first_name }}, it's {{ coordinator_name }} from {{ practice_name }}. I "
            "emailed about {{ treatment }}. Still on your radar? No worries either way. Reply "
            "STOP to opt out."
        ),
        "call-1": Text(
            body="Hi {{ first_name }}, this is {{ coordinator_name }} from {{ practice_name }}. "
            "We spoke {{ last_contact }} about {{ treatment }}, and I wanted to check in. Is that "
            "still something you're thinking about? If the timing isn't right, that's okay.\n\n"
            "If yes: offer a time to come in, or to talk it through by phone.\n"
            "If not now: ask whether we may check in again later, and note when.\n"
            "If no: thank them, and close the file.",
            voicemail="Hi {{ first_name }}, it's {{ coordinator_name }} from {{ practice_name }}, "
            "following up on {{ treatment }}. No pressure at all. If it's still on your mind, "
            "call me at {{ practice_phone }}. Either way, take care.",
        ),
        "email-2": Text(
            subject="Still happy to help",
            body="Hi {{ first_name }},\n\nA lot can change in a few months. If {{ treatment }} "
            "is still on your mind, I'm happy to answer anything or find a time that suits you. "
            "If not, that's completely fine.\n\nWould a short call help?\n\n" + SIGN,
        ),
        "sms-2": Text(
            "Hi {{ first_name }}, {{ coordinator_name }} again from {{ practice_name }}. Happy "
            "to help with {{ treatment }} whenever you're ready. If not, no problem. Want me to "
            "call you?"
        ),
        "letter-1": Text(
            "Dear {{ first_name }},\n\nWhen we spoke {{ last_contact }} about {{ treatment }}, "
            "you had a lot to weigh up. I'm writing because circumstances change, and I didn't "
            "want you to think we had forgotten you.\n\nIf you'd like to talk it over, call me "
            "at {{ practice_phone }}. If not, that's completely fine, and there is nothing you "
            "need to do.\n\nWould a short conversation help?\n\n{{ coordinator_name }}\n"
            "{{ practice_name }}"
        ),
        "email-final": Text(
            subject="Closing your file",
            body="Hi {{ first_name }},\n\nI haven't heard back, so I'll assume the timing isn't "
            "right and close out your file. If anything changes, just reply and we'll pick it "
            "up from there.\n\nBefore I do: are you still thinking about {{ treatment }}?\n\n"
            + SIGN,
        ),
    },
    "es": {
        "email-1": Text(
            subject="Sobre {{ treatment }}",
            body="Hola {{ first_name }}:\n\nHablamos {{ last_contact }} sobre {{ treatment }}. "
            "Quería saber si todavía lo está considerando o si algo ha cambiado. De cualquier "
            "manera, no se preocupe.\n\n¿Sigue interesado?\n\n" + FIRMA,
        ),
        "sms-1": Text(
            "Hola {{ first_name }}, soy {{ coordinator_name }} de {{ practice_name }}. ¿Sigue "
            "pensando en {{ treatment }}? Si no, está bien. Responda STOP para salir."
        ),
        "call-1": Text(
            body="Hola {{ first_name }}, habla {{ coordinator_name }} de {{ practice_name }}. "
            "Hablamos {{ last_contact }} sobre {{ treatment }} y quería saber cómo está. ¿Sigue "
            "pensando en ello? Si no es buen momento, está bien.\n\n"
            "Si dice que sí: ofrezca una cita o una llamada para conversarlo.\n"
            "Si ahora no: pregunte si podemos volver a escribirle más adelante y anote cuándo.\n"
            "Si dice que no: agradézcale y cierre el expediente.",
            voicemail="Hola {{ first_name }}, habla {{ coordinator_name }} de "
            "{{ practice_name }}, sobre {{ treatment }}. Sin presión. Si todavía le interesa, "
            "llámeme al {{ practice_phone }}. De cualquier manera, que esté bien.",
        ),
        "email-2": Text(
            subject="Con gusto le ayudamos",
            body="Hola {{ first_name }}:\n\nPueden cambiar muchas cosas en unos meses. Si "
            "todavía piensa en {{ treatment }}, con gusto respondo sus dudas o buscamos un "
            "horario que le convenga. Si no, está bien.\n\n¿Le ayudaría una llamada corta?\n\n"
            + FIRMA,
        ),
        "sms-2": Text(
            "Hola {{ first_name }}, {{ coordinator_name }} de {{ practice_name }} otra vez. Con "
            "gusto le ayudo con {{ treatment }} cuando quiera. Si no, está bien. ¿Le llamo?"
        ),
        "letter-1": Text(
            "Estimado/a {{ first_name }}:\n\nCuando hablamos {{ last_contact }} sobre "
            "{{ treatment }}, tenía mucho que considerar. Le escribo porque las circunstancias "
            "cambian y no quería que pensara que nos olvidamos de usted.\n\nSi quiere "
            "conversarlo, llámeme al {{ practice_phone }}. Si no, está bien; no tiene que hacer "
            "nada.\n\n¿Le ayudaría una breve conversación?\n\n{{ coordinator_name }}\n"
            "{{ practice_name }}"
        ),
        "email-final": Text(
            subject="Cierro su expediente",
            body="Hola {{ first_name }}:\n\nComo no he sabido de usted, entiendo que no es el "
            "momento y cerraré su expediente. Si algo cambia, solo responda y seguimos desde "
            "ahí.\n\nAntes de hacerlo, ¿sigue pensando en {{ treatment }}?\n\n" + FIRMA,
        ),
    },
}

# Per dormancy reason, the opening touches speak to why the lead went quiet.
VARIANTS = {
    DormancyReason.TIMING: {
        "en": {
            "email-1": Text(
                subject="Is now a better time?",
                body="Hi {{ first_name }},\n\nWhen we spoke {{ last_contact }}, the timing "
                "wasn't right for {{ treatment }}. I'm checking in in case that has changed. If "
                "it hasn't, no problem at all.\n\nIs now a better time?\n\n" + SIGN,
            ),
            "sms-1": Text(
                "Hi {{ first_name }}, it's {{ coordinator_name }} from {{ practice_name }}. The "
                "timing wasn't right for {{ treatment }} {{ last_contact }}. Is now any better? "
                "If not, that's okay. Reply STOP to opt out."
            ),
        },
        "es": {
            "email-1": Text(
                subject="¿Es un mejor momento?",
                body="Hola {{ first_name }}:\n\nCuando hablamos {{ last_contact }}, no era el "
                "momento para {{ treatment }}. Le escribo por si eso ha cambiado. Si no, está "
                "bien.\n\n¿Es un mejor momento ahora?\n\n" + FIRMA,
            ),
            "sms-1": Text(
                "Hola {{ first_name }}, soy {{ coordinator_name }} de {{ practice_name }}. ¿Es "
                "mejor momento para {{ treatment }}? Si no, está bien. Responda STOP para salir."
            ),
        },
    },
    DormancyReason.PRICE: {
        "en": {
            "email-1": Text(
                subject="A question about {{ treatment }}",
                body="Hi {{ first_name }},\n\nI know cost was on your mind when we spoke "
                "{{ last_contact }} about {{ treatment }}. I'd be glad to go over the options "
                "again, including paying monthly. If it's still not the right fit, that's "
                "completely fine.\n\nWould that be useful?\n\n" + SIGN,
            ),
            "sms-1": Text(
                "Hi {{ first_name }}, it's {{ coordinator_name }} from {{ practice_name }}. Cost "
                "was a worry when we spoke about {{ treatment }}. Want me to go over monthly "
                "options? No pressure. Reply STOP to opt out."
            ),
        },
        "es": {
            "email-1": Text(
                subject="Una pregunta sobre {{ treatment }}",
                body="Hola {{ first_name }}:\n\nSé que el costo le preocupaba cuando hablamos "
                "{{ last_contact }} sobre {{ treatment }}. Con gusto repasamos las opciones, "
                "incluido el pago mensual. Si aún no es para usted, está bien.\n\n¿Le serviría?"
                "\n\n" + FIRMA,
            ),
            "sms-1": Text(
                "Hola {{ first_name }}, {{ coordinator_name }} de {{ practice_name }}. ¿Le "
                "explico el pago mensual de {{ treatment }}? Sin presión. Responda STOP para "
                "salir."
            ),
        },
    },
    DormancyReason.COMPETITOR: {
        "en": {
            "email-1": Text(
                subject="Checking in",
                body="Hi {{ first_name }},\n\nWhen we spoke {{ last_contact }}, you were "
                "comparing a few offices for {{ treatment }}. If you went ahead elsewhere and "
                "you're happy, that's great to hear. If not, we'd be glad to help.\n\nWould a "
                "second opinion be useful?\n\n" + SIGN,
            ),
            "sms-1": Text(
                "Hi {{ first_name }}, it's {{ coordinator_name }} from {{ practice_name }}. You "
                "were comparing offices for {{ treatment }}. If you're happy elsewhere, that's "
                "okay. "
                "Would a second opinion help? Reply STOP to opt out."
            ),
        },
        "es": {
            "email-1": Text(
                subject="Saludos",
                body="Hola {{ first_name }}:\n\nCuando hablamos {{ last_contact }}, usted "
                "comparaba varias clínicas para {{ treatment }}. Si eligió otra y está contento, "
                "nos alegra. Si no, con gusto le ayudamos.\n\n¿Le serviría una segunda opinión?"
                "\n\n" + FIRMA,
            ),
            "sms-1": Text(
                "Hola {{ first_name }}, {{ coordinator_name }} de {{ practice_name }}. ¿Una "
                "segunda opinión sobre {{ treatment }}? Si no, está bien. Responda STOP para "
                "salir."
            ),
        },
    },
    DormancyReason.PARALYSIS: {
        "en": {
            "email-1": Text(
                subject="Narrowing down your options",
                body="Hi {{ first_name }},\n\nWhen we met {{ last_contact }}, there were a lot "
                "of choices to make about {{ treatment }}. I'm happy to narrow it down to the "
                "one or two that fit you best. If you'd rather not, just let me know.\n\nWould "
                "that help?\n\n" + SIGN,
            ),
            "sms-1": Text(
                "Hi {{ first_name }}, it's {{ coordinator_name }} from {{ practice_name }}. "
                "{{ treatment }} came with a lot of choices. Want me to narrow them to one or "
                "two? No pressure. Reply STOP to opt out."
            ),
        },
        "es": {
            "email-1": Text(
                subject="Sus opciones, más simples",
                body="Hola {{ first_name }}:\n\nCuando nos vimos {{ last_contact }}, había muchas "
                "opciones para {{ treatment }}. Con gusto las reduzco a una o dos que le "
                "convengan. Si prefiere que no, está bien.\n\n¿Le ayudaría?\n\n" + FIRMA,
            ),
            "sms-1": Text(
                "Hola {{ first_name }}, {{ coordinator_name }} de {{ practice_name }}. ¿Le resumo "
                "las opciones de {{ treatment }}? Sin presión. Responda STOP para salir."
            ),
        },
    },
    DormancyReason.CIRCUMSTANCES: {
        "en": {
            "email-1": Text(
                subject="Hope things have settled",
                body="Hi {{ first_name }},\n\nLast time we spoke, {{ last_contact }}, you had a "
                "lot going on. I hope things have settled. If now still isn't the time, that's "
                "okay.\n\nAre you still interested in {{ treatment }}?\n\n" + SIGN,
            ),
            "sms-1": Text(
                "Hi {{ first_name }}, it's {{ coordinator_name }} from {{ practice_name }}. Hope "
                "things have settled since we spoke about {{ treatment }}. Still interested? If "
                "not, that's okay. Reply STOP to opt out."
            ),
        },
        "es": {
            "email-1": Text(
                subject="Espero que todo esté mejor",
                body="Hola {{ first_name }}:\n\nLa última vez que hablamos, {{ last_contact }}, "
                "tenía muchas cosas encima. Espero que todo esté mejor. Si todavía no es el "
                "momento, está bien.\n\n¿Sigue interesado en {{ treatment }}?\n\n" + FIRMA,
            ),
            "sms-1": Text(
                "Hola {{ first_name }}, {{ coordinator_name }} de {{ practice_name }}. Espero que "
                "esté mejor. ¿Aún le interesa {{ treatment }}? Si no, está bien. STOP para salir."
            ),
        },
    },
    DormancyReason.PROCESS_FAILURE: {
        "en": {
            "email-1": Text(
                subject="We should have followed up",
                body="Hi {{ first_name }},\n\nYou came in for {{ stage }} {{ last_contact }}, "
                "and I realised we never followed up properly. I'm sorry about that. If the "
                "timing isn't right now, that's okay.\n\nWould you like us to pick it up again?"
                "\n\n" + SIGN,
            ),
            "sms-1": Text(
                "Hi {{ first_name }}, it's {{ coordinator_name }} from {{ practice_name }}. We "
                "never followed up after {{ stage }}, sorry. Want to pick it up again? If not, "
                "that's okay. Reply STOP to opt out."
            ),
        },
        "es": {
            "email-1": Text(
                subject="Debimos darle seguimiento",
                body="Hola {{ first_name }}:\n\nUsted vino por {{ stage }} {{ last_contact }} y "
                "nos dimos cuenta de que no le dimos seguimiento. Lo sentimos. Si ahora no es "
                "el momento, está bien.\n\n¿Quiere que lo retomemos?\n\n" + FIRMA,
            ),
            "sms-1": Text(
                "Hola {{ first_name }}, {{ coordinator_name }} de {{ practice_name }}. Perdón por "
                "no darle seguimiento. ¿Retomamos {{ stage }}? Si no, está bien. STOP para salir."
            ),
        },
    },
}


def playbook(language: str = "en", reason: str | None = None) -> list[tuple[Step, Text]]:
    """The sequence's steps with their texts: the reason's variant where it has one."""
    language = language if language in DEFAULT else "en"
    variant = VARIANTS.get(reason, {}).get(language, {}) if reason else {}
    return [(step, variant.get(step.key) or DEFAULT[language][step.key]) for step in STEPS]
