from django.urls import reverse

from reactivate.audit.models import AuditEvent
from reactivate.leads.choices import ContactKind, InteractionKind
from reactivate.leads.models import Interaction, Suppression
from reactivate.testing import BaseTestCase, make_lead


class LeadPageTests(BaseTestCase):
    def setUp(self):
        self.client.force_login(self.north_coordinator)
        self.url = reverse("lead_detail", args=["north", self.north_lead.pk])

    def test_it_shows_contact_points_and_the_timeline(self):
        Interaction.objects.create(
            practice=self.north,
            lead=self.north_lead,
            kind=InteractionKind.NOTE,
            summary="Asked about financing",
            occurred_at=self.north_lead.last_contact_at,
        )
        page = self.client.get(self.url)
        self.assertContains(page, "maria.gonzalez@example.com")
        self.assertContains(page, "+13125550101")
        self.assertContains(page, "Asked about financing")

    def test_viewing_a_lead_is_written_to_the_audit_trail(self):
        self.client.get(self.url)
        event = AuditEvent.objects.get(action="lead.viewed")
        self.assertEqual(
            (event.actor, event.object_id, event.practice),
            (self.north_coordinator, str(self.north_lead.pk), self.north),
        )

    def test_a_note_lands_on_the_timeline_with_its_author(self):
        url = reverse("lead_note", args=["north", self.north_lead.pk])
        response = self.client.post(
            url,
            {"body": "Called back, wants the spring.\nWill call in March."},
            headers={"HX-Request": "true"},
        )
        self.assertContains(response, "Called back, wants the spring.")
        self.assertNotContains(response, "<html")
        note = Interaction.objects.get(lead=self.north_lead, kind=InteractionKind.NOTE)
        self.assertEqual(note.actor, self.north_coordinator)
        self.assertEqual(note.summary, "Called back, wants the spring.")

    def test_an_empty_note_is_refused_with_a_message(self):
        url = reverse("lead_note", args=["north", self.north_lead.pk])
        response = self.client.post(url, {"body": ""}, headers={"HX-Request": "true"})
        self.assertContains(response, "This field is required")
        self.assertFalse(Interaction.objects.filter(kind=InteractionKind.NOTE).exists())

    def test_a_status_change_keeps_the_old_status_on_the_timeline(self):
        url = reverse("lead_status", args=["north", self.north_lead.pk])
        self.client.post(url, {"status": "responded", "reason": "Replied to email"})
        self.north_lead.refresh_from_db()
        self.assertEqual(self.north_lead.status, "responded")
        change = Interaction.objects.get(kind=InteractionKind.STATUS_CHANGE)
        self.assertEqual(change.data, {"from": "stalled", "to": "responded"})
        self.assertEqual(change.body, "Replied to email")

    def test_an_unknown_status_is_refused(self):
        url = reverse("lead_status", args=["north", self.north_lead.pk])
        response = self.client.post(url, {"status": "vip"}, follow=True)
        self.assertContains(response, "Status not saved")
        self.north_lead.refresh_from_db()
        self.assertEqual(self.north_lead.status, "stalled")

    def test_do_not_contact_suppresses_every_address_and_number_practice_wide(self):
        twin = make_lead(self.north, "Maria", "G.", phone="+13125550101")
        url = reverse("lead_status", args=["north", self.north_lead.pk])
        self.client.post(url, {"status": "do_not_contact", "reason": "Asked us to stop"})
        suppressed = set(
            Suppression.objects.filter(practice=self.north).values_list("kind", "value")
        )
        self.assertEqual(
            suppressed,
            {
                (ContactKind.EMAIL, "maria.gonzalez@example.com"),
                (ContactKind.PHONE, "+13125550101"),
            },
        )
        twin_page = self.client.get(reverse("lead_detail", args=["north", twin.pk]))
        self.assertContains(twin_page, "Do not contact")
        self.assertFalse(Suppression.objects.filter(practice=self.south).exists())


class TimelineTests(BaseTestCase):
    def test_interactions_cannot_be_rewritten(self):
        note = Interaction.objects.create(
            practice=self.north,
            lead=self.north_lead,
            kind=InteractionKind.NOTE,
            summary="x",
            occurred_at=self.north_lead.last_contact_at,
        )
        note.summary = "rewritten"
        with self.assertRaises(ValueError):
            note.save()


class LocalTimeTests(BaseTestCase):
    def test_dates_show_in_the_practices_time_zone(self):
        from datetime import UTC, datetime

        self.north_lead.last_contact_at = datetime(2026, 3, 2, 3, 30, tzinfo=UTC)
        self.north_lead.save()
        self.client.force_login(self.north_owner)
        page = self.client.get(reverse("lead_detail", args=["north", self.north_lead.pk]))
        # 03:30 UTC on 2 March is still 1 March in Chicago.
        self.assertContains(page, "1 Mar 2026")
