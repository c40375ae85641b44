"""Admin for operations: the backup history, and a button that starts a backup."""

from __future__ import annotations

from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import path, reverse
from django.views.decorators.http import require_POST

from core import services
from core.models import Backup


@admin.register(Backup)
class BackupAdmin(admin.ModelAdmin):
    list_display = [
        "id", "status", "trigger", "triggered_by", "created_at", "duration", "size_mb", "path",
    ]
    list_filter = ["status", "trigger"]
    list_select_related = ["triggered_by"]
    search_fields = ["path", "error"]
    readonly_fields = [
        "status", "trigger", "triggered_by", "created_at", "started_at", "finished_at",
        "duration", "path", "engine", "size_bytes", "manifest_sha256", "error",
    ]
    fields = readonly_fields
    change_list_template = "admin/core/backup/change_list.html"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_start_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("core.start_backup")

    @admin.display(description="Seconds")
    def duration(self, obj: Backup) -> str:
        return f"{obj.seconds:.1f}" if obj.seconds is not None else "-"

    @admin.display(description="MB", ordering="size_bytes")
    def size_mb(self, obj: Backup) -> str:
        return f"{obj.size_bytes / 1e6:.1f}" if obj.size_bytes is not None else "-"

    def get_urls(self) -> list:
        start = self.admin_site.admin_view(require_POST(self.start_view))
        return [path("start/", start, name="core_backup_start"), *super().get_urls()]

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None):
        extra_context = {**(extra_context or {}), "can_start": self.has_start_permission(request)}
        return super().changelist_view(request, extra_context)

    def start_view(self, request: HttpRequest) -> HttpResponseRedirect:
        changelist = reverse("admin:core_backup_changelist")
        if not self.has_start_permission(request):
            messages.error(request, "You may not start backups.")
            return redirect(changelist)
        backup = services.backup_enqueue(triggered_by=request.user)
        messages.success(
            request, f"Backup {backup.pk} queued; a job worker writes it (refresh to follow)."
        )
        return redirect(changelist)
