"""A lead writes that their situation changed: the coordinator asks, hears they are still
interested and re-qualifies them from the lead's page. The lead is back in conversation and
counts as reactivated on the dashboard; the campaign stops talking over the coordinator."""

from django.test import Client
from django.urls import reverse

from reactivate.audit.models import AuditEvent
from reactivate.campaigns.models import Enrollment
from reactivate.followups.models import FollowUp, TaskStatus
from reactivate.leads.choices import LeadStatus
from reactivate.leads.models import Interaction
from reactivate.metrics.report import metrics
from reactivate.testing import PASSWORD
from reactivate.workspace.tests.helpers import WorkspaceTestCase

CHANGED = "I changed jobs and have new insurance now, does that change the price?"


class RequalifyTests(WorkspaceTestCase):
    def test_a_changed_situation_re_qualified_counts_as_reactivated(self):
        self.later(hours=1)
        task = self.reply(CHANGED)
        self.assertEqual(task.kind, "requalify")
        self.assertEqual(metrics(self.north)["reactivated"], 0)  # a change is not yet a yes
        page = self.cole.get(reverse("lead_detail", args=["north", self.lead.pk]))
        self.assertContains(page, "Still interested?")
        self.later(minutes=20)
        response = self.cole.post(reverse("lead_requalify", args=["north", self.lead.pk]),
                                  {"note": "new plan covers implants"}, follow=True)  # fmt: skip
        self.assertContains(response, "Re-qualified: back in conversation")
        self.assertNotContains(response, "Still interested?")  # the task is done
        self.lead.refresh_from_db()
        self.assertEqual(self.lead.status, LeadStatus.REACTIVATED)
        task.refresh_from_db()
        self.assertEqual(task.status, TaskStatus.DONE)
        self.assertEqual(task.first_action_by, self.north_coordinator)
        self.assertEqual(task.first_action_at, self.now)
        # The reply stopped the sequence; re-qualifying never starts it again.
        self.assertEqual(Enrollment.objects.get(lead=self.lead).status, "stopped")
        status = Interaction.objects.get(lead=self.lead, kind="status_change")
        self.assertEqual(status.body, "re-qualified: new plan covers implants")
        event = AuditEvent.objects.get(action="lead.requalified")
        self.assertEqual((event.actor, event.detail["note"]),
                         (self.north_coordinator, "new plan covers implants"))  # fmt: skip
        report = metrics(self.north)
        self.assertEqual(report["reactivated"], 1)
        self.assertEqual(report["speed_to_human_minutes"], 20.0)

    def test_a_closed_record_is_not_re_qualified_by_mistake(self):
        self.reply(CHANGED)
        self.cole.post(reverse("lead_close", args=["north", self.lead.pk]), {"reason": "moved"})
        response = self.cole.post(reverse("lead_requalify", args=["north", self.lead.pk]),
                                  follow=True)  # fmt: skip
        self.assertContains(response, "This record is closed")
        self.lead.refresh_from_db()
        self.assertEqual(self.lead.status, LeadStatus.CLOSED)
        self.assertFalse(AuditEvent.objects.filter(action="lead.requalified").exists())

    def test_someone_who_may_only_read_cannot_re_qualify(self):
        self.reply(CHANGED)
        viewer = Client()
        viewer.login(username="vic", password=PASSWORD)
        page = viewer.get(reverse("lead_detail", args=["north", self.lead.pk]))
        self.assertNotContains(page, "Still interested?")
        response = viewer.post(reverse("lead_requalify", args=["north", self.lead.pk]))
        self.assertEqual(response.status_code, 403)
        self.assertTrue(FollowUp.objects.filter(kind="requalify", status="open").exists())
