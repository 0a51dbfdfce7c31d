"""A coordinator's first minutes, in a real browser: log in, find a lead, write a note."""

import pytest
from django.core.management import call_command

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_login(live_server):
    from io import StringIO

    out = StringIO()
    call_command("demo", "--no-serve", "--leads", "150", stdout=out)
    password = next(
        line.split(":", 1)[1].strip() for line in out.getvalue().splitlines() if "password:" in line
    )
    return live_server.url, password


def log_in(page, base: str, password: str) -> None:
    page.goto(base + "/")
    page.fill("#id_username", "demo")
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_url(base + "/p/demo/")


def test_the_printed_demo_credentials_open_the_lead_list(page, demo_login):
    base, password = demo_login
    log_in(page, base, password)
    page.click("nav >> text=Leads")
    page.wait_for_selector("table.leads tbody tr")
    # 150 generated, and the 7 people of the sample export the demo imports.
    assert page.locator("p.count").inner_text() == "157 leads"
    assert page.locator("table.leads tbody tr").count() == 50


def test_search_narrows_the_list_without_a_page_load(page, demo_login):
    from reactivate.leads.models import Lead

    base, password = demo_login
    target = Lead.objects.order_by("id").first()
    log_in(page, base, password)
    page.goto(base + "/p/demo/leads/")
    page.evaluate("window.__same_page = true")
    page.fill("#id_q", target.external_id)
    page.wait_for_function("document.querySelector('p.count').innerText === '1 lead'")
    assert page.evaluate("window.__same_page") is True  # HTMX swapped the table in place
    assert target.first_name in page.locator("table.leads").inner_text()
    assert f"q={target.external_id}" in page.url


def test_a_note_added_on_the_lead_page_appears_on_the_timeline(page, demo_login):
    base, password = demo_login
    log_in(page, base, password)
    page.goto(base + "/p/demo/leads/")
    page.locator("table.leads tbody tr a").first.click()
    page.fill("#id_body", "Called, left voicemail about spring availability.")
    page.click("text=Add note")
    page.wait_for_selector("ol.timeline >> text=Called, left voicemail")
    page.reload()
    assert "Called, left voicemail" in page.locator("ol.timeline").inner_text()


def test_a_merge_is_undone_from_the_lead_page(page, demo_login):
    from reactivate.leads.models import Lead

    base, password = demo_login
    merged = Lead.objects.get(practice__slug="demo", last_name="Alvarado")
    log_in(page, base, password)
    page.goto(f"{base}/p/demo/leads/{merged.pk}/")
    # Both panels come from the apps above leads, loaded into the page by htmx.
    page.wait_for_selector("[data-testid=score] >> text=expected value")
    page.click("[data-testid=merges] >> text=Undo this merge")
    page.wait_for_selector("text=Separated: TERESA ALVARADO")
    assert Lead.objects.filter(practice__slug="demo", last_name__iexact="alvarado").count() == 2


def test_possible_duplicates_are_decided_on_the_review_screen(page, demo_login):
    base, password = demo_login
    log_in(page, base, password)
    page.goto(base + "/p/demo/imports/")
    page.click("text=2 possible duplicates to review")
    pair = page.locator("[data-testid=pair]", has_text="is shared")
    pair.locator("text=Different people: keep apart").click()
    page.wait_for_selector("text=Kept apart")
    assert page.locator("[data-testid=pair]").count() == 1
