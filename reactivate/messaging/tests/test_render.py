from datetime import UTC, datetime
from decimal import Decimal

from reactivate.leads.choices import Stage
from reactivate.messaging.fields import lead_context
from reactivate.messaging.render import render, to_html
from reactivate.testing import BaseTestCase, make_lead

NOW = datetime(2026, 11, 25, 15, 0, tzinfo=UTC)
TEMPLATE = "Hi {{ first_name }}, we spoke {{ last_contact }} about {{ treatment }} ({{ stage }})."


class MergeFields(BaseTestCase):
    def setUp(self):
        self.north.phone = "+13125550100"
        self.north.postal_address = "1 Lake St, Chicago, IL 60601"
        self.north.save()

    def test_details_from_the_lead_and_practice(self):
        lead = make_lead(
            self.north,
            "Ana",
            "Ruiz",
            treatment="Invisalign",
            stage=Stage.TREATMENT_PLAN,
            last_contact_at=datetime(2026, 3, 10, tzinfo=UTC),
        )
        out = render(TEMPLATE + " {{ practice_phone }}", lead_context(lead, now=NOW))
        self.assertEqual(
            out.text,
            "Hi Ana, we spoke back in March about Invisalign (your treatment plan). (312) 555-0100",
        )
        self.assertEqual(out.fallbacks, set())

    def test_the_year_is_named_when_it_was_not_this_year(self):
        lead = make_lead(
            self.north, "Ana", "Ruiz", last_contact_at=datetime(2025, 3, 10, tzinfo=UTC)
        )
        self.assertEqual(
            render("{{ last_contact }}", lead_context(lead, now=NOW)).text, "back in March 2025"
        )
        spanish = lead_context(lead, now=NOW, language="es")
        self.assertEqual(render("{{ last_contact }}", spanish).text, "en marzo de 2025")

    def test_a_blank_never_reaches_a_person(self):
        lead = make_lead(self.north, "", "", last_contact_at=None, stage=Stage.FORM)
        out = render(TEMPLATE + " {{ coordinator_name }}", lead_context(lead, now=NOW))
        self.assertEqual(
            out.text,
            "Hi there, we spoke a while ago about your treatment (your inquiry). The team",
        )
        self.assertEqual(
            out.fallbacks, {"first_name", "last_contact", "treatment", "coordinator_name"}
        )
        es = render("Hola {{ first_name }}:", lead_context(lead, now=NOW, language="es")).text
        self.assertEqual(es, "Hola de nuevo:")

    def test_phi_safe_mode_never_names_the_treatment(self):
        lead = make_lead(self.north, "Ana", "Ruiz", treatment="Breast augmentation")
        out = render("about {{ treatment }}", lead_context(lead, now=NOW, phi_safe=True))
        self.assertEqual(out.text, "about your consultation")

    def test_unknown_fields_are_reported_not_guessed(self):
        lead = make_lead(self.north, "Ana", "Ruiz")
        out = render("Hi {{ first_name }} {{ balance_due }}", lead_context(lead, now=NOW))
        self.assertEqual(out.unknown, {"balance_due"})
        self.assertIn("{{ balance_due }}", out.text)


class LeadDataIsInert(BaseTestCase):
    """Lead fields that look like template syntax or HTML come out as the same text."""

    def test_template_syntax_and_markup_in_lead_fields(self):
        lead = make_lead(
            self.north,
            "{{ unsubscribe_link }}",
            "Ruiz",
            treatment="<script>alert(1)</script>{% load static %}{{ practice_name }}",
            estimated_value=Decimal("1"),
        )
        context = lead_context(lead, now=NOW, unsubscribe_link="https://x.test/u/TOKEN")
        out = render("Hi {{ first_name }}, about {{ treatment }}.", context)
        self.assertEqual(
            out.text,
            "Hi {{ unsubscribe_link }}, about <script>alert(1)</script>{% load static %}"
            "{{ practice_name }}.",
        )
        self.assertNotIn("TOKEN", out.text)
        self.assertNotIn(self.north.name, out.text)
        html = to_html(out.text)
        self.assertNotIn("<script>", html)
        self.assertIn("&lt;script&gt;alert(1)&lt;/script&gt;", html)

    def test_control_characters_and_line_breaks_are_flattened(self):
        lead = make_lead(self.north, "Ana\n\nClick https://evil.test\x07", "Ruiz")
        out = render("Hi {{ first_name }},", lead_context(lead, now=NOW))
        self.assertEqual(out.text, "Hi Ana Click https://evil.test,")

    def test_html_version_links_and_paragraphs(self):
        html = to_html("Hi Ana,\n\nBook: https://x.test/b?a=1&b=2\nThanks")
        self.assertEqual(
            html,
            '<p>Hi Ana,</p>\n<p>Book: <a href="https://x.test/b?a=1&amp;b=2">'
            "https://x.test/b?a=1&amp;b=2</a><br>\nThanks</p>",
        )
