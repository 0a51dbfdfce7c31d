"""The large practice metrics_bench.py measures: a list, its timeline, and a program run on it.

Rows go in through polars frames (leads.frames.insert_frame), as the import writes them, so
a million leads and five million interactions load in about a minute.
"""

from __future__ import annotations

from datetime import timedelta

import polars as pl
from django.db import transaction
from django.utils import timezone
from metrics_bench import insert_model

from reactivate.campaigns.models import Campaign, Enrollment, Sequence
from reactivate.channels.models import InboundMessage, Letter, OutboundMessage, PrintBatch
from reactivate.followups.models import CallTask, FollowUp
from reactivate.leads.frames import bulk_transaction, reserve_ids
from reactivate.leads.models import Interaction, Lead, Opportunity
from reactivate.replies.models import Reply
from reactivate.segments.models import Segment
from reactivate.tenancy.models import Agency, Practice

LABELS = ["positive", "timing", "negative", "changed", "unsubscribe", "auto_reply"]
REASONS = ["timing", "price", "competitor", "paralysis", "circumstances", "unknown"]


def build(slug: str, leads: int, interactions: int) -> dict:
    if Practice.objects.filter(slug=slug).exists():
        return {"reused": slug}
    agency, _ = Agency.objects.get_or_create(slug="bench", defaults={"name": "Bench"})
    practice = Practice.objects.create(agency=agency, slug=slug, name="Metrics bench",
                                       cost_per_new_lead=300)  # fmt: skip
    segment = Segment.objects.create(practice=practice, name="All", definition={})
    sequence = Sequence.objects.create(practice=practice, name="Bench")
    now = timezone.now()
    campaigns = [
        Campaign.objects.create(
            practice=practice,
            name=f"Bench {n}",
            segment=segment,
            sequence=sequence,
            status="finished",
            launched_at=now - timedelta(days=90 - 40 * n),
        )
        for n in range(2)
    ]
    tables = [
        "leads_lead",
        "leads_interaction",
        "campaigns_enrollment",
        "channels_outboundmessage",
        "channels_inboundmessage",
        "replies_reply",
    ]
    with bulk_transaction(tables, leads), transaction.atomic():
        ids = pl.Series("id", reserve_ids("leads_lead", leads), dtype=pl.Int64)
        _leads(practice, ids, now)
        _timeline(practice, ids, interactions, now)
        treated = _program(practice, campaigns, ids, now)
    return {"leads": leads, "interactions": interactions, "treated": treated}


def _leads(practice, ids: pl.Series, now) -> None:
    frame = pl.DataFrame({"id": ids}).with_columns(
        (pl.lit("Lead") + pl.col("id").cast(pl.Utf8)).alias("first_name"),
        pl.col("id").map_elements(lambda i: REASONS[i % 6], return_dtype=pl.Utf8)
        .alias("dormancy_reason"),
        (pl.col("id") % 3).cast(pl.Int16).alias("cycle_count"),
        pl.when(pl.col("id") % 10 < 7).then(pl.lit("stalled")).otherwise(pl.lit("closed"))
        .alias("status"),
        (pl.col("id") % 4096).alias("reach"),
    )  # fmt: skip
    insert_model(Lead, frame, {"practice_id": practice.pk, "last_name": "Bench",
                               "stage": "consultation", "last_contact_at": now - timedelta(days=200),
                               "custom_fields": "{}"})  # fmt: skip


def _timeline(practice, ids: pl.Series, count: int, now) -> None:
    step = 1_000_000
    for start in range(0, count, step):
        n = min(step, count - start)
        frame = pl.DataFrame(
            {"lead_id": ids.gather([i % len(ids) for i in range(start, start + n)])}
        )
        insert_model(Interaction, frame, {
            "practice_id": practice.pk, "kind": "import", "summary": "Imported from bench.csv",
            "body": "", "data": "{}", "occurred_at": now - timedelta(days=200),
        })  # fmt: skip


