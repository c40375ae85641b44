"""Rules defined once and read everywhere: tier colours, HGNC ids, STRING threshold, formats."""

from __future__ import annotations

import re

import pytest

from annotations.api.serializers import NetworkQuerySerializer
from genes.exports import EXPORT_CONTENT_TYPES, EXPORT_FORMATS
from genes.models import EVIDENCE_SUMMARY_FIELDS, Evidence, Tier
from genes.normalise import parse_hgnc_id
from pipeline.sources.base import EvidenceSummary


def test_the_tier_stylesheet_emits_every_tier_colour_from_the_choice(client):
    response = client.get("/tiers.css")
    assert response["Content-Type"].startswith("text/css")
    css = response.content.decode()
    for tier in Tier:
        assert f"--tier-{tier.value}: {tier.colour};" in css
        assert f".tier-{tier.value} {{ background: var(--tier-{tier.value}); }}" in css
        assert f".chart .tier-bar-{tier.value} {{ fill: var(--tier-{tier.value}); }}" in css


@pytest.mark.django_db
def test_pages_load_the_tier_stylesheet_and_site_css_names_no_tier_colour(client, settings):
    html = client.get("/about/").content.decode()
    assert '<link rel="stylesheet" href="/tiers.css">' in html
    site_css = (settings.BASE_DIR / "static" / "css" / "site.css").read_text()
    for tier in Tier:
        assert tier.colour not in site_css, f"{tier.value}'s colour is restated in site.css"


def test_the_network_drawing_takes_its_colours_from_the_choice(client, db):
    html = client.get("/network/").content.decode()
    match = re.search(r'<script id="tier-colours" type="application/json">(.*?)</script>', html)
    assert match, "the network page embeds the tier colours"
    for tier in Tier:
        assert f'"{tier.value}": "{tier.colour}"' in match.group(1)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("HGNC:9008", 9008),
        (" hgnc:9008 ", 9008),
        ("9008", 9008),
        (9008, 9008),
        ("0", None),
        (0, None),
        ("²", None),
        ("٩٠٠٨", None),
        ("1" * 30, None),
        (2**40, None),
        ("HGNC:", None),
        ("PKD1", None),
        ("", None),
        (None, None),
    ],
)
def test_one_reading_of_an_hgnc_id(raw, expected):
    assert parse_hgnc_id(raw) == expected


def test_the_string_threshold_default_follows_the_annotation_setting(settings):
    serializer = NetworkQuerySerializer(data={})
    serializer.is_valid()
    assert serializer.validated_data["min_score"] == 400
    settings.ANNOTATION_OVERRIDES = {"string_min_score": 700}
    serializer = NetworkQuerySerializer(data={})
    serializer.is_valid()
    assert serializer.validated_data["min_score"] == 700


def test_export_formats_are_the_formats_with_a_media_type():
    assert EXPORT_FORMATS == tuple(EXPORT_CONTENT_TYPES) == ("tsv", "csv", "json")


def test_the_summary_fields_are_columns_of_evidence_and_fields_of_a_summary():
    columns = {field.name for field in Evidence._meta.get_fields()}
    assert set(EVIDENCE_SUMMARY_FIELDS) <= columns
    assert set(EVIDENCE_SUMMARY_FIELDS) <= set(EvidenceSummary.__dataclass_fields__)
