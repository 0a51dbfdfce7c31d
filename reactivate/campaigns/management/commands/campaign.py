"""`reactivate campaign create|launch|pause|resume|scale|report|run` from the shell."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError, CommandParser

from reactivate.campaigns.engine import run_due
from reactivate.campaigns.models import Campaign
from reactivate.campaigns.selectors import campaign_report
from reactivate.campaigns.services import (
    CampaignError,
    campaign_create,
    campaign_launch,
    campaign_pause,
    campaign_resume,
    campaign_scale,
    complete_finished,
    starter_sequence,
)
from reactivate.campaigns.simulate import simulate
from reactivate.segments.models import Segment
from reactivate.tenancy.models import Practice


class Command(BaseCommand):
    help = "Create, simulate, launch, pause, resume, scale and report campaigns; run due steps."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="A campaign on a segment with the starter playbook")
        create.add_argument("name")
        create.add_argument("--practice", required=True)
        create.add_argument("--segment", required=True, help="Segment name")
        create.add_argument("--pilot", type=int, help="Enrol only this many first")
        create.add_argument("--holdout", type=int, default=10, help="Percent never contacted")
        for verb in ("simulate", "launch", "pause", "resume", "scale", "report"):
            one = sub.add_parser(verb)
            one.add_argument("name")
            one.add_argument("--practice", required=True)
            if verb in ("report", "simulate"):
                one.add_argument("--json", action="store_true")
        sub.add_parser("run", help="Act on every due step now (the worker does this each minute)")

    def handle(self, *args, action: str, **options) -> None:
        if action == "run":
            while True:
                report = run_due()
                if not report.claimed:
                    break
                self.stdout.write(
                    f"claimed {report.claimed}: sent {report.sent}, waiting {report.waiting}, "
                    f"skipped {report.skipped}, stopped {report.stopped}, "
                    f"finished {report.finished}"
                )
            completed = complete_finished()
            if completed:
                self.stdout.write(f"{completed} campaign(s) completed: nobody left in sequence")
            return
        practice = Practice.objects.filter(slug=options["practice"]).first()
        if practice is None:
            raise CommandError(f"No practice with slug {options['practice']!r}.")
        try:
            if action == "create":
                segment = Segment.objects.filter(practice=practice, name=options["segment"]).first()
                if segment is None:
                    raise CommandError(
                        f"No segment named {options['segment']!r} in {practice.slug}."
                    )
                campaign = campaign_create(
                    practice=practice,
                    name=options["name"],
                    segment=segment,
                    sequence=starter_sequence(practice),
                    pilot_size=options["pilot"],
                    holdout_percent=options["holdout"],
                    actor=None,
                )
                self.stdout.write(f"Created campaign {campaign.name!r} (draft).")
                return
            campaign = Campaign.objects.filter(practice=practice, name=options["name"]).first()
            if campaign is None:
                raise CommandError(f"No campaign named {options['name']!r} in {practice.slug}.")
            if action == "simulate":
                forecast = simulate(campaign)
                if options["json"]:
                    self.stdout.write(json.dumps(forecast))
                    return
                low, high = forecast["expected_reactivated"]
                self.stdout.write(
                    f"{campaign.name}: {forecast['leads']} leads; "
                    f"sends {forecast['sends_by_channel']}; "
                    f"replies {forecast['expected_replies'][0]}-{forecast['expected_replies'][1]}, "
                    f"reactivated {low}-{high}, staff hours {forecast['staff_hours'][0]}-"
                    f"{forecast['staff_hours'][1]} (from {forecast['basis']})."
                )
                for day in forecast["days"]:
                    self.stdout.write(f"  {day['day']}: {day['sends']}")
            elif action in ("launch", "scale"):
                act = campaign_launch if action == "launch" else campaign_scale
                enrolled, held = act(campaign=campaign, actor=None)
                campaign.refresh_from_db(fields=["status"])
                self.stdout.write(
                    f"{campaign.name}: {enrolled} leads enrolled, {held} held out "
                    f"({campaign.get_status_display().lower()})."
                )
            elif action == "pause":
                campaign_pause(campaign=campaign, actor=None)
                self.stdout.write(f"{campaign.name}: paused.")
            elif action == "resume":
                campaign = campaign_resume(campaign=campaign, actor=None)
                self.stdout.write(f"{campaign.name}: {campaign.get_status_display().lower()}.")
            else:
                report = campaign_report(campaign)
                if options["json"]:
                    self.stdout.write(json.dumps(report))
                else:
                    self.stdout.write(
                        f"{report['campaign']} ({report['status']}): "
                        f"{report['enrolled']} enrolled; "
                        f"{report['by_status']}; sent {report['sent_by_channel']}; "
                        f"uncertain {report['uncertain']}"
                    )
        except CampaignError as exc:
            raise CommandError(str(exc)) from exc
