"""One HTTP fetcher for every external file and API: live, record or replay.

Live requests use a `requests` session with timeouts, retries with exponential backoff and jitter
(429, 5xx, connection errors), `Retry-After`, a per-host rate limit and a circuit breaker.
*Record* does the same and writes every response into a snapshot directory; *replay* answers
from such a directory only. A snapshot directory holds `manifest.json` mapping each URL to a file
path relative to the directory. Replay matches by scheme, host, path and the set of decoded query
parameters, so parameter order does not matter.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import random
import shutil
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from enum import StrEnum
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import requests

logger = logging.getLogger(__name__)

MANIFEST_NAME = "manifest.json"
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


class FetchError(Exception):
    """A fetch failed for good; the message names the URL and why."""


class SnapshotMissError(FetchError):
    """Replay was asked for a URL the snapshot does not hold."""


class CircuitOpenError(FetchError):
    """Too many consecutive failures against one host; further requests are refused."""


class FetchMode(StrEnum):
    LIVE = "live"
    RECORD = "record"
    REPLAY = "replay"


def request_key(url: str) -> tuple[str, str, str, frozenset[tuple[str, str]]]:
    """The identity of a request for replay: scheme, host, path and the set of query params."""
    parts = urlsplit(url)
    query = frozenset(parse_qsl(parts.query, keep_blank_values=True))
    path = parts.path or "/"
    return parts.scheme.lower(), parts.netloc.lower(), path, query


@dataclass
class RetryPolicy:
    attempts: int = 5
    backoff_base: float = 1.0
    backoff_max: float = 60.0
    timeout: tuple[float, float] = (10.0, 120.0)
    circuit_threshold: int = 8

    def delay(self, attempt: int, retry_after: float | None) -> float:
        if retry_after is not None:
            return min(retry_after, self.backoff_max)
        exponential = min(self.backoff_base * (2**attempt), self.backoff_max)
        return exponential / 2 + random.uniform(0, exponential / 2)


def parse_retry_after(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError):
        return None


class SnapshotManifest:
    """The URL → file map of one snapshot directory."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)
        self.entries: dict[str, str] = {}
        manifest_path = self.directory / MANIFEST_NAME
        if manifest_path.exists():
            try:
                loaded = json.loads(manifest_path.read_text(encoding="utf-8"))
            except (json.JSONDecodeError, UnicodeDecodeError) as error:
                raise FetchError(f"{manifest_path}: not a valid JSON manifest ({error})") from error
            if not isinstance(loaded, dict) or not all(
                isinstance(k, str) and isinstance(v, str) for k, v in loaded.items()
            ):
                raise FetchError(f"{manifest_path}: must be a JSON object of URL → relative path")
            self.entries = loaded
        self._index = {request_key(url): path for url, path in self.entries.items()}

    def lookup(self, url: str) -> Path:
        relative = self._index.get(request_key(url))
        if relative is None:
            raise SnapshotMissError(
                f"snapshot {self.directory} has no entry for {url} (manifest: {MANIFEST_NAME})"
            )
        path = (self.directory / relative).resolve()
        if self.directory.resolve() not in path.parents:
            raise FetchError(f"snapshot entry for {url} points outside {self.directory}")
        if not path.exists():
            raise FetchError(f"snapshot file {path} for {url} is missing")
        return path

    def add(self, url: str, relative_path: str) -> None:
        self.entries[url] = relative_path
        self._index[request_key(url)] = relative_path
        self.directory.mkdir(parents=True, exist_ok=True)
        tmp = self.directory / (MANIFEST_NAME + ".tmp")
        tmp.write_text(json.dumps(self.entries, indent=2, sort_keys=True), encoding="utf-8")
        tmp.replace(self.directory / MANIFEST_NAME)

    def checksum(self) -> str:
        """A checksum over every file the manifest names, for the run record."""
        digest = hashlib.sha256()
        for url in sorted(self.entries):
            digest.update(url.encode())
            path = self.directory / self.entries[url]
            if path.exists():
                with path.open("rb") as handle:
                    for chunk in iter(lambda: handle.read(1 << 20), b""):
                        digest.update(chunk)
        return digest.hexdigest()


def snapshot_file_name(url: str) -> str:
    """A stable, readable file name for a recorded URL."""
    parts = urlsplit(url)
    stem = (parts.path.strip("/").replace("/", "_") or "index")[-80:]
    digest = hashlib.sha256(url.encode()).hexdigest()[:12]
    return f"{stem}.{digest}"


@dataclass
class HostState:
    last_request: float = 0.0
    consecutive_failures: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


