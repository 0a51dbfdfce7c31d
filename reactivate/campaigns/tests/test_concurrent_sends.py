"""Sends over the network run at once, never more than SEND_CONCURRENCY, each committed as
sending before its call; a long batch keeps its claims."""

import threading
import time
from datetime import UTC, datetime, timedelta
from unittest import mock

from django.test import override_settings

from reactivate.campaigns.batch import Batch
from reactivate.campaigns.engine import claim_due, run_due
from reactivate.campaigns.models import Enrollment
from reactivate.campaigns.services import campaign_create, campaign_launch, starter_sequence
from reactivate.campaigns.store import LEASE
from reactivate.channels.base import SendResult
from reactivate.channels.models import OutboundMessage, OutboundStatus
from reactivate.segments.models import Segment
from reactivate.testing import BaseTestCase, make_lead

MORNING = datetime(2026, 6, 2, 15, 0, tzinfo=UTC)


class SlowProvider:
    """An adapter that waits on the "network" and notes how many calls are in flight."""

    name = "slow"
    concurrent = True
    sends_per_commit = 4

    def __init__(self):
        self.lock = threading.Lock()
        self.in_flight = self.most = 0
        self.statuses = []

    def send(self, outbound):
        # What the database says of this message while its call is made.
        self.statuses.append(outbound.status)
        with self.lock:
            self.in_flight += 1
            self.most = max(self.most, self.in_flight)
        time.sleep(0.05)
        with self.lock:
            self.in_flight -= 1
        return SendResult(provider=self.name, provider_id=f"slow-{outbound.pk}")


class ConcurrentSendTests(BaseTestCase):
    def setUp(self):
        for i in range(10):
            make_lead(self.north, f"L{i}", "Lead", email=f"l{i}@example.com",
                      last_contact_at=MORNING - timedelta(days=200))  # fmt: skip
        segment = Segment.objects.create(practice=self.north, name="All",
                                         definition={"statuses": ["stalled"]})  # fmt: skip
        campaign = campaign_create(practice=self.north, name="C", segment=segment,
                                   sequence=starter_sequence(self.north), holdout_percent=0,
                                   actor=None)  # fmt: skip
        campaign_launch(campaign=campaign, actor=None, now=MORNING)

    @override_settings(SEND_CONCURRENCY=4)
    def test_calls_overlap_up_to_the_limit_and_each_is_sending_first(self):
        provider = SlowProvider()
        with mock.patch("reactivate.campaigns.batch.adapter_for", return_value=provider):
            run_due(MORNING)
        self.assertEqual(OutboundMessage.objects.filter(status=OutboundStatus.SENT).count(), 10)
        self.assertGreater(provider.most, 1)  # at once…
        self.assertLessEqual(provider.most, 4)  # …but never more than SEND_CONCURRENCY
        self.assertEqual(set(provider.statuses), {OutboundStatus.SENDING})
        self.assertEqual(set(OutboundMessage.objects.values_list("provider", flat=True)), {"slow"})

    def test_a_batch_that_outlives_a_third_of_its_lease_renews_its_claims(self):
        claim = claim_due(MORNING, worker="w1")
        batch = Batch(claim, MORNING)
        before = set(Enrollment.objects.values_list("claimed_until", flat=True))
        batch.renewed = time.monotonic() - LEASE.total_seconds()  # long ago
        batch.renew()
        after = Enrollment.objects.filter(claimed_by=claim.tag).values_list(
            "claimed_until", flat=True
        )
        self.assertTrue(all(until > max(before) for until in after))
        self.assertEqual(len(after), 10)
