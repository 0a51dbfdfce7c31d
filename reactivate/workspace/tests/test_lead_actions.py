"""Working a reply without another tool: answer it from the thread through the gate with
the suggested words, attach a stranger's message to the right lead, book the consultation
(with a calendar invite), snooze, close, and write down what was learned."""

from datetime import timedelta
from decimal import Decimal

from aiosmtpd.controller import Controller
from django.urls import reverse
from icalendar import Calendar

from reactivate.audit.models import AuditEvent
from reactivate.campaigns.models import Enrollment
from reactivate.channels.config import channel_configure
from reactivate.channels.models import OutboundMessage
from reactivate.channels.tests.test_email import Inbox, check_login, free_port
from reactivate.followups.models import CallTask, FollowUp, TaskStatus
from reactivate.followups.selectors import speed_to_human, worklist
from reactivate.leads.choices import LeadStatus
from reactivate.leads.models import Lead, Opportunity, Suppression
from reactivate.replies.models import Reply
from reactivate.testing import make_lead
from reactivate.workspace.tests.helpers import MORNING, WorkspaceTestCase


class AnswerTests(WorkspaceTestCase):
    def test_the_thread_shows_both_ways_and_suggests_the_booking_step_for_a_yes(self):
        self.later(hours=1)
        self.reply("Yes I'm still interested, can I come in next week?")
        page = self.cole.get(reverse("thread", args=["north", self.lead.pk]))
        self.assertContains(page, "Still on your radar?")  # what the campaign sent
        self.assertContains(page, "can I come in next week")  # and what came back
        self.assertContains(page, "positive")
        self.assertContains(page, "would a weekday morning suit you")  # a yes, and no booking page
        self.assertContains(page, "Checked as you type: <strong>pass</strong>")
        self.assertContains(page, "Cole Coordinator, North Dental")  # signed by who answers

    def test_a_timing_reply_gets_the_month_they_named(self):
        self.reply("Not right now, maybe in September")
        page = self.cole.get(reverse("thread", args=["north", self.lead.pk]))
        self.assertContains(page, "check back about")
        self.assertContains(page, "September")

    def test_the_answer_goes_through_the_gate_and_counts_as_the_first_action(self):
        self.later(hours=1)
        followup = self.reply("yes please")
        self.later(minutes=7)
        response = self.cole.post(reverse("answer", args=["north", self.lead.pk]), {
            "channel": "sms", "body": "Great, Ana! Does Thursday at 10 suit you?", "finish": "1",
        }, follow=True)  # fmt: skip
        self.assertContains(response, "Answer sent to Ana Ruiz")
        sent = OutboundMessage.objects.get(source="answer")
        self.assertEqual((sent.status, sent.to_value), ("sent", "+13125550123"))
        self.assertEqual(self.standin.messages[-1]["body"], sent.body)  # Twilio got it
        followup.refresh_from_db()
        self.assertEqual(followup.status, TaskStatus.DONE)
        self.assertEqual(followup.first_action_by, self.north_coordinator)
        self.assertEqual(speed_to_human(self.north).median, 7.0)
        self.assertTrue(AuditEvent.objects.filter(action="message.answered").exists())

    def test_quiet_hours_hold_the_answer_with_the_reason_and_send_nothing(self):
        followup = self.reply("yes please")
        self.now = MORNING.replace(hour=3)  # 22:00 in Chicago
        response = self.cole.post(reverse("answer", args=["north", self.lead.pk]),
                                  {"channel": "sms", "body": "Hi Ana"}, follow=True)  # fmt: skip
        self.assertContains(response, "The gate holds this message")
        self.assertFalse(OutboundMessage.objects.filter(source="answer").exists())
        followup.refresh_from_db()
        self.assertEqual(followup.status, TaskStatus.OPEN)

    def test_a_suppressed_number_is_never_answered(self):
        self.reply("yes")
        Suppression.objects.create(practice=self.north, kind="phone", value="+13125550123",
                                   reason="stop", source="test")  # fmt: skip
        response = self.cole.post(reverse("answer", args=["north", self.lead.pk]),
                                  {"channel": "sms", "body": "Hi Ana"}, follow=True)  # fmt: skip
        self.assertContains(response, "The gate holds this message")
        self.assertFalse(OutboundMessage.objects.filter(source="answer").exists())

    def test_the_linter_reads_the_answer_as_it_is_typed(self):
        verdict = self.cole.post(
            reverse("answer_lint", args=["north", self.lead.pk]),
            {"channel": "sms", "body": "ACT NOW!!! LIMITED TIME OFFER"},
        )
        self.assertContains(verdict, "fail")


