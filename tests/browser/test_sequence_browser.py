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
    # The starter playbook's messages come in with its sequence.
    page.goto(base + "/p/demo/sequences/")
    page.click("button:has-text('Copy in the starter playbook')")
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
    page.fill("#id_name", "Spring pilot")
    page.select_option("#id_segment", label="Everyone stalled")
    page.select_option("#id_sequence", label="Spring three")
    page.fill("#id_pilot_size", "3")
    page.fill("#id_holdout_percent", "0")
    page.click("text=Next: review before launch")
    page.wait_for_selector("[data-testid=confirm]")
    assert "3 will be contacted" in page.locator("[data-testid=audience]").inner_text()
    page.click("text=Launch the pilot")  # not confirmed yet: nothing goes
    page.wait_for_selector("text=Tick the confirmation to launch.")
    assert Campaign.objects.get(name="Spring pilot").status == "draft"
    if page.locator("input[name=warnings]").count():
        page.check("input[name=warnings]")
    page.check("input[name=confirm]")
    page.click("text=Launch the pilot")
    page.wait_for_selector("text=Spring pilot launched")

    run_due(timezone.now())
    page.goto(base + "/p/demo/outbox/")
    rows = OutboundMessage.objects.filter(source__startswith="campaign-")
    assert rows.count() == 3
    assert set(rows.values_list("channel", flat=True)) == {"email"}  # the step built first
    assert page.locator("table >> text=email").count() >= 3
