"""Builders for small files in the real provider formats, so each test states its own rows."""

from __future__ import annotations

import csv
import io

import pytest

CLINGEN_HEADER = [
    "GENE SYMBOL",
    "GENE ID (HGNC)",
    "DISEASE LABEL",
    "DISEASE ID (MONDO)",
    "MOI",
    "SOP",
    "CLASSIFICATION",
    "ONLINE REPORT",
    "CLASSIFICATION DATE",
    "GCEP",
]
GENCC_SHARED_COLUMNS = [
    "gene_curie", "gene_symbol", "disease_curie", "disease_title", "disease_original_curie",
    "disease_original_title", "classification_curie", "classification_title", "moi_curie",
    "moi_title", "submitter_curie", "submitter_title", "submitted_as_hgnc_id",
    "submitted_as_hgnc_symbol", "submitted_as_disease_id", "submitted_as_disease_name",
    "submitted_as_moi_id", "submitted_as_moi_name", "submitted_as_submitter_id",
    "submitted_as_submitter_name", "submitted_as_classification_id",
    "submitted_as_classification_name", "submitted_as_date", "submitted_as_public_report_url",
    "submitted_as_notes", "submitted_as_pmids", "submitted_as_assertion_criteria_url",
    "submitted_as_submission_id", "submitted_run_date",
]  # fmt: skip
GENCC_LEGACY_HEADER = ["uuid", *GENCC_SHARED_COLUMNS]
GENCC_NEW_HEADER = ["sgc_id", "version_number", *GENCC_SHARED_COLUMNS]


def clingen_row(
    symbol: str,
    hgnc_id: str,
    disease: str,
    classification: str = "Definitive",
    gcep: str = "Kidney Cystic and Ciliopathy Disorders",
    assertion: str = "00000000-0000-0000-0000-000000000001",
    date: str = "2022-01-01T00:00:00.000Z",
) -> list[str]:
    report = (
        "https://search.clinicalgenome.org/kb/gene-validity/"
        f"CGGV:assertion_{assertion}-{date.replace(':', '')}"
    )
    return [symbol, hgnc_id, disease, "MONDO:0000001", "AD", "SOP8", classification, report, date,
            gcep]  # fmt: skip


def clingen_csv(rows: list[list[str]], created: str = "2024-05-01") -> bytes:
    """A ClinGen gene-validity download: preamble, separators, header, separator, rows."""
    width = len(CLINGEN_HEADER)

    def padded(first: str) -> list[str]:
        return [first] + [""] * (width - 1)

    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator="\n")
    writer.writerow(padded("CLINGEN GENE DISEASE VALIDITY CURATIONS"))
    writer.writerow(padded(f"FILE CREATED: {created}"))
    writer.writerow(padded("WEBPAGE: https://search.clinicalgenome.org/kb/gene-validity"))
    writer.writerow(["+++++++"] * width)
    writer.writerow(CLINGEN_HEADER)
    writer.writerow(["+++++++"] * width)
    writer.writerows(rows)
    return buffer.getvalue().encode()


def gencc_row(
    submission_id: str,
    hgnc_id: str,
    symbol: str,
    disease: str,
    classification: str = "Definitive",
    submitter: str = "Ambry Genetics",
    pmids: str = "PMID: 123456",
    date: str = "2020-01-02 10:00:00",
    run_date: str = "2024-01-15",
) -> dict[str, str]:
    return {
        "uuid": submission_id,
        "sgc_id": submission_id,
        "version_number": "1",
        "gene_curie": hgnc_id,
        "gene_symbol": symbol,
        "disease_curie": "MONDO:0000001",
        "disease_title": disease,
        "classification_curie": "",
        "classification_title": classification,
        "moi_curie": "HP:0000006",
        "moi_title": "Autosomal dominant",
        "submitter_curie": "GENCC:000101",
        "submitter_title": submitter,
        "submitted_as_date": date,
        "submitted_as_pmids": pmids,
        "submitted_run_date": run_date,
    }


def gencc_table(rows: list[dict[str, str]], layout: str = "legacy", delimiter: str = "\t") -> bytes:
    header = GENCC_LEGACY_HEADER if layout == "legacy" else GENCC_NEW_HEADER
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, quoting=csv.QUOTE_ALL, lineterminator="\n")
    writer.writerow(header)
    writer.writerows([[row.get(column, "") for column in header] for row in rows])
    return buffer.getvalue().encode()


def xlsx_bytes(rows: list[list[object]]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def gencc_legacy_from_clingen(shared_data) -> bytes:
    """Real ClinGen assertions in GenCC vocabulary, placed into the real legacy header."""
    path = shared_data / "gencc" / "clingen_submission_in_gencc_vocab.2024-01.noheader.csv"
    rows = []
    with path.open(newline="", encoding="utf-8") as handle:
        for cells in csv.reader(handle):
            rows.append(
                {
                    "uuid": cells[0],
                    "gene_curie": cells[1],
                    "gene_symbol": cells[2],
                    "disease_curie": cells[3],
                    "disease_title": cells[4],
                    "moi_curie": cells[5],
                    "moi_title": cells[6],
                    "submitter_curie": cells[7],
                    "submitter_title": cells[8],
                    "classification_curie": cells[9],
                    "classification_title": cells[10],
                    "submitted_as_date": cells[11],
                    "submitted_as_public_report_url": cells[12],
                    "submitted_as_pmids": cells[14],
                    "submitted_run_date": "2024-01-20",
                }
            )
    return gencc_table(rows, layout="legacy")
