"""Every page of the navigation on a tablet (820 px) and a phone (390 px): nothing scrolls
sideways. Screenshots of the pages people design with go to docs/screenshots/."""

import os
from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = (820, 390)
SHOTS = Path(os.environ.get("SCREENSHOTS_DIR", Path(__file__).parents[2] / "docs" / "screenshots"))
# The widest thing allowed: the document, not a table inside its own scrolling box.
WIDTH = "Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)"
# Buttons, fields and the navigation a finger presses (a checkbox counts by its label).
SMALL_TARGETS = """[...document.querySelectorAll(
  'button:not(.link), select, input:not([type=hidden]):not([type=checkbox]):not([type=radio]),'
  + ' .mainnav a')]
  .filter(e => e.offsetParent && e.getBoundingClientRect().height < 43.5)
  .map(e => (e.name || e.textContent || e.tagName).trim().slice(0, 30))"""


@pytest.fixture
def world(demo_session):
    from reactivate.campaigns.services import campaign_create, starter_sequence
    from reactivate.imports.models import ImportBatch
    from reactivate.leads.models import Lead
    from reactivate.messaging.models import MessageTemplate
    from reactivate.segments.models import Segment
    from reactivate.tenancy.models import Practice

    base = demo_session(60)
    practice = Practice.objects.get(slug="demo")
    segment = Segment.objects.create(practice=practice, name="Stalled", definition={})
    sequence = starter_sequence(practice)
    campaign = campaign_create(
        practice=practice, name="Spring", segment=segment, sequence=sequence, actor=None,
        pilot_size=20, sender_name="Dana at Brightwater",
    )  # fmt: skip
    ids = {
        "lead": Lead.objects.filter(practice=practice).order_by("id").first().pk,
        "segment": segment.pk,
        "template": MessageTemplate.objects.filter(practice=practice).first().pk,
        "sequence": sequence.pk,
        "campaign": campaign.pk,
        "batch": ImportBatch.objects.filter(practice=practice).first().pk,
    }
    return base, ids


def pages(ids: dict) -> dict[str, str]:
    p = "/p/demo/"
    return {
        "dashboard": p,
        "leads": p + "leads/",
        "lead": p + f"leads/{ids['lead']}/",
        "thread": p + f"leads/{ids['lead']}/thread/",
        "worklist": p + "worklist/",
        "triage": p + "triage/",
        "assessment": p + "assessment/",
        "segments": p + "segments/",
        "segment": p + f"segments/{ids['segment']}/",
        "messages": p + "messages/",
        "message": p + f"messages/{ids['template']}/",
        "sequences": p + "sequences/",
        "sequence-builder": p + f"sequences/{ids['sequence']}/",
        "campaigns": p + "campaigns/",
        "campaign-confirmation": p + f"campaigns/{ids['campaign']}/launch/",
        "forecast": p + f"campaigns/{ids['campaign']}/forecast/",
        "outbox": p + "outbox/",
        "imports": p + "imports/",
        "import": p + f"imports/{ids['batch']}/",
        "duplicates": p + "imports/review/",
        "settings": p + "settings/",
        "treatments": p + "settings/treatments/",
        "team": p + "settings/team/",
        "channels": p + "settings/channels/",
    }


SCREENSHOTS = {"sequence-builder", "campaign-confirmation", "forecast", "settings"}


def test_no_page_scrolls_sideways_on_a_tablet_or_a_phone(page, world):
    base, ids = world
    too_wide = []
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 1000})
        for name, path in pages(ids).items():
            page.goto(base + path)
            page.wait_for_load_state("networkidle")
            used = page.evaluate(WIDTH)
            if used > width:
                too_wide.append(f"{name} at {width}px is {used}px wide")
            small = page.evaluate(SMALL_TARGETS)
            if small:
                too_wide.append(f"{name} at {width}px: touch targets under 44px: {small[:3]}")
            if name in SCREENSHOTS:
                SHOTS.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
    assert not too_wide, "\n".join(too_wide)


def test_the_header_fits_a_laptop_in_two_rows_with_nothing_hidden_or_overlapping(page, world):
    base, _ = world
    page.set_viewport_size({"width": 1366, "height": 800})
    page.goto(base + "/p/demo/")
    height = page.evaluate("document.querySelector('.topbar').getBoundingClientRect().height")
    assert height < 130, f"the header takes {height}px"
    nav = page.evaluate("(n => [n.scrollWidth, n.clientWidth])(document.querySelector('.mainnav'))")
    assert nav[0] <= nav[1], f"the navigation is cut off at 1366px: {nav}"
    overlap = page.evaluate("""(() => {
      const who = document.querySelector('.logout').getBoundingClientRect();
      return [...document.querySelectorAll('.mainnav a')].some(a => {
        const r = a.getBoundingClientRect();
        return r.left < who.right && r.right > who.left && r.top < who.bottom && r.bottom > who.top;
      });
    })()""")
    assert not overlap, "a navigation link lies under the user's name"
