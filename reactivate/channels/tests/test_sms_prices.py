"""What Twilio billed for each text, asked for once it has priced it, through the SDK to the
stand-in (each request checked against Twilio's OpenAPI spec)."""

from datetime import timedelta
from decimal import Decimal

from reactivate.channels.models import OutboundMessage, OutboundStatus
from reactivate.channels.prices import fetch_reported_prices
from reactivate.channels.tests.test_sms import MORNING, SmsTestCase, texted_lead


class ReportedPriceTests(SmsTestCase):
    def setUp(self):
        super().setUp()
        self.lead, _ = texted_lead(self.north, "Ana", "+13125550123")
        self.launch()
        self.text = OutboundMessage.objects.get(lead=self.lead)

    def fetches(self) -> list[str]:
        return [path for method, path, _ in self.standin.requests
                if method == "GET" and path.endswith(f"/{self.text.provider_id}.json")]  # fmt: skip

    def test_the_price_twilio_reports_is_stored_as_a_cost(self):
        self.standin.price = "-0.00790"  # Twilio writes a charge as a negative amount
        self.assertEqual(fetch_reported_prices(MORNING + timedelta(minutes=10)),
                         {"priced": 1, "not_yet": 0})  # fmt: skip
        self.text.refresh_from_db()
        self.assertEqual((self.text.price, self.text.price_unit), (Decimal("0.00790"), "USD"))
        self.assertEqual(len(self.fetches()), 1)
        self.assertEqual(self.standin.invalid, [])
        # Priced once: never asked again.
        fetch_reported_prices(MORNING + timedelta(hours=5))
        self.assertEqual(len(self.fetches()), 1)

    def test_a_text_not_priced_yet_is_asked_about_again_an_hour_later(self):
        first = MORNING + timedelta(minutes=10)
        self.assertEqual(fetch_reported_prices(first), {"priced": 0, "not_yet": 1})
        self.text.refresh_from_db()
        self.assertIsNone(self.text.price)
        self.assertEqual(self.text.price_checked_at, first)
        fetch_reported_prices(first + timedelta(minutes=30))
        self.assertEqual(len(self.fetches()), 1)  # not within the hour
        self.standin.price = "-0.01580"
        fetch_reported_prices(first + timedelta(hours=1))
        self.text.refresh_from_db()
        self.assertEqual(self.text.price, Decimal("0.01580"))

    def test_too_soon_or_too_late_to_ask(self):
        self.standin.price = "-0.00790"
        fetch_reported_prices(MORNING + timedelta(minutes=2))
        fetch_reported_prices(MORNING + timedelta(days=3, minutes=1))
        self.assertEqual(self.fetches(), [])

    def test_only_texts_the_provider_sent_are_asked_about(self):
        OutboundMessage.objects.create(
            practice=self.north, lead=self.lead, channel="sms", idempotency_key="sandboxed",
            source="campaign-1", to_value="+13125550123", body="Hi", provider="sandbox",
            provider_id="sandbox:1", status=OutboundStatus.SENT, sent_at=MORNING,
        )  # fmt: skip
        self.text.status = OutboundStatus.FAILED
        self.text.save(update_fields=["status"])
        self.assertEqual(fetch_reported_prices(MORNING + timedelta(minutes=10)),
                         {"priced": 0, "not_yet": 0})  # fmt: skip
        self.assertEqual(self.fetches(), [])

    def test_a_message_twilio_no_longer_has_is_left_at_the_practice_price(self):
        self.standin.messages.clear()  # deleted at Twilio: it answers 404
        self.assertEqual(fetch_reported_prices(MORNING + timedelta(minutes=10)),
                         {"priced": 0, "not_yet": 1})  # fmt: skip
        self.text.refresh_from_db()
        self.assertIsNone(self.text.price)
