"""The unsubscribe link every email carries: a signed token, no login, one click.

RFC 8058: the link also answers ``POST List-Unsubscribe=One-Click`` with no cookies, and the
opt-out takes effect at once (STANDARDS.md: CAN-SPAM, Gmail and Yahoo bulk-sender rules).
The token names the practice and the lead; it is signed with the site's secret key, so it
cannot be forged or pointed at another lead.
"""

from __future__ import annotations

from functools import lru_cache

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import get_script_prefix, reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from reactivate.leads.choices import (
    Channel,
    ConsentStatus,
    ContactKind,
    InteractionKind,
    SuppressionReason,
)
from reactivate.leads.models import Consent, ContactPoint, Interaction, Lead, Suppression

SALT = "reactivate.unsubscribe"


def unsubscribe_token(lead: Lead) -> str:
    # "practice-lead" and its HMAC: the engine signs one for every email it sends, and this
    # costs a fraction of signing.dumps' JSON and compression.
    return _signer(settings.SECRET_KEY).sign(f"{lead.practice_id}-{lead.pk}")


@lru_cache(maxsize=2)
def _signer(secret: str) -> signing.Signer:
    return signing.Signer(key=secret, salt=SALT)


def unsubscribe_url(lead: Lead) -> str:
    head, tail = _unsubscribe_path(get_script_prefix(), settings.ROOT_URLCONF)
    return settings.SITE_URL + head + unsubscribe_token(lead) + tail


@lru_cache(maxsize=8)
def _unsubscribe_path(script_prefix: str, urlconf: str) -> tuple[str, str]:
    """The link's path around its token: reverse() walks the URL table on every call, and the
    engine writes a link into every email it sends. Signed tokens hold only URL-safe
    characters, so they go in unquoted, as reverse() would leave them."""
    path = reverse("unsubscribe", args=["TOKEN"])
    head, tail = path.split("TOKEN")
    return head, tail


def _lead(token: str) -> Lead:
    try:
        value = signing.Signer(salt=SALT).unsign(token)
        practice_id, _, lead_id = value.partition("-")
        if not (practice_id.isdigit() and lead_id.isdigit()):
            # Links from the first release carry signing.dumps({"p": …, "l": …}).
            data = signing.loads(token, salt=SALT)
            practice_id, lead_id = data["p"], data["l"]
    except (signing.BadSignature, KeyError, TypeError, ValueError) as exc:
        raise Http404("This unsubscribe link is not valid.") from exc
    lead = (
        Lead.objects.select_related("practice").filter(pk=lead_id, practice_id=practice_id).first()
    )
    if lead is None:
        raise Http404("This unsubscribe link is not valid.")
    return lead


def unsubscribe_email(lead: Lead, *, source: str) -> int:
    """Suppress every email address of the lead, practice-wide, and revoke email consent."""
    now = timezone.now()
    with transaction.atomic():
        points = list(ContactPoint.objects.filter(lead=lead, kind=ContactKind.EMAIL))
        for point in points:
            Suppression.objects.get_or_create(
                practice_id=lead.practice_id,
                kind=ContactKind.EMAIL,
                value=point.value,
                defaults={"reason": SuppressionReason.OPT_OUT, "source": source},
            )
            Consent.objects.update_or_create(
                contact_point=point,
                channel=Channel.EMAIL,
                defaults={
                    "practice_id": lead.practice_id,
                    "status": ConsentStatus.REVOKED,
                    "source": source,
                    "recorded_at": now,
                },
            )
        Interaction.objects.create(
            practice_id=lead.practice_id,
            lead=lead,
            kind=InteractionKind.CONSENT_CHANGE,
            channel=Channel.EMAIL,
            actor_label="lead",
            summary="Unsubscribed from email",
            body=source,
            occurred_at=now,
        )
        # The lead lost a channel: rescoring keeps its reach, segment counts and priority
        # honest (segments sits beside messaging, hence the import here).
        from reactivate.segments.tasks import score_practice_task

        transaction.on_commit(lambda: score_practice_task(lead.practice_id, [lead.pk]))
    return len(points)


@csrf_exempt  # RFC 8058: the one-click POST carries no cookies and no form token.
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    lead = _lead(token)
    if request.method == "POST":
        one_click = request.POST.get("List-Unsubscribe") == "One-Click"
        unsubscribe_email(lead, source="one-click unsubscribe" if one_click else "unsubscribe page")
        return render(request, "messaging/unsubscribed.html", {"practice": lead.practice})
    return render(
        request, "messaging/unsubscribe.html", {"practice": lead.practice, "token": token}
    )
