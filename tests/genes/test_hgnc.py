"""The HGNC loader: every layout, idempotence, withdrawals, and bad files leaving the DB alone."""

import gzip
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from genes.hgnc import HgncFormatError, hgnc_load
from genes.models import Gene, GeneStatus, GeneSymbol, HgncLoad, SymbolKind

pytestmark = pytest.mark.django_db

CURRENT_HEADER = [
    "hgnc_id",
    "symbol",
    "name",
    "locus_group",
    "locus_type",
    "status",
    "location",
    "alias_symbol",
    "alias_name",
    "prev_symbol",
    "prev_name",
    "gene_group",
    "gene_group_id",
    "date_approved_reserved",
    "date_symbol_changed",
    "date_name_changed",
    "date_modified",
    "entrez_id",
    "ensembl_gene_id",
    "vega_id",
    "ucsc_id",
    "ena",
    "refseq_accession",
    "ccds_id",
    "uniprot_ids",
    "pubmed_id",
    "mgd_id",
    "rgd_id",
    "lsdb",
    "cosmic",
    "omim_id",
    "mirbase",
    "homeodb",
    "snornabase",
    "bioparadigms_slc",
    "orphanet",
    "pseudogene.org",
    "horde_id",
    "merops",
    "imgt",
    "iuphar",
    "kznf_gene_catalog",
    "mamit-trnadb",
    "cd",
    "lncrnadb",
    "enzyme_id",
    "intermediate_filament_db",
    "rna_central_id",
    "lncipedia",
    "gtrnadb",
    "agr",
    "mane_select",
    "gencc",
]


def current_row(**values: str) -> str:
    return "\t".join(values.get(column, "") for column in CURRENT_HEADER)


PKD1 = current_row(
    hgnc_id="HGNC:9008",
    symbol="PKD1",
    name="polycystin 1",
    locus_group="protein-coding gene",
    locus_type="gene with protein product",
    status="Approved",
    location="16p13.3",
    alias_symbol='"PBP|Pc-1|TRPP1"',
    prev_symbol="",
    date_modified="2023-01-20",
    entrez_id="5310",
    ensembl_gene_id="ENSG00000008710",
    omim_id="601313",
    mane_select='"ENST00000262304.9|NM_001009944.3"',
)
PKD2 = current_row(
    hgnc_id="HGNC:9009",
    symbol="PKD2",
    name="polycystin 2",
    status="Approved",
    alias_symbol="PC2",
    prev_symbol="PKD4",
    entrez_id="5311",
    date_modified="2023-01-20",
)
NPHS2 = current_row(
    hgnc_id="HGNC:13394",
    symbol="NPHS2",
    name="NPHS2 stomatin family member",
    status="Approved",
    alias_symbol="PC2",
    entrez_id="7827",
    date_modified="2022-02-01",
)
WITHDRAWN = current_row(
    hgnc_id="HGNC:6",
    symbol="A1S9T",
    name="symbol withdrawn, see [HGNC:12469]",
    status="Symbol Withdrawn",
)


def write(tmp_path: Path, name: str, *rows: str, header=CURRENT_HEADER) -> Path:
    path = tmp_path / name
    path.write_text("\t".join(header) + "\n" + "".join(row + "\n" for row in rows))
    return path


def test_current_layout_loads_genes_symbols_and_lists(tmp_path):
    result = hgnc_load(path=write(tmp_path, "hgnc_2024-07-01.txt", PKD1, PKD2, NPHS2, WITHDRAWN))
    assert result.added == 4
    pkd1 = Gene.objects.get(hgnc_id=9008)
    assert pkd1.hgnc_curie == "HGNC:9008"
    assert pkd1.entrez_id == 5310
    assert pkd1.omim_ids == ["601313"]
    assert pkd1.mane_select == ["ENST00000262304.9", "NM_001009944.3"]
    assert str(pkd1.hgnc_release) == "2024-07-01"
    assert sorted(pkd1.symbols.values_list("symbol", flat=True)) == ["PBP", "Pc-1", "TRPP1"]
    assert GeneSymbol.objects.get(symbol_upper="PKD4").kind == SymbolKind.PREVIOUS
    withdrawn = Gene.objects.get(hgnc_id=6)
    assert withdrawn.status == GeneStatus.WITHDRAWN
    assert withdrawn.merged_into == [12469]
    assert "Symbol Withdrawn" in withdrawn.withdrawn_note


