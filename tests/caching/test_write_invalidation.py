"""Every kind of write the README lists moves the read cache's data version.

For each write (source run completed or failed, upload, staging map, curator decision, release
publish, annotation run) a public read is cached first (second read a hit), the write runs through
its service, and the next identical read must be a miss. Runs are made without a score recompute
where the service allows it, so the run itself — not a recompute beside it — has to move the
version. Outside a test transaction: responses computed inside one are never cached.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from annotations.services import annotation_run_execute
from curation import services as curation_services
from pipeline.models import RunStatus, StagedRecord
from pipeline.services import source_run_execute, staged_record_map
from pipeline.services.uploads import upload_commit
from tests.annotations.conftest import gtex_lines, write
from tests.factories import GeneFactory, UserFactory
from tests.pipeline.sources.conftest import clingen_csv, clingen_row

pytestmark = pytest.mark.django_db(transaction=True)

READS = ["/api/statistics/summary/", "/api/sources/clingen/", "/genes/PKD1/"]


@pytest.fixture
def pkd1(db):
    return GeneFactory(
        hgnc_id=9008, symbol="PKD1", name="polycystin 1", ensembl_gene_id="ENSG00000008710"
    )


def cached_then_after(write_step: Callable[[], object]) -> list[str]:
    """X-Cache of each read after `write_step`, each read having been a cache hit before it."""
    client = Client()
    for url in READS:
        assert client.get(url).status_code == 200, url
        assert client.get(url)["X-Cache"] == "hit", url
    write_step()
    return [client.get(url)["X-Cache"] for url in READS]


def clingen_run(tmp_path, rows) -> object:
    path = tmp_path / "clingen.csv"
    path.write_bytes(clingen_csv(rows))
    return source_run_execute(source="clingen", mode="file", file_path=path, rescore=False)


def test_completed_source_run(pkd1, tmp_path):
    def step():
        run = clingen_run(tmp_path, [clingen_row("PKD1", "HGNC:9008", "ADPKD")])
        assert run.status == RunStatus.COMPLETED, run.error

    assert cached_then_after(step) == ["miss"] * len(READS)


def test_failed_source_run(pkd1, tmp_path):
    def step():
        run = clingen_run(tmp_path, [clingen_row("NOSUCH", "", "ADPKD")])
        assert run.status == RunStatus.FAILED

    assert cached_then_after(step) == ["miss"] * len(READS)


def test_upload_commit(pkd1):
    def step():
        upload_commit(
            source="literature", file_name="list.csv", content=b"pmid,gene_symbol\n100,PKD1\n"
        )

    assert cached_then_after(step) == ["miss"] * len(READS)


def test_staged_record_mapped_by_a_curator(pkd1, tmp_path):
    clingen_run(
        tmp_path,
        [clingen_row("PKD1", "HGNC:9008", "ADPKD"), clingen_row("PKD1X", "", "ADPKD", "Strong")],
    )
    record = StagedRecord.objects.get(raw_symbol="PKD1X")
    assert cached_then_after(lambda: staged_record_map(record=record, gene=pkd1)) == (
        ["miss"] * len(READS)
    )


def test_curator_decision(pkd1):
    curator = UserFactory(username="cora")

    def step():
        curation_services.decision_record(
            gene=pkd1, verdict="confirmed", rationale="seen", user=curator
        )

    assert cached_then_after(step) == ["miss"] * len(READS)


def test_release_publish(pkd1):
    # Role groups come from a data migration that a transactional test's flush removes.
    curator = UserFactory(username="cora")
    admin = UserFactory(username="ada", is_superuser=True)
    draft = curation_services.release_draft_create(title="R", user=curator)
    step = lambda: curation_services.release_publish(release=draft, user=admin)  # noqa: E731
    assert cached_then_after(step) == ["miss"] * len(READS)


def test_annotation_run(pkd1, tmp_path):
    path = write(tmp_path / "gtex.gct", gtex_lines([("ENSG00000008710.1", "PKD1", [1, 2, 3, 4])]))

    def step():
        run = annotation_run_execute(provider="gtex", files=[path])
        assert run.status == "completed", run.error

    assert cached_then_after(step) == ["miss"] * len(READS)
