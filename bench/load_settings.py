"""Project settings plus what bench/load.py varies per run.

LOAD_READ_CACHE_SECONDS: the read cache's lifetime (0 turns it off).
LOAD_WITHOUT_MIDDLEWARE: comma-separated middleware class names to drop, to measure what a
sync-only middleware in the async chain costs (each one adds thread hops to every request).
"""

import os

from kidney_genetics.settings.dev import *  # noqa: F403
from kidney_genetics.settings.dev import MIDDLEWARE

READ_CACHE_SECONDS = int(os.environ.get("LOAD_READ_CACHE_SECONDS", "300"))
_DROPPED = {name for name in os.environ.get("LOAD_WITHOUT_MIDDLEWARE", "").split(",") if name}
MIDDLEWARE = [path for path in MIDDLEWARE if path.rsplit(".", 1)[-1] not in _DROPPED]
