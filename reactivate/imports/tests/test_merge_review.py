"""Every merge can be undone from the lead page; possible duplicates get a review screen."""

from django.urls import reverse
from django.utils import timezone

from reactivate.audit.models import AuditAction, AuditEvent
from reactivate.campaigns.models import Enrollment
from reactivate.campaigns.services import campaign_create, starter_sequence
from reactivate.imports.models import MergedRow, MergeReview, ReviewStatus
from reactivate.imports.separate import AlreadyDecided, CannotMerge, merge_undo, review_merge
from reactivate.imports.tests.helpers import run_import, write_csv
from reactivate.leads.models import ContactPoint, Interaction, Lead, RescoreMark
from reactivate.leads.services import lead_add_note
from reactivate.segments.models import Segment
from reactivate.testing import PASSWORD, BaseTestCase

HEADER = ["First Name", "Last Name", "Email", "Phone Number", "Treatment", "Amount"]


def values(lead: Lead) -> set[str]:
    return set(lead.contact_points.values_list("value", flat=True))


class UndoAnImportMergeTests(BaseTestCase):
    def setUp(self):
        # Two rows share an email: merged. The second row brings its own number and treatment.
        self.path = write_csv(
            [
                HEADER,
                ["Ann", "Lee", "ann@example.com", "", "Implants", "4000"],
                ["Ann", "Lee", "ann@example.com", "(312) 456-7102", "Invisalign", "5200"],
            ],
            name="spring.csv",
        )
        counts, _ = run_import(self.path)
        self.assertEqual((counts["created"], counts["merged"]), (1, 1))
        self.lead = Lead.objects.get(practice=self.north, contact_points__value="ann@example.com")

    def test_the_merged_row_is_kept_as_it_was_imported(self):
        row = MergedRow.objects.get(lead=self.lead)
        self.assertEqual((row.row, row.source, row.batch.filename), (2, "spring.csv", "spring.csv"))
        self.assertEqual(row.values["first_name"], "Ann")
        self.assertEqual(row.values["treatment"], "Invisalign")
        self.assertEqual(row.values["estimated_value"], "5200.0")
        points = {p["value"]: p["own"] for p in row.values["points"]}
        self.assertEqual(points, {"ann@example.com": False, "+13124567102": True})

    def test_undo_from_the_lead_page_brings_the_row_back_as_its_own_lead(self):
        self.client.login(username="cole", password=PASSWORD)
        page = self.client.get(reverse("lead_detail", args=["north", self.lead.pk]))
        panel = reverse("lead_merges", args=["north", self.lead.pk])
        self.assertContains(page, f'hx-get="{panel}"')
        row = MergedRow.objects.get(lead=self.lead)
        self.assertContains(self.client.get(panel), "Undo this merge")
        response = self.client.post(reverse("merge_undo", args=["north", row.pk]))
        self.assertRedirects(response, reverse("lead_detail", args=["north", self.lead.pk]))

        split = Lead.objects.exclude(pk=self.lead.pk).get(practice=self.north, last_name="Lee")
        self.assertEqual((split.first_name, split.treatment), ("Ann", "Invisalign"))
        self.assertEqual(str(split.estimated_value), "5200.00")
        # The number only this row brought leaves with it; the shared email is on both.
        self.assertEqual(values(split), {"ann@example.com", "+13124567102"})
        self.assertEqual(values(self.lead), {"ann@example.com"})
        self.assertTrue(split.contact_points.get(kind="phone").is_primary)
        row.refresh_from_db()
        self.assertEqual((row.split_lead, row.undone_by), (split, self.north_coordinator))
        event = AuditEvent.objects.get(action=AuditAction.MERGE_UNDONE)
        self.assertEqual(
            (event.actor, event.detail["split_lead"]), (self.north_coordinator, split.pk)
        )
        self.assertTrue(Interaction.objects.filter(lead=split, kind="merge").exists())
        self.assertTrue(RescoreMark.objects.filter(practice_id=self.north.pk).exists())
        panel_after = self.client.get(panel)
        self.assertContains(panel_after, "Undone")
        self.assertNotContains(panel_after, "Undo this merge")

    def test_a_merge_is_undone_once(self):
        row = MergedRow.objects.get(lead=self.lead)
        merge_undo(merged_row=row, actor=self.north_owner)
        with self.assertRaises(AlreadyDecided):
            merge_undo(merged_row=row, actor=self.north_owner)
        self.assertEqual(Lead.objects.filter(practice=self.north, last_name="Lee").count(), 2)

    def test_a_row_merged_into_a_lead_of_an_earlier_file_can_be_undone_too(self):
        later = write_csv(
            [HEADER, ["Ann", "Lee", "ann@example.com", "", "", ""],
             ["Ann", "Lee-Park", "ann@example.com", "(312) 456-7188", "", ""]],
            name="autumn.csv",
        )  # fmt: skip
        run_import(later)
        rows = MergedRow.objects.filter(lead=self.lead, source="autumn.csv")
        self.assertEqual(list(rows.values_list("row", flat=True)), [2])
        merge_undo(merged_row=rows.get(), actor=self.north_owner)
        split = Lead.objects.get(practice=self.north, last_name="Lee-Park")
        self.assertEqual(values(split), {"ann@example.com", "+13124567188"})

    def test_a_viewer_cannot_undo_and_another_practice_cannot_see(self):
        row = MergedRow.objects.get(lead=self.lead)
        self.client.login(username="vic", password=PASSWORD)
        self.assertEqual(
            self.client.post(reverse("merge_undo", args=["north", row.pk])).status_code, 403
        )
        self.client.login(username="sam", password=PASSWORD)
        self.assertEqual(
            self.client.post(reverse("merge_undo", args=["north", row.pk])).status_code, 404
        )
        self.assertEqual(
            self.client.get(reverse("lead_merges", args=["north", self.lead.pk])).status_code, 404
        )
        row.refresh_from_db()
        self.assertIsNone(row.undone_at)


