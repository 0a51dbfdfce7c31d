"""`reactivate score --practice SLUG [--fit]`: rescore every lead; with --fit, learn first."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from reactivate.segments.scoring import NotEnoughOutcomes, fit_practice, score_practice
from reactivate.tenancy.models import Practice


class Command(BaseCommand):
    help = "Recompute P(reactivate) and priority for a practice's leads."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--practice", required=True, help="Practice slug")
        parser.add_argument(
            "--fit",
            action="store_true",
            help="First fit a model on the practice's own outcomes; it is used only if it "
            "beats the prior table on held-out outcomes",
        )

    def handle(self, *args, practice: str, fit: bool, **options) -> None:
        target = Practice.objects.filter(slug=practice).first()
        if target is None:
            raise CommandError(
                f"No practice with slug {practice!r} (see `reactivate practice list`)."
            )
        if fit:
            try:
                result = fit_practice(target)
            except NotEnoughOutcomes as exc:
                self.stdout.write(str(exc))
            else:
                r = result.record
                self.stdout.write(
                    f"Model #{r.pk} learned from {r.outcomes:,} outcomes ({r.positives:,} "
                    f"reactivated). Held-out AUC {r.heldout_auc:.3f} vs prior {r.prior_auc:.3f}; "
                    f"Brier {r.heldout_brier:.4f} vs prior {r.prior_brier:.4f}. {r.note}"
                )
        run = score_practice(target)
        self.stdout.write(
            f"Scored {run.leads:,} leads with {'the ' if run.model_id is None else ''}{run.source}."
        )
