"""Writing a message in a real browser: the checks follow every keystroke."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def coordinator(demo_session):
    return demo_session(60)


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
