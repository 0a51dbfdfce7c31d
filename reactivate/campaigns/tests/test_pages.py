from datetime import UTC, datetime, timedelta
from io import StringIO
from unittest import mock

from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from reactivate.audit.models import AuditEvent
from reactivate.campaigns.engine import run_due
from reactivate.campaigns.models import Campaign, Enrollment
from reactivate.campaigns.services import campaign_create, campaign_launch, starter_sequence
from reactivate.channels.base import SendResult
from reactivate.channels.models import OutboundMessage, OutboundStatus
from reactivate.leads.models import Interaction
from reactivate.segments.models import Segment
from reactivate.testing import PASSWORD, BaseTestCase, kill_mid_send, make_lead

# Tuesday 2 June 2026, 10:00 in Chicago: inside every sending window.
MORNING = datetime(2026, 6, 2, 15, 0, tzinfo=UTC)


class CampaignPages(BaseTestCase):
    def setUp(self):
        self.segment = Segment.objects.create(
            practice=self.north, name="Stalled", definition={"statuses": ["stalled"]}
        )
        self.client.login(username="cole", password=PASSWORD)

    def test_create_launch_pause_from_the_page(self):
        response = self.client.post(
            reverse("campaign_index", args=["north"]),
            {
                "name": "Spring",
                "segment": self.segment.pk,
                "holdout_percent": "0",
                "sender_name": "Cole at North",
                "sms_per_day": "50",
            },
        )
        campaign = Campaign.objects.get(practice=self.north, name="Spring")
        review = reverse("campaign_review", args=["north", campaign.pk])
        self.assertRedirects(response, review)
        self.assertEqual(
            (campaign.sender_name, campaign.daily_budget), ("Cole at North", {"sms": 50})
        )
        page = self.client.get(review)
        self.assertContains(page, "<strong>1</strong> will be contacted")
        self.assertContains(page, "Send these messages to these 1 people.")
        # Nothing goes until the person confirms.
        self.assertContains(self.client.post(review, {}), "Tick the confirmation to launch.")
        self.assertEqual(Campaign.objects.get(pk=campaign.pk).status, "draft")
        self.client.post(review, {"confirm": "yes", "warnings": "accepted"})
        campaign.refresh_from_db()
        self.assertEqual(campaign.status, "running")
        self.assertEqual(Enrollment.objects.filter(campaign=campaign).count(), 1)
        self.client.post(reverse("campaign_action", args=["north", campaign.pk, "pause"]))
        campaign.refresh_from_db()
        self.assertEqual(campaign.status, "paused")
        page = self.client.get(reverse("lead_detail", args=["north", self.north_lead.pk]))
        self.assertContains(page, "Spring")

    def test_another_practices_campaign_does_not_exist_for_you(self):
        segment = Segment.objects.create(practice=self.south, name="S", definition={})
        theirs = campaign_create(
            practice=self.south,
            name="Theirs",
            segment=segment,
            sequence=starter_sequence(self.south),
            actor=None,
        )
        response = self.client.post(
            reverse("campaign_review", args=["north", theirs.pk]), {"confirm": "yes"}
        )
        self.assertEqual(response.status_code, 404)
        self.assertEqual(Campaign.objects.get(pk=theirs.pk).status, "draft")

    def test_the_outbox_shows_sends_and_a_reply_stops_the_lead(self):
        lead = make_lead(
            self.north,
            "Olga",
            "Outbox",
            email="olga@example.com",
            last_contact_at=timezone.now() - timedelta(days=200),
        )
        out = StringIO()
        call_command("campaign", "create", "Autumn", "--practice", "north", "--segment", "Stalled",
                     "--holdout", "0", stdout=out)  # fmt: skip
        call_command("campaign", "launch", "Autumn", "--practice", "north", stdout=out)
        self.assertIn("leads enrolled", out.getvalue())
        # The worker's next pass, on the coming Tuesday at 10:00 in Chicago.
        now = timezone.now()
        tuesday = (now + timedelta(days=(1 - now.weekday()) % 7 or 7)).replace(
            hour=15, minute=0, second=0, microsecond=0
        )
        run_due(tuesday)
        message = OutboundMessage.objects.get(lead=lead)
        page = self.client.get(reverse("outbox", args=["north"]))
        self.assertContains(page, "olga@example.com")
        self.client.post(
            reverse("outbox_reply", args=["north", message.pk]), {"text": "Yes please"}
        )
        self.assertTrue(Interaction.objects.filter(lead=lead, kind="message_in").exists())
        self.assertEqual(Enrollment.objects.get(lead=lead).status, "stopped")
        report = StringIO()
        call_command("campaign", "report", "Autumn", "--practice", "north", "--json", stdout=report)
        self.assertIn('"stopped": 1', report.getvalue())


