import threading
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from unittest import mock, skipUnless

from django.db import connection
from django.test import TransactionTestCase

from reactivate.campaigns.decide import StepSpec, decide_next
from reactivate.campaigns.engine import run_due
from reactivate.campaigns.models import CampaignStatus, Enrollment, EnrollmentStatus
from reactivate.campaigns.services import (
    campaign_create,
    campaign_launch,
    campaign_pause,
    campaign_scale,
    complete_finished,
    starter_sequence,
)
from reactivate.channels.base import SendResult
from reactivate.channels.letter.services import batch_close, batch_mark_mailed
from reactivate.channels.models import OutboundMessage, OutboundStatus, PrintBatch
from reactivate.followups.models import CallTask, TaskStatus
from reactivate.followups.services import call_log_outcome
from reactivate.leads.choices import Channel, ConsentStatus, ContactKind, LeadStatus, LineType
from reactivate.leads.consent import Decision
from reactivate.leads.models import Consent, ContactPoint, Lead
from reactivate.leads.services import lead_mark_do_not_contact
from reactivate.replies.sandbox import sandbox_reply
from reactivate.segments.models import Segment
from reactivate.testing import BaseTestCase, kill_mid_send, make_lead, make_practice

# Tuesday 2 June 2026, 10:00 in Chicago: inside every window.
MORNING = datetime(2026, 6, 2, 15, 0, tzinfo=UTC)
STALLED = datetime(2026, 1, 5, tzinfo=UTC)


def sms_ready(lead: Lead) -> None:
    phone = lead.contact_points.get(kind=ContactKind.PHONE)
    phone.line_type = LineType.MOBILE
    phone.timezone = "America/Chicago"
    phone.save()
    Consent.objects.create(
        practice=lead.practice,
        contact_point=phone,
        channel=Channel.SMS,
        status=ConsentStatus.GRANTED,
        recorded_at=STALLED,
    )


class DecideNext(BaseTestCase):
    steps = [
        StepSpec("email", None, False),
        StepSpec("letter", Decimal("5000"), False),
        StepSpec("email", None, True, ("consultation", "treatment_plan")),
    ]

    def decide(self, **kw):
        args = dict(
            position=0, steps=self.steps, lead_status="in_sequence", lead_value=Decimal("100"),
            replied=False, gate=Decision(True, "ok", "Allowed."),
        )  # fmt: skip
        return decide_next(**(args | kw))

    def test_each_outcome(self):
        self.assertEqual(self.decide().kind, "send")
        self.assertEqual(self.decide(replied=True).kind, "stop")
        self.assertEqual(self.decide(lead_status="scheduled").kind, "stop")
        self.assertEqual(self.decide(position=1).kind, "skip")  # letters for $5,000+ only
        self.assertEqual(self.decide(position=1, lead_value=Decimal("9000")).kind, "send")
        self.assertEqual(self.decide(position=3).kind, "finish")
        self.assertEqual(self.decide(position=2, lead_stage="form").kind, "skip")
        self.assertEqual(self.decide(position=2, lead_stage="consultation").kind, "send")
        later = MORNING + timedelta(hours=3)
        waiting = self.decide(gate=Decision(False, "hours", "Too early.", later))
        self.assertEqual((waiting.kind, waiting.at), ("wait", later))
        self.assertEqual(
            self.decide(gate=Decision(False, "no_contact_point", "None.")).kind, "skip"
        )


class StratifiedHoldout(BaseTestCase):
    def test_every_run_of_ranks_gives_its_share(self):
        from reactivate.campaigns.audience import STRATUM, stratified_holdout

        ranked = list(range(1000, 2000))
        held = stratified_holdout(ranked, 0.1, seed=7)
        self.assertEqual(len(held), 100)
        for start in range(0, 1000, STRATUM):
            stratum = set(ranked[start : start + STRATUM])
            self.assertEqual(len(stratum & set(held)), 2)
        self.assertEqual(held, stratified_holdout(ranked, 0.1, seed=7))
        self.assertNotEqual(held, stratified_holdout(ranked, 0.1, seed=8))
        # Shares that do not divide a stratum evenly still add up exactly.
        self.assertEqual(len(stratified_holdout(ranked[:333], 0.15, seed=1)), round(333 * 0.15))
        self.assertEqual(stratified_holdout(ranked, 0, seed=1), [])


