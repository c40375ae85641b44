"""Loaders fetch their default URLs through the shared Fetcher (live, record, replay)."""

import gzip
import tempfile
from pathlib import Path

from annotations.config import annotation_setting
from annotations.models import AnnotationRun, GeneExpression, RunStatus
from annotations.services import annotation_run_execute
from common.fetching import Fetcher, FetchMode
from tests.annotations.conftest import gtex_lines


class FakeResponse:
    def __init__(self, url: str, body: bytes) -> None:
        self.url, self.body = url, body
        self.status_code, self.reason, self.headers = 200, "OK", {}

    def iter_content(self, chunk_size: int):
        yield self.body

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


class FakeSession:
    """Stands in for requests.Session: serves fixed bodies and remembers what was asked."""

    def __init__(self, bodies: dict[str, bytes]) -> None:
        self.bodies, self.headers, self.requested = bodies, {}, []

    def get(self, url, headers=None, timeout=None, stream=False):
        self.requested.append(url)
        return FakeResponse(url, self.bodies[url])


def gct_bytes() -> bytes:
    lines = gtex_lines([("ENSG00000169344.15", "UMOD", [0.1, 900.0, 2000.0, 0.0])])
    return gzip.compress(("\n".join(lines) + "\n").encode())


def test_live_run_downloads_the_default_url_and_removes_temp_files(
    kidney_genes, tmp_path, monkeypatch
):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    url = annotation_setting("gtex_url")
    session = FakeSession({url: gct_bytes()})

    run = annotation_run_execute(provider="gtex", fetcher=Fetcher(session=session))

    assert run.status == RunStatus.COMPLETED, run.error
    assert session.requested == [url]
    assert run.inputs == {"median_tpm": url}
    assert run.source_version == "v8"
    assert GeneExpression.objects.get(gene__symbol="UMOD").kidney_cortex_tpm == 900.0
    assert list(tmp_path.glob("kgdb-*")) == []


def test_recorded_snapshot_replays_without_network(kidney_genes, tmp_path: Path):
    url = annotation_setting("gtex_url")
    recorder = Fetcher(FetchMode.RECORD, tmp_path, session=FakeSession({url: gct_bytes()}))
    annotation_run_execute(provider="gtex", fetcher=recorder)

    replayed = annotation_run_execute(provider="gtex", snapshot=tmp_path)

    assert replayed.status == RunStatus.COMPLETED, replayed.error
    first, second = AnnotationRun.objects.order_by("id")
    assert first.checksum == second.checksum
