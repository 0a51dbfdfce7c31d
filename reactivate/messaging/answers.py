"""Suggested answers to a reply, by what it said: a yes gets the booking step, a "later" a
promise to check back in the month they gave, a changed situation a re-qualifying question.

They are the practice's own templates (step ``answer-<class>``, installed with the starter
playbooks and edited under Messages like any other); the defaults below stand in for a
practice that has none. A person edits the suggestion before it goes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from reactivate.leads.models import Lead
from reactivate.messaging.fields import lead_context
from reactivate.messaging.lint import EMAIL_FOOTER
from reactivate.messaging.models import MessageTemplate
from reactivate.messaging.render import render

SIGN = "{{ coordinator_name }}, {{ practice_name }}"

ANSWERS = {
    "en": {
        "positive": "Hi {{ first_name }}, lovely to hear from you about {{ treatment }}. You can "
        "pick a time at {{ booking_link }}, no rush. Or shall I hold a day for you? " + SIGN,
        "timing": "Thanks, {{ first_name }}, that makes sense. I'll check back about "
        "{{ treatment }} in {{ follow_up_month }}, and if plans change, no worries. "
        "Does that suit you? " + SIGN,
        "changed": "Thanks for telling me, {{ first_name }}. No pressure either way: is "
        "{{ treatment }} still something you'd like, or has what you need changed? " + SIGN,
        "unclear": "Hi {{ first_name }}, thanks for your message. Either way is fine: would you "
        "like a time to talk about {{ treatment }}, or a check-in later? " + SIGN,
        "negative": "Understood, {{ first_name }}, and thank you for letting us know. We won't "
        "follow up about {{ treatment }}. Is it okay if we close your file? " + SIGN,
    },
    "es": {
        "positive": "Hola {{ first_name }}, qué gusto. Elija una hora para {{ treatment }} en "
        "{{ booking_link }}, sin presión. ¿O le reservo un día? " + SIGN,
        "timing": "Gracias, {{ first_name }}, lo entiendo. Le escribo sobre {{ treatment }} "
        "en {{ follow_up_month }}; si algo cambia, no se preocupe. ¿Le parece bien? " + SIGN,
        "changed": "Gracias por contarme, {{ first_name }}. Sin presión: ¿sigue interesado "
        "en {{ treatment }}, o ha cambiado lo que necesita? " + SIGN,
        "unclear": "Hola {{ first_name }}, gracias. Sin presión: ¿hablamos de {{ treatment }} "
        "ahora, o le escribo en unas semanas? " + SIGN,
        "negative": "Entendido, {{ first_name }}, gracias. No le escribiremos más sobre "
        "{{ treatment }}. ¿Está bien si cerramos su expediente? " + SIGN,
    },
}
# A yes when the practice has no booking page or phone to offer: ask for the day instead.
NO_LINK = {
    "en": "Hi {{ first_name }}, lovely to hear from you about {{ treatment }}. No rush: would "
    "a weekday morning suit you for a visit? " + SIGN,
    "es": "Hola {{ first_name }}, qué gusto. Sin presión: ¿le vendría bien una mañana "
    "entre semana para hablar de {{ treatment }}? " + SIGN,
}
SUBJECT = {"en": "About {{ treatment }} at {{ practice_name }}",
           "es": "Sobre {{ treatment }} en {{ practice_name }}"}  # fmt: skip
ANSWERED = tuple(ANSWERS["en"])  # the classes a suggestion exists for


@dataclass(frozen=True)
class Suggestion:
    subject: str
    body: str
    template: str  # the practice template it came from, or "" for the built-in text


def answer_step(label: str) -> str:
    return f"answer-{label}"


def default_answer(
    label: str, channel: str, language: str, *, no_link: bool = False
) -> tuple[str, str]:
    """(subject, body) of the built-in answer, as a template (merge fields unrendered)."""
    body = ANSWERS[language].get(label, ANSWERS[language]["unclear"])
    if no_link and label == "positive":
        body = NO_LINK[language]
    if channel == "email":
        return SUBJECT[language], body.replace(". " + SIGN, ".\n\n" + SIGN) + EMAIL_FOOTER[language]
    return "", body


def suggested_answer(
    lead: Lead, label: str, channel: str, *, coordinator: str = "",
    follow_up_on: date | None = None, unsubscribe_link: str = "",
) -> Suggestion:  # fmt: skip
    """The practice's answer template for the class and channel in the lead's language,
    rendered for the lead; the built-in answer when the practice has none."""
    context = lead_context(lead, coordinator=coordinator, follow_up_on=follow_up_on,
                           unsubscribe_link=unsubscribe_link)  # fmt: skip
    label = label if label in ANSWERED else "unclear"
    template = (
        MessageTemplate.objects.filter(practice_id=lead.practice_id, step=answer_step(label),
                                       channel=channel, language=context.language)
        .order_by("id").first()
    )  # fmt: skip
    version = template.current if template else None
    if version is not None:
        subject, body, name = version.subject, version.body, template.name
    else:
        (subject, body), name = default_answer(label, channel, context.language), ""
    if "booking_link" in body and not context.values.get("booking_link"):
        # A link to nowhere reads as a mistake; the yes is answered with a question.
        _, body = default_answer(label, channel, context.language, no_link=True)
        name = ""
    return Suggestion(render(subject, context).text if subject else "",
                      render(body, context).text, name)  # fmt: skip
