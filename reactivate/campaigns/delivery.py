"""Carrying out the "send" decisions of a batch: each message composed, claimed as *sending*
and committed before its channel is called, then marked sent with its timeline entry.

A worker that dies between the two commits leaves the message *sending*; the next pass marks
it *uncertain* for a person and it is never sent again (the idempotency key is unique per
enrolment and step). Kept apart from the decisions (decide.py) and the batch's bookkeeping
(batch.py): a channel changes only this side.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import IntegrityError, connection, transaction

from reactivate.campaigns.decide import Action
from reactivate.campaigns.selectors import campaign_source
from reactivate.campaigns.store import (
    LEASE,
    db_moment,
    insert_rows,
    insert_values,
    new_instance,
    outbox_ids,
)
from reactivate.channels.base import DeliveryError
from reactivate.channels.events import Event, record_event
from reactivate.channels.models import EventKind, OutboundMessage, OutboundStatus
from reactivate.leads.choices import InteractionKind
from reactivate.leads.models import Interaction
from reactivate.messaging.fields import lead_context
from reactivate.messaging.render import fields_used, render
from reactivate.messaging.services import family_key, pick_template, template_family
from reactivate.messaging.unsubscribe import unsubscribe_url

if TYPE_CHECKING:  # names for annotations only: batch.py builds on this module
    from reactivate.campaigns.batch import Due, LeadView
    from reactivate.campaigns.models import Step

BUSY = "another worker is sending it"
PARKED = "a send may or may not have gone out: a person decides"
# The columns of a timeline entry the engine writes for each message it sends.
TIMELINE = [
    "practice_id", "lead_id", "kind", "channel", "actor_id", "actor_label", "summary", "body",
    "data", "occurred_at", "created_at",
]  # fmt: skip


class Delivering:
    """The sending half of a Batch (batch.py), which holds the state these methods read."""

    # Sending.

    def compose(self, enrollment: Due) -> OutboundMessage:
        """The step's message for this lead, ready to go (already marked sending)."""
        plan = self.plans[enrollment.pk]
        variant = enrollment.variants.get(str(plan.step.position), "a")
        version, with_link = self.version_for(plan.step, plan.lead, variant)
        link = unsubscribe_url(plan.lead) if with_link else ""
        context = lead_context(
            plan.lead, coordinator=plan.campaign.sender_name, unsubscribe_link=link, now=self.now
        )
        point = plan.gate.contact_point if plan.gate else None
        return new_instance(
            OutboundMessage,
            idempotency_key=self.key(enrollment),
            practice_id=plan.lead.practice_id,
            lead_id=plan.lead.pk,
            channel=plan.step.channel,
            source=campaign_source(plan.campaign.pk),
            template_version_id=version.pk,
            to_value=point.value if point else "",
            subject=render(version.subject, context).text,
            body=render(version.body, context).text,
            status=OutboundStatus.SENDING,
            sending_at=self.now,
            created_at=self.now,
        )

    def version_for(self, step: Step, lead: LeadView, variant: str = "a") -> tuple:
        """The step's message (the wording drawn for the lead where the step has two) in the
        lead's language and for its reason, where one exists, and whether it carries the
        unsubscribe link; the same for every lead alike."""
        key = (step.pk, variant, lead.preferred_language, lead.dormancy_reason)
        if key in self.versions:
            return self.versions[key]
        template = step.variant if variant == "b" and step.variant_id else step.template
        family = family_key(template)
        if family not in self.templates:
            self.templates[family] = template_family(template)
        template = pick_template(self.templates[family], lead) or template
        version = template.current
        with_link = "unsubscribe_link" in fields_used(version.subject + version.body)
        self.versions[key] = (version, with_link)
        return self.versions[key]

    def deliver(self, chunk: list[Due], adapter) -> list[tuple[Due, Action]]:
        """Send each enrolment's message at most once; "send" when it went out (now or before)."""
        outcomes: list[tuple[Due, Action]] = []
        fresh, queued = [], []
        for enrollment in chunk:
            message = self.outbox.get(self.key(enrollment))
            if message is None:
                fresh.append(self.compose(enrollment))
            elif message.status == OutboundStatus.QUEUED:
                queued.append(message)  # a retry after a passing failure
            else:
                outcomes.append((enrollment, self.earlier(enrollment, message)))
        # Claim the sends: new rows go in as sending and queued ones move to sending only if
        # still queued, committed before the channel is called.
        with transaction.atomic():
            if hasattr(adapter, "prepare") and (fresh or queued):
                # A sender's rate: its slots are reserved in the same commit as the claims.
                adapter.prepare(len(fresh) + len(queued))
            taken = self.insert(fresh)
            if queued:
                # Compare-and-swap in one statement: a row another worker moved first is not
                # returned, and is not sent from here.
                marks = ", ".join(["%s"] * len(queued))
                with connection.cursor() as cursor:
                    cursor.execute(
                        "UPDATE channels_outboundmessage SET status = %s, sending_at = %s "
                        f"WHERE status = %s AND id IN ({marks}) RETURNING id",
                        [OutboundStatus.SENDING, db_moment(self.now), OutboundStatus.QUEUED]
                        + [m.pk for m in queued],
                    )
                    claimed = {row[0] for row in cursor.fetchall()}
                for message in queued:
                    if message.pk in claimed:
                        message.status, message.sending_at = OutboundStatus.SENDING, self.now
                        taken.append(message)
        by_key = {self.key(e): e for e in chunk}
        done = {m.idempotency_key for m in taken} | {self.key(e) for e, _ in outcomes}
        for key in by_key.keys() - done:
            outcomes.append((by_key[key], Action("wait", BUSY, self.now + LEASE)))
        sent, failed = [], []
        for message, result in self.call(adapter, taken):
            if isinstance(result, DeliveryError):
                exc = result
                failed.append((message, exc))
                permanent = exc.permanent
                why = f"not delivered: {exc}" if permanent else f"the channel will retry: {exc}"
                at = None if permanent else self.now + timedelta(minutes=15)
                kind = "skip" if permanent else "wait"
                outcomes.append((by_key[message.idempotency_key], Action(kind, why, at)))
                continue
            sent.append((message, result))
            outcomes.append((by_key[message.idempotency_key], Action("send", "sent")))
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(
                "UPDATE channels_outboundmessage SET status = %s, provider = %s, "
                "provider_id = %s, sent_at = %s WHERE id = %s",
                [
                    (OutboundStatus.SENT, r.provider, r.provider_id, db_moment(self.now), m.pk)
                    for m, r in sent
                ],
            )
            cursor.executemany(
                "UPDATE channels_outboundmessage SET status = %s, error = %s WHERE id = %s",
                [
                    (
                        OutboundStatus.FAILED if exc.permanent else OutboundStatus.QUEUED,
                        str(exc)[:1000],
                        m.pk,
                    )
                    for m, exc in failed
                ],
            )
            insert_values(
                Interaction,
                TIMELINE,
                [self.timeline(m, by_key[m.idempotency_key]) for m, _ in sent],
            )
        for message, exc in failed:
            if exc.code:  # the provider's refusal means what its late report would
                refusal = Event(
                    provider=adapter.name,
                    channel=message.channel,
                    kind=EventKind.FAILED,
                    event_id=f"refused-{message.pk}",
                    code=exc.code,
                    description=str(exc),
                    raw={"error": str(exc), "code": exc.code},
                )
                record_event(refusal, outbound=message)
        return outcomes

    def call(self, adapter, messages: list[OutboundMessage]) -> list[tuple]:
        """Each message through the channel: (message, SendResult or DeliveryError).

        An adapter that calls a provider over the network says ``concurrent``: its calls run
        at once on a bounded pool (they wait on the network, not the processor). The calls
        touch no database.
        """
        if not messages:
            return []

        def attempt(message: OutboundMessage):
            try:
                return message, adapter.send(message)
            except DeliveryError as exc:
                return message, exc

        if self.senders is None or len(messages) == 1:
            return [attempt(m) for m in messages]
        return list(self.senders.map(attempt, messages))

    def open_pool(self, adapter) -> None:
        """Threads for a concurrent adapter's calls, kept for the whole group so that each
        keeps its connection (an SMTP session, an HTTPS connection) from message to message."""
        self.senders = None
        if getattr(adapter, "concurrent", False):
            workers = max(1, settings.SEND_CONCURRENCY)
            self.senders = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="send")

    def close_pool(self) -> None:
        if self.senders is not None:
            self.senders.shutdown(wait=True)
            self.senders = None

    def insert(self, fresh: list[OutboundMessage]) -> list[OutboundMessage]:
        """Write new outbox rows; a row another worker wrote first (it took over an
        enrolment whose lease ran out) is left to that worker."""
        if not fresh:
            return []
        keys = [m.idempotency_key for m in fresh]
        try:
            with transaction.atomic():
                insert_rows(OutboundMessage, fresh)
        except IntegrityError:
            there = outbox_ids(keys)
            fresh = [m for m in fresh if m.idempotency_key not in there]
            insert_rows(OutboundMessage, fresh)
        ids = outbox_ids(keys)
        for message in fresh:
            message.pk = ids[message.idempotency_key]
            message._state.adding = False
        return fresh

    def earlier(self, enrollment: Due, message: OutboundMessage) -> Action:
        """What to do about a message an earlier attempt already wrote."""
        if message.status == OutboundStatus.SENT:
            # Sent by an attempt that died before moving the enrolment on.
            logged = Interaction.objects.filter(
                lead_id=message.lead_id, kind=InteractionKind.MESSAGE_OUT, data__outbound=message.pk
            ).exists()
            if not logged:
                insert_values(Interaction, TIMELINE, [self.timeline(message, enrollment)])
            return Action("send", "sent")
        if message.status == OutboundStatus.FAILED:
            return Action("skip", message.error or "the channel refused it")
        # Sending or uncertain: it may or may not have gone out.
        OutboundMessage.objects.filter(pk=message.pk, status=OutboundStatus.SENDING).update(
            status=OutboundStatus.UNCERTAIN
        )
        return Action("park", PARKED)

    def timeline(self, message: OutboundMessage, enrollment: Due) -> tuple:
        """The message on the lead's timeline (written with its *sent* mark): a TIMELINE row."""
        plan = self.plans[enrollment.pk]
        self.contacted.append(plan.lead.pk)
        data = {"outbound": message.pk, "step": enrollment.position + 1}
        return (
            plan.lead.practice_id,
            plan.lead.pk,
            InteractionKind.MESSAGE_OUT.value,
            message.channel,
            None,
            f"campaign: {plan.campaign.name}"[:100],
            (message.subject or message.body)[:300],
            message.body,
            connection.ops.adapt_json_value(data, None),
            db_moment(self.now),
            db_moment(self.now),
        )

    # The enrolments' new state.
