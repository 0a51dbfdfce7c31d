"""The channel interface the engine sends through: ``send(outbound) -> SendResult``.

An adapter raises ``DeliveryError(permanent=True)`` when retrying cannot help (unknown user,
landline for a text) and ``permanent=False`` when it may (provider down, rate limited).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from reactivate.channels.models import OutboundMessage


@dataclass(frozen=True)
class SendResult:
    provider: str
    provider_id: str


class DeliveryError(Exception):
    """``code`` is the provider's error code, when it gave one (Twilio 21610…): the engine
    records the refusal as a channel event, so it has the same effect as a late report."""

    def __init__(self, message: str, *, permanent: bool, code: str = "") -> None:
        super().__init__(message)
        self.permanent = permanent
        self.code = code


class ChannelAdapter(Protocol):
    name: str
    # How many messages may be marked "sending" in one commit before the adapter is called
    # for each. A worker that dies mid-group leaves the whole group "uncertain" for a person,
    # so an adapter that calls a provider over the network says 1: a commit costs far less
    # than the call, and a person never has to check more than the one message.
    sends_per_commit: int

    def send(self, outbound: OutboundMessage) -> SendResult: ...
