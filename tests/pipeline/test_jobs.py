"""Job events: score recomputes and (registered) release publishes reach ws/progress/ clients."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from genes.models import ScoreRun
from genes.scoring import scores_recompute
from kidney_genetics.asgi import application
from pipeline import jobs
from pipeline.events import RUNS_GROUP
from pipeline.jobs import (
    JOB_EVENT_TYPE,
    job_source_register,
    job_source_unregister,
    job_states_list,
    progress_snapshot,
)
from tests.pipeline.realtime_fixtures import fresh_channel_layers, run_async

__all__ = ["fresh_channel_layers"]

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("fresh_channel_layers"),
]
ORIGIN = [(b"origin", b"http://testserver")]


@pytest.fixture
def release_jobs():
    """Releases registered the way curation's AppConfig.ready() does; the registry is left
    as it was found (the real registration, if curation made one, is restored)."""
    registered = jobs._sources.get("release")
    source = job_source_register(
        kind="release",
        label="Release publish",
        model="curation.Release",
        finished_field="published_at",
        filters={"status": "published"},
        message="release {version} published",
    )
    yield source
    job_source_unregister("release")
    if registered is not None:
        job_source_register(
            kind=registered.kind,
            label=registered.label,
            model=registered.model,
            finished_field=registered.finished_field,
            started_field=registered.started_field,
            filters=registered.filters,
            message=registered.message,
        )


def _release(*, published: bool, version: str = "2026.11.22"):
    from curation.models import Release

    if not published:
        return Release.objects.create(title="Draft")
    return Release.objects.create(
        title="Autumn", version=version, status="published", published_at=timezone.now()
    )


class FakeLayer:
    """Records group sends: stands in for Redis, where jobs publish directly."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, dict]] = []

    async def group_send(self, group: str, message: dict) -> None:
        self.sent.append((group, message))


def test_recompute_shows_as_the_latest_completed_score_job():
    summary = scores_recompute()
    jobs_now = progress_snapshot()["jobs"]
    assert [job["key"] for job in jobs_now] == [f"score:{summary.data_version}"]
    job = jobs_now[0]
    assert (job["kind"], job["status"], job["phase"]) == ("score", "completed", "done")
    assert job["message"] == f"{summary.genes_scored} genes scored"
    assert job["started_at"] and job["finished_at"] and job["duration_seconds"] is not None


def test_snapshot_of_one_run_carries_no_jobs():
    scores_recompute()
    assert progress_snapshot(run_id=1)["jobs"] == []


def test_only_published_releases_are_release_jobs(release_jobs):
    _release(published=False)
    assert job_states_list() == []
    release = _release(published=True)
    (job,) = job_states_list()
    assert (job["key"], job["status"]) == (f"release:{release.pk}", "completed")
    assert job["message"] == "release 2026.11.22 published"
    assert job["label"] == "Release publish"


def test_curation_registers_release_publishes_as_jobs():
    kinds = {source.kind: source for source in jobs.job_sources()}
    assert kinds["score"].model == "genes.ScoreRun"
    assert kinds["release"].model == "curation.Release"
    assert kinds["release"].filters == {"status": "published"}


def test_unregistered_release_source_is_forgotten(release_jobs):
    job_source_unregister("release")
    _release(published=True)
    assert job_states_list() == []


def test_running_recompute_is_published_at_once_and_finish_only_after_commit(monkeypatch):
    layer = FakeLayer()
    monkeypatch.setattr(jobs, "get_channel_layer", lambda: layer)
    with transaction.atomic():
        run = ScoreRun.objects.create(started_at=timezone.now())
        assert [m["job"]["status"] for _, m in layer.sent] == ["running"]
        run.finished_at, run.genes_scored = timezone.now(), 7
        run.save(update_fields=["finished_at", "genes_scored"])
        assert len(layer.sent) == 1, "a finish must not be announced before it commits"
    groups = {group for group, _ in layer.sent}
    assert groups == {RUNS_GROUP}
    assert [m["type"] for _, m in layer.sent] == [JOB_EVENT_TYPE] * 2
    finished = layer.sent[-1][1]["job"]
    assert (finished["status"], finished["message"]) == ("completed", "7 genes scored")


