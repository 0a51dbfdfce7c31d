"""What the figures mean, in words, from the seed's bands: healthy reactivation campaigns see
10-25% of contacted leads respond; under 5% points at list quality, messaging or
deliverability; over 25% at a warm list that could have been worked sooner; reactivation
usually runs at 30-50% of responses."""

from __future__ import annotations

from collections import Counter

from django.db.models import Count, Q

from reactivate.campaigns.models import Campaign, Step
from reactivate.channels.models import OutboundMessage, OutboundStatus
from reactivate.metrics.facts import sources
from reactivate.tenancy.models import Practice

# Below this many contacted leads a rate says little; the words say so instead of judging.
ENOUGH = 30


def diagnose(practice: Practice, report: dict, quality: dict, campaigns: list[Campaign] | None
             ) -> list[dict]:  # fmt: skip
    """One finding a line: level (good, note, problem) and the words for the manager."""
    contacted, rate = report["contacted"], report["response_rate"]
    if not contacted:
        return [_say("note", "Nothing has gone out yet",
                     "Launch a campaign; figures appear here as messages go out.")]  # fmt: skip
    if contacted < ENOUGH:
        found = [_say("note", "Too early to judge",
                      f"{contacted} leads contacted so far; the bands mean something from "
                      f"about {ENOUGH}.")]  # fmt: skip
    else:
        found = [_response_band(practice, rate, quality, campaigns)]
    back = report["reactivation_of_responses"]
    if report["responded"] >= 10 and back is not None:
        found.append(_reactivation_band(back))
    return found


def _response_band(practice, rate: float, quality: dict, campaigns) -> dict:
    percent = f"{100 * rate:.1f}%"
    if rate < 0.05:
        return _say("problem", f"Response rate {percent}: under 5%",
                    "Look at list quality, messaging and deliverability: "
                    + "; ".join(_causes(practice, quality, campaigns)) + ".")  # fmt: skip
    if rate < 0.10:
        return _say("note", f"Response rate {percent}: below the healthy 10-25%",
                    "Try a shorter, more specific first message, or a warmer segment "
                    "(recent leads who reached a consultation).")  # fmt: skip
    if rate <= 0.25:
        return _say(
            "good",
            f"Response rate {percent}: healthy (10-25%)",
            "The list and the messages are working; keep every reply answered fast.",
        )
    return _say("good", f"Response rate {percent}: an unusually warm list (over 25%)",
                "These leads were still interested: start reactivation sooner after a lead "
                "stalls (the first-attempt wait in settings).")  # fmt: skip


def _reactivation_band(back: float) -> dict:
    percent = f"{100 * back:.0f}%"
    if back < 0.30:
        return _say("note", f"{percent} of responses came back: under the usual 30-50%",
                    "Replies are not turning into conversations: answer faster, and offer one "
                    "easy next step (a time to talk) in each answer.")  # fmt: skip
    if back <= 0.50:
        return _say("good", f"{percent} of responses came back: in the usual 30-50%", "")
    return _say("good", f"{percent} of responses came back: above the usual 30-50%", "")


def _causes(practice: Practice, quality: dict, campaigns) -> list[str]:
    causes = []
    emails = OutboundMessage.objects.filter(
        sources(practice, campaigns), practice=practice, channel="email",
        status=OutboundStatus.SENT,
    ).aggregate(n=Count("id"), bounced=Count("id", filter=Q(delivery="bounced")))  # fmt: skip
    if emails["n"]:
        causes.append(f"{100 * emails['bounced'] / emails['n']:.1f}% of emails bounced"
                      + (" (over 2%: clean the list)" if emails["bounced"] > 0.02 * emails["n"]
                         else ""))  # fmt: skip
    if quality.get("leads"):
        causes.append(f"{100 * quality['unreachable'] / quality['leads']:.0f}% of the list "
                      "cannot be reached on any channel")  # fmt: skip
    verdicts = Counter(_lint_verdicts(practice, campaigns))
    if verdicts:
        causes.append("the messages lint " + ", ".join(
            f"{n} {verdict}" for verdict, n in sorted(verdicts.items())))  # fmt: skip
    return causes or ["no delivery problem is recorded"]


def _lint_verdicts(practice: Practice, campaigns) -> list[str]:
    scope = campaigns or Campaign.objects.filter(practice=practice, launched_at__isnull=False)
    steps = Step.objects.filter(sequence__campaigns__in=scope).select_related("template")
    return [v.lint_verdict for v in (s.template.current for s in steps.distinct()) if v]


def _say(level: str, title: str, text: str) -> dict:
    return {"level": level, "title": title, "text": text}
