from io import StringIO

from django.core.management import CommandError, call_command
from django.test import TestCase

from reactivate.tenancy.models import Agency, Practice


def run(*args: str) -> str:
    out = StringIO()
    call_command("practice", *args, stdout=out)
    return out.getvalue()


class PracticeCommandTests(TestCase):
    def test_create_then_list_shows_the_slug_first(self):
        run(
            "create",
            "lakeside",
            "--name",
            "Lakeside Implant Center",
            "--country",
            "US",
            "--state",
            "tx",
            "--timezone",
            "America/Chicago",
        )
        run("create", "aurora-med-spa", "--name", "Aurora Med Spa")
        lines = run("list").splitlines()
        self.assertEqual([line.split("\t")[0] for line in lines], ["aurora-med-spa", "lakeside"])
        practice = Practice.objects.get(slug="lakeside")
        self.assertEqual(
            (practice.name, practice.state, practice.timezone),
            ("Lakeside Implant Center", "TX", "America/Chicago"),
        )

    def test_create_defaults_to_the_us_and_new_york_time(self):
        run("create", "plain", "--name", "Plain Dental")
        practice = Practice.objects.get(slug="plain")
        self.assertEqual((practice.country, practice.timezone), ("US", "America/New_York"))
        self.assertEqual(practice.agency.slug, "default")

    def test_create_can_place_the_practice_in_an_agency(self):
        Agency.objects.create(slug="acme", name="Acme")
        run("create", "acme-one", "--name", "Acme One", "--agency", "acme")
        self.assertEqual(Practice.objects.get(slug="acme-one").agency.slug, "acme")

    def test_it_refuses_a_duplicate_slug(self):
        run("create", "twice", "--name", "Twice")
        with self.assertRaisesMessage(CommandError, "already exists"):
            run("create", "twice", "--name", "Twice again")
        self.assertEqual(Practice.objects.count(), 1)

    def test_it_refuses_an_unknown_time_zone_with_the_reason(self):
        with self.assertRaisesMessage(CommandError, "not an IANA time zone"):
            run("create", "tz", "--name", "TZ", "--timezone", "Mars/Olympus")
        self.assertFalse(Practice.objects.exists())

    def test_it_refuses_a_slug_that_cannot_be_a_url(self):
        with self.assertRaisesMessage(CommandError, "slug"):
            run("create", "Has Spaces", "--name", "Bad")

    def test_list_is_empty_without_practices(self):
        self.assertEqual(run("list"), "")
