from decimal import Decimal

from django.db import connection
from django.test import TransactionTestCase

from reactivate.leads import selectors
from reactivate.leads.choices import LeadStatus, Stage
from reactivate.leads.selectors import lead_treatments, practice_summary
from reactivate.testing import make_lead, make_practice, splitting_scans


class SplitScans(TransactionTestCase):
    """The dashboard and the lead list's treatments read a large SQLite table in two halves at
    once; the figures are the same as from one scan, and only the practice's own."""

    def setUp(self):
        self.practice = make_practice("mine")
        other = make_practice("theirs")
        leads = [
            ("Ann", Stage.TREATMENT_PLAN, LeadStatus.STALLED, "12000", "Implants"),
            ("Bo", Stage.CONSULTATION, LeadStatus.CONVERTED, "4500", "Invisalign"),
            ("Cy", Stage.FORM, LeadStatus.STALLED, None, ""),
            ("Di", Stage.TREATMENT_PLAN, LeadStatus.CLOSED, "3000", "Veneers"),
        ]
        for n, (name, stage, status, value, treatment) in enumerate(leads):
            make_lead(
                self.practice,
                name,
                "Lee",
                stage=stage,
                status=status,
                estimated_value=Decimal(value) if value else None,
                treatment=treatment,
            )
            # Another practice's leads between this one's ids, which neither half may count.
            make_lead(other, f"X{n}", "Noise", estimated_value=99999, treatment="Facelift")

    def test_split_and_whole_scans_agree_on_the_practices_own_figures(self):
        def figures():
            return practice_summary(practice=self.practice), lead_treatments(practice=self.practice)

        whole = figures()
        with splitting_scans(selectors) as halves:
            split = figures()
        self.assertEqual(split, whole)
        summary, treatments = split
        self.assertEqual((summary["total"], summary["total_value"]), (4, Decimal("19500")))
        self.assertEqual(summary["by_status"]["stalled"]["n"], 2)
        self.assertEqual(summary["by_status"]["stalled"]["value"], Decimal("12000"))
        self.assertEqual(summary["by_stage"]["treatment_plan"]["value"], Decimal("15000"))
        self.assertNotIn("do_not_contact", summary["by_status"])  # no lead, no row
        self.assertEqual(treatments, ["Implants", "Invisalign", "Veneers"])
        if connection.vendor == "sqlite":
            self.assertIn("id__lt", " ".join(halves))
            self.assertIn("id__gte", " ".join(halves))
