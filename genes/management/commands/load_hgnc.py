"""`manage.py load_hgnc [--file PATH | --url URL]`: load the HGNC complete set."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from common.fetching import Fetcher, FetchError
from common.terminal import ProgressBar
from genes.hgnc import DEFAULT_HGNC_URL, HgncFormatError, hgnc_load


class Command(BaseCommand):
    help = "Load the HGNC complete set (TSV, TSV.gz or JSON) into the gene table, atomically."

    def add_arguments(self, parser: CommandParser) -> None:
        source = parser.add_mutually_exclusive_group()
        source.add_argument("--file", type=Path, help="a local HGNC complete-set file")
        source.add_argument("--url", help=f"download from this URL (default {DEFAULT_HGNC_URL})")

    def handle(self, *args, **options) -> None:
        path: Path | None = options["file"]
        name = path.name if path else None
        if path is None:
            url = options["url"] or DEFAULT_HGNC_URL
            try:
                path = Fetcher().fetch_to_path(url)
            except FetchError as error:
                raise CommandError(f"could not download HGNC: {error}") from error
            name = url.rsplit("/", 1)[-1]
        bar = ProgressBar("HGNC", stream=self.stderr._out)
        try:
            result = hgnc_load(path=path, file_name=name, progress=bar.update)
        except HgncFormatError as error:
            bar.finish()
            raise CommandError(f"HGNC load failed, database unchanged: {error}") from error
        bar.finish()
        self.stdout.write(
            self.style.SUCCESS(
                f"HGNC {result.load.release_date or ''} ({result.load.file_layout}): "
                f"{result.load.row_count} rows, {result.added} added, {result.updated} updated, "
                f"{result.withdrawn} withdrawn, {result.unchanged} unchanged"
            )
        )
