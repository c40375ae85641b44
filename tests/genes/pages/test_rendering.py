"""Evidence details and charts render any shape safely (escaped, linked, missing keys ignored)."""

from __future__ import annotations

from genes.views.charts import Bar, columns, horizontal_bars, upset
from genes.views.evidence import MAX_TABLE_ROWS, detail_blocks, display_value


def test_identifiers_and_urls_become_links():
    assert display_value("pmids", "123") == (
        '<a href="https://pubmed.ncbi.nlm.nih.gov/123/">PMID:123</a>'
    )
    assert 'href="https://omim.org/entry/173900"' in display_value("x", "OMIM:173900")
    assert ">search.clinicalgenome.org<" in display_value(
        "report_url", "https://search.clinicalgenome.org/kb/gene-validity/CGGV:1"
    )
    assert display_value("count", 3) == "3"  # a number under a non-PMID key stays text


def test_values_are_escaped():
    assert display_value("disease", "<script>x</script>") == "&lt;script&gt;x&lt;/script&gt;"
    html = str(horizontal_bars([Bar("<b>", 1)], title="t<"))
    assert "<b>" not in html and "&lt;b&gt;" in html and "t&lt;" in html


def test_blocks_put_facts_before_tables_and_skip_empty_and_internal_keys():
    blocks = detail_blocks(
        {
            "panels": [{"region": "UK", "panel_id": 384, "panel_name": "Renal", "line": 7}],
            "regions": ["UK"],
            "max_rating": "green",
            "empty": [],
            "missing": None,
            "group_key": "internal",
        }
    )
    assert [(b.label, b.kind) for b in blocks] == [
        ("Regions", "list"),
        ("Max rating", "text"),
        ("Panels", "table"),
    ]
    table = blocks[-1]
    assert table.columns == ["Region", "Panel ID", "Panel name"]
    assert table.rows[0][2] == (
        '<a href="https://panelapp.genomicsengland.co.uk/panels/384/" rel="noopener">Renal</a>'
    )


def test_timestamps_show_their_date():
    assert display_value("date", "2021-03-02T16:00:00.000Z") == (
        '<time datetime="2021-03-02T16:00:00.000Z">2021-03-02</time>'
    )


def test_long_tables_are_capped_and_counted():
    records = [{"pmid": str(i)} for i in range(MAX_TABLE_ROWS + 5)]
    (block,) = detail_blocks({"publications": records})
    assert len(block.rows) == MAX_TABLE_ROWS and block.hidden_rows == 5


def test_missing_details_render_nothing():
    assert detail_blocks(None) == [] and detail_blocks({}) == []


def test_charts_handle_empty_and_zero_data():
    assert "<svg" in columns([], title="empty")
    assert "<svg" in horizontal_bars([Bar("a", 0)], title="zero")
    html = str(upset([("a", "A"), ("b", "B")], [(["a", "b"], 3), (["a"], 1)], title="u"))
    assert html.count('class="dot-on"') == 3 and html.count('class="dot-off"') == 1
