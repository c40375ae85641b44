"""Fixtures for pipeline tests: the demo HGNC genes, fake HTTP sessions and snapshot writers."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import DEMO_DIR


class FakeResponse:
    """Enough of requests.Response for the Fetcher: status, headers, streamed body."""

    def __init__(self, url: str, status: int = 200, body: bytes = b"", headers=None) -> None:
        self.url = url
        self.status_code = status
        self.reason = {200: "OK", 404: "Not Found", 429: "Too Many Requests"}.get(status, "Error")
        self.headers = headers or {}
        self._body = body

    def iter_content(self, chunk_size: int = 1024):
        for start in range(0, len(self._body), chunk_size):
            yield self._body[start : start + chunk_size]

    def __enter__(self) -> FakeResponse:
        return self

    def __exit__(self, *exc: Any) -> None:
        return None


Reply = tuple[int, bytes] | tuple[int, bytes, dict[str, str]] | Callable[[str], "Reply"]


class FakeSession:
    """A requests.Session stand-in: URL → reply (or a default reply); it records every call."""

    def __init__(self, replies: dict[str, Any] | None = None, default: Any = None) -> None:
        self.replies = replies or {}
        self.default = default
        self.headers: dict[str, str] = {}
        self.calls: list[str] = []

    def get(self, url: str, **_: Any) -> FakeResponse:
        self.calls.append(url)
        reply = self.replies.get(url, self.default)
        if callable(reply):
            reply = reply(url)
        if reply is None:
            return FakeResponse(url, 404, b"not found")
        status, body, *rest = reply
        if isinstance(body, dict | list):
            body = json.dumps(body).encode()
        return FakeResponse(url, status, body, rest[0] if rest else None)


def json_reply(payload: Any, status: int = 200) -> tuple[int, bytes]:
    return status, json.dumps(payload).encode()


def snapshot_write(directory: Path, responses: dict[str, Any]) -> Path:
    """Write a snapshot directory (manifest.json + one file per URL); bytes are kept as is."""
    directory.mkdir(parents=True, exist_ok=True)
    manifest = {}
    for index, (url, body) in enumerate(responses.items()):
        name = f"response_{index}.json"
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        (directory / name).write_bytes(data)
        manifest[url] = name
    (directory / "manifest.json").write_text(json.dumps(manifest))
    return directory


@pytest.fixture
def demo_genes(db):
    """The 319 demo HGNC genes (with previous/alias symbols) loaded the production way."""
    from genes.hgnc import hgnc_load

    return hgnc_load(path=DEMO_DIR / "hgnc" / "hgnc_complete_set.txt")


def fake_fetcher(source: str, session: FakeSession, mode: str = "live", snapshot_dir=None):
    """A Fetcher with the source's config, the fake session and no real waiting."""
    from pipeline.sources.base import fetcher_build
    from pipeline.sources.config import source_config

    return fetcher_build(
        source_config(source),
        mode=mode,
        snapshot_dir=snapshot_dir,
        session=session,
        sleep=lambda _seconds: None,
    )
