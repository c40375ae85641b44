"""Property tests (Hypothesis): normaliser, replay matcher, upload parsers and scoring.

Example counts are bounded (`max_examples` ~50, no deadline) so the module stays fast in CI.
Database-backed properties run on the demo snapshot; each example works inside its own
savepoint so examples do not see each other's writes.
"""

from __future__ import annotations

from urllib.parse import quote, urlencode

import pytest
from django.db import transaction
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from common.fetching import request_key
from genes.models import Evidence, Gene, GeneScore, GeneStatus
from genes.normalise import Outcome, clean_symbol, normalise_symbol
from pipeline.sources.base import SourceFormatError
from pipeline.sources.diagnostic_panels import DiagnosticPanelsSource
from pipeline.sources.literature import LiteratureSource

BOUNDED = settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


# Normaliser --------------------------------------------------------------------------------------


@BOUNDED
@given(st.text(max_size=80))
def test_clean_symbol_never_crashes_and_is_idempotent(text):
    cleaned = clean_symbol(text)
    assert cleaned is None or (cleaned == cleaned.upper() and 0 < len(cleaned) <= 40)
    if cleaned is not None:
        assert clean_symbol(cleaned) == cleaned


@BOUNDED
@given(st.binary(max_size=40).map(lambda data: data.decode("latin-1")))
def test_clean_symbol_accepts_any_decoded_bytes(text):
    clean_symbol(text)


def _mixed_case(symbol: str, flips: list[bool]) -> str:
    return (
        "".join(
            char.lower() if flip else char.upper()
            for char, flip in zip(symbol, flips, strict=False)
        )
        + symbol[len(flips) :]
    )


@pytest.mark.django_db
@BOUNDED
@given(data=st.data())
def test_approved_symbol_in_any_case_resolves_to_its_gene(demo_loaded, data):
    symbols = sorted(
        Gene.objects.filter(status=GeneStatus.APPROVED).values_list("symbol", "hgnc_id")
    )
    symbol, hgnc_id = data.draw(st.sampled_from(symbols))
    flips = data.draw(st.lists(st.booleans(), max_size=len(symbol)))
    padding = data.draw(st.sampled_from(["", " ", "\t", '"']))
    query = f"{padding}{_mixed_case(symbol, flips)}{padding}"
    result = normalise_symbol(query)
    assert result.outcome == Outcome.RESOLVED, (query, result)
    assert result.gene_id == hgnc_id


@pytest.mark.django_db
@BOUNDED
@given(st.text(max_size=60))
def test_normaliser_answers_any_text_with_an_outcome(demo_loaded, text):
    result = normalise_symbol(text)
    assert result.outcome in set(Outcome)
    assert (result.gene_id is not None) == (result.outcome == Outcome.RESOLVED)


# Snapshot replay matcher --------------------------------------------------------------------------

PARAM_NAMES = st.text(alphabet="abcdefghijklmnop_[]", min_size=1, max_size=8)
PARAM_VALUES = st.text(max_size=12)


@BOUNDED
@given(
    st.dictionaries(PARAM_NAMES, PARAM_VALUES, max_size=5),
    st.randoms(use_true_random=False),
)
def test_request_key_ignores_query_parameter_order(params, random):
    items = list(params.items())
    shuffled = items[:]
    random.shuffle(shuffled)
    base = "https://panelapp.example.org/api/v1/panels/"
    first = f"{base}?{urlencode(items)}"
    second = f"{base}?{urlencode(shuffled)}"
    assert request_key(first) == request_key(second)


@BOUNDED
@given(st.dictionaries(PARAM_NAMES, PARAM_VALUES, min_size=1, max_size=4))
def test_request_key_treats_percent_encodings_alike(params):
    """`quote` (%20) and `quote_plus` (+) spellings, and upper-case hosts, are one request."""
    base = "https://www.ncbi.nlm.nih.gov/research/pubtator3-api/search/"
    encoded = f"{base}?{urlencode(params, quote_via=quote)}"
    plus = f"{base.replace('www.ncbi', 'WWW.NCBI')}?{urlencode(params)}"
    assert request_key(encoded) == request_key(plus)


