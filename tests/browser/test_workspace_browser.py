"""A coordinator's morning in the browser: a yes arrives and appears on the worklist without a
reload; she opens the conversation with the keyboard, sends the suggested answer, logs a
call, books the consultation, and sees the timeline and speed to human move. A user of
another practice cannot open the lead. axe-core finds no serious accessibility violation.
Screenshots of the four main pages at desktop and tablet widths go to docs/screenshots/."""

import os
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import demo_password

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).parents[2]
SHOTS = Path(os.environ.get("SCREENSHOTS_DIR", ROOT / "docs" / "screenshots"))
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
WIDTHS = {"desktop": 1366, "tablet": 820}
SERIOUS = """async () => {
  const found = await axe.run(document, {resultTypes: ['violations']});
  return found.violations.filter(v => ['serious', 'critical'].includes(v.impact))
    .map(v => `${v.id} (${v.impact}): ${v.help}: ` + v.nodes.map(
      n => n.target.join(' ') + ' ' + n.failureSummary.slice(0, 200)).join(' / '));
}"""


def noon_zone() -> str:
    """A fixed-offset zone where it is about noon now: the answer's quiet hours are the
    recipient's, and the test must not depend on when it runs."""
    offset = 12 - datetime.now(UTC).hour
    offset = offset - 24 if offset > 14 else offset
    return "UTC" if offset == 0 else f"Etc/GMT{'-' if offset > 0 else '+'}{abs(offset)}"


def text_a_quiet_lead(practice, actor):
    """Text a lead of the demo who has not replied, through the gate as any answer goes.
    The demo's campaign leaves only a handful of unanswered texts, and how many varies
    with the day it runs, so the test sends its own rather than counting on one."""
    from reactivate.channels.direct import Held, send_to_lead
    from reactivate.leads.models import ContactPoint, Lead
    from reactivate.replies.models import Reply

    replied = Reply.objects.filter(practice=practice, lead__isnull=False).values("lead_id")
    candidates = (
        Lead.objects.filter(practice=practice, contact_points__consents__channel="sms",
                            contact_points__consents__status="granted")
        .exclude(pk__in=replied).distinct().order_by("id")
    )  # fmt: skip
    for lead in candidates[:50]:
        ContactPoint.objects.filter(lead=lead).update(timezone=noon_zone())
        try:
            return send_to_lead(lead=lead, channel="sms", actor=actor, source="browser-test",
                                body="Hi, just checking in about your treatment plan.")  # fmt: skip
        except Held:
            continue  # closed, suppressed or the number is not valid: the next lead
    raise AssertionError("no lead of the demo can be texted")


@pytest.fixture
def morning(live_server):
    """The demo practice, a coordinator of it, and a texted lead who has not replied yet."""
    from reactivate.tenancy.choices import Role
    from reactivate.tenancy.models import Membership, Practice
    from reactivate.testing import PASSWORD, make_user

    demo_password(400)
    practice = Practice.objects.get(slug="demo")
    practice.send_days, practice.send_from_hour, practice.send_until_hour = "0,1,2,3,4,5,6", 8, 20
    practice.save()
    cora = make_user("cora", first_name="Cora", last_name="Front")
    Membership.objects.create(user=cora, practice=practice, role=Role.COORDINATOR)
    texted = text_a_quiet_lead(practice, cora)
    south = Practice.objects.create(agency=practice.agency, slug="south", name="South Smiles",
                                    timezone="America/New_York")  # fmt: skip
    Membership.objects.create(user=make_user("sam"), practice=south, role=Role.OWNER)
    return live_server.url, practice, cora, texted, PASSWORD


def log_in(page, base: str, username: str, password: str) -> None:
    page.goto(base + "/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")


def shoot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    for label, width in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": 1000})
        page.screenshot(path=str(SHOTS / f"{name}-{label}.png"), full_page=True)
    page.set_viewport_size({"width": WIDTHS["tablet"], "height": 1180})


