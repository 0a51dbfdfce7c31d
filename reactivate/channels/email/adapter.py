"""Email through Django's mail framework over SMTP, with everything a campaign email carries.

Every message has its own ``Message-ID``, a per-lead reply address (so replies thread back),
``List-Unsubscribe`` with the signed HTTPS link and a ``mailto:``, and
``List-Unsubscribe-Post: List-Unsubscribe=One-Click`` (RFC 8058), a plain-text part and the
escaped HTML part. The body already carries the practice's postal address (the linter holds
every email template to it; CAN-SPAM).
"""

from __future__ import annotations

import contextlib
import smtplib
import threading
from email.utils import formataddr, make_msgid

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.utils.html import escape, linebreaks

from reactivate.channels.base import DeliveryError, SendResult
from reactivate.channels.email.addresses import (
    parse_smtp_url,
    reply_address,
    unsubscribe_address,
)
from reactivate.channels.email.dkim_keys import dkim_signature
from reactivate.channels.models import OutboundMessage
from reactivate.leads.models import Lead
from reactivate.messaging.unsubscribe import unsubscribe_url

SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"


class EmailAdapter:
    name = "smtp"
    # Calls over the network: several at once (engine: SEND_CONCURRENCY), each thread on its
    # own SMTP session, each message committed as "sending" before its call.
    concurrent = True

    def __init__(
        self, *, from_email: str, from_name: str, reply_domain: str, url: str = "",
        dkim_selector: str = "", backend: str = SMTP_BACKEND, options: dict | None = None,
    ) -> None:  # fmt: skip
        """``url`` for SMTP (smtp://user:pass@host:587?starttls=1); an ESP's adapter
        (esp.py) gives its anymail ``backend`` and ``options`` instead."""
        self.backend = backend
        self.options = parse_smtp_url(url) if url else dict(options or {})
        self.from_email, self.from_name, self.reply_domain = from_email, from_name, reply_domain
        self.dkim_selector = dkim_selector
        self.sends_per_commit = max(1, int(getattr(settings, "SEND_CONCURRENCY", 8)))
        self.local = threading.local()
        self.sessions: list = []
        self.lock = threading.Lock()

    @property
    def connection(self):
        """This thread's SMTP session, opened on first use."""
        return getattr(self.local, "connection", None)

    def message(self, outbound: OutboundMessage, lead: Lead) -> EmailMultiAlternatives:
        domain = self.from_email.rpartition("@")[2]
        reply_to = reply_address(lead.pk, self.reply_domain)
        mailto = unsubscribe_address(lead.pk, self.reply_domain)
        headers = {
            "Message-ID": make_msgid(idstring=f"r{outbound.pk}", domain=domain),
            "List-Unsubscribe": f"<{unsubscribe_url(lead)}>, <mailto:{mailto}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        }
        email = EmailMultiAlternatives(
            subject=outbound.subject,
            body=outbound.body,
            from_email=formataddr((self.from_name, self.from_email)),
            to=[outbound.to_value],
            reply_to=[reply_to],
            headers=headers,
        )
        email.attach_alternative(linebreaks(escape(outbound.body)), "text/html")
        return email

    def send(self, outbound: OutboundMessage) -> SendResult:
        # The reply address and the unsubscribe link need only the lead's and the practice's
        # ids: no query, so sends can run on threads with no database connection of their own.
        lead = Lead(pk=outbound.lead_id, practice_id=outbound.practice_id)
        return self.deliver(self.message(outbound, lead))

    def deliver(self, email: EmailMultiAlternatives) -> SendResult:
        try:
            self.session()
            if self.dkim_selector:
                self._send_signed(email)
            else:
                email.connection = self.connection
                email.send()
        except smtplib.SMTPRecipientsRefused as exc:
            raise DeliveryError(
                f"the server refused {', '.join(email.to)}", permanent=True
            ) from exc
        except smtplib.SMTPResponseException as exc:
            # 5xx: this message will never be accepted; 4xx: try again later.
            raise DeliveryError(
                f"{exc.smtp_code} {exc.smtp_error!r}", permanent=exc.smtp_code >= 500
            ) from exc
        except (smtplib.SMTPException, OSError) as exc:
            self._drop()
            raise DeliveryError(
                f"the mail server could not be reached: {exc}", permanent=False
            ) from exc
        return SendResult(provider=self.name, provider_id=email.extra_headers["Message-ID"])

    def session(self):
        """This thread's connection to the mail server or the ESP, opened on first use."""
        if self.connection is None:
            session = get_connection(self.backend, fail_silently=False, **self.options)
            session.open()
            self.local.connection = session
            with self.lock:
                self.sessions.append(session)
        return self.connection

    def _send_signed(self, email: EmailMultiAlternatives) -> None:
        # The signature covers the exact bytes that go out, so they are built once, signed,
        # and handed to the SMTP session as they are (Django would rebuild the boundaries).
        raw = email.message().as_bytes(linesep="\r\n")
        domain = self.from_email.rpartition("@")[2]
        signed = dkim_signature(raw, domain, self.dkim_selector) + raw
        self.connection.connection.sendmail(self.from_email, email.recipients(), signed)

    def _drop(self) -> None:
        """Forget this thread's session (broken): the next message opens a new one."""
        session = self.connection
        self.local.connection = None
        if session is not None:
            with self.lock:
                if session in self.sessions:
                    self.sessions.remove(session)
            with contextlib.suppress(smtplib.SMTPException, OSError):
                session.close()

    def close(self) -> None:
        """Every thread's session, at the end of a batch."""
        with self.lock:
            sessions, self.sessions = self.sessions, []
        for session in sessions:
            with contextlib.suppress(smtplib.SMTPException, OSError):
                session.close()
        self.local = threading.local()
