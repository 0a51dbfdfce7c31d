"""Texts through Twilio's official SDK: from a number or a messaging service, with a status
callback per message, at the sender's rate, several calls at once.

``TWILIO_API_BASE`` (a setting, normally empty) sends the SDK's requests to a stand-in of
Twilio's API instead of api.twilio.com: the tests and the send benchmark use one on loopback.
"""

from __future__ import annotations

import threading
from collections import deque
from datetime import timedelta
from decimal import Decimal, InvalidOperation

import requests
from django.conf import settings
from requests.adapters import HTTPAdapter
from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

from reactivate.channels.base import DeliveryError, SendResult
from reactivate.channels.models import OutboundMessage
from reactivate.channels.sms import pace

TWILIO_API = "https://api.twilio.com"
TIMEOUT = 15  # seconds per call: a hung connection must not hold a claimed batch
# Twilio answers 4xx for what will never work (bad number, opted out) and 429/5xx for what
# may work later.
RETRY_STATUSES = {429}
# How long after a send the provider's message list is taken as complete when asked
# whether a message in doubt went out.
SETTLED = timedelta(minutes=2)


class StandInClient(TwilioHttpClient):
    """The SDK's HTTP client, pointed at ``base`` instead of api.twilio.com."""

    def __init__(self, base: str, pool: int) -> None:
        super().__init__(timeout=TIMEOUT)
        self.base = base.rstrip("/")
        self.session.trust_env = False  # loopback: never through a proxy from the environment
        self.session.mount("http://", HTTPAdapter(pool_maxsize=pool))

    def request(self, method, url, *args, **kwargs):
        if url.startswith(TWILIO_API):
            url = self.base + url[len(TWILIO_API) :]
        return super().request(method, url, *args, **kwargs)


def http_client(pool: int):
    base = getattr(settings, "TWILIO_API_BASE", "")
    return StandInClient(base, pool) if base else TwilioHttpClient(timeout=TIMEOUT)


class TwilioAdapter:
    name = "twilio"
    # Provider calls over the network: run several at once (engine: SEND_CONCURRENCY), each
    # committed as "sending" before its call, so a crash leaves at most that many in doubt.
    concurrent = True

    def __init__(
        self,
        *,
        account_sid: str,
        auth_token: str,
        from_number: str = "",
        messaging_service_sid: str = "",
        status_callback: str = "",
        rate: float = 1.0,
    ) -> None:
        self.sends_per_commit = max(1, int(getattr(settings, "SEND_CONCURRENCY", 8)))
        self.client = Client(
            account_sid, auth_token, http_client=http_client(self.sends_per_commit)
        )
        self.from_number, self.service = from_number, messaging_service_sid
        self.status_callback, self.rate = status_callback, rate
        self.slots: deque = deque()
        self.lock = threading.Lock()

    @property
    def sender(self) -> str:
        return self.service or self.from_number

    def prepare(self, count: int) -> None:
        """Reserve the sender's slots for the next ``count`` calls. Called in the transaction
        that claims their messages as sending, so a failure here leaves nothing in doubt."""
        starts = pace.reserve(f"twilio:{self.sender}", count, self.rate)
        with self.lock:
            self.slots = deque(starts)

    def send(self, outbound: OutboundMessage) -> SendResult:
        with self.lock:
            slot = self.slots.popleft() if self.slots else None
        if slot is not None:
            pace.wait_until(slot)
        options = {"to": outbound.to_value, "body": outbound.body}
        if self.service:
            options["messaging_service_sid"] = self.service
        else:
            options["from_"] = self.from_number
        if self.status_callback:
            options["status_callback"] = self.status_callback
        try:
            message = self.client.messages.create(**options)
        except TwilioRestException as exc:
            permanent = exc.status < 500 and exc.status not in RETRY_STATUSES
            raise DeliveryError(
                f"Twilio {exc.code or exc.status}: {exc.msg}",
                permanent=permanent,
                code=str(exc.code or ""),
            ) from exc
        except (TwilioException, requests.RequestException) as exc:
            raise DeliveryError(f"Twilio could not be reached: {exc}", permanent=False) from exc
        return SendResult(provider=self.name, provider_id=message.sid)

    def lookup(self, outbound: OutboundMessage, now) -> str | None:
        """Ask Twilio whether a message left in doubt went out: its sid when it did, "" when
        it clearly did not (nothing with that body to that number since the send began, and
        long enough ago for the list to be complete), None when the answer is not clear."""
        if outbound.sending_at is None:
            return None
        try:
            found = self.client.messages.list(
                to=outbound.to_value,
                date_sent_after=outbound.sending_at - timedelta(minutes=1),
                limit=50,
            )
        except (TwilioException, requests.RequestException):
            return None
        same = [m for m in found if (m.body or "") == outbound.body]
        if len(same) == 1:
            return same[0].sid
        if not same and now - outbound.sending_at >= SETTLED:
            return ""
        return None  # two alike (a person decides which), or too soon to say

    def reported_price(self, outbound: OutboundMessage) -> tuple[Decimal, str] | None:
        """What Twilio billed for a message it sent, as (amount, currency), or None while it
        has not priced it. Twilio fills the price in some time after the send and writes a
        charge as a negative amount; a cost here is positive."""
        try:
            message = self.client.messages(outbound.provider_id).fetch()
        except (TwilioException, requests.RequestException):
            return None
        try:
            amount = abs(Decimal(str(message.price)))
        except (InvalidOperation, ValueError):
            return None  # null until priced
        return amount, (message.price_unit or "").upper()[:3]