class TriageTests(WorkspaceTestCase):
    def test_a_strangers_yes_is_attached_in_one_click_and_becomes_the_leads_task(self):
        stranger = "+17735550188"
        self.reply("yes I'd like to book", sender=stranger)
        triage = FollowUp.objects.get(kind="triage")
        reply = Reply.objects.get(lead__isnull=True)
        page = self.cole.get(reverse("triage", args=["north"]) + f"?q=Ruiz&attach={reply.pk}")
        self.assertContains(page, "I&#x27;d like to book")
        self.assertContains(page, "Attach to Ana Ruiz")
        self.cole.post(reverse("triage_attach", args=["north", reply.pk]), {"lead": self.lead.pk})
        reply.refresh_from_db()
        self.assertEqual(reply.lead, self.lead)
        triage.refresh_from_db()
        self.assertEqual(triage.status, TaskStatus.DONE)
        task = FollowUp.objects.get(kind="reply", lead=self.lead, status=TaskStatus.OPEN)
        self.assertEqual(task.first_action_by, self.north_coordinator)  # attaching is acting
        self.assertTrue(AuditEvent.objects.filter(action="reply.attached").exists())


class LeadPageTests(WorkspaceTestCase):
    def test_the_page_tells_the_whole_story(self):
        self.reply("yes, interested")
        page = self.cole.get(reverse("lead_detail", args=["north", self.lead.pk]))
        for text in ("Message sent", "yes, interested", "+13125550123", "Texts",
                     "Book a consultation", "Log a call", "Worth calling?"):  # fmt: skip
            self.assertContains(page, text)

    def test_logging_a_call_puts_it_on_the_timeline(self):
        self.cole.post(
            reverse("lead_call", args=["north", self.lead.pk]),
            {"phone": "+13125550123", "outcome": "connected", "note": "Thursday"},
        )
        task = CallTask.objects.get(source="lead page")
        self.assertEqual((task.status, task.outcome), (TaskStatus.DONE, "connected"))
        page = self.cole.get(reverse("lead_detail", args=["north", self.lead.pk]))
        self.assertContains(page, "Call to +13125550123: connected")
        refused = self.cole.post(
            reverse("lead_call", args=["north", self.lead.pk]),
            {"phone": "+19999999999", "outcome": "connected"},
            follow=True,
        )
        self.assertContains(refused, "Pick one of the lead")

    def test_snooze_brings_the_lead_back_on_the_worklist_that_day(self):
        self.cole.post(reverse("lead_snooze", args=["north", self.lead.pk]),
                       {"until": "2026-06-20", "note": "after her holiday"})  # fmt: skip
        task = FollowUp.objects.get(kind="snooze")
        past = self.cole.post(reverse("lead_snooze", args=["north", self.lead.pk]),
                              {"until": "2026-01-01"}, follow=True)  # fmt: skip
        self.assertContains(past, "Snooze to a date in the future.")
        self.assertNotIn(f"f{task.pk}", [i.ref for i in worklist(self.north).items])
        self.now = task.due_at + timedelta(minutes=1)
        self.assertIn(f"f{task.pk}", [i.ref for i in worklist(self.north).items])
        self.lead.refresh_from_db()
        self.assertEqual(self.lead.next_eligible_at, task.due_at)

    def test_close_with_do_not_contact_stops_everything(self):
        followup = self.reply("yes")
        self.cole.post(reverse("lead_close", args=["north", self.lead.pk]),
                       {"reason": "asked on the phone", "dnc": "1"})  # fmt: skip
        self.lead.refresh_from_db()
        self.assertEqual(self.lead.status, LeadStatus.DO_NOT_CONTACT)
        followup.refresh_from_db()
        self.assertEqual(followup.status, TaskStatus.CANCELLED)
        self.assertFalse(Enrollment.objects.filter(lead=self.lead, status="active").exists())

    def test_what_was_learned_feeds_value_due_date_and_reason(self):
        self.cole.post(reverse("lead_learned", args=["north", self.lead.pk]), {
            "timeline": "6m", "budget": "$6,200", "decision_maker": "with her husband",
            "circumstances": "new insurance from January",
        })  # fmt: skip
        lead = Lead.objects.get(pk=self.lead.pk)
        self.assertEqual(lead.estimated_value, Decimal("6200"))
        self.assertEqual(lead.dormancy_reason, "circumstances")
        self.assertEqual(lead.custom_fields["Decision maker"], "with her husband")
        self.assertEqual(lead.next_eligible_at.date().isoformat(), "2026-09-02")
        self.assertTrue(lead.interactions.filter(summary__startswith="Learned:").exists())
        bad = self.cole.post(reverse("lead_learned", args=["north", self.lead.pk]),
                             {"budget": "lots"}, follow=True)  # fmt: skip
        self.assertContains(bad, "The budget should be an amount.")


