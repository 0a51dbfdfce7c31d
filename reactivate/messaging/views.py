from __future__ import annotations

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from reactivate.core.sms import sms_segments
from reactivate.leads.models import Lead
from reactivate.messaging.fields import lead_context
from reactivate.messaging.forms import TemplateForm
from reactivate.messaging.models import MessageTemplate
from reactivate.messaging.render import render as fill
from reactivate.messaging.render import to_html
from reactivate.messaging.services import (
    install_starter_playbooks,
    lint_template,
    template_save_version,
    templates_for,
)
from reactivate.messaging.unsubscribe import unsubscribe_url
from reactivate.segments.definitions import segment_leads
from reactivate.segments.models import Segment
from reactivate.tenancy.access import practice_view
from reactivate.tenancy.choices import Role

PREVIEW_LEADS = 8


def _template(request: HttpRequest, template_id: int) -> MessageTemplate:
    return get_object_or_404(templates_for(request.practice), pk=template_id)


def _may_edit(request: HttpRequest, template: MessageTemplate | None) -> bool:
    """Practice templates: anyone who may edit. The agency library: its operators only."""
    if not request.access.can_edit:
        return False
    return (
        template is None
        or template.practice_id is not None
        or (request.access.role == Role.AGENCY_OPERATOR)
    )


@practice_view()
def message_index(request: HttpRequest) -> HttpResponse:
    rows = [(t, t.current) for t in templates_for(request.practice)]
    return render(request, "messaging/index.html", {"rows": rows})


@require_POST
@practice_view(edit=True)
def message_install(request: HttpRequest) -> HttpResponse:
    created = install_starter_playbooks(practice=request.practice, actor=request.user)
    messages.success(
        request,
        f"Added {created} starter messages."
        if created
        else "The starter messages are already here.",
    )
    return redirect("message_index", slug=request.practice.slug)


@practice_view(edit=True)
def message_edit(request: HttpRequest, template_id: int | None = None) -> HttpResponse:
    practice = request.practice
    template = _template(request, template_id) if template_id else None
    current = template.current if template else None
    editable = _may_edit(request, template)
    initial = (
        {"subject": current.subject, "body": current.body, "voicemail": current.voicemail}
        if current
        else {}
    )
    form = TemplateForm(
        request.POST or None,
        instance=template or MessageTemplate(practice=practice),
        initial=initial,
    )
    if request.method == "POST":
        if not editable:
            return HttpResponse(
                "Only the agency's operators change its shared library.", status=403
            )
        if form.is_valid():
            try:
                with transaction.atomic():
                    saved = form.save()
                    text = form.cleaned_data
                    changed = not current or (
                        (current.subject, current.body, current.voicemail)
                        != (text["subject"], text["body"], text["voicemail"])
                    )
                    if changed:
                        template_save_version(
                            template=saved,
                            subject=text["subject"],
                            body=text["body"],
                            voicemail=text["voicemail"],
                            actor=request.user,
                            practice=practice,
                        )
            except IntegrityError:
                form.add_error("name", "There is already a message with this name and language.")
            else:
                messages.success(request, f"Saved “{saved.name}”.")
                return redirect("message_edit", slug=practice.slug, template_id=saved.pk)
    if not editable:
        for field in form.fields.values():
            field.disabled = True
    result = None
    if current:
        result = lint_template(
            template, current.subject, current.body, current.voicemail, phi_safe=practice.phi_safe
        )
    return render(
        request,
        "messaging/edit.html",
        {
            "form": form,
            "template": template,
            "versions": template.versions.all()[:20] if template else [],
            "result": result,
            "editable": editable,
            "segments": Segment.objects.filter(practice=practice),
        },
    )


@require_POST
@practice_view(edit=True)
def message_lint(request: HttpRequest) -> HttpResponse:
    """The editor's live lint panel (HTMX): lints what is in the form, saves nothing."""
    form = TemplateForm(request.POST)
    form.is_valid()
    data = form.cleaned_data
    template = MessageTemplate(
        practice=request.practice,
        channel=data.get("channel") or "email",
        language=data.get("language") or "en",
        first_touch=bool(data.get("first_touch")),
    )
    result = lint_template(
        template,
        data.get("subject") or "",
        data.get("body") or "",
        data.get("voicemail") or "",
        phi_safe=request.practice.phi_safe,
    )
    return render(request, "messaging/_lint.html", {"result": result})


