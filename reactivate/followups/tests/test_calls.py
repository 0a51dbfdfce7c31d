"""A call step is a task for a person: script, voicemail and history on one page, the
outcome in two clicks, and the outcome moves the sequence and corrects the number."""

from datetime import UTC, datetime, timedelta

from django.urls import reverse

from reactivate.campaigns.engine import run_due
from reactivate.campaigns.models import Enrollment, EnrollmentStatus
from reactivate.campaigns.sequences import sequence_create, step_add
from reactivate.campaigns.services import campaign_create, campaign_launch
from reactivate.channels.models import OutboundMessage
from reactivate.followups.models import CallTask, TaskStatus
from reactivate.followups.services import CallError, call_log_outcome
from reactivate.leads.choices import ContactKind, LeadStatus, Validity
from reactivate.leads.models import ContactPoint
from reactivate.leads.services import lead_mark_do_not_contact
from reactivate.messaging.models import MessageTemplate
from reactivate.messaging.services import install_starter_playbooks
from reactivate.segments.models import Segment
from reactivate.testing import PASSWORD, BaseTestCase, make_lead

MORNING = datetime(2026, 6, 2, 15, 0, tzinfo=UTC)


class CallStepTests(BaseTestCase):
    def setUp(self):
        install_starter_playbooks(practice=self.north, actor=None)
        self.lead = make_lead(self.north, "Ana", "Ruiz", phone="+13125550123",
                              email="ana@example.com", treatment="Implants",
                              last_contact_at=MORNING - timedelta(days=200))  # fmt: skip
        ContactPoint.objects.filter(lead=self.lead).update(timezone="America/Chicago")
        sequence = sequence_create(practice=self.north, name="Call first", actor=None)
        for channel, step in (("call", "call-1"), ("email", "email-2")):
            template = MessageTemplate.objects.get(practice=self.north, step=step,
                                                   language="en", dormancy_reason="")  # fmt: skip
            step_add(sequence=sequence, actor=None, channel=channel, template=template, wait=1)
        segment = Segment.objects.create(practice=self.north, name="All",
                                         definition={"statuses": ["stalled"]})  # fmt: skip
        campaign = campaign_create(
            practice=self.north, name="Calls", segment=segment, sequence=sequence,
            holdout_percent=0, actor=None, sender_name="Cole",
        )  # fmt: skip
        campaign_launch(campaign=campaign, actor=None, now=MORNING)
        run_due(MORNING)
        self.task = CallTask.objects.get(lead=self.lead)
        self.enrollment = Enrollment.objects.get(lead=self.lead)

    def log(self, outcome, user="cole", note=""):
        self.client.login(username=user, password=PASSWORD)
        return self.client.post(reverse("call_outcome", args=["north", self.task.pk]),
                                {"outcome": outcome, "note": note})  # fmt: skip

    def test_the_engine_opens_a_task_and_sends_nothing(self):
        self.assertFalse(OutboundMessage.objects.filter(lead=self.lead).exists())
        self.assertEqual((self.task.phone, self.task.status), ("+13125550123", TaskStatus.OPEN))
        self.assertIn("Cole", self.task.script)
        self.assertTrue(self.task.voicemail)
        self.assertEqual(self.enrollment.status, EnrollmentStatus.WAITING)
        self.assertIn("make the call", self.enrollment.last_decision)
        run_due(MORNING + timedelta(days=3))  # waiting for the person: nothing else happens
        self.assertEqual(CallTask.objects.filter(lead=self.lead).count(), 1)

    def test_the_call_page_has_the_scripts_and_the_history(self):
        self.client.login(username="cole", password=PASSWORD)
        page = self.client.get(reverse("call_list", args=["north"]))
        self.assertContains(page, "Ana Ruiz")
        self.assertContains(page, 'value="wrong_number"')
        detail = self.client.get(reverse("call_detail", args=["north", self.task.pk]))
        self.assertContains(detail, "following up on Implants. No pressure at all.")
        self.assertContains(detail, "Recent history")

    def test_no_answer_moves_the_sequence_to_the_next_step_after_its_wait(self):
        response = self.log("no_answer")
        self.assertRedirects(response, reverse("call_list", args=["north"]))
        run_due(MORNING + timedelta(hours=1))
        self.enrollment.refresh_from_db()
        self.assertEqual((self.enrollment.position, self.enrollment.status), (1, "active"))
        self.assertIn("no answer", self.enrollment.last_decision)
        run_due(MORNING + timedelta(days=2))
        self.assertEqual(OutboundMessage.objects.get(lead=self.lead).channel, "email")
        entry = self.lead.interactions.get(kind="call")
        self.assertEqual((entry.summary, entry.actor), ("Call to +13125550123: no answer",
                                                        self.north_coordinator))  # fmt: skip

    def test_a_wrong_number_is_never_called_or_texted_again(self):
        self.log("wrong_number", note="A bakery")
        phone = ContactPoint.objects.get(lead=self.lead, kind=ContactKind.PHONE)
        self.assertEqual(phone.validity, Validity.INVALID)
        change = self.lead.interactions.get(kind="contact_change")
        self.assertIn("A bakery", change.body)
        run_due(MORNING + timedelta(hours=1))
        self.enrollment.refresh_from_db()
        self.assertEqual(self.enrollment.position, 1)  # on to the email

    def test_a_conversation_stops_the_automation_and_marks_the_lead(self):
        self.log("connected", note="Wants to come in after the holidays")
        run_due(MORNING + timedelta(hours=1))
        self.enrollment.refresh_from_db()
        self.assertEqual(self.enrollment.status, EnrollmentStatus.STOPPED)
        self.lead.refresh_from_db()
        self.assertEqual(self.lead.status, LeadStatus.RESPONDED)
        self.assertIsNotNone(self.lead.last_contact_at)

    def test_a_call_is_logged_once_and_only_by_someone_who_may(self):
        self.assertEqual(self.log("voicemail", user="vic").status_code, 403)  # a viewer
        self.assertEqual(self.log("voicemail", user="sam").status_code, 404)  # South
        self.task.refresh_from_db()
        self.assertEqual(self.task.status, TaskStatus.OPEN)
        self.log("voicemail")
        with self.assertRaisesMessage(CallError, "already been logged"):
            call_log_outcome(task=self.task, outcome="connected", actor=self.north_coordinator)
        with self.assertRaisesMessage(CallError, "Unknown outcome"):
            call_log_outcome(task=self.task, outcome="maybe", actor=self.north_coordinator)

    def test_an_opt_out_meanwhile_cancels_the_call(self):
        lead_mark_do_not_contact(lead=self.lead, actor=self.north_owner, source="asked")
        self.client.login(username="cole", password=PASSWORD)
        self.assertNotContains(self.client.get(reverse("call_list", args=["north"])), "Ana Ruiz")
        run_due(MORNING + timedelta(hours=1))
        self.task.refresh_from_db()
        self.assertEqual(self.task.status, TaskStatus.CANCELLED)
