"""Files as they really arrive: encodings, delimiters, line endings, quoting, scripts."""

from reactivate.imports.tests.helpers import run_import, write_csv
from reactivate.leads.models import Lead
from reactivate.testing import BaseTestCase

ROWS = [
    ["First Name", "Last Name", "Email", "Notes"],
    ["José", "Núñez", "jose@example.com", 'Asked about "financing", twice'],
    ["Zoë", "O'Brien", "zoe@example.com", "Line one\r\nLine two"],
    ["李", "雷", "li.lei@example.com", ""],
]


class NastyFileTests(BaseTestCase):
    def assert_imported(self, path, rows=3):
        counts, report = run_import(path)
        self.assertEqual((counts["rows"], counts["created"]), (rows, rows), report)
        names = set(Lead.objects.filter(practice=self.north).values_list("first_name", "last_name"))
        self.assertTrue({("José", "Núñez"), ("Zoë", "O'Brien"), ("李", "雷")} <= names)
        return counts, report

    def test_utf8_with_bom_and_crlf(self):
        self.assert_imported(write_csv(ROWS, bom=True, newline="\r\n"))

    def test_semicolons_and_plain_newlines(self):
        self.assert_imported(write_csv(ROWS, delimiter=";", newline="\n"))

    def test_tabs(self):
        self.assert_imported(write_csv(ROWS, delimiter="\t"))

    def test_a_quoted_field_with_an_embedded_newline_is_one_record(self):
        self.assert_imported(write_csv(ROWS))
        zoe = Lead.objects.get(first_name="Zoë")
        self.assertEqual(zoe.custom_fields["Notes"], "Line one\r\nLine two")

    def test_windows_1252_from_old_excel(self):
        rows = [r for r in ROWS if r[0] != "李"]
        counts, _ = run_import(write_csv(rows, encoding="cp1252"))
        self.assertEqual(counts["created"], 2)
        self.assertTrue(Lead.objects.filter(first_name="José", last_name="Núñez").exists())

    def test_utf16_unicode_text_from_excel(self):
        path = write_csv(ROWS, delimiter="\t", encoding="utf-16")
        self.assert_imported(path)

    def test_a_row_with_too_many_fields_is_rejected_and_the_rest_kept(self):
        import tempfile
        from pathlib import Path

        path = Path(tempfile.mkdtemp()) / "ragged.csv"
        path.write_text(
            "First Name,Email\nAnn,ann@example.com\nBen,ben@example.com,surprise\n"
            "Cy,cy@example.com\n",
            encoding="utf-8",
        )
        counts, report = run_import(path)
        self.assertEqual((counts["created"], counts["rejected"]), (2, 1))
        self.assertEqual(report[1]["reason"], "has 3 fields where the header has 2")

    def test_blank_lines_are_reported_as_empty_rows(self):
        import tempfile
        from pathlib import Path

        path = Path(tempfile.mkdtemp()) / "blank.csv"
        path.write_text("Email\nann@example.com\n\nben@example.com\n", encoding="utf-8")
        counts, report = run_import(path)
        self.assertEqual(counts["rows"], 3)
        self.assertEqual([r["outcome"] for r in report], ["created", "rejected", "created"])
        self.assertEqual(report[1]["reason"], "empty row")

    def test_duplicate_headers_are_both_kept(self):
        path = write_csv([["Email", "Tag", "Tag"], ["ann@example.com", "vip", "implant"]])
        run_import(path)
        lead = Lead.objects.get(contact_points__value="ann@example.com")
        self.assertEqual(lead.custom_fields, {"Tag": "vip", "Tag (2)": "implant"})
