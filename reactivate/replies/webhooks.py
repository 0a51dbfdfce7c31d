"""Where replies come in: Twilio's inbound webhook and anymail's inbound signal. Each
message is stored (channels.inbound), then read and acted on in the same request
(services.reply_take), so a STOP is honoured and a yes is on someone's list at once."""

from __future__ import annotations

import hashlib
import logging

from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from reactivate.channels.inbound import Incoming, receive
from reactivate.channels.sms.webhooks import twilio_practice
from reactivate.leads.choices import Channel
from reactivate.replies.services import reply_take

log = logging.getLogger("reactivate.replies")


@csrf_exempt
@require_POST
def twilio_inbound(request: HttpRequest, slug: str) -> HttpResponse:
    """A text to the practice's number."""
    practice = twilio_practice(request, slug)
    if practice is None:
        log.warning("twilio inbound webhook with a bad signature for %s", slug)
        return HttpResponseForbidden("Bad signature")
    params = request.POST.dict()
    sid = params.get("MessageSid") or params.get("SmsSid") or ""
    if sid:
        stored, _ = receive(
            Incoming(
                channel=Channel.SMS, provider="twilio", provider_id=f"twilio:{sid}",
                from_value=params.get("From", ""), to_value=params.get("To", ""),
                body=params.get("Body", ""), raw=params, practice_id=practice.pk,
            )
        )  # fmt: skip
        reply_take(stored)
    # An empty TwiML answer: no automatic reply here (Twilio's own opt-out replies, when the
    # account uses Advanced Opt-Out, are sent by Twilio).
    return HttpResponse("<Response/>", content_type="text/xml")


def _digest(message) -> str:
    return hashlib.sha256(message.as_bytes()).hexdigest()


def on_inbound(sender, event, esp_name: str, **kwargs) -> None:
    """anymail.signals.inbound receiver: a reply that came through an ESP's inbound route."""
    message = event.message
    sender_address = message.from_email.addr_spec if message.from_email else ""
    recipients = [a.addr_spec for a in (message.to or [])] + [message.envelope_recipient or ""]
    message_id = (message.get("Message-ID") or "").strip()
    references = " ".join(filter(None, [message.get("In-Reply-To"), message.get("References")]))
    stored, _ = receive(
        Incoming(
            channel=Channel.EMAIL,
            provider=esp_name.lower().replace(" ", "_"),
            provider_id=message_id or f"{esp_name}:{event.event_id or _digest(message)}",
            from_value=sender_address.lower(),
            to_value=", ".join(filter(None, recipients)),
            subject=message.subject or "",
            body=message.text or "",
            raw={"headers": [[k, str(v)] for k, v in message.items()], "text": message.text,
                 "html": message.html},
            received_at=event.timestamp,
            in_reply_to=references.split(),
        )
    )  # fmt: skip
    reply_take(stored)
