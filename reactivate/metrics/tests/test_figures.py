"""Every figure of the report on the hand-built practice of helpers.py, worked out by hand."""

from __future__ import annotations

from decimal import Decimal

from reactivate.channels.models import OutboundMessage
from reactivate.metrics.report import metrics
from reactivate.metrics.tests.helpers import program, t0
from reactivate.segments.scoring import score_practice
from reactivate.testing import BaseTestCase


class ProgramFigures(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.start = t0()
        cls.built = program(cls.north, cls.start)
        program(cls.south, cls.start)  # the same program next door: none of it is North's
        score_practice(cls.north)

    def setUp(self) -> None:
        self.report = metrics(self.north)

    def test_contacted_counts_touches_that_went_out(self):
        # L1-L7: a bounced email is no touch (L2 counts by its text), a letter counts once
        # mailed (L6), a voicemail counts and a missed call does not (L7); L8's email failed.
        self.assertEqual(self.report["contacted"], 7)

    def test_response_rate_counts_people_who_wrote_after_the_first_touch(self):
        # L1 yes, L2 no thanks, L4 and L5 "we moved"; L3's out-of-office, L7's wrong number
        # and L6's yes before its letter arrived do not count.
        self.assertEqual(self.report["responded"], 4)
        self.assertEqual(self.report["response_rate"], round(4 / 7, 4))

    def test_reactivation_is_a_yes_a_booking_or_a_requalified_change(self):
        # L1 said yes; L4 wrote that things changed and was re-qualified; L5 was not.
        self.assertEqual(self.report["reactivated"], 2)
        self.assertEqual(self.report["reactivation_rate"], round(2 / 7, 4))
        self.assertEqual(self.report["reactivation_of_responses"], 0.5)

    def test_pipeline_is_what_reactivated_leads_opened(self):
        # L1's $4,000 (won) and L4's $3,000 (booked); H1 was never contacted.
        self.assertEqual(self.report["pipeline_value"], 7000.0)

    def test_cost_per_reactivated_lead_beside_a_new_lead(self):
        # Three emails at 1c (the bounce was paid for), three texts at 5c, a letter at $1:
        # $1.18. Two call attempts at 5 minutes and four replies at 4: 26 minutes at $30 an
        # hour, $13. Fixed: $50 for the campaign and $10 for the program. $74.18 over two.
        self.assertEqual(self.report["sent"], {"email": 3, "sms": 3, "letter": 1, "call": 2})
        self.assertEqual(
            self.report["cost"],
            {"messages": 1.18, "staff": 13.0, "fixed": 60.0, "total": 74.18,
             "replies_handled": 4, "priced_by_provider": 0},
        )  # fmt: skip
        self.assertEqual(self.report["cost_per_reactivated_lead"], 37.09)
        self.assertEqual(self.report["cost_per_new_lead"], 300.0)
        self.assertEqual(self.report["cost_multiple"], 8.1)  # 300 / 37.09

    def test_a_price_the_provider_reported_replaces_the_practice_price(self):
        # Twilio billed L4's text $0.0079 and L2's $0.0158 (two segments); L5's was priced
        # in euros, so it stays at the practice's 5c. Texts: 0.0079 + 0.0158 + 0.05 instead
        # of 15c, so messages are 1.18 - 0.15 + 0.0737 = 1.1037, to the cent $1.10.
        texts = OutboundMessage.objects.filter(practice=self.north, channel="sms",
                                               source__startswith="campaign-")  # fmt: skip
        for name, price, unit in (("L4", "0.0079", "USD"), ("L2", "0.0158", "USD"),
                                  ("L5", "0.0090", "EUR")):  # fmt: skip
            texts.filter(lead=self.built[name]).update(price=Decimal(price), price_unit=unit)
        report = metrics(self.north)
        self.assertEqual(report["cost"]["messages"], 1.10)
        self.assertEqual(report["cost"]["priced_by_provider"], 2)
        self.assertEqual(report["cost"]["total"], 74.10)
        self.assertEqual(report["cost_per_reactivated_lead"], 37.05)

    def test_time_to_conversion_beside_new_leads(self):
        # L1 came back on day 1 and won on day 12; N1 inquired 40 days before T0 and won 10
        # days before it.
        self.assertEqual(self.report["time_to_conversion_days"], 11.0)
        self.assertEqual(self.report["new_lead_time_to_conversion_days"], 30.0)

    def test_speed_to_human_is_the_median_minutes(self):
        self.assertEqual(self.report["speed_to_human_minutes"], 21.0)  # 12 and 30

    def test_health_score_is_the_workable_share(self):
        # Maria (BaseTestCase) has an email and a phone; the hand-built leads have neither.
        self.assertEqual(self.report["health_score"], round(100 / 12, 1))

    def test_lift_by_intention_to_treat(self):
        lift = self.report["lift"]
        # Treated: L1 and L6 said yes after they were enrolled (L6 before its letter came:
        # by intention to treat it still counts), L4 was re-qualified: 3 of 8. Held out: H1
        # booked: 1 of 2.
        self.assertEqual(lift["treated_counts"], [3, 8])
        self.assertEqual(lift["holdout_counts"], [1, 2])
        self.assertEqual((lift["treated"], lift["holdout"], lift["difference"]),
                         (0.375, 0.5, -0.125))  # fmt: skip
        # Wilson 3/8: 0.1368-0.6943, 1/2: 0.0945-0.9055. Newcombe: -0.125 - sqrt(0.2382² +
        # 0.4055²) and -0.125 + sqrt(0.3193² + 0.4055²).
        self.assertEqual((lift["ci_low"], lift["ci_high"]), (-0.5952, 0.3911))
        self.assertEqual(lift["treated_ci"], [0.1368, 0.6943])
        self.assertFalse(lift["significant"])
        self.assertIn("not significant yet", lift["in_words"])

    def test_booking_lift_and_what_it_is_worth(self):
        booking = self.report["booking_lift"]
        self.assertEqual((booking["treated"], booking["holdout"]), (0.25, 0.5))  # L1, L4 | H1
        self.assertEqual(self.report["incremental_bookings"], -2.0)  # -0.25 x 8
        # $7,000 open over 8 treated against nothing open (H1 lost) over 2, times 8.
        self.assertEqual(self.report["incremental_revenue"], 7000.0)

    def test_one_campaign_counts_its_own_fixed_costs(self):
        report = metrics(self.north, self.built["campaign"])
        self.assertEqual(report["campaign"], "Autumn")
        self.assertEqual(report["contacted"], 7)
        self.assertEqual(report["cost"]["fixed"], 50.0)
        self.assertEqual(report["cost_per_reactivated_lead"], 32.09)  # 64.18 / 2

    def test_a_campaign_that_sent_nothing_says_so(self):
        report = metrics(self.north, self.built["other"])
        self.assertEqual((report["contacted"], report["response_rate"]), (0, None))
        self.assertIsNone(report["cost_per_reactivated_lead"])
        self.assertIsNone(report["lift"]["difference"])
        self.assertEqual(report["diagnosis"][0]["title"], "Nothing has gone out yet")

    def test_breakdowns_add_up_to_the_whole(self):
        parts = metrics(self.north, breakdowns=True)["breakdowns"]
        first = {row["group"]: row for row in parts["first_channel"]}
        # First touches: email L1, L3; text L2, L4, L5; letter L6; call L7.
        self.assertEqual({k: v["contacted"] for k, v in first.items()},
                         {"email": 2, "sms": 3, "letter": 1, "call": 1})  # fmt: skip
        self.assertEqual(first["sms"]["responded"], 3)
        self.assertEqual(sum(row["contacted"] for row in parts["first_channel"]), 7)
        self.assertEqual(parts["campaign"][0]["group"], "Autumn")
        self.assertEqual(parts["campaign"][0]["reactivated"], 2)
        self.assertEqual(sum(row["responses"] for row in parts["step"]), 4)

    def test_responses_by_the_wording_sent(self):
        versions = {
            row["group"]: row
            for row in metrics(self.north, breakdowns=True)["breakdowns"]["template_version"]
        }
        # A went to L1, who said yes; B to L2 and L3, neither of whom answered it (L2 answered
        # the text that followed); the text went to L2, L4 and L5, who all wrote back.
        self.assertEqual({k: (v["leads"], v["responses"]) for k, v in versions.items()},
                         {"Check-in A v1": (1, 1), "Check-in B v1": (2, 0),
                          "Nudge v1": (3, 3)})  # fmt: skip
        self.assertEqual(versions["Nudge v1"]["response_rate"], 1.0)
