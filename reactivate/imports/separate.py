"""A person's decisions about who is who: undo a merge, merge a reviewed pair, keep it apart.

Each is a keyword-only service that takes the actor, writes the timeline of both leads and one
audit event, and asks for both leads to be rescored.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from django.contrib.admin.utils import NestedObjects
from django.db import transaction
from django.utils import timezone

from reactivate.audit.models import AuditAction
from reactivate.audit.services import audit_record
from reactivate.imports.models import MergedRow, MergeReview, ReviewStatus
from reactivate.leads.choices import ContactKind, InteractionKind, LeadStatus
from reactivate.leads.models import Consent, ContactPoint, Interaction, Lead
from reactivate.leads.rescore import rescore_mark


class CannotMerge(Exception):
    """The pair cannot be merged here, with the reason a person can act on."""


class AlreadyDecided(Exception):
    pass


# What a lead may own and still be merged away: its own records and the import's. Anything
# else (an enrolment, a sent message) is history that must not be deleted with it.
MERGEABLE_WITH = {"leads.lead", "leads.contactpoint", "leads.consent", "leads.interaction"}
MERGEABLE_APPS = {"imports"}


def merge_undo(*, merged_row: MergedRow, actor, now: datetime | None = None) -> Lead:
    """Bring a merged row back as its own lead, as it was imported."""
    now = now or timezone.now()
    with transaction.atomic():
        row = MergedRow.objects.select_for_update().select_related("lead").get(pk=merged_row.pk)
        if row.undone_at is not None:
            raise AlreadyDecided("This merge was already undone.")
        survivor = row.lead
        split = _lead_from_values(survivor, row.values, row.batch_id)
        _separate_points(survivor, split, row.values.get("points", []))
        row.undone_at, row.undone_by, row.split_lead = now, _user(actor), split
        row.save(update_fields=["undone_at", "undone_by", "split_lead"])
        where = f"row {row.row} of {row.source}" if row.row else row.source
        _timeline(survivor, actor, now, f"Separated {_name(split)} ({where}): lead {split.pk}")
        _timeline(split, actor, now, f"Separated from lead {survivor.pk} ({_name(survivor)})")
        audit_record(
            practice=survivor.practice,
            actor=actor,
            action=AuditAction.MERGE_UNDONE,
            obj=survivor,
            detail={"merged_row": row.pk, "split_lead": split.pk, "source": where},
        )
        rescore_mark(practice_id=survivor.practice_id, lead_ids=[survivor.pk, split.pk])
    return split


def review_keep_apart(*, review: MergeReview, actor, now: datetime | None = None) -> None:
    """Record that the two leads are different people; they are not asked about again."""
    now = now or timezone.now()
    with transaction.atomic():
        review = _open_review(review)
        review.status, review.decided_by, review.decided_at = ReviewStatus.APART, _user(actor), now
        review.save(update_fields=["status", "decided_by", "decided_at"])
        audit_record(
            practice=review.lead.practice,
            actor=actor,
            action=AuditAction.LEADS_KEPT_APART,
            obj=review.lead,
            detail={"other": review.other_id, "reason": review.reason},
        )


def review_merge(*, review: MergeReview, actor, now: datetime | None = None) -> Lead:
    """Merge the newer lead of the pair into the older; the merge can be undone like any other."""
    now = now or timezone.now()
    with transaction.atomic():
        review = _open_review(review)
        keep, gone = sorted([review.lead, review.other], key=lambda lead: lead.pk)
        blockers = _history(gone)
        if blockers:
            raise CannotMerge(
                f"Lead {gone.pk} already has {', '.join(blockers)}; merging would delete it."
            )
        values = _values_of(gone, keep)
        moved = list(Interaction.objects.filter(lead=gone).values_list("pk", flat=True))
        # Re-homing keeps every entry unchanged: the history moves with the person.
        Interaction.objects.filter(lead=gone).update(lead=keep)
        MergedRow.objects.filter(lead=gone).update(lead=keep)
        gone_id, gone_name = gone.pk, _name(gone)
        gone.delete()
        MergedRow.objects.create(
            practice=keep.practice,
            lead=keep,
            batch=review.batch,
            source="the merge review",
            reason=review.reason[:200],
            values=values | {"interactions": moved, "lead_id": gone_id},
            created_at=now,
        )
        review.other = None  # deleted: the decision stays with the lead that was kept
        review.status, review.decided_by, review.decided_at = ReviewStatus.MERGED, _user(actor), now
        review.save(update_fields=["other", "status", "decided_by", "decided_at"])
        _timeline(keep, actor, now, f"Merged lead {gone_id} ({gone_name}) after review")
        audit_record(
            practice=keep.practice,
            actor=actor,
            action=AuditAction.LEADS_MERGED,
            obj=keep,
            detail={"merged": gone_id, "reason": review.reason},
        )
        rescore_mark(practice_id=keep.practice_id, lead_ids=[keep.pk])
    return keep


def _open_review(review: MergeReview) -> MergeReview:
    locked = (
        MergeReview.objects.select_for_update(of=("self",))
        .select_related("lead__practice", "other")
        .filter(pk=review.pk)
        .first()
    )
    if locked is None or locked.status != ReviewStatus.OPEN or locked.other is None:
        raise AlreadyDecided("This pair was already decided.")
    return locked


def _history(lead: Lead) -> list[str]:
    """Records other than the lead's own that deleting it would take with it."""
    collector = NestedObjects(using="default")
    collector.collect([lead])
    found = []
    for model, objects in collector.data.items():
        label = model._meta.label_lower
        if objects and label not in MERGEABLE_WITH and model._meta.app_label not in MERGEABLE_APPS:
            found.append(f"{len(objects)} {model._meta.verbose_name_plural}")
    return sorted(found)


