from datetime import UTC, datetime, timedelta

from django.urls import reverse

from reactivate.audit.models import AuditEvent
from reactivate.campaigns.engine import run_due
from reactivate.campaigns.models import Campaign, Enrollment
from reactivate.campaigns.selectors import campaign_report
from reactivate.campaigns.services import campaign_create, campaign_launch, starter_sequence
from reactivate.channels.models import OutboundMessage
from reactivate.segments.models import Segment
from reactivate.testing import PASSWORD, BaseTestCase, make_lead

# Tuesday 2 June 2026, 10:00 in Chicago: inside every sending window.
MORNING = datetime(2026, 6, 2, 15, 0, tzinfo=UTC)


class CampaignReports(BaseTestCase):
    def setUp(self):
        self.leads = [
            make_lead(
                self.north, f"Shared{i}", "Lead", email=f"shared{i}@example.com",
                last_contact_at=MORNING - timedelta(days=200),
            )
            for i in range(3)
        ]  # fmt: skip
        self.segment = Segment.objects.create(
            practice=self.north, name="Stalled", definition={"statuses": ["stalled"]}
        )
        self.sequence = starter_sequence(self.north)

    def campaign(self, name: str) -> Campaign:
        return campaign_create(
            practice=self.north, name=name, segment=self.segment, sequence=self.sequence,
            holdout_percent=0, actor=None,
        )  # fmt: skip

    def test_a_report_counts_only_its_own_campaigns_messages(self):
        spring = self.campaign("Spring")
        campaign_launch(campaign=spring, actor=None, now=MORNING)
        run_due(MORNING)
        spring_sent = OutboundMessage.objects.filter(source=f"campaign-{spring.pk}").count()
        self.assertEqual(spring_sent, 3)  # one email to each shared lead
        # Months later the same leads are worked again by a second campaign.
        autumn = self.campaign("Autumn")
        Enrollment.objects.filter(campaign=spring).update(status="finished")
        later = MORNING + timedelta(days=196)  # a Tuesday, 28 weeks on
        for lead in self.leads:
            lead.status = "stalled"
            lead.next_eligible_at = None
            lead.save()
        campaign_launch(campaign=autumn, actor=None, now=later)
        run_due(later)
        self.assertEqual(campaign_report(spring)["sent_by_channel"], {"email": 3})
        autumn_report = campaign_report(autumn)
        self.assertEqual(
            autumn_report["sent_by_channel"],
            {"email": OutboundMessage.objects.filter(source=f"campaign-{autumn.pk}").count()},
        )
        self.assertGreater(autumn_report["sent_by_channel"]["email"], 0)

    def test_the_campaign_list_asks_the_same_queries_for_one_or_many(self):
        self.client.login(username="cole", password=PASSWORD)
        url = reverse("campaign_index", args=["north"])
        self.campaign("One")
        self.client.get(url)  # warm the session and the content types
        with self.assertNumQueries(11) as one:  # the menu asks for new follow-ups too
            self.client.get(url)
        for name in ("Two", "Three", "Four"):
            self.campaign(name)
        with self.assertNumQueries(len(one.captured_queries)):
            page = self.client.get(url)
        self.assertContains(page, "Four")


class CampaignActionsAreRecorded(BaseTestCase):
    def setUp(self):
        self.segment = Segment.objects.create(
            practice=self.north, name="Stalled", definition={"statuses": ["stalled"]}
        )
        self.client.login(username="cole", password=PASSWORD)

    def post(self, campaign: Campaign, verb: str):
        return self.client.post(reverse("campaign_action", args=["north", campaign.pk, verb]))

    def test_every_action_names_who_did_it(self):
        self.client.post(
            reverse("campaign_index", args=["north"]),
            {"name": "Spring", "segment": self.segment.pk, "holdout_percent": "0",
             "sender_name": "Cole at North", "pilot_size": "1"},
        )  # fmt: skip
        campaign = Campaign.objects.get(name="Spring")
        self.assertEqual(campaign.sender_name, "Cole at North")
        review = reverse("campaign_review", args=["north", campaign.pk])
        self.client.post(review, {"confirm": "yes", "warnings": "accepted"})
        for verb in ("pause", "resume", "pause", "scale"):
            self.post(campaign, verb)
        events = list(
            AuditEvent.objects.filter(object_type="campaign", object_id=str(campaign.pk))
            .order_by("id")
            .values_list("action", "actor__username")
        )
        self.assertEqual(
            events,
            [
                ("campaign.created", "cole"),
                ("campaign.launched", "cole"),
                ("campaign.paused", "cole"),
                ("campaign.resumed", "cole"),
                ("campaign.paused", "cole"),
                ("campaign.scaled", "cole"),
            ],
        )

    def test_a_refused_action_records_nothing(self):
        campaign = campaign_create(
            practice=self.north, name="Draft", segment=self.segment,
            sequence=starter_sequence(self.north), actor=self.north_owner,
        )  # fmt: skip
        self.post(campaign, "pause")  # a draft cannot be paused
        self.assertEqual(
            list(
                AuditEvent.objects.filter(object_type="campaign").values_list("action", flat=True)
            ),
            ["campaign.created"],
        )
