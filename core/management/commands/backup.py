"""`manage.py backup [--schedule] [--list]`: back up the database and MEDIA_ROOT now."""

from django.core.management.base import BaseCommand, CommandError

from core import backups, services
from core.models import BackupStatus, BackupTrigger


class Command(BaseCommand):
    help = (
        "Write a compressed, checksummed backup of the database and MEDIA_ROOT to BACKUP_DIR "
        "and delete the backups past BACKUP_KEEP. --schedule creates the daily django-q2 "
        "schedule instead; --list shows the backups on disk."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--schedule", action="store_true", help="create the daily schedule")
        parser.add_argument("--list", action="store_true", help="list the backups on disk")

    def handle(self, *args, schedule: bool, list: bool, **options) -> None:  # noqa: A002
        if schedule:
            created = services.backup_schedule_ensure()
            self.stdout.write(f"schedule ok: {created.name}, next run {created.next_run:%c} UTC")
            return
        if list:
            for path in backups.backups_list():
                size = sum(f.stat().st_size for f in path.iterdir())
                self.stdout.write(f"{path}  {size / 1e6:.1f} MB")
            return
        backup = services.backup_run(trigger=BackupTrigger.COMMAND)
        if backup.status != BackupStatus.COMPLETED:
            raise CommandError(f"backup failed: {backup.error}")
        self.stdout.write(
            f"backup {backup.pk}: {backup.path} ({backup.size_bytes / 1e6:.1f} MB, "
            f"{backup.seconds:.1f} s)"
        )
