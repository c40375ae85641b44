"""Faults: a worker killed mid-run, the database dropping a request, Redis gone.

The worker and Redis tests run real processes against a file-based demo database (SQLite, or
a PostgreSQL database of their own when the suite runs on PostgreSQL); they are slow.
"""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import time

import pytest
from django.db import OperationalError

from tests.hardening.faults import REPO_DIR, build_demo_database, fault_env, manage, python

CLINGEN_SNAPSHOT = REPO_DIR / "demo" / "sources" / "clingen"

# The worker: a pending ClinGen run executed by the django-q2 task function (heartbeat and
# all), slowed down at one phase by a monkeypatch so the test can kill it there.
WORKER = """
import sys, time
phase = sys.argv[1]
import pipeline.services.runs as services
from pipeline.sources.clingen import ClinGenSource
def hold(label):
    print(label, flush=True)
    time.sleep(120)
if phase == "parse":
    parse = ClinGenSource.parse_bytes
    def slow_parse(self, content, *, name):
        parsed = parse(self, content, name=name)
        hold("HOLDING")
        return parsed
    ClinGenSource.parse_bytes = slow_parse
else:
    replace = services.evidence_replace_for_source
    def slow_replace(**kwargs):
        written = replace(**kwargs)
        hold("HOLDING")
        return written
    services.evidence_replace_for_source = slow_replace
from pipeline.models import SourceRun
from pipeline.tasks import source_run_task
run = SourceRun.objects.create(source="clingen", mode="replay", status="pending")
source_run_task(run.pk, snapshot_dir=sys.argv[2])
"""

STATE = """
import json
from genes.models import Evidence
from pipeline.models import SourceRun
evidence = sorted(Evidence.objects.filter(source="clingen").values_list(
    "gene_id", "classification", "classification_weight", "run_id", "source_version"))
runs = list(SourceRun.objects.filter(source="clingen").order_by("id").values_list(
    "id", "status", "error"))
print(json.dumps({"evidence": evidence, "runs": runs}))
"""

REAP = """
import pipeline.tasks as tasks
tasks.STALE_RUNNING_SECONDS = 1
print(tasks.runs_reap_stale())
"""


@pytest.fixture(scope="module")
def fault_database(tmp_path_factory, django_db_blocker) -> str:
    with django_db_blocker.unblock():
        return build_demo_database(tmp_path_factory.mktemp("faults"))


def _state(env: dict[str, str]) -> dict:
    result = python(STATE, env)
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def _kill_worker_at(phase: str, env: dict[str, str]) -> None:
    prelude = "import django, os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', "
    prelude += "'kidney_genetics.settings.test')\ndjango.setup()\n"
    worker = subprocess.Popen(
        [sys.executable, "-c", prelude + WORKER, phase, str(CLINGEN_SNAPSHOT)],
        cwd=REPO_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = worker.stdout.readline()
        assert line.strip() == "HOLDING", worker.stderr.read()[-2000:]
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=30)
        worker.stdout.close()
        worker.stderr.close()


@pytest.mark.slow
@pytest.mark.parametrize("phase", ["parse", "write"])
def test_killed_worker_run_is_reaped_evidence_kept_next_run_succeeds(fault_database, phase):
    env = fault_env(fault_database)
    before = _state(env)
    assert before["evidence"], "the demo ClinGen evidence is missing"

    _kill_worker_at(phase, env)
    killed = _state(env)
    assert killed["evidence"] == before["evidence"], "a killed run changed the evidence"
    assert killed["runs"][-1][1] == "running", "the killed run should still look running"

    time.sleep(1.5)
    reaped = python(REAP, env)
    assert reaped.returncode == 0, reaped.stderr[-2000:]
    assert int(reaped.stdout.strip().splitlines()[-1]) >= 1
    after_reap = _state(env)
    run_id, status, error = after_reap["runs"][-1]
    assert status == "failed" and "reaper" in error, (status, error)
    assert after_reap["evidence"] == before["evidence"]

    again = manage(["ingest", "clingen", "--snapshot", str(CLINGEN_SNAPSHOT)], env)
    assert again.returncode == 0, again.stderr[-2000:]
    final = _state(env)
    assert final["runs"][-1][1] == "completed"
    genes = [row[:3] for row in final["evidence"]]
    assert genes == [row[:3] for row in before["evidence"]]


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


REDIS_DOWN_READS = """
import json
from django.test import Client
from genes.models import GeneScore
client = Client(raise_request_exception=False)
gene = GeneScore.objects.select_related("gene").order_by("-score").first().gene
paths = ["/api/health/", "/", "/genes/", f"/genes/{gene.symbol}/", "/api/genes/",
         f"/api/genes/{gene.symbol}/", "/statistics/"]
out = {}
for path in paths:
    response = client.get(path)
    out[path] = [response.status_code, response.content.decode()[:400]]
print(json.dumps(out))
"""


@pytest.mark.slow
def test_redis_down_health_says_so_and_reads_still_served(fault_database):
    env = fault_env(fault_database, REDIS_URL=f"redis://127.0.0.1:{_closed_port()}/0")
    result = python(REDIS_DOWN_READS, env, timeout=180)
    assert result.returncode == 0, result.stderr[-3000:]
    responses = json.loads(result.stdout.strip().splitlines()[-1])
    status, body = responses.pop("/api/health/")
    assert status == 503
    health = json.loads(body) if body.endswith("}") else {"failing": body}
    assert "cache" in str(health["failing"])
    failed = {path: answer for path, answer in responses.items() if answer[0] != 200}
    assert not failed, f"reads failed with Redis down: {failed}"


# Database connection drop ---------------------------------------------------------------------


MIDDLEWARE_PATH = "common.db_unavailable.DatabaseUnavailableMiddleware"


def _break_cursor(monkeypatch) -> None:
    from django.db.backends.utils import CursorWrapper

    def dropped(self, sql, params=None):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(CursorWrapper, "execute", dropped)


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api/genes/PKD1/", "/genes/PKD1/"])
def test_database_drop_during_request_gives_clean_503_then_recovers(
    client, monkeypatch, settings, path
):
    from genes.models import Gene

    if MIDDLEWARE_PATH not in settings.MIDDLEWARE:
        settings.MIDDLEWARE = [*settings.MIDDLEWARE, MIDDLEWARE_PATH]
    client.raise_request_exception = False
    Gene.objects.create(hgnc_id=9008, symbol="PKD1", name="polycystin 1")
    with monkeypatch.context() as patch:
        _break_cursor(patch)
        response = client.get(path)
    assert response.status_code == 503, response.status_code
    assert response["Retry-After"]
    text = response.content.decode()
    assert "Traceback" not in text and "database" in text.lower()
    if path.startswith("/api/"):
        assert response.json()["errors"][0]["code"] == "database_unavailable"
    assert client.get(path).status_code == 200


@pytest.mark.django_db
def test_production_stack_turns_database_drop_into_503(client, monkeypatch):
    client.raise_request_exception = False
    with monkeypatch.context() as patch:
        _break_cursor(patch)
        response = client.get("/api/genes/PKD1/")
    assert response.status_code == 503
