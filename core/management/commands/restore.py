"""`manage.py restore PATH [--database-url URL]`: restore a backup into an empty database."""

from pathlib import Path

import environ
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from core import backups


class Command(BaseCommand):
    help = (
        "Check a backup's checksums, then restore its database into an EMPTY database (the "
        "configured one, or --database-url) and its files into MEDIA_ROOT (or --media-root). "
        "Restoring into a new database lets you check a backup without touching live data."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", type=Path, help="a backup directory (BACKUP_DIR/kgdb-...)")
        parser.add_argument("--database-url", help="restore into this database instead")
        parser.add_argument("--media-root", type=Path, help="restore files here instead")

    def handle(self, *args, path: Path, database_url: str | None, media_root: Path | None,
               **options) -> None:
        settings_dict = (
            environ.Env.db_url_config(database_url) if database_url
            else settings.DATABASES["default"]
        )
        try:
            manifest = backups.backup_restore(
                path=path, settings_dict=settings_dict,
                media_root=media_root or Path(settings.MEDIA_ROOT),
            )
        except backups.BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"restored {path.name} ({manifest['engine']}, taken {manifest['created_at']}) into "
            f"{settings_dict['NAME']}"
        )
