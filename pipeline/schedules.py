"""The django-q2 schedules of the pipeline: each source's refresh, the reaper, the heartbeat.

Kept apart from pipeline.tasks, which holds what the schedules call; the functions are named by
dotted path, so a worker imports them from there.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from pipeline.sources.registry import refresh_schedule

_PERIOD_DAYS = {"daily": 1, "weekly": 7, "monthly": 30}
REAPER_MINUTES = 2


def schedules_sync() -> list[str]:
    """Create or update the periodic refresh and reaper schedules; safe to repeat."""
    from django_q.models import Schedule

    schedule_types = {
        "daily": Schedule.DAILY,
        "weekly": Schedule.WEEKLY,
        "monthly": Schedule.MONTHLY,
    }
    names = []
    # Periods are declared on the source classes (setting PIPELINE_REFRESH overrides them).
    for source, period in refresh_schedule().items():
        name = f"pipeline: refresh {source}"
        defaults = {
            "func": "pipeline.tasks.source_run_scheduled",
            "args": repr(source),
            "schedule_type": schedule_types[period],
            "minutes": None,
            "repeats": -1,
        }
        # The first refresh is one period away: starting a fresh server must not fetch.
        first_run = {"next_run": timezone.now() + timedelta(days=_PERIOD_DAYS[period])}
        Schedule.objects.update_or_create(
            name=name, defaults=defaults, create_defaults=defaults | first_run
        )
        names.append(name)
    name = "pipeline: reap stale runs"
    Schedule.objects.update_or_create(
        name=name,
        defaults={
            "func": "pipeline.tasks.runs_reap_stale",
            "args": None,
            "schedule_type": Schedule.MINUTES,
            "minutes": REAPER_MINUTES,
            "repeats": -1,
        },
    )
    names.append(name)
    name = "pipeline: worker heartbeat"
    Schedule.objects.update_or_create(
        name=name,
        defaults={
            "func": "pipeline.tasks.worker_heartbeat",
            "args": None,
            "schedule_type": Schedule.MINUTES,
            "minutes": 1,
            "repeats": -1,
        },
    )
    names.append(name)
    return names
