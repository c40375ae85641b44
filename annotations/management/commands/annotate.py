"""`manage.py annotate PROVIDER [--file PATH ...] [--snapshot DIR]` and `annotate --all`."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from annotations.loaders import LOADERS
from annotations.models import RunStatus
from annotations.services import annotation_run_all, annotation_run_execute, ppi_scores_recompute
from common.terminal import ProgressBar


class Command(BaseCommand):
    help = "Load gene annotations (gnomAD, ClinVar, GTEx, HPO, STRING) from files or URLs."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("provider", nargs="?", choices=sorted(LOADERS))
        parser.add_argument("--all", action="store_true", help="run every provider in turn")
        parser.add_argument(
            "--file", action="append", type=Path, help="input file; repeat for several inputs"
        )
        parser.add_argument(
            "--snapshot", type=Path, help="replay from a snapshot directory with manifest.json"
        )
        parser.add_argument(
            "--recompute-ppi",
            action="store_true",
            help="recompute STRING PPI scores from stored interactions and current gene scores",
        )
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args, **options) -> None:
        if options["recompute_ppi"]:
            count = ppi_scores_recompute()
            self.stdout.write(f"PPI scores recomputed for {count} genes")
            return
        if options["all"] == bool(options["provider"]):
            raise CommandError("give exactly one of PROVIDER or --all")
        if options["all"] and options["file"]:
            raise CommandError("--file needs a single PROVIDER, not --all")

        def progress_for(provider: str):
            return None if options["no_progress"] else ProgressBar(provider)

        if options["all"]:
            runs = annotation_run_all(snapshot=options["snapshot"], progress_for=progress_for)
        else:
            provider = options["provider"]
            runs = [
                annotation_run_execute(
                    provider=provider,
                    files=options["file"],
                    snapshot=options["snapshot"],
                    progress=progress_for(provider),
                )
            ]
        for run in runs:
            self.stdout.write(
                f"{run.provider}: {run.status} (run {run.pk}) version={run.source_version or '-'} "
                f"rows={run.rows_read} genes={run.genes_matched} "
                f"unmatched={run.rows_unmatched} written={run.records_written}"
            )
        failed = [run for run in runs if run.status == RunStatus.FAILED]
        if failed:
            raise CommandError("; ".join(f"{run.provider} failed: {run.error}" for run in failed))
