"""Settings for pytest (pyproject.toml names this module).

Like `dev`, plus one Redis database per parallel test worker: workers must not share one, or one
worker's cache.clear() (a FLUSHDB), throttle counters or channel groups would leak into another's
tests. Worker N takes database (base + N) mod 16: distinct for the 16 databases Redis has, and
more workers than that would share one, so they are refused (tests/conftest.py caps -n auto).
Subprocesses started by a test inherit PYTEST_XDIST_WORKER and so choose the same database.
"""

import os
from urllib.parse import urlsplit, urlunsplit

from django.core.exceptions import ImproperlyConfigured

os.environ.setdefault("DEBUG", "true")

from kidney_genetics.settings.base import *  # noqa: E402, F403
from kidney_genetics.settings.base import Q_CLUSTER, REDIS_URL, backing_services  # noqa: E402


def worker_redis_url(redis_url: str, worker: str) -> str:
    """The Redis URL of xdist worker `gwN`; unchanged outside xdist or without Redis."""
    if not redis_url or not worker.startswith("gw"):
        return redis_url
    number = int(worker[2:])
    if number >= 16:
        raise ImproperlyConfigured(
            f"test worker {worker}: Redis has 16 databases, one per worker: -n 16 at most"
        )
    parts = urlsplit(redis_url)
    database = int(parts.path.strip("/") or 0) + number
    return urlunsplit(parts._replace(path=f"/{database % 16}"))


REDIS_URL = worker_redis_url(REDIS_URL, os.environ.get("PYTEST_XDIST_WORKER", ""))
CACHES, CHANNEL_LAYERS, _q_broker = backing_services(REDIS_URL)
Q_CLUSTER = {key: value for key, value in Q_CLUSTER.items() if key not in ("redis", "orm")}
Q_CLUSTER.update(_q_broker)
