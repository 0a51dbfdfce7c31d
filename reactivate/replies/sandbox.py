"""The sandbox's "reply as the lead": a person plays the lead, and the words go through the
same inbound path as a real reply (stored raw, attributed to the lead, read, acted on), so
"please stop emailing me" typed here opts the person out everywhere, as it would for real."""

from __future__ import annotations

import uuid

from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone

from reactivate.audit.models import AuditAction
from reactivate.audit.services import audit_record
from reactivate.channels.inbound import Incoming, receive
from reactivate.channels.models import OutboundMessage
from reactivate.replies.models import Reply
from reactivate.replies.services import reply_take


class EmptyReply(ValueError):
    pass


def sandbox_reply(*, message: OutboundMessage, text: str, actor: AbstractBaseUser) -> Reply:
    text = (text or "").strip()
    if not text:
        raise EmptyReply("Type what the lead answers first.")
    stored, _ = receive(
        Incoming(
            channel=message.channel, provider="sandbox",
            provider_id=f"sandbox:{uuid.uuid4().hex}", from_value=message.to_value,
            to_value="", body=text[:2000], practice_id=message.practice_id,
            received_at=timezone.now(), in_reply_to=[message.provider_id or ""],
            raw={"sandbox": True, "typed_by": actor.get_username(), "outbound": message.pk},
        )
    )  # fmt: skip
    reply = reply_take(stored)
    audit_record(practice=message.practice, actor=actor, action=AuditAction.REPLY_RECORDED,
                 obj=message, detail={"lead": message.lead_id, "sandbox": True,
                                      "label": reply.label if reply else None})  # fmt: skip
    return reply
