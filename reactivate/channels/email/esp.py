"""Email through an ESP's API, with django-anymail: the same message as over SMTP (every
header, the reply address, the unsubscribe link), handed to the ESP's backend.

The ESP assigns the message its id (``anymail_status.message_id``); that is the id its
tracking webhooks report against, so it is what the outbox stores as ``provider_id``.
"""

from __future__ import annotations

from anymail.exceptions import AnymailAPIError, AnymailError, AnymailRecipientsRefused
from django.core.mail import EmailMultiAlternatives

from reactivate.channels.base import DeliveryError, SendResult
from reactivate.channels.email.adapter import EmailAdapter

# The ESPs offered in settings: anymail's backend module and the name of its API key
# argument. Amazon SES is left out: its backend needs boto3 and AWS credentials instead.
ESPS = {
    "brevo": "api_key",
    "mailersend": "api_token",
    "mailgun": "api_key",
    "postmark": "server_token",
    "resend": "api_key",
    "sendgrid": "api_key",
    "sparkpost": "api_key",
}
RETRY_STATUSES = {408, 429}


class EspAdapter(EmailAdapter):
    def __init__(
        self, *, esp: str, api_key: str, from_email: str, from_name: str, reply_domain: str,
        sender_domain: str = "", api_url: str = "",
    ) -> None:  # fmt: skip
        options = {ESPS[esp]: api_key}
        if sender_domain:
            options["sender_domain"] = sender_domain  # Mailgun: the domain the key sends for
        if api_url:
            options["api_url"] = api_url  # an EU region, a self-hosted server, a test stand-in
        super().__init__(
            from_email=from_email, from_name=from_name, reply_domain=reply_domain,
            backend=f"anymail.backends.{esp}.EmailBackend", options=options,
        )  # fmt: skip
        self.name = esp

    def deliver(self, email: EmailMultiAlternatives) -> SendResult:
        try:
            email.connection = self.session()
            email.send()
        except AnymailRecipientsRefused as exc:
            raise DeliveryError(
                f"{self.name} refused {', '.join(email.to)}", permanent=True
            ) from exc
        except AnymailAPIError as exc:
            status = getattr(exc, "status_code", None)
            permanent = status is not None and status < 500 and status not in RETRY_STATUSES
            raise DeliveryError(f"{self.name}: {exc}", permanent=permanent) from exc
        except (AnymailError, OSError) as exc:
            self._drop()
            raise DeliveryError(
                f"{self.name} could not be reached: {exc}", permanent=False
            ) from exc
        status = email.anymail_status
        return SendResult(provider=self.name, provider_id=status.message_id or "")
