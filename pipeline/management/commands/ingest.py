"""`manage.py ingest SOURCE [--snapshot DIR | --record DIR | --file PATH]` and `ingest --all`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from common.terminal import ProgressBar
from common.upload_limits import allowed_extensions
from pipeline.models import RunStatus, SourceRun
from pipeline.sources.registry import is_upload_source, source_keys


class Command(BaseCommand):
    help = "Ingest one evidence source (or all) live, recording, from a snapshot, or a file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("source", nargs="?", choices=source_keys())
        parser.add_argument("--all", action="store_true", help="every source in turn")
        parser.add_argument("--snapshot", type=Path, help="replay from this snapshot directory")
        parser.add_argument("--record", type=Path, help="fetch live and record into this dir")
        parser.add_argument("--file", type=Path, help="read this local file (download format)")
        parser.add_argument(
            "--mode", choices=["merge", "replace"], default="merge", help="upload sources only"
        )
        parser.add_argument(
            "--accept-shrink",
            action="store_true",
            help="apply the run even when it drops many genes (or a replace drops many rows); "
            "without it such a run is held for a curator to confirm",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        self._accept_shrink = bool(options.get("accept_shrink"))
        if options["all"] == bool(options["source"]):
            raise CommandError("give exactly one SOURCE or --all")
        if options["all"]:
            if options["record"] or options["file"]:
                raise CommandError("--all takes only --snapshot DIR (one sub-directory per source)")
            failures = self._ingest_all(options["snapshot"])
        else:
            chosen = [name for name in ("snapshot", "record", "file") if options[name]]
            if len(chosen) > 1:
                raise CommandError("use at most one of --snapshot, --record, --file")
            failures = self._ingest_one(options["source"], options)
        if failures:
            raise CommandError("; ".join(failures))

    def _ingest_all(self, snapshot: Path | None) -> list[str]:
        failures = []
        for key in source_keys():
            if is_upload_source(key):
                directory = snapshot / key if snapshot else None
                files = sorted(
                    path
                    for path in (directory.iterdir() if directory and directory.is_dir() else [])
                    if path.suffix.lower() in allowed_extensions()
                )
                if not files:
                    self.stdout.write(f"{key}: no upload files, skipped")
                for path in files:
                    failures += self._ingest_one(key, {"file": path, "mode": "merge"})
                continue
            options = {"snapshot": snapshot / key if snapshot else None}
            if snapshot and not (snapshot / key).is_dir():
                self.stdout.write(f"{key}: no {snapshot / key}, skipped")
                continue
            failures += self._ingest_one(key, options, rescore=False)
        from pipeline.services.evidence import scores_recompute_logged

        log: list[str] = []
        scores_recompute_logged(log)
        self.stdout.write("; ".join(log))
        return failures

    def _ingest_one(self, key: str, options: dict[str, Any], *, rescore: bool = True) -> list[str]:
        if is_upload_source(key):
            return self._upload(key, options)
        from pipeline.services import source_run_execute

        if options.get("file"):
            mode, directory = "file", None
        elif options.get("record"):
            mode, directory = "record", options["record"]
        elif options.get("snapshot"):
            mode, directory = "replay", options["snapshot"]
        else:
            mode, directory = "live", None
        bar = ProgressBar(key)
        run = source_run_execute(
            source=key,
            mode=mode,
            snapshot_dir=directory,
            file_path=options.get("file"),
            progress_listener=lambda run: bar.update(
                run.progress_current or 0, run.progress_total, f"{run.phase} {run.message}"
            ),
            rescore=rescore,
            accept_shrink=self._accept_shrink,
        )
        bar.finish()
        if run.status == RunStatus.HELD:
            self.stderr.write(self.style.WARNING(f"{key}: run {run.pk} {run.message}"))
            return [f"{key} held (run {run.pk}): {run.message}"]
        if run.status != RunStatus.COMPLETED:
            self.stderr.write(self.style.ERROR(f"{key}: run {run.pk} failed: {run.error}"))
            return [f"{key} failed: {run.error}"]
        self.stdout.write(
            self.style.SUCCESS(
                f"{key}: run {run.pk} completed in {_seconds(run):.1f}s — "
                f"{run.record_count} records, {run.gene_count} genes, {run.staged_count} staged"
                f" (version {run.source_version or '?'})"
            )
        )
        return []

    def _upload(self, key: str, options: dict[str, Any]) -> list[str]:
        from pipeline.services.uploads import UploadError, UploadHeldError, upload_commit

        path = options.get("file")
        if not path:
            return [f"{key} is an upload source: give --file PATH"]
        try:
            upload = upload_commit(
                source=key,
                file_name=Path(path).name,
                content=Path(path).read_bytes(),
                mode=options.get("mode") or "merge",
                user=None,
                accept_shrink=self._accept_shrink,
            )
        except UploadHeldError as held:
            self.stderr.write(self.style.WARNING(f"{key}: run {held.run.pk} {held.run.message}"))
            return [f"{key} upload of {path} held (run {held.run.pk}): {held.run.message}"]
        except (UploadError, OSError) as error:
            self.stderr.write(self.style.ERROR(f"{key}: {path}: {error}"))
            return [f"{key} upload of {path} failed: {error}"]
        self.stdout.write(
            self.style.SUCCESS(
                f"{key}: {path.name} committed — {upload.row_count} rows, "
                f"{upload.mapped_count} mapped, {upload.staged_count} staged"
            )
        )
        return []


def _seconds(run: SourceRun) -> float:
    if run.started_at and run.finished_at:
        return (run.finished_at - run.started_at).total_seconds()
    return 0.0
