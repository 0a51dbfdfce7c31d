"""The sequence builder: steps edited in place, versions frozen at launch, A/B wordings."""

from datetime import UTC, datetime, timedelta

from django.urls import reverse

from reactivate.audit.models import AuditAction, AuditEvent
from reactivate.campaigns.engine import run_due
from reactivate.campaigns.models import Enrollment, Sequence
from reactivate.campaigns.sequences import (
    SequenceError,
    sequence_create,
    step_add,
    step_move,
    step_update,
)
from reactivate.campaigns.services import CampaignError, campaign_create, campaign_launch
from reactivate.channels.models import OutboundMessage
from reactivate.messaging.lint import EMAIL_FOOTER
from reactivate.messaging.models import MessageTemplate
from reactivate.messaging.services import template_save_version
from reactivate.segments.models import Segment
from reactivate.testing import PASSWORD, BaseTestCase, make_lead

# Tuesday 2 June 2026, 10:00 in Chicago: inside every sending window.
MORNING = datetime(2026, 6, 2, 15, 0, tzinfo=UTC)
GOOD_EMAIL = (
    "Hi {{ first_name }},\n\nWe spoke {{ last_contact }} about {{ treatment }}. {}"
    " Either way, just let me know.\n\nStill interested?\n\n{{ coordinator_name }}"
)


def message(practice, name, channel="email", body=None, language="en", subject="Checking in"):
    template = MessageTemplate.objects.create(
        practice=practice, name=name, channel=channel, language=language
    )
    text = body if body is not None else GOOD_EMAIL.replace("{}", name) + EMAIL_FOOTER[language]
    template_save_version(
        template=template, subject=subject, body=text, actor=None, practice=practice
    )
    return template


class BuilderServiceTests(BaseTestCase):
    def setUp(self):
        self.sequence = sequence_create(practice=self.north, name="Spring", actor=self.north_owner)
        self.first = message(self.north, "First note")
        self.second = message(self.north, "Second note")

    def test_steps_are_added_moved_and_audited(self):
        one = step_add(sequence=self.sequence, actor=None, channel="email", template=self.first)
        two = step_add(
            sequence=self.sequence, actor=None, channel="email", template=self.second, wait=3
        )
        step_move(step=two, by=-1, actor=self.north_owner)
        order = list(self.sequence.steps.order_by("position").values_list("pk", flat=True))
        self.assertEqual(order, [two.pk, one.pk])
        changes = AuditEvent.objects.filter(action=AuditAction.SEQUENCE_CHANGED)
        self.assertEqual(
            [e.detail["change"] for e in changes.order_by("id")],
            ["created", "step added", "step added", "steps reordered"],
        )

    def test_a_message_must_be_this_practices_and_on_the_steps_channel(self):
        theirs = message(self.south, "Theirs")
        with self.assertRaisesMessage(SequenceError, "this practice's templates"):
            step_add(sequence=self.sequence, actor=None, channel="email", template=theirs)
        with self.assertRaisesMessage(SequenceError, "this step sends sms"):
            step_add(sequence=self.sequence, actor=None, channel="sms", template=self.first)


