"""The staff-only live pipeline page, its trigger button and the JSON state it polls.

Thin adapters: state comes from `pipeline.events.run_states_list`, triggers go through
`pipeline.tasks.source_run_enqueue`.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from pipeline.jobs import job_sources, progress_snapshot
from pipeline.selectors import latest_state_by_source
from pipeline.sources.registry import is_upload_source, source_classes, source_keys
from pipeline.tasks import EnqueueError, RunAlreadyActiveError, source_run_enqueue

# Who may start a run: the Curator role holds curation.trigger_run; admins may be granted the
# model permission instead.
TRIGGER_PERMISSIONS = ("curation.trigger_run", "pipeline.add_sourcerun")
LIVE_MODE, DEMO_MODE = "live", "demo"


def user_can_trigger(user: Any) -> bool:
    return bool(user.is_active and user.is_staff) and any(
        user.has_perm(permission) for permission in TRIGGER_PERMISSIONS
    )


def _demo_snapshot_dir(source: str) -> str | None:
    directory = settings.DEMO_SNAPSHOT_DIR / "sources" / source
    return str(directory) if (directory / "manifest.json").is_file() else None


def _source_rows(states: list[dict[str, Any]]) -> list[dict[str, Any]]:
    latest = latest_state_by_source(states)
    return [
        {
            "key": source.key,
            "label": source.label,
            "run": latest.get(source.key),
            "triggerable": not source.uploaded,
            "has_demo": _demo_snapshot_dir(source.key) is not None,
        }
        for source in source_classes()
    ]


def _job_rows(jobs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    latest = {job["kind"]: job for job in jobs}
    return [
        {"kind": source.kind, "label": source.label, "job": latest.get(source.kind)}
        for source in job_sources()
    ]


@never_cache
@staff_member_required
def live_page(request: HttpRequest) -> HttpResponse:
    snapshot = progress_snapshot()
    context = {
        **admin.site.each_context(request),
        "title": "Live pipeline",
        "rows": _source_rows(snapshot["runs"]),
        "job_rows": _job_rows(snapshot["jobs"]),
        "can_trigger": user_can_trigger(request.user),
    }
    return render(request, "pipeline/live.html", context)


@require_POST
@staff_member_required
def live_trigger(request: HttpRequest, source: str) -> HttpResponse:
    """Queue a run of `source` (live, or a replay of the demo snapshot)."""
    if not user_can_trigger(request.user):
        raise PermissionDenied("You need the Curator role to trigger runs.")
    if source not in source_keys() or is_upload_source(source):
        messages.error(request, f"{source!r} cannot be triggered here.")
        return redirect("pipeline-live")
    demo_dir = _demo_snapshot_dir(source) if request.POST.get("mode") == DEMO_MODE else None
    mode = "replay" if demo_dir else LIVE_MODE
    try:
        run = source_run_enqueue(
            source=source, triggered_by=request.user, mode=mode, snapshot_dir=demo_dir
        )
    except (RunAlreadyActiveError, EnqueueError) as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"{run.get_source_display()} run #{run.pk} queued ({mode}).")
    return redirect("pipeline-live")


@never_cache
@require_GET
def live_state(request: HttpRequest) -> JsonResponse:
    """Polling fallback of ws/progress/: the same snapshot a socket client gets first.

    Public, like the socket, so the public sources page can fall back to it too; the payload
    holds run and job summaries only (no logs or errors).
    """
    return JsonResponse(progress_snapshot())