@BOUNDED
@given(PARAM_VALUES, PARAM_VALUES)
def test_request_key_tells_different_values_apart(first, second):
    assume(first != second)
    base = "https://example.org/search/?page=1&text="
    assert request_key(base + quote(first)) != request_key(base + quote(second))


# Upload parsers -----------------------------------------------------------------------------------

HEADERS = {
    LiteratureSource: b"pmid,gene_symbol,hgnc_id,title\n",
    DiagnosticPanelsSource: b"provider\tpanel\tgene_symbol\thgnc_id\n",
}


@BOUNDED
@given(
    source=st.sampled_from(sorted(HEADERS, key=lambda cls: cls.__name__)),
    body=st.binary(max_size=400),
    with_header=st.booleans(),
    name=st.sampled_from(["list.csv", "list.tsv", "list.xlsx", "list.txt"]),
)
def test_upload_parsers_raise_only_the_format_error(source, body, with_header, name):
    content = (HEADERS[source] if with_header else b"") + body
    try:
        records = source.parse_rows(name, content)
    except SourceFormatError as error:
        assert name in str(error)
        return
    assert isinstance(records, list)


CELLS = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    max_size=15,
)


@BOUNDED
@given(st.lists(st.tuples(CELLS, CELLS, CELLS, CELLS), max_size=8))
def test_literature_parser_on_wellformed_csv_of_arbitrary_cells(rows):
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["pmid", "gene_symbol", "hgnc_id", "title"])
    writer.writerows(rows)
    try:
        records = LiteratureSource.parse_rows("list.csv", buffer.getvalue().encode())
    except SourceFormatError as error:
        assert "list.csv" in str(error)
        return
    assert all(record.data["pmid"].isdigit() for record in records)


# Scoring ------------------------------------------------------------------------------------------

SCORE_FIELDS = [
    field.name
    for field in GeneScore._meta.concrete_fields
    if field.name not in ("id", "gene", "computed_at", "data_version")
]
COUNT_COLUMNS = {
    "panelapp": "supporting_panel_count",
    "literature": "publication_count",
    "diagnostic-panels": "panel_count",
    "pubtator": "mention_pair_count",
}


def _scores() -> dict[int, tuple]:
    return {row[0]: row[1:] for row in GeneScore.objects.values_list("gene_id", *SCORE_FIELDS)}


@pytest.mark.django_db
@BOUNDED
@given(data=st.data())
def test_adding_evidence_never_lowers_classic_counts_and_recompute_is_idempotent(demo_loaded, data):
    from genes.scoring import scores_recompute

    gene_ids = sorted(Gene.objects.values_list("hgnc_id", flat=True))
    gene_id = data.draw(st.sampled_from(gene_ids))
    source = data.draw(st.sampled_from(sorted([*COUNT_COLUMNS, "hpo"])))
    extra = data.draw(st.integers(min_value=0, max_value=50))
    with transaction.atomic():
        scores_recompute()
        before = dict(GeneScore.objects.values_list("gene_id", "evidence_count"))
        evidence, created = Evidence.objects.get_or_create(
            gene_id=gene_id, source=source, defaults={"details": {}}
        )
        column = COUNT_COLUMNS.get(source)
        if column:
            setattr(evidence, column, (getattr(evidence, column) or 0) + extra)
            evidence.save()
        scores_recompute()
        first = _scores()
        after = dict(GeneScore.objects.values_list("gene_id", "evidence_count"))
        scores_recompute()
        second = _scores()
        transaction.set_rollback(True)
    for other, count in before.items():
        assert after.get(other, 0) >= count, (other, source, extra, created)
    assert gene_id in after
    assert first == second
    score_index = SCORE_FIELDS.index("score")
    assert all(0 <= row[score_index] <= 100 for row in first.values())
