"""Operations writes: backups with their history, and the backup schedule."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_q.models import Schedule
from django_q.tasks import async_task

from core import backups
from core.models import Backup, BackupStatus, BackupTrigger

logger = logging.getLogger(__name__)

BACKUP_SCHEDULE_NAME = "core: backup"
BACKUP_TASK = "core.tasks.backup_task"


def backup_keep() -> int:
    return settings.BACKUP_KEEP


def backup_run(*, trigger: str, triggered_by: Any = None, backup: Backup | None = None) -> Backup:
    """Write a backup now, record it, then delete the backups past the retention count.

    A failure is recorded on the row (and logged), not raised: the row is the job record."""
    if backup is None:
        backup = Backup.objects.create(trigger=trigger, triggered_by=triggered_by)
    backup.status, backup.started_at = BackupStatus.RUNNING, timezone.now()
    backup.save(update_fields=["status", "started_at"])
    try:
        written = backups.backup_write()
    except Exception as error:  # noqa: BLE001 - recorded on the row
        logger.exception("backup %s failed", backup.pk)
        backup.status, backup.error = BackupStatus.FAILED, f"{type(error).__name__}: {error}"
        backup.finished_at = timezone.now()
        backup.save(update_fields=["status", "error", "finished_at"])
        return backup
    backup.status, backup.finished_at = BackupStatus.COMPLETED, timezone.now()
    backup.path, backup.size_bytes = str(written.path), written.size_bytes
    backup.manifest_sha256 = written.manifest_sha256
    backup.engine = backups.backup_verify(written.path)["engine"]
    backup.save()
    backups_prune()
    return backup


def backups_prune() -> int:
    """Apply BACKUP_KEEP to the backup directory; the history rows of deleted backups say so."""
    deleted = backups.backups_prune(keep=backup_keep())
    if deleted:
        Backup.objects.filter(path__in=[str(path) for path in deleted]).update(
            status=BackupStatus.PRUNED
        )
    return len(deleted)


def backup_enqueue(*, triggered_by: Any = None) -> Backup:
    """A pending backup row plus a django-q2 task that runs it (from the admin)."""
    backup = Backup.objects.create(trigger=BackupTrigger.ADMIN, triggered_by=triggered_by)
    transaction.on_commit(
        lambda: async_task(
            BACKUP_TASK, backup.pk, task_name=f"backup {backup.pk}", group="backups",
            sync=settings.Q_CLUSTER.get("sync", False),
        )
    )
    return backup


def backup_schedule_ensure() -> Schedule:
    """The daily backup in django-q2, at BACKUP_HOUR:BACKUP_MINUTE UTC (created or updated)."""
    hour, minute = _backup_time()
    now = timezone.now()
    next_run = now.replace(hour=hour, minute=minute, second=0, microsecond=0)
    if next_run <= now:
        next_run += timezone.timedelta(days=1)
    schedule, created = Schedule.objects.get_or_create(
        name=BACKUP_SCHEDULE_NAME,
        defaults={"func": BACKUP_TASK, "schedule_type": Schedule.DAILY, "next_run": next_run},
    )
    if not created and (schedule.func, schedule.schedule_type) != (BACKUP_TASK, Schedule.DAILY):
        schedule.func, schedule.schedule_type = BACKUP_TASK, Schedule.DAILY
        schedule.next_run = next_run
        schedule.save()
    elif not created and (schedule.next_run.hour, schedule.next_run.minute) != (hour, minute):
        schedule.next_run = next_run
        schedule.save(update_fields=["next_run"])
    return schedule


def _backup_time() -> tuple[int, int]:
    hour, _, minute = settings.BACKUP_TIME.partition(":")
    return int(hour), int(minute or 0)
