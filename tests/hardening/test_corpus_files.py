"""Bad-input corpus for local files: HGNC, curated uploads and annotation files.

Each bad file must be refused with an error naming the file and the problem (and a line where
there is one), and leave every table byte-for-byte as it was — apart from a failed run's row.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from annotations.models import RunStatus as AnnotationStatus
from annotations.services import annotation_run_execute
from genes.hgnc import HgncFormatError, hgnc_load
from pipeline.services.uploads import UploadError, upload_commit
from tests.conftest import DEMO_DIR
from tests.hardening import badfiles

pytestmark = pytest.mark.django_db

# Corruptions shared by every delimited text file: name → (function of good bytes and the
# file's delimiter, words the error must contain).
TEXT_CORRUPTIONS = {
    "empty": (lambda good, sep: badfiles.empty(good), ("empty",)),
    "truncated": (lambda good, sep: badfiles.truncated_mid_row(good), ("line|row",)),
    "utf16": (lambda good, sep: badfiles.utf16(good), ("UTF-8",)),
    "latin1": (lambda good, sep: badfiles.latin1(good), ("UTF-8",)),
    "html": (lambda good, sep: badfiles.html_page(good), ("HTML",)),
    "huge_field": (lambda good, sep: badfiles.huge_field(good), ()),
    "wrong_delimiter": (lambda good, sep: badfiles.wrong_delimiter(good, sep), ()),
    "zip": (lambda good, sep: badfiles.zip_of(good), ()),
}


def _assert_clear(message: str, file_name: str, words: tuple[str, ...]) -> None:
    assert file_name in message, f"{file_name!r} not named in {message[:300]!r}"
    for word in words:
        found = any(option.lower() in message.lower() for option in word.split("|"))
        assert found, f"{word!r} not in {message[:300]!r}"
    assert len(message) < 5000, f"error message of {len(message)} characters"
    assert "Traceback" not in message


# HGNC ------------------------------------------------------------------------------------------

HGNC_FILE = DEMO_DIR / "hgnc" / "hgnc_complete_set.txt"
HGNC_CASES = {
    **TEXT_CORRUPTIONS,
    "missing_column": (
        lambda good, sep: good.replace(b"\tstatus\t", b"\tstate\t", 1),
        ("missing", "status"),
    ),
    "duplicate_rows": (lambda good, sep: badfiles.duplicate_rows(good), ("duplicate",)),
    "xlsx_bomb": (lambda good, sep: badfiles.xlsx_bomb_sheet(), ()),
}


@pytest.mark.parametrize("corruption", sorted(HGNC_CASES))
def test_bad_hgnc_file_is_refused_and_keeps_database(ledger, tmp_path, corruption):
    make, words = HGNC_CASES[corruption]
    path = tmp_path / "hgnc_complete_set.txt"
    path.write_bytes(make(HGNC_FILE.read_bytes(), b"\t"))
    with pytest.raises(HgncFormatError) as caught:
        hgnc_load(path=path)
    _assert_clear(str(caught.value), "hgnc_complete_set.txt", words)
    ledger.assert_unchanged(allow_failed_runs=False)


# Uploads ---------------------------------------------------------------------------------------

UPLOADS = {
    "literature": (DEMO_DIR / "uploads" / "literature.csv", b",", b"pmid"),
    "diagnostic-panels": (DEMO_DIR / "uploads" / "diagnostic_panels.tsv", b"\t", b"provider"),
}
UPLOAD_CASES = {
    **TEXT_CORRUPTIONS,
    "missing_column": (None, ("missing",)),
    "xlsx_bomb_sheet": (lambda good, sep: badfiles.xlsx_bomb_sheet(), ("bomb",)),
    "xlsx_bomb_strings": (lambda good, sep: badfiles.xlsx_bomb_shared_strings(), ("bomb",)),
    "xlsx_named_but_csv": ("rename", ("XLSX",)),
}


@pytest.mark.parametrize("corruption", sorted(UPLOAD_CASES))
@pytest.mark.parametrize("source", sorted(UPLOADS))
def test_bad_upload_is_refused_and_keeps_database(ledger, source, corruption):
    path, delimiter, column = UPLOADS[source]
    make, words = UPLOAD_CASES[corruption]
    good, name = path.read_bytes(), path.name
    if make is None:
        content = badfiles.missing_column(good, column, delimiter)
    elif make == "rename":
        content, name = good, path.stem + ".xlsx"
    else:
        content = make(good, delimiter)
    with pytest.raises(UploadError) as caught:
        upload_commit(source=source, file_name=name, content=content, user=None)
    _assert_clear(str(caught.value), name, words)
    ledger.assert_unchanged(allow_failed_runs=False)


@pytest.mark.parametrize("source", sorted(UPLOADS))
def test_duplicated_upload_rows_count_once(ledger, source):
    """A file listing each row twice gives the same evidence counts as the file once."""
    from genes.models import Evidence

    path = UPLOADS[source][0]
    columns = ("gene_id", "panel_count", "publication_count")
    before = sorted(Evidence.objects.filter(source=source).values_list(*columns))
    content = badfiles.duplicate_rows(path.read_bytes())
    upload_commit(source=source, file_name=path.name, content=content, mode="replace")
    assert sorted(Evidence.objects.filter(source=source).values_list(*columns)) == before


# Annotation files ------------------------------------------------------------------------------

ANNOTATIONS = DEMO_DIR / "annotations"
# provider → (file to corrupt, other files it needs, delimiter)
ANNOTATION_FILES = {
    "gnomad": (ANNOTATIONS / "gnomad" / "constraint_metrics.tsv", (), b"\t"),
    "clinvar": (ANNOTATIONS / "clinvar" / "gene_specific_summary.txt", (), b"\t"),
    "gtex": (ANNOTATIONS / "gtex" / "gene_median_tpm.gct", (), b"\t"),
    "string": (
        ANNOTATIONS / "string" / "protein.links.txt",
        (ANNOTATIONS / "string" / "protein.info.txt",),
        b" ",
    ),
}
ANNOTATION_CASES = {
    **{name: (make, ()) for name, (make, _) in TEXT_CORRUPTIONS.items()},
    "missing_column": ("header", ()),
    "xlsx_bomb": (lambda good, sep: badfiles.xlsx_bomb_sheet(), ()),
}


def _header_renamed(good: bytes, delimiter: bytes) -> bytes:
    """Rename the second cell of the header line (the first line not starting with '#1.')."""
    lines = good.splitlines(keepends=True)
    index = 2 if lines[0].startswith(b"#1.") else 0
    if lines[0].startswith(b"#Overview"):
        index = 1
    cells = lines[index].split(delimiter)
    cells[1] = b"renamed_" + cells[1]
    lines[index] = delimiter.join(cells)
    return b"".join(lines)


def _annotation_params():
    for provider in sorted(ANNOTATION_FILES):
        for corruption in sorted(ANNOTATION_CASES):
            yield pytest.param(provider, corruption, id=f"{provider}-{corruption}")


@pytest.mark.parametrize(("provider", "corruption"), list(_annotation_params()))
def test_bad_annotation_file_fails_run_and_keeps_database(ledger, tmp_path, provider, corruption):
    good_path, others, delimiter = ANNOTATION_FILES[provider]
    make, words = ANNOTATION_CASES[corruption]
    good = good_path.read_bytes()
    content = _header_renamed(good, delimiter) if make == "header" else make(good, delimiter)
    bad_path = tmp_path / good_path.name
    bad_path.write_bytes(content)
    run = annotation_run_execute(provider=provider, files=[bad_path, *others])
    assert run.status == AnnotationStatus.FAILED, f"{provider} accepted the bad file"
    _assert_clear(run.error, good_path.name, words)
    ledger.assert_unchanged()
    assert [status for status, _ in ledger.new_runs("annotations_annotationrun")] == ["failed"]


def test_annotation_file_of_the_wrong_provider_is_refused(ledger):
    path: Path = ANNOTATION_FILES["clinvar"][0]
    run = annotation_run_execute(provider="gnomad", files=[path])
    assert run.status == AnnotationStatus.FAILED
    _assert_clear(run.error, path.name, ("not recognised",))
    ledger.assert_unchanged()
