from datetime import UTC, datetime, timedelta

from django.urls import reverse

from reactivate.audit.models import AuditEvent
from reactivate.leads.choices import Channel, ConsentStatus, ContactKind, InteractionKind, LineType
from reactivate.leads.consent import can_contact
from reactivate.leads.models import Consent, ContactPoint, Interaction, RescoreMark, Suppression
from reactivate.leads.optout import opt_in, opt_out
from reactivate.testing import PASSWORD, BaseTestCase

# Tuesday 2 June 2026, 11:00 in Chicago: inside every window.
NOON = datetime(2026, 6, 2, 16, 0, tzinfo=UTC)


class OptOutEverywhere(BaseTestCase):
    def setUp(self):
        self.lead = self.north_lead
        self.address = ContactPoint.objects.create(
            practice=self.north, lead=self.lead, kind=ContactKind.ADDRESS,
            value="12 Lake St, Chicago, IL 60601", validity="valid",
        )  # fmt: skip
        phone = self.lead.contact_points.get(kind=ContactKind.PHONE)
        phone.line_type, phone.timezone = LineType.MOBILE, "America/Chicago"
        phone.save()
        Consent.objects.create(
            practice=self.north, contact_point=phone, channel=Channel.SMS,
            status=ConsentStatus.GRANTED, recorded_at=NOON - timedelta(days=300),
        )  # fmt: skip

    def allowed(self) -> dict[str, bool]:
        self.lead.refresh_from_db()
        return {c: can_contact(self.lead, c, NOON).allowed for c in Channel.values}

    def test_an_email_opt_out_suppresses_every_address_and_number(self):
        self.assertEqual(set(self.allowed().values()), {True})
        changed = opt_out(
            lead=self.lead, channel=Channel.EMAIL, source="one-click unsubscribe",
            evidence="List-Unsubscribe=One-Click", at=NOON,
        )  # fmt: skip
        self.assertTrue(changed)
        self.assertEqual(set(self.allowed().values()), {False})
        self.assertEqual(
            sorted(Suppression.objects.filter(practice=self.north).values_list("kind", flat=True)),
            ["address", "email", "phone"],
        )
        self.assertEqual(self.lead.status, "do_not_contact")
        entry = Interaction.objects.get(lead=self.lead, kind=InteractionKind.CONSENT_CHANGE)
        self.assertIn("Opted out of all contact", entry.summary)
        self.assertEqual(AuditEvent.objects.filter(action="lead.opted_out").count(), 1)
        # Scoring is a floor above: the change leaves a mark for its task.
        self.assertTrue(RescoreMark.objects.filter(practice=self.north).exists())

    def test_opting_out_twice_writes_nothing_the_second_time(self):
        opt_out(lead=self.lead, channel=Channel.SMS, source="STOP text", evidence="STOP")
        again = opt_out(lead=self.lead, channel=Channel.EMAIL, source="unsubscribe page")
        self.assertFalse(again)
        self.assertEqual(Interaction.objects.filter(kind="consent_change").count(), 1)
        self.assertEqual(AuditEvent.objects.filter(action="lead.opted_out").count(), 1)
        self.assertEqual(Suppression.objects.filter(practice=self.north).count(), 3)

    def test_a_start_text_re_enables_texts_on_that_number_only(self):
        opt_out(lead=self.lead, channel=Channel.SMS, source="STOP text", evidence="STOP")
        self.assertTrue(
            opt_in(
                lead=self.lead, channel=Channel.SMS, value="+13125550101",
                source="START text", evidence="START", at=NOON,
            )
        )  # fmt: skip
        self.assertEqual(
            self.allowed(),
            {"email": False, "sms": True, "call": False, "letter": False},
        )
        self.assertEqual(self.lead.status, "stalled")
        self.assertEqual(AuditEvent.objects.filter(action="lead.opted_in").count(), 1)
        with self.assertRaisesMessage(ValueError, "evidence"):
            opt_in(lead=self.lead, channel="sms", value="+13125550101", source="x", evidence="")

    def test_staff_do_not_contact_goes_through_the_same_service(self):
        self.client.login(username="cole", password=PASSWORD)
        self.client.post(
            reverse("lead_status", args=["north", self.lead.pk]),
            {"status": "do_not_contact", "reason": "asked on the phone"},
        )
        self.assertEqual(set(self.allowed().values()), {False})
        suppression = Suppression.objects.get(kind="address")
        self.assertEqual(
            (suppression.reason, suppression.created_by), ("manual", self.north_coordinator)
        )
        event = AuditEvent.objects.get(action="lead.opted_out")
        self.assertEqual(event.actor, self.north_coordinator)

    def test_the_unsubscribe_link_stops_texts_calls_and_letters_too(self):
        from reactivate.messaging.unsubscribe import unsubscribe_url

        path = "/u/" + unsubscribe_url(self.lead).split("/u/", 1)[1]
        self.assertContains(self.client.post(path, {"List-Unsubscribe": "One-Click"}), "again")
        self.assertEqual(set(self.allowed().values()), {False})
        self.assertTrue(Suppression.objects.filter(value="+13125550101").exists())
