"""PanelApp UK + Australia: kidney panel selection and gene entities from real responses."""

from __future__ import annotations

import json

import pytest

from genes.models import Evidence
from pipeline.models import RunStatus
from pipeline.services import source_run_execute
from pipeline.sources.panelapp import PanelAppSource, is_kidney_panel, moi_short, omim_ids
from tests.pipeline.conftest import snapshot_write

UK = "https://panelapp.genomicsengland.co.uk/api/v1"
AU = "https://panelapp-aus.org/api/v1"
INCLUDE, EXCLUDE = ["kidney", "renal", "nephro"], ["adrenal"]


@pytest.mark.parametrize(
    ("name", "kidney"),
    [
        ("Renal Macrocystic Disease", True),
        ("Cystic kidney disease", True),
        ("Nephrotic syndrome", True),
        ("CAKUT - congenital anomalies of the KIDNEY", True),
        ("Adrenal insufficiency", False),
        ("Congenital adrenal hyperplasia and renal", False),
        ("Familial melanoma", False),
    ],
)
def test_kidney_panels_are_chosen_by_name(name, kidney):
    assert is_kidney_panel(name, INCLUDE, EXCLUDE) is kidney


def test_moi_and_omim_ids_are_normalised():
    assert moi_short("BIALLELIC, autosomal or pseudoautosomal") == "AR"
    assert moi_short("MONOALLELIC, autosomal or pseudoautosomal, not imprinted") == "AD"
    assert (
        moi_short("X-LINKED: hemizygous mutation in males, biallelic mutations in females") == "XL"
    )
    assert moi_short("Unknown") == moi_short(None) == ""
    assert omim_ids(["Polycystic kidney disease 1, MIM# 173900", "X, OMIM:614327", "Y 600995"]) == [
        "173900", "600995", "614327",
    ]  # fmt: skip


def test_real_gel_panel_details_become_one_record_per_gene(shared_data):
    lines = (shared_data / "panelapp" / "gel_panel_details_522_1141_399.scout.jsonl").read_text()
    for line in lines.splitlines():
        panel = json.loads(line)
        records = PanelAppSource.panel_records(panel, "UK")
        genes = [g for g in panel["genes"] if g["entity_type"] == "gene"]
        assert len(records) == len(genes)
        for record, entity in zip(records, genes, strict=True):
            assert record.hgnc_id == entity["gene_data"]["hgnc_id"]
            assert record.data["confidence_level"] == int(entity["confidence_level"])
            assert record.data["panel_id"] == panel["id"]
            assert record.data["panel_version"] == panel["version"]
            assert record.data["publications"] == entity["publications"]


def test_real_au_panel_without_regions_key_parses(shared_data):
    panel = json.loads((shared_data / "panelapp" / "au_panel_3149.json").read_text())
    records = PanelAppSource.panel_records(panel, "AU")
    assert records and {r.data["region"] for r in records} == {"AU"}


def real_snapshot(shared_data, tmp_path):
    """Real list pages plus the real AU PKD1 entity on panel 194 (Renal Macrocystic Disease)."""
    folder = shared_data / "panelapp"
    uk_list = json.loads((folder / "uk_panels_page1.json").read_text())
    au_list = json.loads((folder / "au_panels_page1.json").read_text())
    pkd1 = json.loads((folder / "au_genes_pkd1.json").read_text())
    listing = next(r for r in pkd1["results"] if r["panel"]["id"] == 194)
    panel = listing.pop("panel")
    au_list["results"].append(panel)
    # The samples keep one page of a longer list; a list whose `count` disagrees with what was
    # read is refused as incomplete, so the counts say one page.
    for listing_page in (uk_list, au_list):
        listing_page["count"], listing_page["next"] = len(listing_page["results"]), None
    return snapshot_write(
        tmp_path / "panelapp",
        {
            f"{UK}/panels/?page=1": uk_list,
            f"{AU}/panels/?page=1": au_list,
            f"{AU}/panels/194/": {**panel, "genes": [listing], "strs": []},
        },
    )


@pytest.mark.django_db
def test_real_samples_ingest_pkd1_from_the_renal_panel(shared_data, tmp_path, demo_genes):
    run = source_run_execute(
        source="panelapp", mode="replay", snapshot_dir=real_snapshot(shared_data, tmp_path)
    )
    assert run.status == RunStatus.COMPLETED, run.error
    evidence = Evidence.objects.get(source="panelapp")
    assert evidence.gene.symbol == "PKD1"
    panel = evidence.details["panels"][0]
    assert (panel["region"], panel["panel_id"], panel["rating"]) == ("AU", 194, "green")
    assert panel["panel_name"] == "Renal Macrocystic Disease"
    assert "173900" in panel["omim_ids"]
    assert evidence.supporting_panel_count == 1


def test_summary_counts_panels_once_and_green_amber_as_supporting():
    base = {"region": "UK", "moi": "AD", "omim_ids": [], "publications": ["1"]}
    summary = PanelAppSource.summarise(
        [
            {**base, "panel_id": 1, "confidence_level": 3},
            {**base, "panel_id": 1, "confidence_level": 1},
            {**base, "panel_id": 2, "confidence_level": 2},
            {**base, "region": "AU", "panel_id": 2, "confidence_level": 1},
        ]
    )
    assert summary.panel_count == 3 and summary.supporting_panel_count == 2
    assert summary.details["max_rating"] == "green"