class VersionTests(BaseTestCase):
    def setUp(self):
        for i in range(4):
            make_lead(
                self.north, f"Lead{i}", "Version", email=f"v{i}@example.com",
                last_contact_at=MORNING - timedelta(days=200), treatment="Implants",
            )  # fmt: skip
        self.segment = Segment.objects.create(
            practice=self.north, name="Stalled", definition={"statuses": ["stalled"]}
        )
        self.sequence = sequence_create(practice=self.north, name="Spring", actor=None)
        self.first = message(self.north, "First note")
        self.later = message(self.north, "Later note")
        step_add(sequence=self.sequence, actor=None, channel="email", template=self.first)

    def campaign(self, name: str):
        return campaign_create(
            practice=self.north, name=name, segment=self.segment, sequence=self.sequence,
            holdout_percent=0, actor=None,
        )  # fmt: skip

    def test_a_running_campaign_keeps_its_version_when_the_sequence_is_edited(self):
        spring = self.campaign("Spring")
        campaign_launch(campaign=spring, actor=None, now=MORNING)
        self.assertEqual((spring.sequence.parent, spring.sequence.version), (self.sequence, 1))
        # The practice edits the sequence: a new first message and a step more.
        first_step = self.sequence.steps.get(position=0)
        step_update(step=first_step, actor=None, template=self.later)
        step_add(sequence=self.sequence, actor=None, channel="email", template=self.first, wait=2)
        run_due(MORNING)
        bodies = OutboundMessage.objects.filter(source=f"campaign-{spring.pk}")
        self.assertEqual(bodies.count(), 4)
        self.assertTrue(all("First note" in m.body for m in bodies))
        self.assertEqual(spring.sequence.steps.count(), 1)
        # A campaign launched after the edit runs the new version; no edit, no new version.
        autumn = self.campaign("Autumn")
        campaign_launch(campaign=autumn, actor=None, now=MORNING)
        self.assertEqual(autumn.sequence.version, 2)
        self.assertEqual(autumn.sequence.steps.count(), 2)
        self.assertEqual(Sequence.objects.filter(parent=self.sequence).count(), 2)

    def test_a_frozen_version_cannot_be_edited(self):
        spring = self.campaign("Spring")
        campaign_launch(campaign=spring, actor=None, now=MORNING)
        with self.assertRaisesMessage(SequenceError, "cannot change"):
            step_add(sequence=spring.sequence, actor=None, channel="email", template=self.first)

    def test_a_message_that_fails_the_linter_cannot_be_launched(self):
        pitch = message(self.north, "Pitch", body="BUY NOW!!! 50% off.")
        step_add(sequence=self.sequence, actor=None, channel="email", template=pitch)
        spring = self.campaign("Spring")
        with self.assertRaisesMessage(CampaignError, "Pitch (English) fails the linter"):
            campaign_launch(campaign=spring, actor=None, now=MORNING)
        self.assertFalse(Enrollment.objects.exists())

    def test_a_lead_who_prefers_spanish_gets_the_spanish_wording_of_the_message(self):
        spanish = (
            "Hola {{ first_name }},\n\nHablamos {{ last_contact }} sobre {{ treatment }}. "
            "Si no, está bien.\n\n¿Sigue interesado?\n\n{{ coordinator_name }}"
        )
        message(self.north, "First note", body=spanish + EMAIL_FOOTER["es"], language="es")
        lead = make_lead(
            self.north, "Lucia", "Ruiz", email="lucia@example.com", preferred_language="es",
            last_contact_at=MORNING - timedelta(days=200),
        )  # fmt: skip
        spring = self.campaign("Spring")
        campaign_launch(campaign=spring, actor=None, now=MORNING)
        run_due(MORNING)
        self.assertIn("Hablamos", OutboundMessage.objects.get(lead=lead).body)


class VariantTests(BaseTestCase):
    def test_two_wordings_split_about_evenly_and_each_lead_gets_its_own(self):
        for i in range(400):
            make_lead(
                self.north, f"L{i}", "Split", email=f"split{i}@example.com",
                last_contact_at=MORNING - timedelta(days=200),
            )  # fmt: skip
        segment = Segment.objects.create(
            practice=self.north, name="All stalled", definition={"statuses": ["stalled"]}
        )
        sequence = sequence_create(practice=self.north, name="A/B", actor=None)
        step_add(
            sequence=sequence, actor=None, channel="email",
            template=message(self.north, "Wording A"), variant=message(self.north, "Wording B"),
        )  # fmt: skip
        campaign = campaign_create(
            practice=self.north, name="Split", segment=segment, sequence=sequence,
            holdout_percent=0, actor=None,
        )  # fmt: skip
        campaign_launch(campaign=campaign, actor=None, now=MORNING)
        drawn = [e.variants["0"] for e in Enrollment.objects.filter(campaign=campaign)]
        self.assertEqual(len(drawn), 400)
        self.assertTrue(160 <= drawn.count("b") <= 240, drawn.count("b"))
        for _ in range(5):
            run_due(MORNING)
        drawn_for = {
            e.lead_id: e.variants["0"] for e in Enrollment.objects.filter(campaign=campaign)
        }
        sent = OutboundMessage.objects.filter(source=f"campaign-{campaign.pk}")
        self.assertGreaterEqual(sent.count(), 50)
        for out in sent:
            expected = "Wording B" if drawn_for[out.lead_id] == "b" else "Wording A"
            self.assertIn(expected, out.body)