def test_reloading_the_same_file_changes_nothing(tmp_path):
    path = write(tmp_path, "hgnc.txt", PKD1, PKD2, NPHS2)
    hgnc_load(path=path)
    before = list(Gene.objects.order_by("hgnc_id").values())
    symbols_before = list(GeneSymbol.objects.order_by("pk").values())
    second = hgnc_load(path=path)
    assert (second.added, second.updated, second.withdrawn, second.unchanged) == (0, 0, 0, 3)
    assert list(Gene.objects.order_by("hgnc_id").values()) == before
    assert list(GeneSymbol.objects.order_by("pk").values()) == symbols_before
    assert HgncLoad.objects.count() == 2


def test_newer_file_updates_adds_and_withdraws(tmp_path):
    hgnc_load(path=write(tmp_path, "old.txt", PKD1, PKD2))
    renamed = PKD2.replace("polycystin 2", "polycystin 2, transient receptor").replace(
        "\tPC2\t", "\tPC2|TRPP2\t"
    )
    result = hgnc_load(path=write(tmp_path, "new.txt", renamed, NPHS2))
    assert (result.added, result.updated, result.withdrawn) == (1, 1, 1)
    assert Gene.objects.get(hgnc_id=9009).name == "polycystin 2, transient receptor"
    pkd1 = Gene.objects.get(hgnc_id=9008)
    assert pkd1.status == GeneStatus.WITHDRAWN
    assert "Not in HGNC file new.txt" in pkd1.withdrawn_note


def test_old_49_column_layout_with_gene_family_and_location_sortable(tmp_path):
    header = [
        "hgnc_id",
        "symbol",
        "name",
        "locus_group",
        "locus_type",
        "status",
        "location",
        "location_sortable",
        "alias_symbol",
        "alias_name",
        "prev_symbol",
        "prev_name",
        "gene_family",
        "gene_family_id",
        "date_modified",
        "entrez_id",
        "ensembl_gene_id",
        "omim_id",
    ]
    row = "\t".join(
        [
            "HGNC:9008",
            "PKD1",
            "polycystin 1",
            "protein-coding gene",
            "gene with protein product",
            "Approved",
            "16p13.3",
            "16p13.3",
            '"PBP|Pc-1"',
            "",
            "",
            "",
            "",
            "",
            "2018-01-01",
            "5310",
            "ENSG00000008710",
            "601313",
        ]
    )
    path = tmp_path / "hgnc_complete_set.txt.gz"
    path.write_bytes(gzip.compress(("\t".join(header) + "\n" + row + "\n").encode()))
    result = hgnc_load(path=path)
    assert result.load.file_layout.startswith("tsv")
    assert Gene.objects.get(hgnc_id=9008).location == "16p13.3"


def test_json_complete_set(tmp_path):
    document = {
        "responseHeader": {"status": 0},
        "response": {
            "numFound": 1,
            "docs": [
                {
                    "hgnc_id": "HGNC:9008",
                    "symbol": "PKD1",
                    "name": "polycystin 1",
                    "status": "Approved",
                    "alias_symbol": ["PBP", "TRPP1"],
                    "entrez_id": "5310",
                    "omim_id": ["601313"],
                    "date_modified": "2023-01-20",
                }
            ],
        },
    }
    path = tmp_path / "hgnc_complete_set.json"
    path.write_text(json.dumps(document))
    result = hgnc_load(path=path)
    assert result.load.file_layout == "json"
    assert set(Gene.objects.get(hgnc_id=9008).symbols.values_list("symbol", flat=True)) == {
        "PBP",
        "TRPP1",
    }