class ReviewScreenTests(BaseTestCase):
    def setUp(self):
        # A couple on the family landline, and two spellings of one name with no shared value.
        self.path = write_csv(
            [
                HEADER,
                ["Rosa", "Diaz", "rosa@example.com", "(312) 456-7120", "", ""],
                ["Luis", "Diaz", "luis@example.com", "(312) 456-7120", "", ""],
                ["Katherine", "Mills", "kmills@example.com", "", "", ""],
                ["Katharine", "Mills", "kath.m@example.net", "", "", ""],
            ]
        )
        counts, _ = run_import(self.path)
        self.assertEqual(counts["created"], 4)
        self.client.login(username="cole", password=PASSWORD)
        self.url = reverse("merge_review", args=["north"])

    def lead(self, first: str) -> Lead:
        return Lead.objects.get(practice=self.north, first_name=first)

    def review(self, first: str) -> MergeReview:
        lead = self.lead(first)
        return MergeReview.objects.get(lead__in=[lead], status=ReviewStatus.OPEN)

    def test_the_flagged_pairs_are_listed_with_their_reason(self):
        pairs = {
            (r.lead.first_name, r.other.first_name): r.reason for r in MergeReview.objects.all()
        }
        self.assertEqual(set(pairs), {("Rosa", "Luis"), ("Katherine", "Katharine")})
        self.assertIn("phone +13124567120 is shared", pairs[("Rosa", "Luis")])
        self.assertEqual(pairs[("Katherine", "Katharine")], "similar names")
        imports = self.client.get(reverse("import_index", args=["north"]))
        self.assertContains(imports, "2 possible duplicates to review")
        page = self.client.get(self.url)
        self.assertContains(page, 'data-testid="pair"', count=2)
        self.assertContains(page, "Same person: merge")

    def test_keeping_apart_is_recorded_and_not_asked_again(self):
        review = self.review("Rosa")
        self.client.post(
            reverse("merge_review_decide", args=["north", review.pk]), {"decision": "apart"}
        )
        review.refresh_from_db()
        self.assertEqual((review.status, review.decided_by), ("apart", self.north_coordinator))
        self.assertTrue(AuditEvent.objects.filter(action=AuditAction.LEADS_KEPT_APART).exists())
        self.assertContains(self.client.get(self.url), 'data-testid="pair"', count=1)
        run_import(self.path)  # the same file again
        self.assertEqual(MergeReview.objects.count(), 2)
        self.assertContains(self.client.get(self.url), 'data-testid="pair"', count=1)

    def test_merging_a_pair_makes_one_lead_and_can_be_undone(self):
        review = self.review("Katherine")
        keep, gone = self.lead("Katherine"), self.lead("Katharine")
        lead_add_note(lead=gone, actor=self.north_owner, body="Prefers mornings")
        self.client.post(
            reverse("merge_review_decide", args=["north", review.pk]), {"decision": "merge"}
        )
        self.assertFalse(Lead.objects.filter(pk=gone.pk).exists())
        self.assertEqual(values(keep), {"kmills@example.com", "kath.m@example.net"})
        self.assertTrue(AuditEvent.objects.filter(action=AuditAction.LEADS_MERGED).exists())
        review.refresh_from_db()
        self.assertEqual(review.status, "merged")

        row = MergedRow.objects.get(lead=keep, source="the merge review")
        back = merge_undo(merged_row=row, actor=self.north_owner)
        self.assertEqual((back.first_name, back.last_name), ("Katharine", "Mills"))
        self.assertEqual(values(back), {"kath.m@example.net"})
        self.assertEqual(values(keep), {"kmills@example.com"})
        # Its history came back with it.
        self.assertTrue(Interaction.objects.filter(lead=back, body="Prefers mornings").exists())

    def test_a_lead_already_in_a_campaign_is_not_merged_away(self):
        review = self.review("Katherine")
        gone = self.lead("Katharine")
        segment = Segment.objects.create(practice=self.north, name="All", definition={})
        campaign = campaign_create(
            practice=self.north, name="Spring", segment=segment,
            sequence=starter_sequence(self.north), holdout_percent=0, actor=None,
        )  # fmt: skip
        Enrollment.objects.create(
            practice=self.north, campaign=campaign, lead=gone, enrolled_at=timezone.now()
        )
        with self.assertRaises(CannotMerge) as raised:
            review_merge(review=review, actor=self.north_owner)
        self.assertIn("enrol", str(raised.exception))
        self.assertTrue(Lead.objects.filter(pk=gone.pk).exists())

    def test_a_placeholder_shared_by_many_is_flagged_but_not_a_pair_to_merge(self):
        rows = [HEADER] + [
            [name, "Smith", f"{name.lower()}@example.com", "(312) 456-7177", "", ""]
            for name in ("Amy", "Bob", "Cal", "Dee")
        ]
        counts, report = run_import(write_csv(rows))
        self.assertEqual(counts["created"], 4)
        self.assertIn("a placeholder?", report[0]["flag"])
        junk = MergeReview.objects.filter(reason__contains="4567177")
        self.assertFalse(junk.exists())
        self.assertEqual(ContactPoint.objects.filter(value="+13124567177").count(), 4)