class BuilderPageTests(BaseTestCase):
    def setUp(self):
        self.client.login(username="cole", password=PASSWORD)
        self.note = message(self.north, "Note")

    def test_a_coordinator_builds_a_sequence_on_the_page(self):
        index = reverse("sequence_index", args=["north"])
        response = self.client.post(index, {"name": "Winter", "copy_of": ""})
        sequence = Sequence.objects.get(name="Winter")
        edit = reverse("sequence_edit", args=["north", sequence.pk])
        self.assertRedirects(response, edit)
        add = reverse("sequence_step_add", args=["north", sequence.pk])
        for wait in (0, 3):
            self.client.post(add, {"new-channel": "email", "new-template": self.note.pk,
                                   "new-wait": wait, "new-wait_unit": "days"})  # fmt: skip
        steps = list(sequence.steps.order_by("position"))
        self.assertEqual([s.wait for s in steps], [0, 3])
        order = reverse("sequence_reorder", args=["north", sequence.pk])
        self.client.post(order, {"order": [steps[1].pk, steps[0].pk]})
        self.assertEqual(list(sequence.steps.values_list("wait", flat=True)), [3, 0])
        page = self.client.get(edit)
        self.assertContains(page, "Every language of this message passes the linter", count=2)
        self.client.post(reverse("sequence_step_remove", args=["north", steps[0].pk]))
        self.assertEqual(sequence.steps.count(), 1)

    def test_the_starter_playbook_is_copied_in_as_an_editable_sequence(self):
        self.client.post(reverse("sequence_index", args=["north"]), {"starter": "1"})
        sequence = Sequence.objects.get(practice=self.north, name="Starter playbook")
        self.assertGreaterEqual(sequence.steps.count(), 5)
        page = self.client.get(reverse("sequence_edit", args=["north", sequence.pk]))
        self.assertContains(page, "Add the step")

    def test_a_viewer_reads_but_cannot_edit_and_another_practice_gets_404(self):
        sequence = sequence_create(practice=self.north, name="Winter", actor=None)
        step_add(sequence=sequence, actor=None, channel="email", template=self.note)
        self.client.login(username="vic", password=PASSWORD)
        page = self.client.get(reverse("sequence_edit", args=["north", sequence.pk]))
        self.assertEqual(page.status_code, 200)
        self.assertNotContains(page, "Add the step")
        add = reverse("sequence_step_add", args=["north", sequence.pk])
        self.assertEqual(self.client.post(add, {}).status_code, 403)
        self.client.login(username="sam", password=PASSWORD)
        page = self.client.get(reverse("sequence_edit", args=["north", sequence.pk]))
        self.assertEqual(page.status_code, 404)
        south_url = reverse("sequence_edit", args=["south", sequence.pk])
        self.assertEqual(self.client.get(south_url).status_code, 404)


class ConditionTests(BaseTestCase):
    def test_a_step_for_leads_with_a_valid_number_skips_the_others(self):
        with_phone = make_lead(
            self.north, "Phil", "Phone", email="phil@example.com", phone="+13125550100",
            last_contact_at=MORNING - timedelta(days=200),
        )  # fmt: skip
        without = make_lead(
            self.north, "Ella", "Email", email="ella@example.com",
            last_contact_at=MORNING - timedelta(days=200),
        )  # fmt: skip
        segment = Segment.objects.create(
            practice=self.north, name="Stalled", definition={"statuses": ["stalled"]}
        )
        sequence = sequence_create(practice=self.north, name="Call-ready", actor=None)
        step_add(sequence=sequence, actor=None, channel="email",
                 template=message(self.north, "We will call"), needs_phone=True)  # fmt: skip
        step_add(sequence=sequence, actor=None, channel="email",
                 template=message(self.north, "Everyone"))  # fmt: skip
        campaign = campaign_create(
            practice=self.north, name="Cond", segment=segment, sequence=sequence,
            holdout_percent=0, actor=None,
        )  # fmt: skip
        campaign_launch(campaign=campaign, actor=None, now=MORNING)
        run_due(MORNING)  # the first step: sent to Phil, skipped for Ella
        skipped = Enrollment.objects.get(lead=without)
        self.assertIn("valid phone number", skipped.last_decision)
        run_due(MORNING)  # Ella's next step is due at once
        self.assertIn("We will call", OutboundMessage.objects.get(lead=with_phone).body)
        self.assertIn("Everyone", OutboundMessage.objects.get(lead=without).body)


class StarterTests(BaseTestCase):
    def test_the_starter_playbook_is_found_again_after_a_launch_froze_a_version(self):
        from reactivate.campaigns.services import starter_sequence

        make_lead(self.north, "Sam", "Start", email="sam@example.com",
                  last_contact_at=MORNING - timedelta(days=200))  # fmt: skip
        segment = Segment.objects.create(practice=self.north, name="All", definition={})
        first = starter_sequence(self.north)
        campaign = campaign_create(practice=self.north, name="One", segment=segment,
                                   sequence=first, holdout_percent=0, actor=None)  # fmt: skip
        campaign_launch(campaign=campaign, actor=None, now=MORNING)
        self.assertEqual(starter_sequence(self.north), first)  # not the frozen copy, no error
