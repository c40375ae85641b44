"""`manage.py load_demo [--if-empty]`: load the demo snapshot the project ships.

Runs the same commands an operator would, in order: HGNC, every evidence source from its
snapshot, the demo uploads, scoring, annotations. Each step is skipped only when its command or
its snapshot is not part of this installation, and the output says so.
"""

from pathlib import Path

from django.conf import settings
from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand, CommandParser

from genes.models import Gene


class Command(BaseCommand):
    help = "Load the demo snapshot (demo/) into the database."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-empty", action="store_true", help="do nothing when genes are already loaded"
        )

    def handle(self, *args, **options) -> None:
        if options["if_empty"] and Gene.objects.exists():
            self.stdout.write("Database already holds genes; demo snapshot not loaded.")
            return
        demo: Path = Path(settings.DEMO_SNAPSHOT_DIR)
        commands = get_commands()
        steps = [
            ("load_hgnc", [], {"file": demo / "hgnc" / "hgnc_complete_set.txt"}, None),
            ("ingest", [], {"all": True, "snapshot": demo / "sources"}, demo / "sources"),
            (
                "ingest",
                ["literature"],
                {"file": demo / "uploads" / "literature.csv"},
                demo / "uploads" / "literature.csv",
            ),
            (
                "ingest",
                ["diagnostic-panels"],
                {"file": demo / "uploads" / "diagnostic_panels.tsv"},
                demo / "uploads" / "diagnostic_panels.tsv",
            ),
            ("score", [], {}, None),
            ("annotate", [], {"all": True, "snapshot": demo / "annotations"}, demo / "annotations"),
        ]
        for name, positional, keywords, needed in steps:
            label = " ".join([name, *positional])
            if name not in commands or (needed is not None and not needed.exists()):
                self.stdout.write(f"demo: skipping {label} (not available in this installation)")
                continue
            self.stdout.write(f"demo: {label}")
            call_command(name, *positional, stdout=self.stdout._out, **keywords)
        self.stdout.write(self.style.SUCCESS("Demo snapshot loaded."))