class BookingTests(WorkspaceTestCase):
    def setUp(self):
        super().setUp()
        self.inbox = Inbox()
        self.server = Controller(self.inbox, hostname="127.0.0.1", port=free_port(),
                                 authenticator=check_login, auth_require_tls=False)  # fmt: skip
        self.server.start()
        self.addCleanup(self.server.stop)
        self.north.postal_address, self.north.phone = "200 Lake St, Chicago, IL 60601", ""
        self.north.save()
        channel_configure(
            practice=self.north, channel="email", provider="smtp", actor=self.north_owner,
            values={"url": f"smtp://frontdesk:s3cret-pass@127.0.0.1:{self.server.port}",
                    "from_email": "frontdesk@north.example", "from_name": "North Dental",
                    "reply_domain": "replies.north.example"},
        )  # fmt: skip
        self.bea = make_lead(
            self.north,
            "Bea",
            "Lopez",
            email="bea@example.com",
            treatment="Invisalign",
            estimated_value=Decimal("5000"),
        )

    def test_booking_opens_an_opportunity_schedules_the_lead_and_sends_the_invite(self):
        response = self.cole.post(reverse("lead_book", args=["north", self.bea.pk]), {
            "date": "2026-06-09", "time": "14:30", "value": "5,400", "confirm": "email",
        }, follow=True)  # fmt: skip
        self.assertContains(response, "Confirmation sent by email with a calendar invite.")
        opportunity = Opportunity.objects.get(lead=self.bea)
        self.assertEqual((opportunity.stage, opportunity.value), ("booked", Decimal("5400")))
        self.bea.refresh_from_db()
        self.assertEqual(self.bea.status, LeadStatus.SCHEDULED)
        [message] = self.inbox.messages
        self.assertEqual(message["To"], "bea@example.com")
        [invite] = [
            p for p in message.iter_attachments() if p.get_content_type() == "text/calendar"
        ]
        event = Calendar.from_ical(invite.get_content()).walk("VEVENT")[0]
        start = event.decoded("dtstart")
        self.assertEqual(start.isoformat(), "2026-06-09T14:30:00-05:00")
        self.assertEqual(str(event["summary"]), "Consultation at North Dental")
        self.assertNotIn("Invisalign", invite.get_content())  # no treatment on a lock screen
        self.assertTrue(self.bea.interactions.filter(kind="booking").exists())

    def test_stages_move_on_and_won_converts_the_lead(self):
        self.cole.post(reverse("lead_book", args=["north", self.bea.pk]),
                       {"date": "2026-06-09", "time": "09:00"})  # fmt: skip
        opportunity = Opportunity.objects.get(lead=self.bea)
        self.assertEqual(opportunity.value, Decimal("5000"))  # the lead's estimate by default
        for stage in ("attended", "plan_accepted", "won"):
            self.cole.post(reverse("opportunity_stage", args=["north", opportunity.pk]),
                           {"stage": stage})  # fmt: skip
        opportunity.refresh_from_db()
        self.assertEqual(opportunity.stage, "won")
        self.assertIsNotNone(opportunity.closed_at)
        self.bea.refresh_from_db()
        self.assertEqual(self.bea.status, LeadStatus.CONVERTED)
        again = self.cole.post(reverse("opportunity_stage", args=["north", opportunity.pk]),
                               {"stage": "lost"}, follow=True)  # fmt: skip
        self.assertContains(again, "already closed")
        ics = self.cole.get(reverse("opportunity_ics", args=["north", opportunity.pk]))
        self.assertEqual(ics["Content-Type"], "text/calendar")

    def test_a_confirmation_the_gate_holds_leaves_the_booking_made(self):
        self.now = MORNING.replace(hour=3)  # night in Chicago: texts wait, the booking does not
        ana = self.lead
        response = self.cole.post(reverse("lead_book", args=["north", ana.pk]), {
            "date": "2026-06-09", "time": "10:00", "confirm": "sms"}, follow=True)  # fmt: skip
        self.assertContains(response, "Confirmation not sent")
        self.assertTrue(Opportunity.objects.filter(lead=ana).exists())
        self.assertFalse(OutboundMessage.objects.filter(source="booking-confirmation").exists())
