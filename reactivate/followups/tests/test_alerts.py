"""Alerts reach the person who must answer: in the app, by email, and by text to the mobile
number they gave (Settings → Team), once per task."""

from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse

from reactivate.audit.models import AuditEvent
from reactivate.channels.models import OutboundMessage
from reactivate.channels.tests.test_sms import SmsTestCase, sign, texted_lead
from reactivate.followups.models import FollowUp, Notification
from reactivate.tenancy.models import Membership
from reactivate.testing import PASSWORD

COLE_MOBILE = "+13125557788"


class StaffTextAlertTests(SmsTestCase):
    def setUp(self):
        super().setUp()
        self.lead, _ = texted_lead(self.north, "Ana", "+13125550123")
        self.launch()
        self.owner = Client()
        self.owner.login(username="nora", password=PASSWORD)
        self.cole = Membership.objects.get(user=self.north_coordinator, practice=self.north)
        self.north_coordinator.email = "cole@north.example"
        self.north_coordinator.save()

    def reply(self, sid: str, body: str = "yes, still interested!"):
        url = f"{settings.SITE_URL}/hooks/twilio/north/inbound/"
        params = {"MessageSid": sid, "From": "+13125550123", "To": "+13125550199", "Body": body}
        with self.captureOnCommitCallbacks(execute=True):  # the alerts go after the commit
            return Client().post("/hooks/twilio/north/inbound/", params,
                                 HTTP_X_TWILIO_SIGNATURE=sign(url, params))  # fmt: skip

    def set_phone(self, value: str):
        team = reverse("team_settings", args=["north"])
        return self.owner.post(team, {"member": self.cole.pk, "alert_phone": value}, follow=True)

    def staff_texts(self) -> list[dict]:
        return [m for m in self.standin.messages if m["to"] == COLE_MOBILE]

    def test_a_yes_is_texted_to_the_assignee_who_asked_for_texts_once(self):
        page = self.set_phone("(312) 555-7788")
        self.assertContains(page, "Text alerts for cole saved.")
        self.cole.refresh_from_db()
        self.assertEqual(self.cole.alert_phone, COLE_MOBILE)
        self.assertTrue(AuditEvent.objects.filter(action="member.alerts_changed").exists())
        for _ in range(2):  # Twilio retries: one task, one alert, one text
            self.reply("SM" + "a" * 32)
        followup = FollowUp.objects.get(kind="reply")
        self.assertEqual(followup.assignee, self.north_coordinator)
        self.assertEqual(Notification.objects.filter(followup=followup).count(), 1)
        self.assertEqual(len(mail.outbox), 1)
        [text] = self.staff_texts()
        self.assertTrue(text["body"].startswith("North Dental: Ana Ruiz: said yes: answer now"))
        self.assertIn("/p/north/worklist/", text["body"])
        self.assertNotIn("still interested", text["body"])  # what they wrote stays in the app
        self.assertEqual(OutboundMessage.objects.get(to_value=COLE_MOBILE).source, "staff-alert")

    def test_no_number_means_no_text_and_a_bad_number_is_refused_with_the_reason(self):
        page = self.set_phone("555-0000")
        self.assertContains(page, "is not a valid")
        self.cole.refresh_from_db()
        self.assertEqual(self.cole.alert_phone, "")
        self.reply("SM" + "b" * 32)
        self.assertEqual(FollowUp.objects.filter(kind="reply").count(), 1)
        self.assertEqual(self.staff_texts(), [])
        self.assertEqual(len(mail.outbox), 1)

    def test_a_coordinator_cannot_change_where_alerts_go(self):
        coordinator = Client()
        coordinator.login(username="cole", password=PASSWORD)
        team = reverse("team_settings", args=["north"])
        response = coordinator.post(team, {"member": self.cole.pk, "alert_phone": COLE_MOBILE})
        self.assertEqual(response.status_code, 403)
        self.cole.refresh_from_db()
        self.assertEqual(self.cole.alert_phone, "")