def test_a_yes_is_answered_called_and_booked_without_leaving_the_workspace(page, morning):
    from reactivate.leads.models import Opportunity
    from reactivate.replies.sandbox import sandbox_reply

    base, _, cora, texted, password = morning
    lead = texted.lead
    log_in(page, base, "cora", password)
    page.goto(base + "/p/demo/worklist/")
    before = page.get_by_test_id("speed-figure").inner_text()
    page.evaluate("window.notReloaded = true")
    sandbox_reply(message=texted, text="Yes please, I'd love to come in", actor=cora)
    row = page.locator("tr[data-testid=work-reply]", has_text=lead.full_name)
    expect(row).to_be_visible(timeout=20_000)  # the poll brought it in
    assert page.evaluate("window.notReloaded") is True
    expect(row.locator("time.sla")).to_have_text(re.compile(r"due in \d+"))
    shoot(page, "worklist")

    row.focus()
    page.keyboard.press("r")  # the reply shortcut: straight to the answer box
    page.wait_for_url(re.compile(rf"/leads/{lead.pk}/thread/#answer-body$"))
    expect(page.get_by_test_id("thread")).to_contain_text("I'd love to come in")
    expect(page.get_by_test_id("reading")).to_contain_text("positive")
    answer = page.locator("#answer-body")
    assert page.evaluate("document.activeElement.id") == "answer-body"
    expect(answer).to_have_value(re.compile(r"lovely to hear from you"))
    expect(page.get_by_test_id("lint")).to_contain_text("pass")
    shoot(page, "thread")
    page.get_by_role("button", name="Send text").click()
    expect(page.locator(".flash")).to_contain_text(f"Answer sent to {lead.full_name}")
    expect(page.get_by_test_id("thread")).to_contain_text("answered by hand")

    page.goto(base + f"/p/demo/leads/{lead.pk}/")
    page.fill("#call-note", "Booked her in for next week")
    page.get_by_test_id("log-call").get_by_role("button", name="Connected", exact=True).click()
    expect(page.locator(".flash")).to_contain_text("Call logged: connected.")
    day = (datetime.now(UTC) + timedelta(days=7)).date().isoformat()
    page.get_by_test_id("book").locator("input[name=date]").fill(day)
    page.get_by_test_id("book").get_by_role("button", name="Book", exact=True).click()
    expect(page.locator(".flash")).to_contain_text("Consultation booked")
    expect(page.get_by_test_id("lead-status")).to_have_text("Scheduled")
    timeline = page.locator("#timeline")
    for said in ("Consultation booked", "connected", "lovely to hear from you", "love to come in"):
        expect(timeline).to_contain_text(said)
    expect(page.get_by_test_id("opportunities")).to_contain_text("Consultation booked")
    assert Opportunity.objects.filter(lead=lead, stage="booked").count() == 1
    shoot(page, "lead")

    page.goto(base + "/p/demo/worklist/")
    expect(page.get_by_test_id("speed-figure")).not_to_have_text(before)
    expect(page.locator("tr[data-testid=work-reply]", has_text=lead.full_name)).to_have_count(0)
    page.goto(base + "/p/demo/")
    shoot(page, "dashboard")


def test_a_user_of_another_practice_cannot_open_the_lead_or_its_thread(browser, morning):
    base, _, _, texted, password = morning
    context = browser.new_context()
    page = context.new_page()
    log_in(page, base, "sam", password)
    for slug in ("demo", "south"):
        for path in (f"leads/{texted.lead_id}/", f"leads/{texted.lead_id}/thread/"):
            response = page.goto(f"{base}/p/{slug}/{path}")
            assert response.status == 404, (slug, path, response.status)
    context.close()


def test_the_workspace_has_no_serious_accessibility_violation(page, morning):
    if not AXE.exists():
        message = "axe-core is not installed (./dev test runs `npm ci`; needs node and npm)"
        if os.environ.get("REQUIRE_BROWSER"):
            pytest.fail(message)
        pytest.skip(message)
    from reactivate.replies.sandbox import sandbox_reply

    base, _, cora, texted, password = morning
    sandbox_reply(message=texted, text="Yes, still interested", actor=cora)
    log_in(page, base, "cora", password)
    found = {}
    for name, path in (("worklist", "worklist/"), ("thread", f"leads/{texted.lead_id}/thread/"),
                       ("lead", f"leads/{texted.lead_id}/"), ("triage", "triage/")):  # fmt: skip
        page.goto(f"{base}/p/demo/{path}")
        page.wait_for_load_state("networkidle")
        page.add_script_tag(path=str(AXE))
        found[name] = page.evaluate(SERIOUS)
    assert not any(found.values()), found