class PeopleDecide(BaseTestCase):
    """What the engine leaves to a person: a send in doubt, and stopping a sequence."""

    def setUp(self):
        # Open every day and hour: a person answers on the real clock, whenever that is.
        self.north.send_days, self.north.send_from_hour, self.north.send_until_hour = (
            "0,1,2,3,4,5,6", 0, 24,
        )  # fmt: skip
        self.north.save()
        self.lead = make_lead(
            self.north, "Una", "Certain", email="una@example.com",
            last_contact_at=MORNING - timedelta(days=200),
        )  # fmt: skip
        segment = Segment.objects.create(
            practice=self.north, name="Una", definition={"statuses": ["stalled"]}
        )
        self.campaign = campaign_create(
            practice=self.north, name="Doubt", segment=segment,
            sequence=starter_sequence(self.north), holdout_percent=0, actor=None)  # fmt: skip
        campaign_launch(campaign=self.campaign, actor=None, now=MORNING)
        self.enrollment = Enrollment.objects.get(lead=self.lead)
        kill_mid_send(MORNING)
        run_due(MORNING + timedelta(minutes=10))  # finds the send in doubt and parks it
        self.message = OutboundMessage.objects.get(lead=self.lead)
        self.assertEqual(self.message.status, OutboundStatus.UNCERTAIN)
        self.client.login(username="cole", password=PASSWORD)

    def resolve(self, answer: str):
        return self.client.post(
            reverse("outbox_resolve", args=["north", self.message.pk]), {"went_out": answer}
        )

    def run_engine(self):
        with mock.patch("reactivate.channels.sandbox.SandboxAdapter.send") as send:
            send.return_value = SendResult("sandbox", "s-1")
            run_due(timezone.now() + timedelta(minutes=1))
        return [c.args[0].pk for c in send.call_args_list if c.args[0].lead_id == self.lead.pk]

    def test_the_outbox_asks_a_person_about_a_send_in_doubt(self):
        page = self.client.get(reverse("outbox", args=["north"]))
        self.assertContains(page, "It went out")
        self.assertContains(page, "It did not go out")

    def test_it_went_out_the_sequence_moves_on_without_sending_again(self):
        self.resolve("yes")
        self.assertEqual(self.run_engine(), [])
        self.message.refresh_from_db()
        self.enrollment.refresh_from_db()
        self.assertEqual(self.message.status, OutboundStatus.SENT)
        self.assertEqual((self.enrollment.status, self.enrollment.position), ("active", 1))
        # On the lead's timeline once.
        self.assertEqual(Interaction.objects.filter(lead=self.lead, kind="message_out").count(), 1)
        self.assertTrue(AuditEvent.objects.filter(action="send.resolved").exists())

    def test_it_did_not_go_out_it_is_sent_once_now(self):
        self.resolve("no")
        self.assertEqual(self.run_engine(), [self.message.pk])
        self.message.refresh_from_db()
        self.enrollment.refresh_from_db()
        self.assertEqual(self.message.status, OutboundStatus.SENT)
        self.assertEqual(self.enrollment.position, 1)
        self.assertEqual(OutboundMessage.objects.filter(lead=self.lead).count(), 1)

    def test_a_viewer_cannot_answer_and_another_practice_cannot_see_it(self):
        self.client.login(username="vic", password=PASSWORD)
        self.assertIn(self.resolve("yes").status_code, (403, 404))
        self.client.login(username="sam", password=PASSWORD)
        self.assertEqual(self.resolve("yes").status_code, 404)
        self.message.refresh_from_db()
        self.assertEqual(self.message.status, OutboundStatus.UNCERTAIN)

    def test_a_person_stops_a_sequence_from_the_lead_page(self):
        page = self.client.get(reverse("lead_detail", args=["north", self.lead.pk]))
        self.assertContains(page, "Stop this sequence")
        response = self.client.post(reverse("enrollment_stop", args=["north", self.enrollment.pk]))
        self.assertRedirects(response, reverse("lead_detail", args=["north", self.lead.pk]))
        self.enrollment.refresh_from_db()
        self.assertEqual(self.enrollment.status, "stopped")
        self.assertIn("cole", self.enrollment.stop_reason)
        self.resolve("no")  # even if the send is queued again, a stopped sequence sends nothing
        self.assertEqual(self.run_engine(), [])

    def test_a_queued_send_another_worker_took_first_is_not_sent_again(self):
        from reactivate.campaigns.batch import Batch

        self.resolve("no")
        load = Batch.__init__

        def load_then_lose_the_race(batch, *args, **kwargs):
            load(batch, *args, **kwargs)
            # Another worker moves the queued message to sending after this batch read it.
            OutboundMessage.objects.filter(pk=self.message.pk).update(status=OutboundStatus.SENDING)

        with mock.patch.object(Batch, "__init__", load_then_lose_the_race):
            self.assertEqual(self.run_engine(), [])
        self.enrollment.refresh_from_db()
        self.assertEqual((self.enrollment.status, self.enrollment.position), ("active", 0))
        self.assertIn("another worker", self.enrollment.last_decision)
