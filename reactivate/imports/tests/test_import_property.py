"""For any file, every row is accounted for exactly once."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from reactivate.imports.tests.helpers import run_import, write_csv
from reactivate.testing import BaseTestCase

emails = st.one_of(
    st.just(""),
    st.emails().map(str),
    st.sampled_from(["bad@", "ANN@EXAMPLE.COM", " a@b.co "]),
    st.text(max_size=12),
)
phones = st.one_of(
    st.just(""),
    st.builds(
        lambda a, b: f"({a}) {b}-{a}0",
        st.sampled_from(["312", "415", "212"]),
        st.integers(200, 999),
    ),
    st.sampled_from(["+44 20 7946 0958", "12345", "call me", "312.456.7000 x2"]),
    st.text(alphabet="0123456789-() +x", max_size=16),
)
names = st.text(max_size=15)
rows = st.lists(
    st.tuples(
        names, names, emails, phones, st.sampled_from(["", "1", "2", "x"]), st.text(max_size=8)
    ),
    max_size=25,
)


class ImportPropertyTests(TestCase, BaseTestCase):
    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(rows=rows)
    def test_created_updated_merged_and_rejected_add_up_to_the_rows(self, rows):
        header = ["First Name", "Last Name", "Email", "Phone", "Record ID", "Lost Reason"]
        path = write_csv([header, *[list(r) for r in rows]])
        counts, report = run_import(path)
        self.assertEqual(
            counts["created"] + counts["updated"] + counts["merged"] + counts["rejected"],
            counts["rows"],
        )
        self.assertEqual([int(r["row"]) for r in report], list(range(1, counts["rows"] + 1)))
        self.assertEqual(counts["flagged"], sum(1 for r in report if r["flag"]))
        for line in report:
            if line["outcome"] == "rejected":
                self.assertTrue(line["reason"])
            else:
                self.assertTrue(line["lead_id"])
