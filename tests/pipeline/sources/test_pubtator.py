"""PubTator3 search crawl: highlight parsing, distinct pairs, rate limit and resume."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest

from common import fetching
from genes.models import Evidence
from pipeline.models import RunStatus, SourceRun
from pipeline.services import source_run_execute
from pipeline.sources.pubtator import PubTatorSource, mentions_from_result
from tests.conftest import DEMO_DIR, FrozenClock
from tests.pipeline.conftest import FakeSession, fake_fetcher, json_reply
from tests.pipeline.test_snapshots import demo_replies

DEMO = DEMO_DIR / "sources" / "pubtator"


def search_page(page: int, total_pages: int, results: list[dict]) -> dict:
    return {"results": results, "facets": {}, "count": total_pages * 10, "page_size": 10,
            "current": page, "total_pages": total_pages}  # fmt: skip


def result(pmid: int, text: str) -> dict:
    return {"_id": str(pmid), "pmid": pmid, "title": "t", "text_hl": text}


def test_highlights_give_distinct_pmid_mention_pairs():
    text = (
        "@GENE_PKD1 @GENE_5310 @@@<m>PKD1</m>@@@ and @GENE_PKD1 @GENE_5310 @@@polycystin-1@@@ "
        "again @GENE_PKD1 @GENE_5310 @@@PKD1@@@ with @DISEASE_MESH:D1 @DISEASE_MESH:D1 @@@ADPKD@@@"
    )
    mentions = mentions_from_result(result(111, text), "page")
    assert mentions == [("111", "5310", "PKD1", "PKD1"), ("111", "5310", "PKD1", "polycystin-1")]
    summary = PubTatorSource.summarise(
        [{"pmid": p, "ncbi_id": n, "symbol": s, "mention": m} for p, n, s, m in mentions]
        + [{"pmid": "222", "ncbi_id": "5310", "symbol": "PKD1", "mention": "PKD1"}]
    )
    assert summary.publication_count == 2 and summary.mention_pair_count == 3
    assert summary.details["pmids"] == ["111", "222"]


def test_multiple_ncbi_ids_in_one_mention_are_split():
    text = "@GENE_CFHR1 @GENE_3078;3080 @@@CFHR1/3@@@"
    assert [m[1] for m in mentions_from_result(result(1, text), "p")] == ["3078", "3080"]


def test_page_urls_carry_exactly_text_and_page():
    url = PubTatorSource().page_url(7)
    assert url.startswith("https://www.ncbi.nlm.nih.gov/research/pubtator3-api/search/?text=")
    assert url.endswith("&page=7") and url.count("&") == 1


@pytest.mark.django_db
def test_demo_snapshot_maps_through_ncbi_ids_and_stages_unknown_ids(demo_genes):
    run = source_run_execute(source="pubtator", mode="replay", snapshot_dir=DEMO)
    assert run.status == RunStatus.COMPLETED, run.error
    pkd1 = Evidence.objects.get(source="pubtator", gene__symbol="PKD1")
    assert pkd1.publication_count >= 3 and pkd1.mention_pair_count >= pkd1.publication_count
    staged = run.stagedrecord_set.get()
    assert staged.raw_ncbi_id == "999999999" and staged.payload["records"][0]["pmid"] == "39999999"


@pytest.mark.django_db
def test_crawl_respects_three_requests_per_second(demo_genes, monkeypatch):
    from pipeline.sources.base import fetcher_build
    from pipeline.sources.config import source_config

    # The fetcher's clock moves only when it sleeps: with the real clock, a loaded machine
    # spends part of the interval between requests and the measured waits come out short.
    clock = FrozenClock(1000.0)
    monkeypatch.setattr(
        fetching, "time", SimpleNamespace(monotonic=clock, time=clock, sleep=clock.advance)
    )
    waits: list[float] = []

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        clock.advance(seconds)

    fetcher = fetcher_build(
        source_config("pubtator"), mode="live", session=FakeSession(demo_replies(DEMO)),
        sleep=sleep,
    )  # fmt: skip
    run = source_run_execute(source="pubtator", fetcher=fetcher)
    assert run.status == RunStatus.COMPLETED, run.error
    assert waits == [pytest.approx(1 / 3)] * 2


@pytest.mark.django_db
def test_failed_crawl_resumes_from_its_last_checkpoint(demo_genes, settings):
    settings.SOURCE_OVERRIDES = {"pubtator": {"checkpoint_every": 1}}
    source = PubTatorSource()
    pages = {
        source.page_url(n): json_reply(
            search_page(n, 3, [result(1000 + n, f"@GENE_PKD1 @GENE_5310 @@@PKD1 {n}@@@")])
        )
        for n in (1, 2, 3)
    }
    broken = FakeSession({**pages, source.page_url(3): (500, b"down")})
    first = source_run_execute(source="pubtator", fetcher=fake_fetcher("pubtator", broken))
    assert first.status == RunStatus.FAILED and "HTTP 500" in first.error
    first.refresh_from_db()
    assert first.state["next_page"] == 3 and len(first.state["mentions"]) == 2

    healthy = FakeSession(pages)
    second = source_run_execute(source="pubtator", fetcher=fake_fetcher("pubtator", healthy))
    assert second.status == RunStatus.COMPLETED, second.error
    assert healthy.calls == [source.page_url(3)]
    evidence = Evidence.objects.get(source="pubtator", gene__symbol="PKD1")
    assert evidence.details["pmids"] == ["1001", "1002", "1003"]
    assert SourceRun.objects.get(pk=second.pk).state == {}


@pytest.mark.django_db
def test_search_page_without_total_pages_fails_clearly(demo_genes, tmp_path):
    manifest = json.loads((DEMO / "manifest.json").read_text())
    (tmp_path / "p.json").write_text(json.dumps({"results": []}))
    (tmp_path / "manifest.json").write_text(json.dumps({url: "p.json" for url in manifest}))
    run = source_run_execute(source="pubtator", mode="replay", snapshot_dir=tmp_path)
    assert run.status == RunStatus.FAILED and "total_pages" in run.error
