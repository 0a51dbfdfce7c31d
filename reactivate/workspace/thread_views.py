"""A lead's conversation and the answer box; the unmatched messages and attaching one to a
lead; the linter as the answer is typed."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from reactivate.audit.models import AuditAction
from reactivate.audit.services import audit_record
from reactivate.channels.direct import Held
from reactivate.leads.consent import can_contact
from reactivate.leads.selectors import lead_get, lead_list
from reactivate.messaging.lint import Message, lint
from reactivate.replies.manual import ReplyError, reply_attach
from reactivate.replies.models import Reply
from reactivate.replies.understand import LABELS
from reactivate.tenancy.access import practice_view
from reactivate.workspace.answering import answer_send, latest_reply, suggestion_for
from reactivate.workspace.thread import thread, unmatched


@practice_view()
def thread_page(request: HttpRequest, lead_id: int) -> HttpResponse:
    lead = lead_get(practice=request.practice, lead_id=lead_id)
    audit_record(practice=request.practice, actor=request.user, action=AuditAction.LEAD_VIEWED,
                 obj=lead, detail={"page": "thread"})  # fmt: skip
    return render(request, "workspace/thread.html", _thread_context(request, lead))


def _thread_context(request: HttpRequest, lead, channel: str = "") -> dict:
    now = timezone.now()
    gates = {c: can_contact(lead, c, now, touches=[]) for c in ("sms", "email")}
    reply = latest_reply(lead)
    if not channel:
        came = reply.inbound.channel if reply else ""
        open_ = [c for c, d in gates.items() if d.allowed or d.code == "hours"]
        channel = came if came in open_ else (open_[0] if open_ else "sms")
    suggestion = suggestion_for(lead, channel, request.user)
    return {
        "lead": lead, "entries": thread(lead), "labels": LABELS, "gates": gates,
        "channel": channel, "suggestion": suggestion, "reply": reply,
        "verdict": _lint(suggestion.body, channel, suggestion.subject, request.practice),
    }  # fmt: skip


def _lint(body: str, channel: str, subject: str, practice):
    # An answer continues a conversation: no introduction, no proof of remembering needed.
    return lint(Message(channel=channel, body=body, subject=subject, first_touch=False,
                        answer=True, practice_name=practice.name,
                        phi_safe=practice.phi_safe))  # fmt: skip


@practice_view()
def thread_suggest(request: HttpRequest, lead_id: int) -> HttpResponse:
    """The answer box for another channel (HTMX swaps it in)."""
    lead = lead_get(practice=request.practice, lead_id=lead_id)
    channel = request.GET.get("channel", "sms")
    context = _thread_context(request, lead, channel if channel in ("sms", "email") else "sms")
    return render(request, "workspace/_answer.html", context)


@require_POST
@practice_view(edit=True)
def answer_lint(request: HttpRequest, lead_id: int) -> HttpResponse:
    lead_get(practice=request.practice, lead_id=lead_id)  # the wall: only one's own leads
    channel = request.POST.get("channel", "sms")
    verdict = _lint(request.POST.get("body", ""), channel if channel in ("sms", "email") else "sms",
                    request.POST.get("subject", ""), request.practice)  # fmt: skip
    return render(request, "workspace/_lint.html", {"verdict": verdict})


@require_POST
@practice_view(edit=True)
def answer(request: HttpRequest, lead_id: int) -> HttpResponse:
    lead = lead_get(practice=request.practice, lead_id=lead_id)
    try:
        answer_send(lead=lead, channel=request.POST.get("channel", ""),
                    body=request.POST.get("body", ""), subject=request.POST.get("subject", ""),
                    actor=request.user, finish=bool(request.POST.get("finish")))  # fmt: skip
    except Held as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Answer sent to {lead.full_name or 'the lead'}.")
    return redirect("thread", slug=request.practice.slug, lead_id=lead.pk)


@practice_view()
def triage_page(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    found = list(lead_list(practice=request.practice, query=query)[:8]) if query else []
    return render(request, "workspace/triage.html", {
        "replies": unmatched(request.practice.pk), "query": query, "found": found,
        "attach": request.GET.get("attach", ""),
    })  # fmt: skip


@require_POST
@practice_view(edit=True)
def triage_attach(request: HttpRequest, pk: int) -> HttpResponse:
    reply = get_object_or_404(Reply, pk=pk, practice=request.practice)
    lead = lead_get(practice=request.practice, lead_id=int(request.POST.get("lead", 0) or 0))
    try:
        reply_attach(reply=reply, lead=lead, actor=request.user)
    except ReplyError as exc:
        messages.error(request, str(exc))
        return redirect("triage", slug=request.practice.slug)
    messages.success(request, f"Attached to {lead.full_name or 'the lead'} and acted on.")
    return redirect("thread", slug=request.practice.slug, lead_id=lead.pk)