def _program(practice, campaigns, ids: pl.Series, now) -> int:
    """A fifth of the list enrolled, a fifth of those held out; each treated lead two or three
    messages; one in seven answers; the team books, calls and mails as a practice would."""
    enrolled = ids.head(len(ids) // 5)
    frame = pl.DataFrame({"lead_id": enrolled}).with_columns(
        pl.when(pl.col("lead_id") % 5 == 0).then(pl.lit("holdout")).otherwise(pl.lit("finished"))
        .alias("status"),
        pl.when(pl.col("lead_id") % 2 == 0).then(campaigns[0].pk).otherwise(campaigns[1].pk)
        .alias("campaign_id"),
    )  # fmt: skip
    insert_model(Enrollment, frame, {"practice_id": practice.pk, "variants": "{}",
                                     "enrolled_at": now - timedelta(days=95)})  # fmt: skip
    treated = frame.filter(pl.col("status") != "holdout")
    sent = now - timedelta(days=80)
    messages = pl.concat([
        treated.select("lead_id", "campaign_id").with_columns(pl.lit(step).alias("step"))
        for step in range(3)
    ]).filter((pl.col("step") < 2) | (pl.col("lead_id") % 2 == 0)).with_columns(
        pl.when(pl.col("step") == 1).then(pl.lit("sms")).otherwise(pl.lit("email")).alias("channel"),
        (pl.lit("enrollment-") + pl.col("lead_id").cast(pl.Utf8) + pl.lit("-step-")
         + pl.col("step").cast(pl.Utf8)).alias("idempotency_key"),
        (pl.lit("campaign-") + pl.col("campaign_id").cast(pl.Utf8)).alias("source"),
        pl.when(pl.col("lead_id") % 50 == 1).then(pl.lit("bounced")).otherwise(pl.lit("delivered"))
        .alias("delivery"),
        (pl.lit(sent) + pl.duration(days=pl.col("step") * 3)).alias("sent_at"),
    ).drop("step", "campaign_id")  # fmt: skip
    insert_model(OutboundMessage, messages, {"practice_id": practice.pk, "status": "sent",
                                             "to_value": "x", "body": "Hello"})  # fmt: skip
    _replies(practice, treated, sent)
    _work(practice, frame, treated, now)
    return treated.height


def _replies(practice, treated: pl.DataFrame, sent) -> None:
    repliers = treated.filter(pl.col("lead_id") % 7 == 3).select("lead_id")
    inbound_ids = pl.Series("id", reserve_ids("channels_inboundmessage", repliers.height),
                            dtype=pl.Int64)  # fmt: skip
    inbound = repliers.with_columns(
        inbound_ids,
        (pl.lit("bench-") + pl.col("lead_id").cast(pl.Utf8)).alias("provider_id"),
        (pl.lit(sent) + pl.duration(hours=pl.col("lead_id") % 72)).alias("received_at"),
    )
    insert_model(InboundMessage, inbound, {"practice_id": practice.pk, "channel": "email",
                                           "provider": "bench", "from_value": "x",
                                           "raw": "{}"})  # fmt: skip
    replies = inbound.select(
        pl.col("lead_id"), pl.col("id").alias("inbound_id"),
        pl.col("lead_id").map_elements(lambda i: LABELS[(i // 7) % 6], return_dtype=pl.Utf8)
        .alias("label"),
    )  # fmt: skip
    insert_model(Reply, replies, {"practice_id": practice.pk, "text": "bench", "confidence": 0.9,
                                  "layer": "model"})  # fmt: skip


def _work(practice, enrolled: pl.DataFrame, treated: pl.DataFrame, now) -> None:
    """Bookings for the yeses and a few held-out leads, calls, a mailed batch, follow-ups."""
    positive = treated.filter((pl.col("lead_id") % 7 == 3) & ((pl.col("lead_id") // 7) % 6 == 0))
    held = enrolled.filter((pl.col("status") == "holdout") & (pl.col("lead_id") % 40 == 0))
    booked = pl.concat([positive.select("lead_id"), held.select("lead_id")]).with_columns(
        pl.when(pl.col("lead_id") % 3 == 0).then(pl.lit("won")).otherwise(pl.lit("booked"))
        .alias("stage"),
    )  # fmt: skip
    insert_model(Opportunity, booked, {"practice_id": practice.pk, "value": "4000.00",
                                       "created_at": now - timedelta(days=70),
                                       "closed_at": now - timedelta(days=40)})  # fmt: skip
    calls = treated.filter(pl.col("lead_id") % 8 == 1).select("lead_id").with_columns(
        (pl.lit("call-") + pl.col("lead_id").cast(pl.Utf8)).alias("key"),
        pl.when(pl.col("lead_id") % 3 == 0).then(pl.lit("voicemail")).otherwise(pl.lit("no_answer"))
        .alias("outcome"),
    )  # fmt: skip
    source = f"campaign-{Campaign.objects.filter(practice=practice).first().pk}"
    insert_model(CallTask, calls, {"practice_id": practice.pk, "source": source, "phone": "+1",
                                   "script": "Hi", "status": "done",
                                   "due_at": now - timedelta(days=75),
                                   "done_at": now - timedelta(days=75)})  # fmt: skip
    batch = PrintBatch.objects.create(practice=practice, status="mailed",
                                      mailed_at=now - timedelta(days=74))  # fmt: skip
    letters = (
        treated.filter(pl.col("lead_id") % 8 == 5)
        .select("lead_id")
        .with_columns((pl.lit("letter-") + pl.col("lead_id").cast(pl.Utf8)).alias("key"))
    )
    insert_model(Letter, letters, {"practice_id": practice.pk, "batch_id": batch.pk,
                                   "source": source, "name": "x", "address": "x",
                                   "body": "x"})  # fmt: skip
    insert_model(FollowUp, positive.select("lead_id"), {
        "practice_id": practice.pk, "kind": "reply", "status": "done", "reason": "a reply",
        "source": source, "due_at": now - timedelta(days=79),
        "received_at": now - timedelta(days=79), "first_action_at": now - timedelta(days=79),
    })  # fmt: skip
