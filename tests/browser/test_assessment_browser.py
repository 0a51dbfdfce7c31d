"""A manager's Phase 1 and 2 in a real browser: read the assessment, start the pilot segment,
narrow a segment and watch its count change without a page load."""

import re

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def manager(demo_session):
    return demo_session(400)


def test_assessment_leads_to_a_ranked_pilot_segment(page, manager):
    from reactivate.segments.assessment import assess
    from reactivate.tenancy.models import Practice

    report = assess(Practice.objects.get(slug="demo"), record=False)
    page.click("nav >> text=Assessment")
    page.wait_for_selector("[data-testid=ages]")
    bands = page.locator("[data-testid=ages] tbody tr, [data-testid=ages] tr:has(td)")
    assert bands.count() == 5
    assert page.locator("[data-testid=ages] svg rect").count() == 5
    stalled = f"{report['potential_value']['stalled_leads']:,}"
    assert stalled in page.locator(".stats").first.inner_text()
    page.click("text=Create a pilot on this segment")
    page.wait_for_selector("[data-testid=ranked]")
    shown = page.locator("[data-testid=segment-leads]").inner_text()
    assert shown == f"{report['recommended_segment']['leads']:,}"
    priorities = [
        float(re.sub(r"[^0-9.]", "", text) or 0)
        for text in page.locator("[data-testid=ranked] tbody tr td:last-child").all_inner_texts()
    ]
    assert priorities == sorted(priorities, reverse=True)


def test_segment_count_updates_live_while_editing(page, manager):
    page.goto(manager + "/p/demo/segments/new/")
    page.wait_for_selector("[data-testid=preview-leads]")
    before = int(page.locator("[data-testid=preview-leads]").inner_text().replace(",", ""))
    page.evaluate("window.__same_page = true")
    page.check("input[name=stages][value=treatment_plan]")
    shown = "document.querySelector('[data-testid=preview-leads]').innerText"
    page.wait_for_function(f"Number({shown}.replace(/,/g, '')) < {before}")
    assert page.evaluate("window.__same_page") is True
    page.fill("#id_name", "Treatment plans")
    page.click("text=Save segment")
    page.wait_for_selector("[data-testid=ranked]")
    assert "Treatment plans" in page.locator("h1").inner_text()