def _values_of(lead: Lead, keep: Lead) -> dict:
    """A lead's fields and points in the shape an import stores a merged row."""
    theirs = set(keep.contact_points.values_list("kind", "value"))
    fields = {
        "first_name": lead.first_name,
        "last_name": lead.last_name,
        "treatment": lead.treatment,
        "source": lead.source,
        "external_id": lead.external_id,
        "stage": lead.stage,
        "status": lead.status,
        "estimated_value": None if lead.estimated_value is None else str(lead.estimated_value),
        "acquisition_cost": None if lead.acquisition_cost is None else str(lead.acquisition_cost),
        "dormancy_reason": lead.dormancy_reason,
        "lost_reason": lead.dormancy_note,
        "preferred_language": lead.preferred_language,
        "inquired_at": _text(lead.inquired_at),
        "last_contact_at": _text(lead.last_contact_at),
        "custom": lead.custom_fields,
    }
    points = []
    for point in lead.contact_points.all():
        own = (point.kind, point.value) not in theirs
        points.append({"kind": point.kind, "value": point.value, "own": own})
        if own:
            point.lead = keep  # the survivor holds it until the merge is undone
            point.is_primary = False
            point.save(update_fields=["lead", "is_primary"])
    return fields | {"points": points}


def _lead_from_values(survivor: Lead, values: dict, batch_id: int | None) -> Lead:
    external = values.get("external_id") or ""
    taken = (
        external
        and Lead.objects.filter(practice_id=survivor.practice_id, external_id=external).exists()
    )
    status = values.get("status") or LeadStatus.STALLED
    lead = Lead.objects.create(
        practice_id=survivor.practice_id,
        first_name=values.get("first_name") or "",
        last_name=values.get("last_name") or "",
        treatment=values.get("treatment") or "",
        source=values.get("source") or "",
        external_id="" if taken else external,
        stage=values.get("stage") or survivor.stage,
        status=status,
        estimated_value=_decimal(values.get("estimated_value")),
        acquisition_cost=_decimal(values.get("acquisition_cost")),
        dormancy_reason=values.get("dormancy_reason") or "unknown",
        dormancy_note=values.get("lost_reason") or "",
        preferred_language=values.get("preferred_language") or "en",
        inquired_at=_when(values.get("inquired_at")),
        last_contact_at=_when(values.get("last_contact_at")),
        custom_fields=values.get("custom") or {},
        import_batch_id=batch_id,
    )
    for pk in values.get("interactions", []):
        Interaction.objects.filter(pk=pk, lead=survivor).update(lead=lead)
    return lead


def _separate_points(survivor: Lead, split: Lead, points: list[dict]) -> None:
    """The row's own points move to its lead; points it shared are copied with their consents."""
    held = {(p.kind, p.value): p for p in survivor.contact_points.prefetch_related("consents")}
    for index, item in enumerate(points):
        kind, value = item["kind"], item["value"]
        point = held.get((kind, value))
        first = not any(p["kind"] == kind for p in points[:index])
        if point is None:
            ContactPoint.objects.create(
                practice_id=split.practice_id, lead=split, kind=kind, value=value, is_primary=first
            )
        elif item.get("own"):
            point.lead, point.is_primary = split, first
            point.save(update_fields=["lead", "is_primary"])
        else:
            copy = ContactPoint.objects.create(
                practice_id=split.practice_id,
                lead=split,
                kind=kind,
                value=value,
                raw_value=point.raw_value,
                label=point.label,
                extension=point.extension,
                validity=point.validity,
                line_type=point.line_type,
                timezone=point.timezone,
                is_primary=first,
            )
            Consent.objects.bulk_create(
                Consent(
                    practice_id=c.practice_id,
                    contact_point=copy,
                    channel=c.channel,
                    status=c.status,
                    source=c.source,
                    recorded_at=c.recorded_at,
                )
                for c in point.consents.all()
            )
    _keep_a_primary(survivor)


def _keep_a_primary(lead: Lead) -> None:
    for kind in ContactKind.values:
        points = lead.contact_points.filter(kind=kind).order_by("created_at", "id")
        if points.exists() and not points.filter(is_primary=True).exists():
            points.filter(pk=points.first().pk).update(is_primary=True)


def _timeline(lead: Lead, actor, now: datetime, summary: str) -> None:
    Interaction.objects.create(
        practice_id=lead.practice_id,
        lead=lead,
        kind=InteractionKind.MERGE,
        actor=_user(actor),
        actor_label="" if _user(actor) else "system",
        summary=summary[:300],
        occurred_at=now,
    )


def _user(actor):
    return actor if actor is not None and actor.is_authenticated else None


def _name(lead: Lead) -> str:
    return f"{lead.first_name} {lead.last_name}".strip() or f"lead {lead.pk}"


def _decimal(value) -> Decimal | None:
    return None if value in (None, "") else Decimal(str(value))


def _when(value) -> datetime | None:
    if not value:
        return None
    parsed = datetime.fromisoformat(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _text(value: datetime | None) -> str | None:
    return None if value is None else value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")
