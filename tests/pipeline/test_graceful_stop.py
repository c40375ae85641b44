"""Stopping a job worker: SIGTERM to the cluster lets the current run finish and leaves no
process behind; SIGTERM reaching the worker itself (the whole group signalled, or django-q2's
timeout) marks the run failed at once and the worker exits instead of lingering as an orphan.
Runs on either database (the cluster shares this test's database)."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from pipeline.models import RunStatus, SourceRun
from tests.pipeline.shared_db import manage_command, shared_database, subprocess_env  # noqa: F401

REPO_DIR = Path(__file__).resolve().parents[2]
TRIGGER = """
import django; django.setup()
from pipeline.tasks import source_run_enqueue
print(source_run_enqueue(source="panelapp", mode="replay").pk)
"""

pytestmark = pytest.mark.slow


def _group(pgid: int) -> set[int]:
    members = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            members.add(int(stat.parent.name))
    return members


def _until(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"{what} did not happen within {timeout} s")


def _status(run_id: int) -> str:
    return SourceRun.objects.values_list("status", flat=True).get(pk=run_id)


@pytest.fixture
def cluster_start(shared_database):  # noqa: F811
    """Starts a qcluster (in a process group of its own) whose fake runs take `steps` quarter
    seconds; returns it and a function that queues a run and waits until it is running."""
    processes: list[subprocess.Popen] = []

    def start(steps: int):
        env = subprocess_env(
            shared_database, DJANGO_SETTINGS_MODULE="tests.pipeline.graceful_settings",
            FAKE_RUN_STEPS=str(steps), FAKE_RUN_STEP_SECONDS="0.25",
        )
        process = subprocess.Popen(
            manage_command("qcluster"), cwd=REPO_DIR, env=env, start_new_session=True,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        processes.append(process)

        def run_queue() -> int:
            output = subprocess.run(
                [manage_command()[0], "-c", TRIGGER], cwd=REPO_DIR, env=env,
                capture_output=True, text=True, check=True,
            ).stdout
            run_id = int(output.split()[-1])
            _until(lambda: _status(run_id) == RunStatus.RUNNING, 60, f"run {run_id} starting")
            return run_id

        return process, run_queue

    yield start
    for process in processes:
        for pid in _group(process.pid):
            os.kill(pid, signal.SIGKILL)
        process.wait(timeout=15)


def test_sigterm_to_the_cluster_lets_the_run_finish_and_leaves_no_process(cluster_start):
    process, run_queue = cluster_start(steps=40)
    run_id = run_queue()
    assert len(_group(process.pid)) >= 4  # main, sentinel, worker, monitor, pusher
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=60)
    assert _status(run_id) == RunStatus.COMPLETED
    _until(lambda: not _group(process.pid), 10, "every cluster process exiting")


def test_sigterm_to_every_cluster_process_fails_the_run_and_ends_the_workers(cluster_start):
    process, run_queue = cluster_start(steps=400)
    run_id = run_queue()
    os.killpg(process.pid, signal.SIGTERM)  # what `kill 0` or a whole-group stop does
    _until(lambda: _status(run_id) == RunStatus.FAILED, 15, "the run being marked failed")
    run = SourceRun.objects.get(pk=run_id)
    assert "stopped (SIGTERM) during the run" in run.error
    # Everything but the main process, which django-q2 may leave waiting on its dead sentinel
    # (the stop sequences in the Makefile and deploy/ never signal it twice).
    _until(lambda: _group(process.pid) <= {process.pid}, 15, "the worker processes exiting")
