"""`gene_resolve_many` answers exactly what `gene_resolve` answers for each identifier, in a
fixed number of queries however many identifiers it gets."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from genes import selectors
from genes.models import GeneStatus
from tests.factories import GeneFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def genes() -> None:
    GeneFactory(hgnc_id=9008, symbol="PKD1", entrez_id=5310, ensembl_gene_id="ENSG00000008710")
    GeneFactory(hgnc_id=9009, symbol="PKD2", aliases=["PC2", "SHARED"], previous=["PKD4"])
    GeneFactory(hgnc_id=5310, symbol="OTHER", aliases=["SHARED"])
    GeneFactory(hgnc_id=70, symbol="OLDWD", status=GeneStatus.WITHDRAWN, aliases=["GONE"])
    GeneFactory(hgnc_id=71, symbol="NEWER", previous=["OLDWD"])


QUERIES = [
    "PKD1",
    "pkd2",
    "PC2",
    "pkd4",
    "SHARED",
    "5310",
    "HGNC:9009",
    "ENSG00000008710.12",
    "OLDWD",
    "HGNC:70",
    "GONE",
    "NOPE",
]


def _shape(lookup: selectors.GeneLookup) -> list[tuple[str, list[str]]]:
    return [(match.gene.symbol, sorted(match.matched_by)) for match in lookup.matches]


def test_each_answer_equals_the_single_lookup(genes):
    many = selectors.gene_resolve_many(QUERIES)
    for query in QUERIES:
        assert _shape(many[query]) == _shape(selectors.gene_resolve(query)), query
    assert many["SHARED"].ambiguous
    # A bare number is an HGNC id of one gene and the NCBI id of another: both come back.
    assert {match.gene.symbol for match in many["5310"].matches} == {"PKD1", "OTHER"}
    assert many["NOPE"].matches == []


def test_query_count_does_not_grow_with_the_identifiers(genes):
    with CaptureQueriesContext(connection) as few:
        selectors.gene_resolve_many(QUERIES[:3])
    with CaptureQueriesContext(connection) as many:
        selectors.gene_resolve_many(QUERIES * 20 + [f"MISSING{i}" for i in range(300)])
    assert len(many.captured_queries) <= 4
    assert len(few.captured_queries) <= len(many.captured_queries)
