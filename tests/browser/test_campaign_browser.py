"""A coordinator in a real browser settles what the engine left to a person: a send a dead
worker left in doubt, and a reply that stops a lead's sequence."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def in_doubt(demo_session):
    """The demo practice with a campaign whose first sends were cut off by a dead worker."""
    from django.utils import timezone

    from reactivate.campaigns.engine import run_due
    from reactivate.campaigns.services import campaign_create, campaign_launch, starter_sequence
    from reactivate.segments.models import Segment
    from reactivate.tenancy.models import Practice
    from reactivate.testing import kill_mid_send

    base = demo_session(60)
    practice = Practice.objects.get(slug="demo")
    # Open every day and hour, so that the test runs on the real clock, whenever it is.
    practice.send_days, practice.send_from_hour, practice.send_until_hour = "0,1,2,3,4,5,6", 0, 24
    practice.save()
    now = timezone.now()
    segment = Segment.objects.create(practice=practice, name="Browser", definition={})
    campaign = campaign_create(
        practice=practice, name="Browser", segment=segment, actor=None,
        sequence=starter_sequence(practice), holdout_percent=0, pilot_size=2)  # fmt: skip
    campaign_launch(campaign=campaign, actor=None, now=now)
    kill_mid_send(now)
    run_due(now)  # finds the sends in doubt and leaves them to a person
    return base


def test_a_person_answers_for_a_send_in_doubt(page, in_doubt):
    from reactivate.campaigns.models import Campaign
    from reactivate.channels.models import OutboundMessage, OutboundStatus

    # The demo's own running pilot has sent messages too: only this campaign's count here.
    ours = OutboundMessage.objects.filter(
        source=f"campaign-{Campaign.objects.get(name='Browser').pk}"
    )
    assert ours.filter(status=OutboundStatus.UNCERTAIN).count() == 2
    page.goto(in_doubt + "/p/demo/outbox/")
    page.click("text=It did not go out >> nth=0")
    page.wait_for_selector("text=Queued again")
    page.click("text=It went out")
    page.wait_for_selector("text=Marked as sent")
    statuses = sorted(ours.values_list("status", flat=True))
    assert statuses == [OutboundStatus.QUEUED, OutboundStatus.SENT]
    # The message now marked sent can be answered as the lead, which stops the sequence.
    row = page.locator("tr", has_text=ours.get(status=OutboundStatus.SENT).to_value)
    row.locator("[aria-label='Reply as the lead']").fill("Yes, I'd like to talk")
    row.locator("button:has-text('Reply')").click()
    page.wait_for_selector("text=their sequences stopped")
