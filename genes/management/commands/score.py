"""`manage.py score`: recompute every gene's classic count, evidence score and tier."""

from django.core.management.base import BaseCommand

from genes.scoring import scores_recompute


class Command(BaseCommand):
    help = "Recompute all gene scores from the current evidence, in one transaction."

    def handle(self, *args, **options) -> None:
        summary = scores_recompute()
        self.stdout.write(
            self.style.SUCCESS(
                f"Scored {summary.genes_scored} genes from {summary.sources_with_data} sources "
                f"in {summary.duration_seconds:.2f} s (data version {summary.data_version})."
            )
        )
        for tier, count in summary.tier_counts.items():
            self.stdout.write(f"  {tier}: {count}")
