"""The worklist a coordinator works from: due first, then by what the lead is worth; taken,
given and finished with an audit trail; late answers told to the manager once; speed to
human measured from the reply to the first thing a person did about it."""

import json
from datetime import timedelta
from io import StringIO

from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from reactivate.audit.models import AuditEvent
from reactivate.followups.digest import send_digests
from reactivate.followups.models import DigestSent, FollowUp, Notification, TaskStatus
from reactivate.followups.selectors import speed_to_human, worklist
from reactivate.followups.work import escalate_breaches, followups_touch
from reactivate.testing import PASSWORD, make_lead
from reactivate.workspace.tests.helpers import WorkspaceTestCase


class WorklistTests(WorkspaceTestCase):
    def test_a_yes_is_on_the_worklist_due_within_the_sla_and_the_partial_refreshes(self):
        self.later(minutes=30)
        followup = self.reply("Yes please, still interested!")
        self.assertEqual((followup.kind, followup.received_at), ("reply", self.now))
        page = self.cole.get(reverse("worklist", args=["north"]))
        self.assertContains(page, 'data-testid="work-reply"')
        self.assertContains(page, "Ana Ruiz")
        self.assertContains(page, 'hx-trigger="every 5s"')  # it polls for what comes next
        partial = self.cole.get(reverse("worklist", args=["north"]), HTTP_HX_REQUEST="true")
        self.assertNotContains(partial, "<html")
        self.assertContains(partial, "Ana Ruiz")
        self.assertGreater(followup.due_at, followup.received_at)

    def test_order_is_due_first_then_priority_and_filters_narrow_it(self):
        rich = make_lead(self.north, "Rich", "Lead", priority=0.9)
        poor = make_lead(self.north, "Poor", "Lead", priority=0.1)
        due = self.now + timedelta(minutes=10)
        for lead in (poor, rich):
            FollowUp.objects.create(practice=self.north, lead=lead, kind="reply", due_at=due,
                                    received_at=self.now, reason="said yes")  # fmt: skip
        early = FollowUp.objects.create(practice=self.north, lead=poor, kind="requalify",
                                        due_at=due - timedelta(minutes=5), reason="changed",
                                        assignee=self.north_coordinator)  # fmt: skip
        FollowUp.objects.create(
            practice=self.north,
            lead=poor,
            kind="timing",
            due_at=self.now + timedelta(days=90),
            reason="in September",
        )
        work = worklist(self.north, user=self.north_coordinator)
        self.assertEqual([i.ref for i in work.items][:3],
                         [f"f{early.pk}", *(f"f{f.pk}" for f in FollowUp.objects.filter(
                             kind="reply").order_by("-lead__priority"))])  # fmt: skip
        self.assertEqual(work.later, 1)  # the check-back in September waits for its day
        mine = worklist(self.north, user=self.north_coordinator, mine=True)
        self.assertEqual([i.ref for i in mine.items], [f"f{early.pk}"])
        only = self.cole.get(reverse("worklist", args=["north"]) + "?kind=requalify")
        self.assertContains(only, 'data-testid="work-requalify"')
        self.assertNotContains(only, 'data-testid="work-reply"')

    def test_claim_assign_round_robin_and_done_are_audited(self):
        followup = self.reply("yes!")
        followup.assignee = None
        followup.save()
        url = reverse("work_claim", args=["north", f"f{followup.pk}"])
        self.later(minutes=4)
        self.cole.post(url)
        followup.refresh_from_db()
        self.assertEqual(followup.assignee, self.north_coordinator)
        self.assertEqual(followup.first_action_at, self.now)  # taking it is acting on it
        nora = Client()
        nora.login(username="nora", password=PASSWORD)
        nora.post(reverse("work_assign", args=["north", f"f{followup.pk}"]),
                  {"assignee": self.north_owner.pk})  # fmt: skip
        followup.refresh_from_db()
        self.assertEqual(followup.assignee, self.north_owner)
        nora.post(reverse("work_assign", args=["north", f"f{followup.pk}"]), {"assignee": "next"})
        followup.refresh_from_db()
        self.assertEqual(followup.assignee, self.north_coordinator)  # the coordinator's turn
        self.assertTrue(Notification.objects.filter(user=self.north_coordinator).exists())
        outsider = nora.post(reverse("work_assign", args=["north", f"f{followup.pk}"]),
                             {"assignee": self.south_user.pk}, follow=True)  # fmt: skip
        self.assertContains(outsider, "not on this practice&#x27;s team")
        self.cole.post(reverse("work_done", args=["north", f"f{followup.pk}"]),
                       {"note": "called her back"})  # fmt: skip
        followup.refresh_from_db()
        self.assertEqual(followup.status, TaskStatus.DONE)
        actions = list(AuditEvent.objects.filter(action__startswith="followup.")
                       .order_by("id").values_list("action", "actor__username"))  # fmt: skip
        # Nora giving it to herself is taking it; the round robin gives it to Cole.
        self.assertEqual(
            actions,
            [
                ("followup.claimed", "cole"),
                ("followup.claimed", "nora"),
                ("followup.assigned", "nora"),
                ("followup.done", "cole"),
            ],
        )
        self.assertTrue(self.lead.interactions.filter(body="called her back").exists())

    def test_speed_to_human_is_the_minutes_from_reply_to_first_action(self):
        self.assertIsNone(speed_to_human(self.north).median)
        self.reply("yes, interested")
        self.assertEqual(speed_to_human(self.north).waiting, 1)
        self.later(minutes=12)
        followups_touch(lead=self.lead, actor=self.north_coordinator)
        self.later(minutes=30)
        followups_touch(lead=self.lead, actor=self.north_owner)  # the first one counts
        speed = speed_to_human(self.north)
        self.assertEqual((speed.median, speed.answered, speed.waiting), (12.0, 1, 0))
        self.assertEqual(speed.per_user, [("Cole Coordinator", 12.0, 1)])
        page = self.cole.get(reverse("worklist", args=["north"]))
        self.assertContains(page, "12.0 min")

    def test_a_late_answer_is_told_to_the_managers_once(self):
        followup = self.reply("yes please")
        self.assertEqual(escalate_breaches(), 0)  # not late yet
        self.now = followup.due_at + timedelta(minutes=1)
        with self.captureOnCommitCallbacks(execute=True):
            self.assertEqual(escalate_breaches(), 1)
            self.assertEqual(escalate_breaches(), 0)
        followup.refresh_from_db()
        self.assertEqual(followup.escalated_at, self.now)
        told = Notification.objects.filter(user=self.north_owner, followup=followup)
        self.assertEqual(told.count(), 1)
        self.assertContains(self.cole.get(reverse("worklist", args=["north"])),
                            "told the manager")  # fmt: skip

    def test_the_followups_command_shows_what_the_worklist_shows(self):
        followup = self.reply("yes!")
        self.cole.post(reverse("work_claim", args=["north", f"f{followup.pk}"]))
        out = StringIO()
        call_command("followups", "list", "--practice", "north", "--open", "--json", stdout=out)
        [row] = json.loads(out.getvalue())
        self.assertEqual((row["id"], row["kind"], row["assignee"], row["status"]),
                         (followup.pk, "reply", "cole", "open"))  # fmt: skip
        self.assertEqual(row["lead_id"], self.lead.pk)
        self.cole.post(reverse("work_done", args=["north", f"f{followup.pk}"]))
        out = StringIO()
        call_command("followups", "list", "--practice", "north", "--open", stdout=out)
        self.assertEqual(out.getvalue().strip(), "No follow-ups.")
        self.assertContains(self.cole.get(reverse("worklist", args=["north"])),
                            'data-testid="worklist-empty"')  # fmt: skip