def test_custom_download_layout(tmp_path):
    header = [
        "HGNC ID",
        "Approved symbol",
        "Approved name",
        "Status",
        "Alias symbols",
        "NCBI Gene ID(supplied by NCBI)",
        "Previous symbols",
        "Ensembl gene ID",
        "Locus type",
    ]
    rows = [
        ["HGNC:9008", "PKD1", "polycystin 1", "Approved", "PBP, TRPP1", "5310", "", "ENSG1", "x"],
        [
            "HGNC:9",
            "A2MR",
            "symbol withdrawn, see [HGNC:6692](/data/x)",
            "Symbol Withdrawn",
            "",
            "",
            "",
            "",
            "unknown",
        ],
    ]
    path = tmp_path / "custom.tsv"
    path.write_text("\n".join("\t".join(r) for r in [header, *rows]) + "\n")
    hgnc_load(path=path)
    assert Gene.objects.get(hgnc_id=9).merged_into == [6692]
    assert Gene.objects.get(hgnc_id=9008).symbols.count() == 2


@pytest.mark.parametrize(
    "content, problem",
    [
        ("", "file is empty"),
        ("<!DOCTYPE html><html><body>503 Service Unavailable</body></html>", "HTML page"),
        ("hgnc_id\tsymbol\nHGNC:1\tA\n", "expected a tab-separated HGNC header"),
        ("hgnc_id\tsymbol\tname\tlocus_group\nHGNC:1\tA\tB\tC\n", "missing HGNC columns status"),
        ("a,b,c,d\n1,2,3,4\n", "tab-separated HGNC header"),
    ],
)
def test_bad_files_name_the_problem(tmp_path, content, problem):
    path = tmp_path / "bad.txt"
    path.write_text(content)
    with pytest.raises(HgncFormatError, match=problem):
        hgnc_load(path=path)


def test_truncated_file_leaves_database_unchanged(tmp_path):
    hgnc_load(path=write(tmp_path, "good.txt", PKD1, PKD2))
    before = list(Gene.objects.order_by("hgnc_id").values())
    truncated = write(tmp_path, "truncated.txt", PKD1.replace("Approved", "Approved"), NPHS2)
    text = truncated.read_text()
    truncated.write_text(text[: text.rindex("\tApproved") + 5])
    with pytest.raises(CommandError) as error:
        call_command("load_hgnc", file=truncated)
    message = str(error.value)
    assert "truncated.txt: line 3" in message and "truncated" in message
    assert list(Gene.objects.order_by("hgnc_id").values()) == before
    assert HgncLoad.objects.count() == 1


def test_truncated_gzip_is_a_clear_error(tmp_path):
    data = gzip.compress(("\t".join(CURRENT_HEADER) + "\n" + (PKD1 + "\n") * 50).encode())
    path = tmp_path / "cut.txt.gz"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(HgncFormatError, match="truncated or corrupt"):
        hgnc_load(path=path)
    assert Gene.objects.count() == 0


def test_wrong_encoding_is_a_clear_error(tmp_path):
    path = tmp_path / "latin1.txt"
    path.write_bytes(
        ("\t".join(CURRENT_HEADER) + "\n").encode()
        + PKD1.replace("polycystin 1", "polycystine \xe9").encode("latin-1")
        + b"\n"
    )
    with pytest.raises(HgncFormatError, match="not UTF-8"):
        hgnc_load(path=path)


def test_demo_snapshot_loads(demo_dir):
    result = hgnc_load(path=demo_dir / "hgnc" / "hgnc_complete_set.txt")
    assert result.added > 300
    assert Gene.objects.filter(symbol="PKD1", status=GeneStatus.APPROVED).exists()


@pytest.mark.slow
def test_full_2018_release_gives_42741_genes_and_reload_changes_nothing(shared_data):
    path = shared_data / "hgnc" / "hgnc_complete_set.2018-11.full.txt.gz"
    first = hgnc_load(path=path)
    assert Gene.objects.count() == 42741
    assert Gene.objects.filter(status=GeneStatus.WITHDRAWN).count() == 1179
    assert first.added == 42741
    second = hgnc_load(path=path)
    assert (second.added, second.updated, second.withdrawn) == (0, 0, 0)
    assert second.unchanged == 42741
