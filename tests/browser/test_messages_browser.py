"""Writing a message in a real browser: the checks follow every keystroke."""

import pytest
from django.core.management import call_command

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def coordinator(live_server, page):
    from io import StringIO

    out = StringIO()
    call_command("demo", "--no-serve", "--leads", "60", stdout=out)
    password = next(
        line.split(":", 1)[1].strip() for line in out.getvalue().splitlines() if "password:" in line
    )
    page.goto(live_server.url + "/")
    page.fill("#id_username", "demo")
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_url(live_server.url + "/p/demo/")
    return live_server.url


def test_live_lint_and_preview(page, coordinator):
    page.click("nav >> text=Messages")
    page.click("text=Add the starter playbooks")
    page.wait_for_selector("[data-testid=templates]")
    page.click("text=Starter · Any reason · First text")
    page.wait_for_selector("[data-testid=verdict]")
    assert page.locator("[data-testid=verdict]").inner_text() == "pass"
    # The preview renders on real leads as soon as the page opens.
    page.wait_for_selector("[data-testid=preview-message]")
    assert (
        "Reply STOP to opt out." in page.locator("[data-testid=preview-message]").first.inner_text()
    )
    page.evaluate("window.__same_page = true")
    body = page.locator("#id_body")
    body.fill(body.input_value().replace("Reply STOP to opt out.", "Book now!!"))
    page.wait_for_function("document.querySelector('[data-testid=verdict]').innerText === 'fail'")
    lint = page.locator("[data-testid=lint]").inner_text()
    assert "how to opt out" in lint
    assert "puts pressure" in lint
    assert page.evaluate("window.__same_page") is True
