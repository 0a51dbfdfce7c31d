"""A manager builds a sequence with a new message, reorders it, launches a pilot through the
confirmation, and sees the first sends in the outbox in the order built."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEW_TEXT = (
    "Hi {{ first_name }}, this is {{ coordinator_name }} from {{ practice_name }}. We spoke "
    "{{ last_contact }} about {{ treatment }}. Still interested? No worries if not. "
    "Reply STOP to opt out."
)


@pytest.fixture
def manager(demo_session):
    from reactivate.segments.models import Segment
    from reactivate.tenancy.models import Practice

    base = demo_session(40)
    practice = Practice.objects.get(slug="demo")
    # Open every day and hour, so that the test runs on the real clock, whenever it is.
    practice.send_days, practice.send_from_hour, practice.send_until_hour = "0,1,2,3,4,5,6", 0, 24
    practice.save()
    Segment.objects.create(practice=practice, name="Everyone stalled", definition={})
    return base


def add_step(page, channel: str, template_id: int, wait: str) -> None:
    form = page.locator("[data-testid=add-step] form")
    form.locator("select[name=new-channel]").select_option(channel)
    form.locator("select[name=new-template]").select_option(str(template_id))
    form.locator("input[name=new-wait]").fill(wait)
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()


def test_build_reorder_and_launch_a_pilot(page, manager):
    from django.utils import timezone

    from reactivate.campaigns.engine import run_due
    from reactivate.campaigns.models import Campaign, Sequence
    from reactivate.channels.models import OutboundMessage
    from reactivate.messaging.models import MessageTemplate

    base = manager
    # The demo copied in the starter playbook: its sequence and its messages.
    page.goto(base + "/p/demo/sequences/")
    page.click("text=Starter playbook")
    page.wait_for_selector("[data-testid=steps] li.step")
    # A new message, written on the messages page.
    page.goto(base + "/p/demo/messages/new/")
    page.fill("#id_name", "Spring text")
    page.select_option("#id_channel", "sms")
    page.fill("#id_body", NEW_TEXT)
    page.click("form >> button[type=submit] >> nth=-1")
    page.wait_for_url("**/messages/*/")
    new_text = MessageTemplate.objects.get(name="Spring text")
    email = MessageTemplate.objects.filter(channel="email", step="email-1", language="en").first()
    call = MessageTemplate.objects.filter(channel="call", language="en").first()

    page.goto(base + "/p/demo/sequences/")
    page.fill("#id_name", "Spring three")
    page.click("button:has-text('Create')")
    page.wait_for_selector("[data-testid=add-step]")
    add_step(page, "sms", new_text.pk, "0")
    add_step(page, "email", email.pk, "0")
    add_step(page, "call", call.pk, "3")
    # The email should go first: move step 2 up with its keyboard-reachable button.
    page.click("button[aria-label='Move step 2 up']")
    page.wait_for_load_state()
    headings = page.locator("[data-testid=steps] li.step h2").all_inner_texts()
    assert [h.split(": ")[1].split(" ")[0] for h in headings] == ["Email", "SMS", "Phone"]
    sequence = Sequence.objects.get(name="Spring three", parent__isnull=True)
    assert list(sequence.steps.values_list("channel", flat=True)) == ["email", "sms", "call"]

    page.goto(base + "/p/demo/campaigns/")
    page.fill("#id_name", "Browser pilot")
    page.select_option("#id_segment", label="Everyone stalled")
    page.select_option("#id_sequence", label="Spring three")
    page.fill("#id_pilot_size", "3")
    page.fill("#id_holdout_percent", "0")
    page.click("text=Next: review before launch")
    page.wait_for_selector("[data-testid=confirm]")
    assert "3 will be contacted" in page.locator("[data-testid=audience]").inner_text()
    page.click("text=Launch the pilot")  # not confirmed yet: nothing goes
    page.wait_for_selector("text=Tick the confirmation to launch.")
    assert Campaign.objects.get(name="Browser pilot").status == "draft"
    if page.locator("input[name=warnings]").count():
        page.check("input[name=warnings]")
    page.check("input[name=confirm]")
    page.click("text=Launch the pilot")
    page.wait_for_selector("text=Browser pilot launched")

    run_due(timezone.now())
    page.goto(base + "/p/demo/outbox/")
    pilot = Campaign.objects.get(name="Browser pilot")
    rows = OutboundMessage.objects.filter(source=f"campaign-{pilot.pk}")
    assert rows.count() == 3
    assert set(rows.values_list("channel", flat=True)) == {"email"}  # the step built first
    assert page.locator("table >> text=email").count() >= 3


def test_a_viewer_reads_a_sequence_and_another_practice_gets_404(page, manager, live_server):
    from django.contrib.auth import get_user_model

    from reactivate.campaigns.models import Sequence
    from reactivate.tenancy.models import Membership, Practice
    from reactivate.testing import PASSWORD, make_practice

    demo = Practice.objects.get(slug="demo")
    sequence = Sequence.objects.get(practice=demo, name="Starter playbook")
    viewer = get_user_model().objects.create_user(username="val", password=PASSWORD)
    Membership.objects.create(user=viewer, practice=demo, role="viewer")
    other = make_practice("elsewhere")
    stranger = get_user_model().objects.create_user(username="sid", password=PASSWORD)
    Membership.objects.create(user=stranger, practice=other, role="owner")

    def log_in(username: str) -> None:
        page.context.clear_cookies()
        page.goto(live_server.url + "/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_load_state()

    log_in("val")
    page.goto(f"{live_server.url}/p/demo/sequences/{sequence.pk}/")
    assert page.locator("[data-testid=steps] li.step").count() == sequence.steps.count()
    assert page.locator("text=Add the step").count() == 0
    assert page.locator("[data-testid=steps] select:not([disabled])").count() == 0
    log_in("sid")
    response = page.goto(f"{live_server.url}/p/demo/sequences/{sequence.pk}/")
    assert response.status == 404
    response = page.goto(f"{live_server.url}/p/elsewhere/sequences/{sequence.pk}/")
    assert response.status == 404


def test_steps_reorder_by_drag(page, manager):
    from reactivate.campaigns.models import Sequence

    base = manager
    sequence = Sequence.objects.get(practice__slug="demo", name="Starter playbook")
    before = list(sequence.steps.order_by("position").values_list("pk", flat=True))
    # A tall window: both cards in view, so the drag needs no scrolling on the way.
    page.set_viewport_size({"width": 1366, "height": 2400})
    page.goto(f"{base}/p/demo/sequences/{sequence.pk}/")
    steps = page.locator("[data-testid=steps] li.step")
    with page.expect_navigation():
        steps.nth(2).locator("h2").drag_to(
            steps.nth(0).locator("h2"), target_position={"x": 5, "y": 2}
        )
    after = list(sequence.steps.order_by("position").values_list("pk", flat=True))
    assert after == [before[2], before[0], before[1], *before[3:]]
