"""The outbox's "reply as the lead" (sandbox): through the real inbound path."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from reactivate.channels.models import OutboundMessage, OutboundStatus
from reactivate.replies.sandbox import EmptyReply, sandbox_reply
from reactivate.tenancy.access import practice_view


@require_POST
@practice_view(edit=True)
def outbox_reply(request: HttpRequest, message_id: int) -> HttpResponse:
    message = get_object_or_404(
        OutboundMessage, practice=request.practice, pk=message_id, status=OutboundStatus.SENT
    )
    try:
        reply = sandbox_reply(message=message, text=request.POST.get("text", ""),
                              actor=request.user)  # fmt: skip
    except EmptyReply as exc:
        messages.error(request, str(exc))
    else:
        label = reply.label.replace("_", " ") if reply else "stored, not read yet"
        human = reply is not None and reply.label not in ("auto_reply", "wrong_contact")
        after = "; their sequences stopped" if human else ""
        messages.success(request, f"Reply from {message.lead} read as: {label}{after}.")
    return redirect("outbox", slug=request.practice.slug)
