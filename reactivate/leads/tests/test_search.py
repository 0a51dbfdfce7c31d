"""Finding a lead fast when a patient calls back: a name, a number in any format, an email or
a CRM id, through stored search keys and indexes rather than a fold of every row."""

from unittest import skipUnless

import polars as pl
from django.db import connection
from django.test import SimpleTestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from reactivate.core.text import last_word_key, last_word_key_expr, search_key, search_key_expr
from reactivate.imports.tests.helpers import run_import, write_csv
from reactivate.leads.frames import refresh_statistics
from reactivate.leads.models import Lead
from reactivate.leads.selectors import lead_list
from reactivate.testing import BaseTestCase, make_lead

NAMES = ["José", "Núñez", "O'Brien", "Nuñez-Ruiz", "  Mary   Ann ", "ZOË", "Đorđević", "李",
         "Smith Jr.", "", "Ångström", "Øre", "Łukasz", "Straße", "ﬁona", "de la Cruz"]  # fmt: skip


class SearchKeyTests(SimpleTestCase):
    def test_keys_fold_accents_case_and_punctuation(self):
        self.assertEqual(
            [search_key(n) for n in ("José", "Núñez", "O'Brien", "Nuñez-Ruiz", "  Mary   Ann ")],
            ["jose", "nunez", "obrien", "nunez ruiz", "mary ann"],
        )
        self.assertEqual(
            [search_key(n) for n in ("Łukasz", "Straße", "李 小龙", "Øre")],
            ["lukasz", "strasse", "李 小龙", "ore"],
        )

    def test_the_import_and_a_saved_lead_get_the_same_key(self):
        frame = pl.DataFrame({"name": NAMES})
        self.assertEqual(frame.select(search_key_expr("name")).to_series().to_list(),
                         [search_key(n) for n in NAMES])  # fmt: skip
        self.assertEqual(frame.select(last_word_key_expr("name")).to_series().to_list(),
                         [last_word_key(n) for n in NAMES])  # fmt: skip

    # Names' scripts. The two regex engines may date newer code points differently: polars
    # knows Unicode 16's letters (U+1C89, Cyrillic capital TJE) where Python 3.11's
    # unicodedata still has them unassigned, so only code points Python knows are compared.
    @given(st.text(st.characters(max_codepoint=0x2FFF, exclude_categories=("Cn",)),
                   max_size=40))  # fmt: skip
    def test_the_two_ways_agree_on_any_text(self, text):
        frame = pl.DataFrame({"name": [text]}).select(search_key_expr("name"))
        self.assertEqual(frame.item(), search_key(text))


class SearchTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.jose = make_lead(cls.north, "José", "Núñez-Ruiz", email="jose.nunez@example.com",
                             phone="+17735550142", external_id="CRM-8841")  # fmt: skip
        cls.obrien = make_lead(cls.north, "Siobhán", "O'Brien", phone="+13125550150")
        cls.berg = make_lead(cls.north, "Karen", "van der Berg")
        cls.other = make_lead(cls.south, "José", "Núñez", phone="+17735550142")

    def found(self, query: str, practice=None) -> list[str]:
        leads = lead_list(practice=practice or self.north, query=query)
        return sorted(lead.full_name for lead in leads)

    def test_a_name_is_found_by_the_start_of_any_of_its_words(self):
        for typed in ("jose", "Núñ", "nunez", "ruiz", "José Núñez", "nunez jose", "o'brien",
                      "OBRIEN", "siob"):  # fmt: skip
            with self.subTest(typed=typed):
                self.assertTrue(self.found(typed))
        self.assertEqual(self.found("jose ruiz"), ["José Núñez-Ruiz"])
        for typed in ("van der Berg", "berg", "karen van der berg", "van"):
            with self.subTest(typed=typed):
                self.assertEqual(self.found(typed), ["Karen van der Berg"])
        self.assertEqual(self.found("jose obrien"), [])
        self.assertEqual(self.found("nez"), [])  # the middle of a word is not its start

    def test_a_number_in_any_format_and_an_email_find_the_lead(self):
        for typed in ("(773) 555-0142", "773.555.0142", "+1 773 555 0142", "17735550142"):
            with self.subTest(typed=typed):
                self.assertEqual(self.found(typed), ["José Núñez-Ruiz"])
        self.assertEqual(self.found("JOSE.NUNEZ@example.com"), ["José Núñez-Ruiz"])
        self.assertEqual(self.found("jose.nunez@"), ["José Núñez-Ruiz"])
        self.assertEqual(self.found("CRM-8841"), ["José Núñez-Ruiz"])

    def test_a_search_never_crosses_the_practice_wall(self):
        self.assertEqual(self.found("(773) 555-0142", self.south), ["José Núñez"])
        self.assertEqual(self.found("jose.nunez@example.com", self.south), [])

    def test_a_renamed_lead_is_found_by_its_new_name(self):
        self.obrien.last_name = "Byrne"
        self.obrien.save(update_fields=["last_name"])
        self.assertEqual(self.found("byrne"), ["Siobhán Byrne"])
        self.assertEqual(self.found("obrien"), [])

    def test_imported_leads_are_found_by_name_too(self):
        run_import(write_csv([["First Name", "Last Name", "Email"],
                              ["Ånna", "Łukasiewicz", "anna@example.com"]]))  # fmt: skip
        self.assertEqual(
            Lead.objects.filter(first_name="Ånna").values_list("first_key", "last_key").get(),
            ("anna", "lukasiewicz"),
        )
        self.assertEqual(self.found("lukas"), ["Ånna Łukasiewicz"])
        self.client.force_login(self.north_coordinator)
        page = self.client.get(reverse("lead_index", args=["north"]), {"q": "anna luk"})
        self.assertContains(page, "Łukasiewicz")

    @skipUnless(
        connection.vendor == "sqlite",
        "PostgreSQL's planner scans tables this small; "
        "benchmarks/search_bench.py shows its indexes at 1M leads",
    )
    def test_the_name_search_is_served_by_the_name_indexes(self):
        # A practice big enough that scanning it costs more than the index, with the
        # statistics an import leaves.
        Lead.objects.bulk_create(
            Lead(practice=self.north, first_name=f"P{i}", first_key=f"p{i}", last_name="Lee",
                 last_key="lee") for i in range(3000)
        )  # fmt: skip
        refresh_statistics(["leads_lead", "leads_contactpoint"])
        sql, params = lead_list(practice=self.north, query="nunez").query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
            plan = " ".join(str(row) for row in cursor.fetchall())
        self.assertIn("lead_first_key", plan)
        self.assertIn("lead_last_key", plan)
        # Two words: the ids both name come from the name indexes alone, and only those
        # rows are read (not every "P…" to find the Lees among them).
        sql, params = lead_list(practice=self.north, query="p12 lee").query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
            plan = " ".join(str(row) for row in cursor.fetchall())
        self.assertIn("INTEGER PRIMARY KEY", plan)
        self.assertEqual(len(lead_list(practice=self.north, query="p12 lee")), 111)  # p12, p12x
        self.assertEqual(len(lead_list(practice=self.south, query="p12 lee")), 0)
        with CaptureQueriesContext(connection) as run:
            lead_list(practice=self.north, query="p12 lee")
        [ids] = [q["sql"] for q in run.captured_queries if "INTERSECT" in q["sql"]]
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN QUERY PLAN " + ids)
            plan = [str(row[-1]) for row in cursor.fetchall() if "leads_lead" in str(row[-1])]
        self.assertTrue(plan)
        self.assertTrue(all("COVERING INDEX" in step for step in plan), plan)