class DigestTests(WorkspaceTestCase):
    def test_the_morning_digest_goes_at_seven_once_a_day_and_only_with_work(self):
        self.north_coordinator.email = "cole@north.example"
        self.north_coordinator.save()
        self.reply("yes")
        self.now = self.now.replace(hour=11)  # 06:00 in Chicago: not yet
        self.assertEqual(send_digests(self.north), 0)
        self.now = self.now.replace(hour=12)  # 07:00
        mail.outbox.clear()
        self.assertEqual(send_digests(self.north), 1)
        self.assertEqual(send_digests(self.north), 0)
        [message] = mail.outbox
        self.assertEqual(message.to, ["cole@north.example"])
        self.assertIn("Yours (1):", message.body)
        self.assertIn("Ana Ruiz", message.body)
        self.assertIn("/p/north/worklist/", message.body)
        self.assertEqual(DigestSent.objects.get().items, 1)
        out = StringIO()
        call_command("followups", "digest", "--practice", "south", stdout=out)
        self.assertIn("Nothing due today.", out.getvalue())


class WallTests(WorkspaceTestCase):
    def test_a_south_user_cannot_open_a_north_lead_thread_or_task(self):
        followup = self.reply("yes")
        sam = Client()
        sam.login(username="sam", password=PASSWORD)
        for name, args in (("lead_detail", [self.lead.pk]), ("thread", [self.lead.pk])):
            self.assertEqual(sam.get(reverse(name, args=["north", *args])).status_code, 404)
            self.assertEqual(sam.get(reverse(name, args=["south", *args])).status_code, 404)
        claim = sam.post(reverse("work_claim", args=["south", f"f{followup.pk}"]))
        self.assertEqual(claim.status_code, 404)
        answer = sam.post(reverse("answer", args=["south", self.lead.pk]),
                          {"channel": "sms", "body": "hi"})  # fmt: skip
        self.assertEqual(answer.status_code, 404)
        followup.refresh_from_db()
        self.assertIsNone(followup.first_action_at)
        viewer = Client()
        viewer.login(username="vic", password=PASSWORD)  # may look, may not act
        self.assertEqual(viewer.get(reverse("thread", args=["north", self.lead.pk])).status_code,
                         200)  # fmt: skip
        self.assertEqual(viewer.post(reverse("work_claim", args=["north", f"f{followup.pk}"]))
                         .status_code, 403)  # fmt: skip
