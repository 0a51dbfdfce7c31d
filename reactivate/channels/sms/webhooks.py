"""Twilio's status callbacks: signature checked with the SDK's RequestValidator, the report
stored and acted on once (channels.events), whatever order and however often it comes."""

from __future__ import annotations

import logging

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import get_object_or_404
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from twilio.request_validator import RequestValidator

from reactivate.channels.config import channel_settings
from reactivate.channels.events import record_event
from reactivate.channels.models import ChannelConfig
from reactivate.channels.sms.mapping import status_event
from reactivate.tenancy.models import Practice

log = logging.getLogger("reactivate.channels.sms")


def twilio_practice(request: HttpRequest, slug: str) -> Practice | None:
    """The practice the webhook is for when the request carries the signature its auth token
    makes, else None (404 when there is no such practice). One query for both: it runs on
    every text and every delivery report.

    Twilio signs the URL it was given, which is the public one (SITE_URL), whatever host
    and scheme a proxy in front of us passes on."""
    config = (
        ChannelConfig.objects.select_related("practice")
        .filter(practice__slug=slug, channel="sms", provider="twilio")
        .first()
    )
    if config is None:
        get_object_or_404(Practice, slug=slug)
        return None
    token = channel_settings(config).get("auth_token", "")
    url = settings.SITE_URL + request.get_full_path()
    signature = request.headers.get("X-Twilio-Signature", "")
    if token and RequestValidator(token).validate(url, request.POST, signature):
        return config.practice
    return None


@csrf_exempt
@require_POST
def twilio_status(request: HttpRequest, slug: str) -> HttpResponse:
    practice = twilio_practice(request, slug)
    if practice is None:
        log.warning("twilio status callback with a bad signature for %s", slug)
        return HttpResponseForbidden("Bad signature")
    event = status_event(request.POST.dict(), practice_id=practice.pk)
    if event is not None:
        record_event(event)
    # Twilio only needs a 2xx; anything else makes it retry.
    return HttpResponse(status=204)