def test_rolled_back_recompute_announces_no_finish(monkeypatch):
    layer = FakeLayer()
    monkeypatch.setattr(jobs, "get_channel_layer", lambda: layer)
    with pytest.raises(RuntimeError), transaction.atomic():
        ScoreRun.objects.create(started_at=timezone.now(), finished_at=timezone.now())
        raise RuntimeError("recompute failed")
    assert layer.sent == []


@override_settings(CHANNEL_LAYERS={"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}})
def test_in_memory_layer_gets_no_direct_job_events():
    assert jobs.job_event_publish({"key": "score:1"}) is False


async def _next_job(communicator: WebsocketCommunicator, timeout: float = 3) -> dict:
    while True:
        message = await communicator.receive_json_from(timeout=timeout)
        if message["type"] == "job":
            return message["job"]


async def _jobs_until_done(communicator: WebsocketCommunicator, kind: str) -> list[dict]:
    seen = []
    while not seen or seen[-1]["status"] != "completed":
        job = await _next_job(communicator)
        assert job["kind"] == kind
        seen.append(job)
    return seen


@override_settings(PIPELINE_RELAY_INTERVAL=0.05)
def test_clients_see_recompute_and_release_finish_without_asking(release_jobs):
    """The relay reports finishes on any layer; with Redis a "running" event comes first."""

    async def body():
        communicator = WebsocketCommunicator(application, "/ws/progress/", headers=ORIGIN)
        await communicator.connect()
        snapshot = await communicator.receive_json_from(timeout=3)
        await database_sync_to_async(scores_recompute)()
        scores = await _jobs_until_done(communicator, "score")
        await database_sync_to_async(_release)(published=True)
        releases = await _jobs_until_done(communicator, "release")
        await communicator.disconnect()
        return snapshot, scores, releases

    snapshot, scores, releases = run_async(body)
    assert snapshot["jobs"] == []
    assert [job["status"] for job in scores] in (["completed"], ["running", "completed"])
    assert len({job["id"] for job in scores}) == 1
    assert [job["status"] for job in releases] == ["completed"]


@override_settings(PIPELINE_RELAY_INTERVAL=30)
def test_job_events_from_the_channel_layer_are_relayed_once():
    """A worker's direct event (via the all-runs group) reaches clients, and only once."""
    payload = {
        "kind": "score",
        "id": 99,
        "key": "score:99",
        "label": "Score recompute",
        "status": "running",
        "phase": "running",
        "message": "Score recompute running",
        "started_at": None,
        "finished_at": None,
        "duration_seconds": None,
        "updated": 1.0,
    }

    async def body():
        communicator = WebsocketCommunicator(application, "/ws/progress/", headers=ORIGIN)
        await communicator.connect()
        await communicator.receive_json_from(timeout=3)
        layer = get_channel_layer()
        for _ in range(2):
            await layer.group_send(RUNS_GROUP, {"type": JOB_EVENT_TYPE, "job": payload})
        first = await _next_job(communicator)
        duplicate = not await communicator.receive_nothing(timeout=0.3)
        await communicator.disconnect()
        return first, duplicate

    first, duplicate = run_async(body)
    assert first == payload
    assert not duplicate


def test_publishing_a_release_through_curation_announces_one_finished_job(monkeypatch):
    """The real service: drafts are no jobs; the publish is announced once it commits."""
    from django.contrib.auth.models import Group, User

    from curation import services

    layer = FakeLayer()
    monkeypatch.setattr(jobs, "get_channel_layer", lambda: layer)
    admin = User.objects.create_user("ada", password="x", is_staff=True)
    admin.groups.add(Group.objects.get(name="Admin"))
    draft = services.release_draft_create(title="Autumn", user=admin)
    assert layer.sent == [] and job_states_list() == []
    release = services.release_publish(release=draft, user=admin)
    (announced,) = [message["job"] for _, message in layer.sent]
    assert (announced["key"], announced["status"]) == (f"release:{release.pk}", "completed")
    assert announced["message"] == f"release {release.version} published"
    assert announced in job_states_list()
