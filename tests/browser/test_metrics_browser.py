"""A manager reads the dashboard in the browser: the figures, the diagnosis, the lift with its
interval, one campaign at a time; downloads the CSV and the PDF; sets a price and sees the
cost per reactivated lead follow. axe-core finds no serious accessibility violation.
Screenshots of the dashboard at desktop and tablet widths go to docs/screenshots/."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.test_workspace_browser import AXE, SERIOUS, shoot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def dashboard(demo_session, page):
    base = demo_session(400)  # the demo's finished autumn pilot and its running winter one
    page.goto(base + "/p/demo/")
    return base


def test_the_manager_reads_the_program_and_one_campaign(page, dashboard):
    from reactivate.campaigns.models import Campaign

    figures = page.get_by_test_id("figures")
    expect(figures).to_contain_text("leads contacted")
    assert int(page.get_by_test_id("contacted").inner_text().replace(",", "")) > 0
    expect(page.get_by_test_id("lift")).to_contain_text("95% interval")
    expect(page.get_by_test_id("lift-words").first).to_contain_text("Lift in reactivation")
    expect(page.get_by_test_id("diagnosis")).not_to_be_empty()
    shoot(page, "dashboard")
    autumn = Campaign.objects.get(practice__slug="demo", name="Autumn reactivation")
    page.select_option("#campaign-pick", str(autumn.pk))
    page.wait_for_url(re.compile(rf"\?campaign={autumn.pk}$"))
    expect(page.locator("#campaign-pick")).to_have_value(str(autumn.pk))
    with page.expect_download() as csv:
        page.get_by_role("link", name="CSV").click()
    assert csv.value.suggested_filename.endswith(".csv")
    with page.expect_download() as pdf:
        page.get_by_role("link", name="PDF").click()
    assert pdf.value.suggested_filename.endswith(".pdf")


def test_a_price_change_shows_at_once(page, dashboard):
    before = page.get_by_test_id("cost-per").inner_text()
    page.get_by_role("link", name="Costs").click()
    page.get_by_label("Staff cost an hour ($)").fill("95")
    page.get_by_role("button", name="Save prices").click()
    expect(page.locator(".flash")).to_contain_text("Prices saved")
    page.get_by_role("link", name="Back to the dashboard").click()
    after = page.get_by_test_id("cost-per").inner_text()
    assert after != before and after.startswith("$")


def test_the_dashboard_has_no_serious_accessibility_violation(page, dashboard):
    if not AXE.exists():
        pytest.skip("axe-core is not installed (./dev test runs `npm ci`; needs node and npm)")
    found = {}
    for path in ("", "metrics/costs/", "metrics/practices/"):
        page.goto(f"{dashboard}/p/demo/{path}")
        page.wait_for_load_state("networkidle")
        page.add_script_tag(path=str(AXE))
        found[path or "dashboard"] = page.evaluate(SERIOUS)
    assert not any(found.values()), found
