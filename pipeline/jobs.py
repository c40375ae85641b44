"""Progress events of jobs other than source runs: score recomputes and release publishes.

Each kind of job already leaves a row behind (genes.ScoreRun per recompute, curation.Release
per publish), so, as for source runs, the row is the source of truth and an event is a snapshot
of it. The import rules (curation → pipeline → annotations → genes) forbid pipeline from
importing curation, so a kind of job is a registered `JobSource`: the model by label, which
timestamps mark it started and finished, which rows count as jobs and how to word them. This
module registers score recomputes itself; curation registers releases from its AppConfig.ready():

    job_source_register(kind="release", label="Release publish", model="curation.Release",
                        finished_field="published_at", filters={"status": "published"},
                        message="release {version} published")

Events reach browsers like run events: relayed from the database by every ASGI process (see
pipeline.consumers), and published directly by the worker when the channel layer is Redis.
A recompute or publish is one transaction, so other connections only see its row once it
is done: "running" is only ever a direct (Redis) event, sent when the row is first saved.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import InMemoryChannelLayer, get_channel_layer
from django.apps import apps
from django.db import models, transaction
from django.db.models.signals import post_save

from pipeline.events import RUNS_GROUP, run_states_list

logger = logging.getLogger(__name__)

JOB_EVENT_TYPE = "job.event"
JOB_SIGNATURE_FIELDS = ("status", "phase", "message", "finished_at")


@dataclass(frozen=True)
class JobSource:
    """How to read one kind of job from its model's rows."""

    kind: str
    label: str
    model: str
    finished_field: str
    started_field: str | None = None
    filters: dict[str, Any] = field(default_factory=dict)
    message: str = ""

    def model_class(self) -> type[models.Model]:
        return apps.get_model(self.model)

    def counts(self, instance: models.Model) -> bool:
        """Whether this row is a job (a draft release is not)."""
        return all(getattr(instance, name) == value for name, value in self.filters.items())


_sources: dict[str, JobSource] = {}


def job_source_register(
    *,
    kind: str,
    label: str,
    model: str,
    finished_field: str,
    started_field: str | None = None,
    filters: dict[str, Any] | None = None,
    message: str = "",
) -> JobSource:
    """Make rows of `model` ("app_label.Model") show as `kind` jobs; idempotent per kind.

    `message` is a str.format template over the row's fields, used once the job finished.
    """
    source = JobSource(kind, label, model, finished_field, started_field, filters or {}, message)
    _sources[kind] = source
    post_save.connect(_row_saved, sender=model, dispatch_uid=f"pipeline.jobs.{kind}", weak=False)
    return source


def job_source_unregister(kind: str) -> None:
    """Forget a kind of job (tests register fakes and clean up after)."""
    source = _sources.pop(kind, None)
    if source is not None:
        post_save.disconnect(sender=source.model, dispatch_uid=f"pipeline.jobs.{kind}")


def job_sources() -> list[JobSource]:
    return list(_sources.values())


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _message(source: JobSource, instance: models.Model) -> str:
    try:
        return source.message.format_map(vars(instance))
    except (KeyError, AttributeError, ValueError, IndexError):
        return source.message


def job_event_payload(source: JobSource, instance: models.Model) -> dict[str, Any]:
    """The event describing one job row (kind, id, phase, status, message, timestamps)."""
    finished = getattr(instance, source.finished_field)
    started = getattr(instance, source.started_field) if source.started_field else finished
    done = finished is not None
    stamps = [stamp for stamp in (started, finished) if stamp]
    return {
        "kind": source.kind,
        "id": instance.pk,
        "key": f"{source.kind}:{instance.pk}",
        "label": source.label,
        "status": "completed" if done else "running",
        "phase": "done" if done else "running",
        "message": _message(source, instance) if done else f"{source.label} running",
        "started_at": _iso(started),
        "finished_at": _iso(finished),
        "duration_seconds": round((finished - started).total_seconds(), 2)
        if done and started
        else None,
        "updated": max(stamps).timestamp() if stamps else 0.0,
    }


def job_signature(payload: dict[str, Any]) -> tuple:
    return tuple(payload.get(name) for name in JOB_SIGNATURE_FIELDS)


def job_states_list() -> list[dict[str, Any]]:
    """The latest committed job of each registered kind; one small query per kind."""
    states = []
    for source in _sources.values():
        row = source.model_class().objects.filter(**source.filters).order_by("-pk").first()
        if row is not None:
            states.append(job_event_payload(source, row))
    return states


def progress_snapshot(*, run_id: int | None = None) -> dict[str, Any]:
    """What a client first receives: run states, and job states unless it watches one run."""
    runs = run_states_list(run_id=run_id)
    return {"type": "snapshot", "runs": runs, "jobs": [] if run_id else job_states_list()}


def job_event_publish(payload: dict[str, Any]) -> bool:
    """Send a job event to the all-runs group (Redis only); never raises."""
    layer = get_channel_layer()
    if layer is None or isinstance(layer, InMemoryChannelLayer):
        return False
    try:
        async_to_sync(layer.group_send)(RUNS_GROUP, {"type": JOB_EVENT_TYPE, "job": payload})
    except Exception:  # noqa: BLE001 - publishing is best effort; the relay still polls
        logger.warning("could not publish %s event", payload.get("key"), exc_info=True)
        return False
    return True


def _row_saved(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    """Publish a job row's state as it is saved: running at once, finished once committed."""
    for source in _sources.values():
        if source.model_class() is not sender or not source.counts(instance):
            continue
        payload = job_event_payload(source, instance)
        if payload["status"] == "running":
            job_event_publish(payload)
        else:
            transaction.on_commit(lambda payload=payload: job_event_publish(payload))


job_source_register(
    kind="score",
    label="Score recompute",
    model="genes.ScoreRun",
    started_field="started_at",
    finished_field="finished_at",
    message="{genes_scored} genes scored",
)
