from datetime import timedelta
from io import StringIO

from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from reactivate.campaigns.engine import run_due
from reactivate.campaigns.models import Campaign, Enrollment
from reactivate.campaigns.services import campaign_create, starter_sequence
from reactivate.channels.models import OutboundMessage
from reactivate.leads.models import Interaction
from reactivate.segments.models import Segment
from reactivate.testing import PASSWORD, BaseTestCase, make_lead


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
        self.assertRedirects(response, reverse("campaign_index", args=["north"]))
        campaign = Campaign.objects.get(practice=self.north, name="Spring")
        self.assertEqual(
            (campaign.sender_name, campaign.daily_budget), ("Cole at North", {"sms": 50})
        )
        self.client.post(reverse("campaign_action", args=["north", campaign.pk, "launch"]))
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
        )
        response = self.client.post(reverse("campaign_action", args=["north", theirs.pk, "launch"]))
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
