"""`reactivate demo`: prepare the demo practice on the local database and serve the UI."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from reactivate.campaigns.models import Campaign
from reactivate.campaigns.services import campaign_create, starter_sequence
from reactivate.demo.activity import demo_activity
from reactivate.demo.results import demo_results
from reactivate.imports.models import ImportBatch
from reactivate.imports.services import import_run
from reactivate.leads.demo import demo_prepare
from reactivate.segments.models import Segment
from reactivate.segments.scoring import score_practice

SAMPLE = Path(__file__).resolve().parents[2] / "fixtures" / "web-form-export.csv"


class Command(BaseCommand):
    help = "Create a demo practice with synthetic leads and serve the UI on 127.0.0.1."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--no-serve", action="store_true", help="Only prepare the data.")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--leads", type=int, default=3000, help="How many leads to generate.")

    def handle(self, *args, no_serve: bool, port: int, leads: int, **options) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        result = demo_prepare(leads=leads)
        imported = self._import_sample(result.practice)
        planned = self._plan_campaign(result.practice)
        finished = demo_results(result.practice, username=result.username)
        running = demo_activity(result.practice, username=result.username)
        # Scores, reach and eligibility for the lists and the assessment: a second or two.
        score_practice(result.practice)
        made = f"{result.leads_created} leads generated" if result.leads_created else "leads kept"
        url = f"http://127.0.0.1:{port}/"
        if not os.environ.get("SITE_URL"):
            # Links in messages (unsubscribe, booking) are built from SITE_URL: point them at
            # the port the demo serves on, here and in the worker it starts.
            os.environ["SITE_URL"] = settings.SITE_URL = url.rstrip("/")
        self.stdout.write(
            f"Demo practice '{result.practice.name}' ({result.practice.slug}) ready: {made}.\n"
            f"{imported}\n{planned}\n{finished}\n{running}\n"
            f"Database: {settings.DATABASES['default']['NAME']}\n"
            f"Log in at {url} as\n"
            f"  username: {result.username}\n"
            f"  password: {result.password}\n"
        )
        if no_serve:
            return
        self.stdout.write(
            "Serving on 127.0.0.1 only, with a background worker for imports; press Ctrl+C to stop."
        )
        # The worker runs beside the web server, as in a real install, so uploads get imported.
        worker = subprocess.Popen(
            [sys.executable, "-m", "reactivate.cli", "worker", "--workers", "1"]
        )
        try:
            call_command("runserver", f"127.0.0.1:{port}", use_reloader=False, use_threading=True)
        finally:
            worker.terminate()
            worker.wait(timeout=30)

    def _import_sample(self, practice) -> str:
        """A small web-form export through the real import, once: its duplicates show a
        merge to undo on the lead page and pairs on the review screen."""
        if ImportBatch.objects.filter(practice=practice, filename=SAMPLE.name).exists():
            return f"Sample export {SAMPLE.name} already imported."
        counts = import_run(practice=practice, path=SAMPLE).counts
        return (
            f"Imported {SAMPLE.name}: {counts['created']} created, {counts['merged']} merged "
            f"(undo from the lead page), {counts['flagged']} flagged (Imports → Review "
            "possible duplicates)."
        )

    def _plan_campaign(self, practice) -> str:
        """The starter playbook as an editable sequence and a draft pilot on a segment of
        stalled consultations, ready for the review page (nothing is sent until launched)."""
        sequence = starter_sequence(practice)
        segment, _ = Segment.objects.get_or_create(
            practice=practice,
            name="Stalled consultations",
            defaults={"definition": {"statuses": ["stalled"], "stages": ["consultation"]}},
        )
        campaign = Campaign.objects.filter(practice=practice, name="Spring pilot").first()
        if campaign is None:
            campaign = campaign_create(
                practice=practice, name="Spring pilot", segment=segment, sequence=sequence,
                actor=None, pilot_size=25, sender_name="Dana at Brightwater",
            )  # fmt: skip
        return (
            f"Sequence '{sequence.name}' ({sequence.steps.count()} steps) under Sequences; "
            f"draft campaign '{campaign.name}' under Campaigns → Review and launch."
        )
