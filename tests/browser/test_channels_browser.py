"""The coordinator's side of the channels in a real browser: the demo's calls to make, an
outcome logged in two clicks, the mailed letter batch and its PDF, the outbox's reports."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_calls_letters_and_delivery_reports_from_the_demo(page, demo_session):
    from reactivate.followups.models import CallTask

    base = demo_session(300)
    page.goto(base + "/p/demo/calls/")
    table = page.locator("[data-testid=calls]")
    assert table.locator("tbody tr").count() >= 1
    first = CallTask.objects.filter(status="open").order_by("due_at", "id").first()
    page.click(f"a[href='/p/demo/calls/{first.pk}/']")  # click one: the call page
    assert page.locator("[data-testid=script]").inner_text().startswith("Hi ")
    assert page.locator("text=If you get voicemail").count() == 1
    page.click("button[value=voicemail]")  # click two: what happened
    page.wait_for_selector("text=Logged: left a voicemail")
    first.refresh_from_db()
    assert (first.status, first.outcome) == ("done", "voicemail")

    page.goto(base + "/p/demo/letters/")
    batches = page.locator("[data-testid=batches]")
    assert batches.locator("text=Mailed").count() >= 1
    with page.expect_download() as download:
        batches.locator("a:has-text('PDF')").first.click()
    assert download.value.suggested_filename.endswith(".pdf")

    page.goto(base + "/p/demo/outbox/")
    assert page.locator("[data-testid=outbox] >> text=delivered").count() >= 1
    assert page.locator("[data-testid=outbox] >> text=bounced").count() == 1
