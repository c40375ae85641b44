"""django-q2 tasks of the operations app."""

from __future__ import annotations

from core import services
from core.models import Backup, BackupStatus, BackupTrigger


def backup_task(backup_id: int | None = None) -> str:
    """The scheduled backup (no id) or one started from the admin (its pending row)."""
    if backup_id is None:
        return services.backup_run(trigger=BackupTrigger.SCHEDULE).status
    backup = Backup.objects.get(pk=backup_id)
    if backup.status != BackupStatus.PENDING:
        return backup.status
    return services.backup_run(trigger=backup.trigger, backup=backup).status
