from decimal import Decimal

from django.urls import reverse

from reactivate.audit.models import AuditEvent
from reactivate.core.treatments import VocabularyError, parse_vocabulary, vocabulary_for
from reactivate.imports.tests.helpers import run_import, write_csv
from reactivate.leads.models import Lead
from reactivate.testing import PASSWORD, BaseTestCase, make_lead


def test_case_plurals_synonyms_and_typos_are_one_treatment():
    vocabulary = vocabulary_for("")
    for text in ("Dental Implants", "Dental implant", "Implants", "implant", "All-on-4",
                 "dental implnts"):  # fmt: skip
        assert vocabulary.normalise(text) == "Dental implants", text
    assert vocabulary.normalise("invisalign") == vocabulary.normalise("Invisalign") == "Invisalign"
    # Words outside the vocabulary keep their own words, tidied.
    assert vocabulary.normalise("GUM GRAFTING") == "Gum grafting"
    assert vocabulary.normalise("implant removal") == "Implant removal"


def test_a_vocabulary_that_names_one_word_twice_is_refused():
    try:
        parse_vocabulary("Implants: all-on-4\nDentures: all on 4")
    except VocabularyError as exc:
        assert "line 2" in str(exc)
    else:
        raise AssertionError("the clash was accepted")


class TreatmentNames(BaseTestCase):
    def test_an_import_files_six_spellings_under_two_treatments(self):
        rows = [["Email", "Treatment"]] + [
            [f"p{i}@example.com", text]
            for i, text in enumerate(
                [
                    "Dental Implants",
                    "Dental implant",
                    "Implants",
                    "implant",
                    "Invisalign",
                    "invisalign",
                ]
            )
        ]
        run_import(write_csv(rows))
        imported = Lead.objects.filter(practice=self.north, contact_points__value__startswith="p")
        self.assertEqual(
            sorted(set(imported.values_list("treatment", flat=True))),
            ["Dental implants", "Invisalign"],
        )

    def test_the_practice_edits_its_vocabulary_and_every_lead_follows(self):
        make_lead(self.north, "Ivy", "Gum", treatment="Gum graft", estimated_value=Decimal(900))
        self.client.login(username="nora", password=PASSWORD)
        url = reverse("treatment_settings", args=["north"])
        page = self.client.get(url)
        self.assertContains(page, "not in the vocabulary")
        response = self.client.post(
            url, {"vocabulary": "Implants: dental implant, implant\nPeriodontics: gum graft"}
        )
        self.assertRedirects(response, url)
        self.assertEqual(
            sorted(Lead.objects.filter(practice=self.north).values_list("treatment", flat=True)),
            ["Implants", "Periodontics"],
        )
        self.assertTrue(
            AuditEvent.objects.filter(action="practice.changed", actor=self.north_owner)
        )
        bad = self.client.post(url, {"vocabulary": "Implants: gum\nPerio: gum"})
        self.assertContains(bad, "line 2", status_code=400)

    def test_a_coordinator_may_read_but_not_change_the_names(self):
        self.client.login(username="cole", password=PASSWORD)
        url = reverse("treatment_settings", args=["north"])
        self.assertEqual(self.client.get(url).status_code, 200)
        self.assertEqual(self.client.post(url, {"vocabulary": "X"}).status_code, 403)

    def test_another_practice_cannot_see_them(self):
        self.client.login(username="sam", password=PASSWORD)
        self.assertEqual(
            self.client.get(reverse("treatment_settings", args=["north"])).status_code, 404
        )
