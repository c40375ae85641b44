"""Operations records: the history of database and file backups."""

from django.conf import settings
from django.db import models


class BackupStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    RUNNING = "running", "Running"
    COMPLETED = "completed", "Completed"
    FAILED = "failed", "Failed"
    PRUNED = "pruned", "Deleted by retention"


class BackupTrigger(models.TextChoices):
    COMMAND = "command", "manage.py backup"
    SCHEDULE = "schedule", "Schedule"
    ADMIN = "admin", "Admin"


class Backup(models.Model):
    """One backup run: when, who, where it was written, how big, and whether it worked.

    The files themselves live in BACKUP_DIR (see core/backups.py); this row is the history
    admins read, and it survives the files' deletion by the retention setting."""

    status = models.CharField(
        max_length=16, choices=BackupStatus.choices, default=BackupStatus.PENDING
    )
    trigger = models.CharField(max_length=16, choices=BackupTrigger.choices)
    triggered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    path = models.CharField(max_length=1024, blank=True)
    engine = models.CharField(max_length=16, blank=True)
    size_bytes = models.PositiveBigIntegerField(null=True, blank=True)
    manifest_sha256 = models.CharField(
        max_length=64, blank=True, help_text="SHA-256 of manifest.json, which holds each file's"
    )
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        permissions = [("start_backup", "Can start a backup")]

    def __str__(self) -> str:
        return f"Backup {self.pk} ({self.status})"

    @property
    def seconds(self) -> float | None:
        if self.started_at and self.finished_at:
            return (self.finished_at - self.started_at).total_seconds()
        return None
