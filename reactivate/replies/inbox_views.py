"""Replies as read, with a one-click correction; a reply recorded by hand from a lead's page."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from reactivate.leads.selectors import lead_get
from reactivate.replies.manual import ReplyError, reply_correct, reply_record
from reactivate.replies.models import Reply
from reactivate.replies.understand import LABELS
from reactivate.tenancy.access import practice_view

ROWS = 100


@practice_view()
def reply_inbox(request: HttpRequest) -> HttpResponse:
    replies = (
        Reply.objects.filter(practice=request.practice)
        .select_related("lead", "inbound", "corrected_by")
        .order_by("-created_at", "-id")[:ROWS]
    )
    return render(request, "replies/inbox.html", {"replies": replies, "labels": LABELS})


@require_POST
@practice_view(edit=True)
def reply_relabel(request: HttpRequest, pk: int) -> HttpResponse:
    reply = get_object_or_404(Reply, pk=pk, practice=request.practice)
    try:
        reply_correct(reply=reply, label=request.POST.get("label", ""), actor=request.user)
    except ReplyError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Read as {reply.label.replace('_', ' ')}, and acted on.")
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return redirect(target)  # the thread it was corrected from
    return redirect("reply_inbox", slug=request.practice.slug)


@require_POST
@practice_view(edit=True)
def reply_add(request: HttpRequest, lead_id: int) -> HttpResponse:
    lead = lead_get(practice=request.practice, lead_id=lead_id)
    try:
        reply = reply_record(lead=lead, text=request.POST.get("text", ""),
                             via=request.POST.get("via", ""), actor=request.user)  # fmt: skip
    except ReplyError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Recorded; read as {reply.label.replace('_', ' ')}.")
    return redirect("lead_detail", slug=request.practice.slug, lead_id=lead.pk)