class CampaignRun(BaseTestCase):
    def setUp(self):
        self.leads = []
        for i in range(10):
            lead = make_lead(
                self.north,
                f"Lead{i}",
                "Test",
                email=f"lead{i}@example.com",
                phone=f"+1312555{1000 + i}",
                estimated_value=Decimal("8000" if i % 2 else "2000"),
                treatment="Implants",
                last_contact_at=STALLED,
            )
            sms_ready(lead)
            if i % 2:
                ContactPoint.objects.create(
                    practice=self.north,
                    lead=lead,
                    kind=ContactKind.ADDRESS,
                    value=f"{i} Lake St, Chicago, IL 60601",
                    validity="valid",
                )
            self.leads.append(lead)
        self.segment = Segment.objects.create(
            practice=self.north, name="Stalled", definition={"statuses": ["stalled"]}
        )
        self.campaign = campaign_create(
            practice=self.north,
            name="Spring",
            segment=self.segment,
            sequence=starter_sequence(self.north),
            holdout_percent=20,
            actor=None,
        )

    def run_days(self, days: int) -> None:
        for day in range(days + 1):
            run_due(MORNING + timedelta(days=day))
            # The coordinator works the day's calls: nobody picks up.
            for task in CallTask.objects.filter(status=TaskStatus.OPEN):
                call_log_outcome(task=task, outcome="no_answer", actor=self.north_coordinator)
            # ... and prints and mails the day's letters.
            for batch in PrintBatch.objects.filter(status="open"):
                batch_close(batch=batch, actor=self.north_coordinator)
                batch_mark_mailed(batch=batch, actor=self.north_coordinator)

    def test_the_whole_sequence_once_then_back_to_the_pool(self):
        enrolled, held = campaign_launch(campaign=self.campaign, actor=None, now=MORNING)
        # Ten eligible leads (Maria's last contact comes after this clock): 20% held out.
        self.assertEqual((enrolled, held), (8, 2))
        holdout = set(
            Enrollment.objects.filter(status=EnrollmentStatus.HOLDOUT).values_list(
                "lead_id", flat=True
            )
        )
        self.run_days(40)
        self.assertFalse(OutboundMessage.objects.filter(lead_id__in=holdout).exists())
        for lead in self.leads:
            if lead.pk in holdout:
                continue
            sent = list(
                OutboundMessage.objects.filter(lead=lead)
                .order_by("created_at", "id")
                .values_list("channel", flat=True)
            )
            high_value = lead.estimated_value >= 5000
            self.assertEqual(sent, ["email", "sms", "email", "sms", "email"], lead.first_name)
            # Letters went through a print batch, and onto the timeline when mailed.
            mailed = lead.interactions.filter(kind="message_out", channel="letter").count()
            self.assertEqual(mailed, 1 if high_value else 0, lead.first_name)
            # The call step was a task for a person, logged once, never a message.
            (call,) = CallTask.objects.filter(lead=lead)
            self.assertEqual((call.outcome, call.resumed_at is not None), ("no_answer", True))
            lead.refresh_from_db()
            self.assertEqual((lead.status, lead.cycle_count), (LeadStatus.STALLED, 1))
            self.assertIsNotNone(lead.next_eligible_at)
        keys = list(OutboundMessage.objects.values_list("idempotency_key", flat=True))
        self.assertEqual(len(keys), len(set(keys)))
        # Nobody left in sequence: the campaign is complete.
        self.assertEqual(complete_finished(), 1)
        self.campaign.refresh_from_db()
        self.assertEqual(self.campaign.status, CampaignStatus.COMPLETED)

    def test_the_leads_record_follows_what_happened(self):
        from django.urls import reverse

        from reactivate.testing import PASSWORD

        Lead.objects.update(next_eligible_at=STALLED)  # a due date the scoring pass wrote
        campaign_launch(campaign=self.campaign, actor=None, now=MORNING)
        contacted = Enrollment.objects.filter(status="active").first().lead
        held = Enrollment.objects.filter(status="holdout").first().lead
        contacted.refresh_from_db()
        self.assertEqual((contacted.status, contacted.next_eligible_at), ("in_sequence", None))
        held.refresh_from_db()
        self.assertEqual(held.status, "stalled")  # never contacted, so nothing changed
        run_due(MORNING)
        contacted.refresh_from_db()
        self.assertEqual(contacted.last_contact_at, MORNING)
        self.client.login(username="cole", password=PASSWORD)
        page = self.client.get(reverse("lead_detail", args=["north", contacted.pk]))
        self.assertContains(page, "In sequence")
        self.assertContains(page, "In a reactivation sequence now")
        self.assertNotContains(page, "Next reactivation attempt due")

    def test_the_forecast_before_launch(self):
        from reactivate.campaigns.simulate import simulate

        forecast = simulate(self.campaign, MORNING)
        self.assertEqual(forecast["leads"], 8)  # ten eligible, 20% held out
        by_channel = forecast["sends_by_channel"]
        self.assertEqual((by_channel["email"], by_channel["sms"], by_channel["call"]), (24, 16, 8))
        self.assertLessEqual(by_channel["letter"], 5)  # only the $5,000+ leads
        first_day = {"day": "2026-06-02", "label": "Tue 02 Jun", "sends": {"email": 8}, "total": 8}
        self.assertEqual(forecast["days"][0], first_day)
        self.assertEqual(forecast["expected_replies"], [1, 2])
        self.assertIn("seed", forecast["basis"])
        self.assertEqual(len(forecast["today"]), 8)
        self.assertTrue(
            all(t["local_time"].startswith("Tue 02 Jun 10:00") for t in forecast["today"])
        )

    def test_the_forecast_and_what_goes_out_first_agree_after_hours(self):
        from reactivate.campaigns.simulate import simulate

        evening = MORNING.replace(hour=3)  # 22:00 on Monday in Chicago: quiet hours
        forecast = simulate(self.campaign, evening)
        self.assertEqual(forecast["days"][0]["sends"], {"email": 8})
        self.assertTrue(all(t["local_time"] == "Tue 02 Jun 09:00" for t in forecast["today"]))
        self.assertTrue(all("next allowed" in t["reason"] for t in forecast["today"]))
        # One line for the eight leads that share the moment, the channel and the reason.
        (line,) = forecast["first"]
        self.assertEqual((line["count"], line["channel"], line["local_time"]), (8, "email",
                         "Tue 02 Jun 09:00"))  # fmt: skip

    def test_a_reply_stops_every_automated_step(self):
        campaign_launch(campaign=self.campaign, actor=None, now=MORNING)
        run_due(MORNING)
        first = OutboundMessage.objects.filter(status=OutboundStatus.SENT).first()
        sandbox_reply(
            message=first,
            text="Yes, still interested. Can you call me?",
            actor=self.north_coordinator,
        )
        before = OutboundMessage.objects.filter(lead=first.lead).count()
        self.run_days(40)
        self.assertEqual(OutboundMessage.objects.filter(lead=first.lead).count(), before)
        enrollment = Enrollment.objects.get(lead=first.lead)
        self.assertEqual(
            (enrollment.status, enrollment.stop_reason), ("stopped", "the lead replied")
        )

    def test_an_opt_out_everywhere_stops_and_never_returns_to_the_pool(self):
        campaign_launch(campaign=self.campaign, actor=None, now=MORNING)
        run_due(MORNING)
        lead = Enrollment.objects.filter(status="active").first().lead

        lead_mark_do_not_contact(lead=lead, actor=None, source="STOP")
        before = OutboundMessage.objects.filter(lead=lead).count()
        self.run_days(40)
        self.assertEqual(OutboundMessage.objects.filter(lead=lead).count(), before)
        enrollment = Enrollment.objects.get(lead=lead)
        self.assertEqual(enrollment.status, "stopped")
        lead.refresh_from_db()
        self.assertEqual((lead.status, lead.cycle_count), ("do_not_contact", 0))

    def test_an_email_unsubscribe_stops_the_texts_calls_and_letters_too(self):
        from reactivate.campaigns.stops import stop_closed_leads
        from reactivate.messaging.unsubscribe import unsubscribe_url

        campaign_launch(campaign=self.campaign, actor=None, now=MORNING)
        run_due(MORNING)
        lead = Enrollment.objects.filter(status="active", lead__estimated_value=8000)[0].lead
        path = "/u/" + unsubscribe_url(lead).split("/u/", 1)[1]
        self.client.post(path, {"List-Unsubscribe": "One-Click"})
        self.assertEqual(stop_closed_leads(), 1)
        enrollment = Enrollment.objects.get(lead=lead)
        self.assertEqual(enrollment.status, "stopped")
        self.run_days(40)
        self.assertEqual(
            list(OutboundMessage.objects.filter(lead=lead).values_list("channel", flat=True)),
            ["email"],
        )

    def test_outside_hours_waits_for_the_window(self):
        campaign_launch(campaign=self.campaign, actor=None, now=MORNING)
        early = datetime(2026, 6, 4, 12, 0, tzinfo=UTC)  # Thursday 07:00 in Chicago
        run_due(MORNING)  # the emails go at 10:00
        for enrollment in Enrollment.objects.filter(status="active"):
            enrollment.next_action_at = early
            enrollment.save()
        report = run_due(early)
        self.assertEqual(report.sent, 0)
        self.assertEqual(report.waiting, report.claimed)
        nine = datetime(2026, 6, 4, 14, 0, tzinfo=UTC)
        self.assertEqual(
            set(
                Enrollment.objects.filter(status="active").values_list("next_action_at", flat=True)
            ),
            {nine},
        )

    def test_a_message_is_never_sent_twice(self):
        campaign_launch(campaign=self.campaign, actor=None, now=MORNING)
        run_due(MORNING)
        sent = OutboundMessage.objects.count()
        # A worker that sent and died before moving the enrolment on: the step comes round again.
        Enrollment.objects.filter(status="active").update(position=0, next_action_at=MORNING)
        with mock.patch("reactivate.channels.sandbox.SandboxAdapter.send") as send:
            run_due(MORNING + timedelta(minutes=1))
        send.assert_not_called()
        self.assertEqual(OutboundMessage.objects.count(), sent)

    def die_mid_send(self, *, per_commit: int) -> set[int]:
        """Kill the worker at its first channel call, then run the engine again."""
        kill_mid_send(MORNING, per_commit=per_commit)
        dying = set(
            OutboundMessage.objects.filter(status=OutboundStatus.SENDING).values_list(
                "pk", flat=True
            )
        )
        with mock.patch("reactivate.channels.sandbox.SandboxAdapter.send") as send:
            send.return_value = SendResult("sandbox", "s")
            run_due(MORNING + timedelta(minutes=10))
            sent_again = {c.args[0].pk for c in send.call_args_list}
        self.assertFalse(dying & sent_again)
        for message in OutboundMessage.objects.filter(pk__in=dying):
            self.assertEqual(message.status, OutboundStatus.UNCERTAIN)
            stuck = Enrollment.objects.get(lead=message.lead)
            self.assertEqual(stuck.status, EnrollmentStatus.WAITING)
        return dying

    def test_a_worker_dying_mid_send_leaves_it_uncertain(self):
        campaign_launch(campaign=self.campaign, actor=None, now=MORNING)
        # A channel that sends one message per commit: only the message in flight is in doubt.
        self.assertEqual(len(self.die_mid_send(per_commit=1)), 1)
        self.assertEqual(OutboundMessage.objects.filter(status=OutboundStatus.SENT).count(), 7)

    def test_a_group_in_flight_is_uncertain_as_a_whole(self):
        campaign_launch(campaign=self.campaign, actor=None, now=MORNING)
        # The sandbox commits many sends at once: all of the group in flight is in doubt,
        # and none of it goes out again.
        self.assertEqual(len(self.die_mid_send(per_commit=100)), 8)
        self.assertEqual(OutboundMessage.objects.filter(status=OutboundStatus.SENT).count(), 0)

    def test_business_days_skip_weekends_and_holidays(self):
        from reactivate.campaigns.decide import after_wait
        from reactivate.campaigns.models import Step

        self.north.holidays = "2026-06-08"
        step = Step(wait=3, wait_unit="business_days")
        friday = datetime(2026, 6, 5, 15, 0, tzinfo=UTC)  # 10:00 in Chicago
        # Monday the 8th is a holiday: Tue 9, Wed 10, Thu 11.
        self.assertEqual(
            after_wait(friday, step, self.north), datetime(2026, 6, 11, 15, 0, tzinfo=UTC)
        )
        self.assertEqual(
            after_wait(friday, Step(wait=5, wait_unit="hours"), self.north),
            friday + timedelta(hours=5),
        )

    def test_no_sends_on_a_holiday(self):
        self.north.holidays = "2026-06-02"
        self.north.save()
        campaign_launch(campaign=self.campaign, actor=None, now=MORNING)
        report = run_due(MORNING)
        self.assertEqual(report.sent, 0)
        next_day = datetime(2026, 6, 3, 14, 0, tzinfo=UTC)  # Wednesday 09:00 in Chicago
        self.assertEqual(
            set(
                Enrollment.objects.filter(status="active").values_list("next_action_at", flat=True)
            ),
            {next_day},
        )

    def test_daily_budget_per_channel_and_the_sending_identity(self):
        self.campaign.daily_budget = {"email": 3}
        self.campaign.sender_name = "Dana at North"
        self.campaign.save()
        campaign_launch(campaign=self.campaign, actor=None, now=MORNING)
        report = run_due(MORNING)
        self.assertEqual(report.sent, 3)
        self.assertEqual(report.waiting, 5)
        self.assertTrue(all("Dana at North" in m.body for m in OutboundMessage.objects.all()))
        run_due(MORNING + timedelta(days=1))
        self.assertEqual(OutboundMessage.objects.filter(channel="email").count(), 6)

    def test_new_leads_start_only_as_fast_as_the_team_answers_replies(self):
        self.north.replies_per_day = 1
        self.north.save()
        campaign_launch(campaign=self.campaign, actor=None, now=MORNING)
        # Room for one reply a day at a 15% reply rate: at most 7 first messages today.
        self.assertEqual(run_due(MORNING).sent, 7)
        waiting = Enrollment.objects.get(status="active", position=0)
        self.assertIn("pacing", waiting.last_decision)
        # A reply now waits for the team: no new lead starts the next day either.
        Lead.objects.filter(pk=self.leads[0].pk).update(status=LeadStatus.RESPONDED)
        run_due(MORNING + timedelta(days=1))
        waiting.refresh_from_db()
        self.assertEqual(waiting.position, 0)
        self.assertIn("1 replies are waiting", waiting.last_decision)

    def test_a_pilot_is_compared_with_a_holdout_of_equally_good_leads(self):
        from reactivate.segments.cadence import eligible_q
        from reactivate.segments.definitions import segment_leads

        for i, lead in enumerate(self.leads):
            Lead.objects.filter(pk=lead.pk).update(priority=Decimal(1000 - i))
        self.campaign.pilot_size = 4
        self.campaign.holdout_percent = 20
        self.campaign.save()
        ranked = list(
            segment_leads(self.north, self.segment.definition, MORNING)
            .filter(eligible_q(self.north, MORNING))
            .values_list("pk", flat=True)
        )
        enrolled, held = campaign_launch(campaign=self.campaign, actor=None, now=MORNING)
        self.assertEqual((enrolled, held), (4, 1))
        chosen = set(Enrollment.objects.values_list("lead_id", flat=True))
        # Pilot and holdout are the five best leads; the rest wait for "scale".
        self.assertEqual(chosen, set(ranked[:5]))

    def test_pause_stops_sends_and_pilot_scales(self):
        self.campaign.pilot_size = 3
        self.campaign.save()
        enrolled, _ = campaign_launch(campaign=self.campaign, actor=None, now=MORNING)
        self.assertEqual(enrolled, 3)
        self.assertEqual(self.campaign.status, CampaignStatus.PILOT)
        self.assertEqual(complete_finished(), 0)  # a running campaign with leads in sequence
        campaign_pause(campaign=self.campaign, actor=None)
        self.assertEqual(run_due(MORNING).claimed, 0)
        enrolled, _ = campaign_scale(campaign=self.campaign, actor=None, now=MORNING)
        self.assertEqual(self.campaign.status, CampaignStatus.RUNNING)
        self.assertGreater(enrolled, 0)
        self.assertEqual(run_due(MORNING).sent, Enrollment.objects.filter(status="active").count())