@require_POST
@practice_view(edit=True)
def message_share(request: HttpRequest, template_id: int) -> HttpResponse:
    """An agency operator puts a practice's message into the agency's shared library."""
    if request.access.role != Role.AGENCY_OPERATOR:
        return HttpResponse("Only the agency's operators add to its shared library.", status=403)
    source = _template(request, template_id)
    version = source.current
    with transaction.atomic():
        shared, created = MessageTemplate.objects.get_or_create(
            agency_id=request.practice.agency_id,
            name=source.name,
            language=source.language,
            defaults={
                "channel": source.channel,
                "dormancy_reason": source.dormancy_reason,
                "step": source.step,
                "first_touch": source.first_touch,
            },
        )
        if version and (
            created
            or (shared.current.subject, shared.current.body, shared.current.voicemail)
            != (version.subject, version.body, version.voicemail)
        ):
            template_save_version(
                template=shared,
                subject=version.subject,
                body=version.body,
                voicemail=version.voicemail,
                actor=request.user,
                practice=request.practice,
            )
    messages.success(request, f"“{shared.name}” is in the agency library for every practice.")
    return redirect("message_edit", slug=request.practice.slug, template_id=shared.pk)


@require_POST
@practice_view(edit=True)
def message_copy(request: HttpRequest, template_id: int) -> HttpResponse:
    """Copy a message (usually from the agency library) into this practice to edit it."""
    source = _template(request, template_id)
    version = source.current
    name = source.name if source.agency_id else f"{source.name} (copy)"
    with transaction.atomic():
        copy, created = MessageTemplate.objects.get_or_create(
            practice=request.practice,
            name=name,
            language=source.language,
            defaults={
                "channel": source.channel,
                "dormancy_reason": source.dormancy_reason,
                "step": source.step,
                "first_touch": source.first_touch,
            },
        )
        if created and version:
            template_save_version(
                template=copy,
                subject=version.subject,
                body=version.body,
                voicemail=version.voicemail,
                actor=request.user,
                practice=request.practice,
            )
    return redirect("message_edit", slug=request.practice.slug, template_id=copy.pk)


@practice_view()
def message_preview(request: HttpRequest, template_id: int) -> HttpResponse:
    """The current version on real leads: a segment's best-ranked ones, or the latest leads."""
    practice = request.practice
    template = _template(request, template_id)
    version = template.current
    segment = None
    if request.GET.get("segment"):
        segment = get_object_or_404(Segment, practice=practice, pk=request.GET["segment"])
        leads = segment_leads(practice, segment.definition)
    else:
        leads = Lead.objects.filter(practice=practice).order_by("-last_contact_at", "-id")
    coordinator = request.user.get_full_name() or request.user.get_username()
    previews = []
    for lead in leads[:PREVIEW_LEADS] if version else []:
        context = lead_context(
            lead,
            practice=practice,
            coordinator=coordinator,
            unsubscribe_link=unsubscribe_url(lead),
            language=template.language,
        )
        subject = fill(version.subject, context)
        body = fill(version.body, context)
        voicemail = fill(version.voicemail, context)
        previews.append(
            {
                "lead": lead,
                "subject": subject.text,
                "body": body.text,
                "html": to_html(body.text) if template.channel == "email" else "",
                "voicemail": voicemail.text,
                "fallbacks": sorted(subject.fallbacks | body.fallbacks | voicemail.fallbacks),
                "unknown": sorted(subject.unknown | body.unknown | voicemail.unknown),
                "segments": sms_segments(body.text) if template.channel == "sms" else None,
            }
        )
    result = (
        lint_template(
            template, version.subject, version.body, version.voicemail, phi_safe=practice.phi_safe
        )
        if version
        else None
    )
    return render(
        request,
        "messaging/_preview.html",
        {"template": template, "previews": previews, "segment": segment, "result": result},
    )
