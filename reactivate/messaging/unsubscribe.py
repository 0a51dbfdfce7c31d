"""The unsubscribe link every email carries: a signed token, no login, one click.

RFC 8058: the link also answers ``POST List-Unsubscribe=One-Click`` with no cookies, and the
opt-out takes effect at once (STANDARDS.md: CAN-SPAM, Gmail and Yahoo bulk-sender rules).
The token names the practice and the lead; it is signed with the site's secret key, so it
cannot be forged or pointed at another lead.
"""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
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
    return signing.dumps({"p": lead.practice_id, "l": lead.pk}, salt=SALT, compress=True)


def unsubscribe_url(lead: Lead) -> str:
    return settings.SITE_URL + reverse("unsubscribe", args=[unsubscribe_token(lead)])


def _lead(token: str) -> Lead:
    try:
        data = signing.loads(token, salt=SALT)
    except signing.BadSignature as exc:
        raise Http404("This unsubscribe link is not valid.") from exc
    lead = (
        Lead.objects.select_related("practice").filter(pk=data["l"], practice_id=data["p"]).first()
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