class Fetcher:
    """Fetches URLs live, recording, or replaying; the only door to the outside world."""

    def __init__(
        self,
        mode: FetchMode | str = FetchMode.LIVE,
        snapshot_dir: Path | str | None = None,
        *,
        policy: RetryPolicy | None = None,
        rate_limits: dict[str, float] | None = None,
        session: requests.Session | None = None,
        sleep: Callable[[float], None] = time.sleep,
        user_agent: str = "KidneyGeneticsDB/1.0 (+https://github.com/kidney-genetics)",
    ) -> None:
        self.mode = FetchMode(mode)
        if self.mode != FetchMode.LIVE and snapshot_dir is None:
            raise ValueError(f"{self.mode} mode needs a snapshot directory")
        self.snapshot_dir = Path(snapshot_dir) if snapshot_dir else None
        self.manifest = SnapshotManifest(self.snapshot_dir) if self.snapshot_dir else None
        if self.mode == FetchMode.REPLAY and not (self.snapshot_dir / MANIFEST_NAME).exists():
            raise FetchError(f"snapshot directory {self.snapshot_dir} has no {MANIFEST_NAME}")
        self.policy = policy or RetryPolicy()
        self.rate_limits = rate_limits or {}
        self.session = session or requests.Session()
        self.session.headers.setdefault("User-Agent", user_agent)
        self.sleep = sleep
        self._hosts: dict[str, HostState] = {}
        self.request_count = 0

    # Public API -----------------------------------------------------------------------------

    def get_bytes(self, url: str, *, headers: dict[str, str] | None = None) -> bytes:
        return self.fetch_to_path(url, headers=headers).read_bytes()

    def get_text(self, url: str, *, headers: dict[str, str] | None = None) -> str:
        data = self.get_bytes(url, headers=headers)
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise FetchError(f"{url}: response is not UTF-8 text ({error})") from error

    def get_json(self, url: str, *, headers: dict[str, str] | None = None) -> Any:
        data = self.get_bytes(url, headers=headers)
        try:
            return json.loads(data)
        except (json.JSONDecodeError, UnicodeDecodeError) as error:
            preview = data[:80].decode("utf-8", "replace").strip()
            raise FetchError(
                f"{url}: response is not JSON ({error}); starts with {preview!r}"
            ) from error

    def fetch_to_path(self, url: str, *, headers: dict[str, str] | None = None) -> Path:
        """A local file holding the response body: the snapshot file or a downloaded temp file."""
        if self.mode == FetchMode.REPLAY:
            return self.manifest.lookup(url)
        if self.mode == FetchMode.RECORD:
            relative = snapshot_file_name(url)
            target = self.snapshot_dir / relative
            self._download(url, target, headers=headers)
            self.manifest.add(url, relative)
            return target
        descriptor, name = tempfile.mkstemp(prefix="kgdb-")
        os.close(descriptor)
        target = Path(name)
        self._download(url, target, headers=headers)
        return target

    def snapshot_checksum(self) -> str:
        return self.manifest.checksum() if self.manifest else ""

    # Live HTTP ------------------------------------------------------------------------------

    def _host_state(self, host: str) -> HostState:
        return self._hosts.setdefault(host, HostState())

    def _respect_rate_limit(self, host: str, state: HostState) -> None:
        per_second = self.rate_limits.get(host)
        if not per_second:
            return
        interval = 1.0 / per_second
        with state.lock:
            wait = state.last_request + interval - time.monotonic()
            if wait > 0:
                self.sleep(wait)
            state.last_request = time.monotonic()

    def _download(self, url: str, target: Path, *, headers: dict[str, str] | None) -> None:
        host = urlsplit(url).netloc.lower()
        state = self._host_state(host)
        if state.consecutive_failures >= self.policy.circuit_threshold:
            raise CircuitOpenError(
                f"{url}: {state.consecutive_failures} consecutive failures against {host}; "
                "circuit open, not retrying"
            )
        last_problem = "no attempt made"
        for attempt in range(self.policy.attempts):
            self._respect_rate_limit(host, state)
            retry_after = None
            try:
                self.request_count += 1
                with self.session.get(
                    url, headers=headers, timeout=self.policy.timeout, stream=True
                ) as response:
                    if response.status_code in RETRY_STATUSES:
                        retry_after = parse_retry_after(response.headers.get("Retry-After"))
                        last_problem = f"HTTP {response.status_code}"
                    elif response.status_code >= 400:
                        state.consecutive_failures += 1
                        raise FetchError(f"{url}: HTTP {response.status_code} {response.reason}")
                    else:
                        self._write_body(response, target)
                        state.consecutive_failures = 0
                        return
            except (requests.ConnectionError, requests.Timeout) as error:
                last_problem = f"{type(error).__name__}: {error}"
            except requests.RequestException as error:
                state.consecutive_failures += 1
                raise FetchError(f"{url}: {error}") from error
            state.consecutive_failures += 1
            if state.consecutive_failures >= self.policy.circuit_threshold:
                break
            if attempt + 1 < self.policy.attempts:
                delay = self.policy.delay(attempt, retry_after)
                logger.warning("fetch %s failed (%s); retry in %.1fs", url, last_problem, delay)
                self.sleep(delay)
        raise FetchError(f"{url}: gave up after {attempt + 1} attempts ({last_problem})")

    @staticmethod
    def _write_body(response: requests.Response, target: Path) -> None:
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(target.name + ".part")
        expected = response.headers.get("Content-Length")
        written = 0
        with partial.open("wb") as handle:
            for chunk in response.iter_content(chunk_size=1 << 20):
                handle.write(chunk)
                written += len(chunk)
        encoding = response.headers.get("Content-Encoding")
        if expected and not encoding and written != int(expected):
            partial.unlink(missing_ok=True)
            raise FetchError(f"{response.url}: truncated download ({written} of {expected} bytes)")
        shutil.move(partial, target)
