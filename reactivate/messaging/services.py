"""Writing templates: every save is a new, linted version; starter playbooks copied in."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Max, Q, QuerySet

from reactivate.audit.models import AuditAction
from reactivate.audit.services import audit_record
from reactivate.leads.choices import DormancyReason
from reactivate.leads.models import Lead
from reactivate.messaging.answers import ANSWERED, answer_step, default_answer
from reactivate.messaging.lint import EMAIL_FOOTER, LintResult, Message, lint
from reactivate.messaging.models import MessageTemplate, TemplateVersion
from reactivate.messaging.playbooks import STEP_NAMES, VARIANTS, playbook
from reactivate.tenancy.models import Practice


def lint_template(
    template: MessageTemplate, subject: str, body: str, voicemail: str, *, phi_safe: bool
) -> LintResult:
    return lint(
        Message(
            channel=template.channel,
            subject=subject,
            body=body,
            voicemail=voicemail,
            language=template.language,
            first_touch=template.first_touch,
            phi_safe=phi_safe,
            practice_name=template.practice.name if template.practice else "",
        )
    )


def templates_for(practice: Practice) -> QuerySet[MessageTemplate]:
    """The practice's own templates and its agency's shared library."""
    return MessageTemplate.objects.filter(
        Q(practice=practice) | Q(agency_id=practice.agency_id)
    ).prefetch_related("versions")


def template_save_version(
    *,
    template: MessageTemplate,
    subject: str,
    body: str,
    voicemail: str = "",
    actor: AbstractBaseUser | None,
    practice: Practice,
) -> TemplateVersion:
    """Store the text as the template's next version, with its lint result."""
    result = lint_template(template, subject, body, voicemail, phi_safe=practice.phi_safe)
    with transaction.atomic():
        last = (
            TemplateVersion.objects.select_for_update()
            .filter(template=template)
            .aggregate(n=Max("number"))["n"]
        )
        version = TemplateVersion.objects.create(
            template=template,
            number=(last or 0) + 1,
            subject=subject,
            body=body,
            voicemail=voicemail,
            lint_verdict=result.verdict,
            lint=result.as_dict(),
            created_by=actor,
        )
        audit_record(
            practice=practice,
            actor=actor,
            action=AuditAction.TEMPLATE_SAVED,
            obj=template,
            detail={"version": version.number, "verdict": result.verdict},
        )
    return version


def install_starter_playbooks(*, practice: Practice, actor: AbstractBaseUser | None) -> int:
    """Copy the starter playbooks into the practice's templates; existing names are kept."""
    created = 0
    reasons = [None, *VARIANTS]
    for language in ("en", "es"):
        for reason in reasons:
            steps = playbook(language, reason)
            if reason is not None:
                # A variant only changes the opening touches; the rest is the default's.
                steps = [(s, t) for s, t in steps if s.key in VARIANTS[reason][language]]
            label = DormancyReason(reason).label if reason else "Any reason"
            for step, text in steps:
                name = f"Starter · {label} · {STEP_NAMES[step.key]}"
                template, made = MessageTemplate.objects.get_or_create(
                    practice=practice,
                    name=name,
                    language=language,
                    defaults={
                        "channel": step.channel,
                        "dormancy_reason": reason or "",
                        "step": step.key,
                        "first_touch": step.first_touch,
                    },
                )
                if made:
                    body = text.body + (EMAIL_FOOTER[language] if step.channel == "email" else "")
                    template_save_version(
                        template=template,
                        subject=text.subject,
                        body=body,
                        voicemail=text.voicemail,
                        actor=actor,
                        practice=practice,
                    )
                    created += 1
    return created + _install_answers(practice, actor)


ANSWER_NAMES = {"positive": "Said yes", "timing": "Later", "changed": "Situation changed",
                "unclear": "Not sure what they meant", "negative": "Said no"}  # fmt: skip


def _install_answers(practice: Practice, actor: AbstractBaseUser | None) -> int:
    """The suggested answers to replies, as templates the practice can edit."""
    created = 0
    for language in ("en", "es"):
        for label in ANSWERED:
            for channel in ("sms", "email"):
                name = f"Answer · {ANSWER_NAMES[label]} · {'text' if channel == 'sms' else 'email'}"
                template, made = MessageTemplate.objects.get_or_create(
                    practice=practice, name=name, language=language,
                    defaults={"channel": channel, "step": answer_step(label), "first_touch": False},
                )  # fmt: skip
                if made:
                    subject, body = default_answer(label, channel, language)
                    template_save_version(template=template, subject=subject, body=body,
                                          voicemail="", actor=actor, practice=practice)  # fmt: skip
                    created += 1
    return created


def family_key(template: MessageTemplate) -> tuple:
    """What ties a message's versions in other languages and for other reasons together: a
    starter playbook step, else the template's name (one name, one row per language)."""
    owner = (
        ("practice", template.practice_id)
        if template.practice_id
        else ("agency", template.agency_id)
    )
    return (*owner, "step", template.step) if template.step else (*owner, "name", template.name)


def template_family(template: MessageTemplate) -> list[MessageTemplate]:
    """The template and its siblings in other languages (and, for playbooks, reasons)."""
    kind, owner, by, value = family_key(template)
    found = MessageTemplate.objects.filter(**{f"{kind}_id": owner, by: value})
    return list(found.prefetch_related("versions"))


def pick_template(candidates: list[MessageTemplate], lead: Lead) -> MessageTemplate | None:
    """The version of a message for this lead: its language, its dormancy reason, else the
    general one in English."""

    def rank(t: MessageTemplate) -> tuple[int, int]:
        return (
            0 if t.language == lead.preferred_language else 1 if t.language == "en" else 2,
            0 if t.dormancy_reason == lead.dormancy_reason else 1 if not t.dormancy_reason else 2,
        )

    usable = [t for t in candidates if t.dormancy_reason in ("", lead.dormancy_reason)]
    return min(usable, key=rank, default=None)
