"""The sandbox channel: every message is recorded in the outbox and goes nowhere.

Practices try a campaign end to end with it, and the outbox page lets a user play the lead
and reply, which stops the lead's sequences like a real reply would.
"""

from __future__ import annotations

from reactivate.channels.base import SendResult
from reactivate.channels.models import OutboundMessage


class SandboxAdapter:
    name = "sandbox"
    # Recording a message costs nothing, so many share one "sending" commit (base.py).
    sends_per_commit = 100

    def send(self, outbound: OutboundMessage) -> SendResult:
        return SendResult(provider=self.name, provider_id=f"sandbox-{outbound.pk}")