@skipUnless(connection.vendor == "postgresql", "concurrent workers need PostgreSQL")
class TwoWorkersOnPostgres(TransactionTestCase):
    def test_no_double_send(self):
        practice = make_practice("p")
        for i in range(120):
            lead = Lead.objects.create(
                practice=practice, first_name=f"L{i}", last_contact_at=STALLED
            )
            ContactPoint.objects.create(
                practice=practice, lead=lead, kind=ContactKind.EMAIL, value=f"l{i}@example.com"
            )
        segment = Segment.objects.create(practice=practice, name="All", definition={})
        campaign = campaign_create(
            practice=practice, name="C", segment=segment, sequence=starter_sequence(practice),
            holdout_percent=0, actor=None)  # fmt: skip
        campaign_launch(campaign=campaign, actor=None, now=MORNING)
        calls, lock = [], threading.Lock()

        def send(self, outbound):
            with lock:
                calls.append(outbound.pk)
            return SendResult("sandbox", f"s-{outbound.pk}")

        def worker(name):
            try:
                while run_due(MORNING, limit=7, worker=name).claimed:
                    pass
            finally:
                connection.close()

        with mock.patch("reactivate.channels.sandbox.SandboxAdapter.send", send):
            threads = [threading.Thread(target=worker, args=(f"w{i}",)) for i in range(2)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
        self.assertEqual(len(calls), 120)
        self.assertEqual(len(set(calls)), 120)
        self.assertEqual(OutboundMessage.objects.filter(status="sent").count(), 120)
