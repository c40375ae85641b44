"""`manage.py export_genes`: stream the scored genes as TSV, CSV or JSON."""

from django.core.management.base import BaseCommand

from genes.exports import EXPORT_FORMATS, export_stream, gene_scores_for_export
from genes.models import Tier


class Command(BaseCommand):
    help = "Export one row per scored gene (classic count, evidence score, tier, source scores)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--format", choices=EXPORT_FORMATS, default="tsv")
        parser.add_argument("--output", help="File to write; standard output when omitted.")
        parser.add_argument(
            "--high-evidence",
            action="store_true",
            help="Only high-evidence genes (see genes/config.py).",
        )
        parser.add_argument("--tier", choices=Tier.values, help="Only genes in this tier.")

    def handle(self, *args, **options) -> None:
        queryset = gene_scores_for_export(
            high_evidence=options["high_evidence"], tier=options["tier"]
        )
        chunks = export_stream(queryset, options["format"])
        if not options["output"]:
            for chunk in chunks:
                self.stdout.write(chunk, ending="")
            return
        with open(options["output"], "w", encoding="utf-8", newline="") as handle:
            for chunk in chunks:
                handle.write(chunk)
        self.stderr.write(f"Wrote {options['output']}")
