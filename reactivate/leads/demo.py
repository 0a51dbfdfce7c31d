"""`reactivate demo`: one agency, one demo practice, a user and a few thousand synthetic leads."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from reactivate.core.text import last_word_key, search_key
from reactivate.leads.choices import (
    CHANNELS_FOR_KIND,
    Channel,
    ConsentStatus,
    ContactKind,
    InteractionKind,
    Validity,
)
from reactivate.leads.frames import refresh_statistics
from reactivate.leads.models import Consent, ContactPoint, Interaction, Lead
from reactivate.leads.optout import opt_out_leads
from reactivate.leads.synthetic import SyntheticLead, generate_leads
from reactivate.tenancy.choices import Role
from reactivate.tenancy.models import Agency, Membership, Practice

DEMO_AGENCY = "demo-agency"
DEMO_PRACTICE = "demo"
DEMO_USER = "demo"
BATCH = 1000


@dataclass(frozen=True)
class DemoResult:
    practice: Practice
    username: str
    password: str
    leads_created: int


def demo_prepare(*, leads: int = 3000, seed: int = 7) -> DemoResult:
    """Create (or find) the demo world. Safe to run again: leads are generated only once."""
    with transaction.atomic():
        agency, _ = Agency.objects.get_or_create(slug=DEMO_AGENCY, defaults={"name": "Demo Agency"})
        practice, _ = Practice.objects.get_or_create(
            slug=DEMO_PRACTICE,
            defaults={
                "agency": agency,
                "name": "Brightwater Dental & Implants",
                "timezone": "America/Los_Angeles",
                "country": "US",
                "state": "CA",
                "postal_address": "1200 Harbor Blvd, Suite 300, Ventura, CA 93001",
                "phone": "+18055550142",
                "cost_per_new_lead": 250,
            },
        )
        user, _ = get_user_model().objects.get_or_create(
            username=DEMO_USER, defaults={"first_name": "Dana", "last_name": "Demo"}
        )
        # A fresh password each run: it is printed, never stored in clear anywhere.
        password = secrets.token_urlsafe(9)
        user.set_password(password)
        user.save(update_fields=["password"])
        Membership.objects.get_or_create(
            user=user, practice=practice, defaults={"role": Role.OWNER}
        )
        created = 0
        if not Lead.objects.filter(practice=practice).exists():
            created = demo_leads_create(practice=practice, count=leads, seed=seed)
    if created:
        refresh_statistics(["leads_lead", "leads_contactpoint"])  # as an import would
    return DemoResult(
        practice=practice, username=DEMO_USER, password=password, leads_created=created
    )


def demo_leads_create(*, practice: Practice, count: int, seed: int) -> int:
    now = timezone.now()
    batch: list[SyntheticLead] = []
    for record in generate_leads(count, seed=seed, now=now):
        batch.append(record)
        if len(batch) == BATCH:
            _store(practice, batch, now)
            batch = []
    if batch:
        _store(practice, batch, now)
    return count


def _store(practice: Practice, records: list[SyntheticLead], now) -> None:
    leads = Lead.objects.bulk_create(
        [
            Lead(
                practice=practice,
                external_id=r.external_id,
                first_name=r.first_name,
                last_name=r.last_name,
                first_key=search_key(r.first_name),
                last_key=search_key(r.last_name),
                last_word_key=last_word_key(r.last_name),
                treatment=r.treatment,
                stage=r.stage,
                status=r.status,
                estimated_value=r.estimated_value,
                source=r.source,
                acquisition_cost=r.acquisition_cost,
                dormancy_reason=r.dormancy_reason,
                dormancy_note=r.lost_reason,
                inquired_at=r.inquired_at,
                last_contact_at=r.last_contact_at,
            )
            for r in records
        ]
    )
    points: list[ContactPoint] = []
    consents: list[tuple[ContactPoint, bool]] = []
    interactions: list[Interaction] = []
    for lead, record in zip(leads, records, strict=True):
        for index, contact in enumerate(record.contacts):
            point = ContactPoint(
                practice=practice,
                lead=lead,
                kind=contact.kind,
                value=contact.value,
                raw_value=contact.raw,
                extension=contact.extension,
                validity=Validity.VALID,
                is_primary=index == 0,
            )
            points.append(point)
            consents.append((point, contact.consent_granted))
        interactions.append(
            Interaction(
                practice=practice,
                lead=lead,
                kind=InteractionKind.IMPORT,
                actor_label="demo CRM export",
                summary=f"Inquiry about {record.treatment} via {record.source}",
                body=record.lost_reason and f"Lost reason in CRM: {record.lost_reason}",
                occurred_at=record.inquired_at,
            )
        )
        interactions.extend(
            Interaction(
                practice=practice,
                lead=lead,
                kind=InteractionKind.NOTE,
                actor_label="coordinator (CRM)",
                summary=note,
                body=note,
                occurred_at=record.last_contact_at,
            )
            for note in record.notes
        )
    ContactPoint.objects.bulk_create(points)
    Consent.objects.bulk_create(
        Consent(
            practice=practice,
            contact_point=point,
            channel=channel,
            status=ConsentStatus.GRANTED if granted else ConsentStatus.UNKNOWN,
            source="web form opt-in" if granted else "",
            recorded_at=now,
        )
        for point, granted in consents
        for channel in CHANNELS_FOR_KIND[ContactKind(point.kind)]
    )
    Interaction.objects.bulk_create(interactions)
    opt_out_leads(
        practice=practice,
        lead_ids=[lead.pk for lead in leads if lead.status == "do_not_contact"],
        channel=Channel.SMS,
        source="demo CRM export",
        evidence="replied STOP",
    )
