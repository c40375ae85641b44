"""Shared fixtures and the no-network guard."""

from __future__ import annotations

import ipaddress
import os
import socket
import time
from pathlib import Path

import pytest

REPO_DIR = Path(__file__).resolve().parent.parent
SHARED_SOURCES_DIR = REPO_DIR.parent / "shared" / "data" / "sources"
DEMO_DIR = REPO_DIR / "demo"

_network_violations: list[str] = []
_original_connect = socket.socket.connect
_original_connect_ex = socket.socket.connect_ex
_original_getaddrinfo = socket.getaddrinfo
_LOCAL_NAMES = {"localhost", "127.0.0.1", "::1", "testserver", ""}


class NetworkAccessBlocked(RuntimeError):
    """Raised when a test tries to reach a non-loopback address."""


def _is_loopback(address) -> bool:
    if not isinstance(address, tuple):
        return True  # Unix domain sockets
    host = address[0]
    if host in _LOCAL_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _block(description: str):
    _network_violations.append(description)
    raise NetworkAccessBlocked(f"tests must not touch the network: {description}")


def _guarded_connect(self, address):
    if not _is_loopback(address):
        _block(f"connect to {address!r}")
    return _original_connect(self, address)


def _guarded_connect_ex(self, address):
    if not _is_loopback(address):
        _block(f"connect_ex to {address!r}")
    return _original_connect_ex(self, address)


def _guarded_getaddrinfo(host, *args, **kwargs):
    name = host.decode() if isinstance(host, bytes) else (host or "")
    if name not in _LOCAL_NAMES and not _is_loopback((name, 0)):
        _block(f"DNS lookup of {name!r}")
    return _original_getaddrinfo(host, *args, **kwargs)


IN_CI = os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


def skip_or_fail_in_ci(reason: str) -> None:
    """Skip for a missing tool or service on a developer's machine; under CI (`CI=true`) the
    same absence is a failure, since .ci/run installs and starts everything the suite needs."""
    if IN_CI:
        pytest.fail(f"CI: {reason} (a skip here would hide untested code)", pytrace=False)
    pytest.skip(reason)


def pytest_runtest_logreport(report):
    """With KG_SKIP_REPORT=PATH, append `nodeid<TAB>reason` for every skipped test, so .ci/run
    can compare what skipped with the expected skips of its database (.ci/check_skips.py).
    Written by the xdist controller only (workers report to it), never twice."""
    path = os.environ.get("KG_SKIP_REPORT")
    if not path or not report.skipped or hasattr(report, "wasxfail"):
        return
    if os.environ.get("PYTEST_XDIST_WORKER"):
        return
    longrepr = report.longrepr
    reason = longrepr[2] if isinstance(longrepr, tuple) else str(longrepr)
    reason = " ".join(str(reason).removeprefix("Skipped: ").split())
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(f"{report.nodeid}\t{reason}\n")


def pytest_xdist_auto_num_workers(config):
    """`-n auto` never starts more workers than Redis has databases (16 by default): each
    worker needs a database of its own (see REDIS_URL in settings), or one worker's FLUSHDB
    would empty another's cache mid-test."""
    if not os.environ.get("REDIS_URL"):
        return None
    return max(1, min(os.cpu_count() or 1, REDIS_DATABASES))


REDIS_DATABASES = 16


def pytest_configure(config):
    socket.socket.connect = _guarded_connect
    socket.socket.connect_ex = _guarded_connect_ex
    socket.getaddrinfo = _guarded_getaddrinfo


def pytest_collection_modifyitems(config, items):
    """`make test` runs the suite in parallel with KG_TIMING_TESTS=skip, then the `timing`
    tests alone with KG_TIMING_TESTS=only: a wall-clock bound measured beside other test
    workers on two cores measures the OS scheduler, not the code."""
    wanted = os.environ.get("KG_TIMING_TESTS", "")
    if wanted not in ("skip", "only"):
        return
    keep, drop = [], []
    for item in items:
        timing = item.get_closest_marker("timing") is not None
        (keep if timing == (wanted == "only") else drop).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


@pytest.fixture(autouse=True)
def _fail_on_network_access():
    """Fail the test even when the code under test swallowed the blocked connection."""
    _network_violations.clear()
    yield
    if _network_violations:
        found = list(_network_violations)
        _network_violations.clear()
        pytest.fail(f"test touched the network: {found}")


@pytest.fixture
def shared_data() -> Path:
    """The real-format samples in ../shared/data/sources; skips when ../shared is absent
    (fails under CI, where ../shared is always laid beside the clone)."""
    if not SHARED_SOURCES_DIR.is_dir():
        skip_or_fail_in_ci("../shared/data/sources is not present")
    return SHARED_SOURCES_DIR


class FrozenClock:
    """A `time.time` stand-in that moves only when told to."""

    def __init__(self, start: float) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def frozen_clock(monkeypatch) -> FrozenClock:
    """Wall-clock time held 1 s after a day boundary, i.e. at the start of a fresh window of
    every rate period (second, minute, hour, day). Tests that count requests per window use it:
    with the real clock, requests can straddle a window boundary and the count comes out short."""
    real = time.time()
    clock = FrozenClock(real - real % 86400 + 1)
    monkeypatch.setattr(time, "time", clock)
    return clock


@pytest.fixture
def demo_dir() -> Path:
    return DEMO_DIR


@pytest.fixture
def api_client():
    from rest_framework.test import APIClient

    return APIClient()


def make_role_user(username: str, role: str | None = None, *, password: str, staff: bool = True):
    """A user in one of the curation role groups (or none), with the given password."""
    from tests.factories import UserFactory

    return UserFactory(username=username, role=role, password=password, is_staff=staff)


@pytest.fixture
def empty_cache():
    """The cache empty before and after the test, and caching not paused by an earlier failure:
    throttle counters, lockout state and cached reads live there. Directories whose tests count
    requests or read cached pages make it autouse in their conftest."""
    from django.core.cache import cache

    from common import caching

    caching._state["paused_until"] = 0.0
    cache.clear()
    yield
    cache.clear()
    caching._state["paused_until"] = 0.0


# Users in each curation role (the groups come from a data migration), one definition for every
# directory. Passwords are tests.factories.PASSWORD.


def _user(username: str, role: str | None = None, **fields):
    from tests.factories import UserFactory

    return UserFactory(username=username, role=role, **fields)


@pytest.fixture
def admin_user(db):
    """A member of the curation admin role (replaces pytest-django's superuser fixture)."""
    from curation.roles import ADMIN

    return _user("ada_admin", ADMIN)


@pytest.fixture
def curator(db):
    from curation.roles import CURATOR

    return _user("cora_curator", CURATOR)


@pytest.fixture
def other_curator(db):
    from curation.roles import CURATOR

    return _user("carl_curator", CURATOR)


@pytest.fixture
def viewer(db):
    from curation.roles import VIEWER

    return _user("vic_viewer", VIEWER)


@pytest.fixture
def staff_without_role(db):
    return _user("sam_staff")


@pytest.fixture
def member(db):
    """Logged in, but neither staff nor in a role."""
    return _user("mia_member", is_staff=False)


@pytest.fixture
def superuser(db):
    return _user("root_admin", is_staff=True, is_superuser=True)
