"""JSON:API-style resource objects for genes, evidence and identity matches.

Serializers only shape rows the selectors already loaded; they never query.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any
from urllib.parse import quote

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from genes.config import CLASSIC_SOURCES, SCORE_COLUMNS
from genes.models import (
    EVIDENCE_SUMMARY_FIELDS,
    Evidence,
    Gene,
    GeneScore,
    SymbolKind,
    format_hgnc_id,
)
from genes.sources import source_label

SOURCE_SCORE_FIELDS = {str(key): f"{column}_score" for key, column in SCORE_COLUMNS}
CLASSIC_FLAG_FIELDS = {str(source.key): f"{source.column}_flag" for source in CLASSIC_SOURCES}
HGNC_URL = "https://www.genenames.org/data/gene-symbol-report/#!/hgnc_id/HGNC:{}"
NCBI_URL = "https://www.ncbi.nlm.nih.gov/gene/{}"
ENSEMBL_URL = "https://www.ensembl.org/Homo_sapiens/Gene/Summary?g={}"
OMIM_URL = "https://omim.org/entry/{}"


_DATETIME = serializers.DateTimeField()
_PATH_PLACEHOLDER = "__identifier__"
_PATH_SAFE = "-._~:@!$&'()*+,;="


@lru_cache(maxsize=1)
def _gene_path_template() -> str:
    return reverse("api-gene-detail", kwargs={"identifier": _PATH_PLACEHOLDER})


def gene_path(symbol: str) -> str:
    """The detail URL of a symbol; one reverse() per process, not one per row."""
    return _gene_path_template().replace(_PATH_PLACEHOLDER, quote(symbol, safe=_PATH_SAFE))


def score_attributes(score: GeneScore) -> dict[str, Any]:
    """ScoreSerializer's fields built directly: lists shape up to 500 rows per request."""
    source_scores = {source: getattr(score, field) for source, field in SOURCE_SCORE_FIELDS.items()}
    return {
        "score": score.score,
        "tier": score.tier,
        "source_count": score.source_count,
        "sources_with_data": score.sources_with_data,
        "evidence_count": score.evidence_count,
        "list_count": score.list_count,
        "high_evidence": score.high_evidence,
        "source_count_percentile": score.source_count_percentile,
        "source_scores": source_scores,
        "sources": [source for source, value in source_scores.items() if value is not None],
        "classic_flags": {
            source: getattr(score, field) for source, field in CLASSIC_FLAG_FIELDS.items()
        },
        "computed_at": _DATETIME.to_representation(score.computed_at),
        "data_version": score.data_version,
    }


class ScoreSerializer(serializers.Serializer):
    """A GeneScore row: the evidence score, tier, and the classic (v1) evidence count."""

    score = serializers.FloatField()
    tier = serializers.CharField()
    source_count = serializers.IntegerField()
    sources_with_data = serializers.IntegerField()
    evidence_count = serializers.IntegerField()
    list_count = serializers.IntegerField()
    high_evidence = serializers.BooleanField()
    source_count_percentile = serializers.FloatField()
    source_scores = serializers.SerializerMethodField()
    sources = serializers.SerializerMethodField()
    classic_flags = serializers.SerializerMethodField()
    computed_at = serializers.DateTimeField()
    data_version = serializers.IntegerField()

    def to_representation(self, score: GeneScore) -> dict[str, Any]:
        return score_attributes(score)

    @extend_schema_field(
        {"type": "object", "additionalProperties": {"type": "number", "nullable": True}}
    )
    def get_source_scores(self, score: GeneScore) -> dict[str, float | None]:
        return {source: getattr(score, field) for source, field in SOURCE_SCORE_FIELDS.items()}

    @extend_schema_field({"type": "array", "items": {"type": "string"}})
    def get_sources(self, score: GeneScore) -> list[str]:
        """Sources with evidence for the gene (their source score is not null)."""
        return [
            source
            for source, field in SOURCE_SCORE_FIELDS.items()
            if getattr(score, field) is not None
        ]

    @extend_schema_field(
        {"type": "object", "additionalProperties": {"type": "boolean", "nullable": True}}
    )
    def get_classic_flags(self, score: GeneScore) -> dict[str, bool | None]:
        return {source: getattr(score, field) for source, field in CLASSIC_FLAG_FIELDS.items()}


class GeneListAttributesSerializer(ScoreSerializer):
    approved_symbol = serializers.CharField(source="gene.symbol")
    hgnc_id = serializers.SerializerMethodField()
    name = serializers.CharField(source="gene.name")

    def get_hgnc_id(self, score: GeneScore) -> str:
        return format_hgnc_id(score.gene_id)

    def to_representation(self, score: GeneScore) -> dict[str, Any]:
        gene = score.gene
        return {
            "approved_symbol": gene.symbol,
            "hgnc_id": format_hgnc_id(score.gene_id),
            "name": gene.name,
            **score_attributes(score),
        }


class GeneListItemSerializer(serializers.Serializer):
    """One scored gene in a list: `{type, id, attributes, links}`."""

    type = serializers.SerializerMethodField()
    id = serializers.SerializerMethodField()
    attributes = GeneListAttributesSerializer(source="*")
    links = serializers.SerializerMethodField()

    def get_type(self, score: GeneScore) -> str:
        return "genes"

    def get_id(self, score: GeneScore) -> str:
        return format_hgnc_id(score.gene_id)

    @extend_schema_field({"type": "object", "properties": {"self": {"type": "string"}}})
    def get_links(self, score: GeneScore) -> dict[str, str]:
        return {"self": gene_path(score.gene.symbol)}

    def to_representation(self, score: GeneScore) -> dict[str, Any]:
        return {
            "type": "genes",
            "id": format_hgnc_id(score.gene_id),
            "attributes": GeneListAttributesSerializer.to_representation(self, score),
            "links": {"self": gene_path(score.gene.symbol)},
        }


class GeneIdentitySerializer(serializers.Serializer):
    approved_symbol = serializers.CharField(source="symbol")
    hgnc_id = serializers.CharField(source="hgnc_curie")
    name = serializers.CharField()
    status = serializers.CharField()
    locus_group = serializers.CharField()
    locus_type = serializers.CharField()
    location = serializers.CharField()
    entrez_id = serializers.IntegerField(allow_null=True)
    ensembl_gene_id = serializers.CharField()
    omim_ids = serializers.ListField(child=serializers.CharField())
    mane_select = serializers.ListField(child=serializers.CharField())
    merged_into = serializers.ListField(child=serializers.IntegerField())
    previous_symbols = serializers.SerializerMethodField()
    alias_symbols = serializers.SerializerMethodField()

    @extend_schema_field({"type": "array", "items": {"type": "string"}})
    def get_previous_symbols(self, gene: Gene) -> list[str]:
        return [row.symbol for row in gene.symbols.all() if row.kind == SymbolKind.PREVIOUS]

    @extend_schema_field({"type": "array", "items": {"type": "string"}})
    def get_alias_symbols(self, gene: Gene) -> list[str]:
        return [row.symbol for row in gene.symbols.all() if row.kind == SymbolKind.ALIAS]


def gene_score_or_none(gene: Gene) -> GeneScore | None:
    try:
        return gene.score
    except GeneScore.DoesNotExist:
        return None


def gene_links(gene: Gene) -> dict[str, Any]:
    """Our own endpoints plus the gene's entries at HGNC, NCBI, Ensembl and OMIM."""
    return {
        "self": gene_path(gene.symbol),
        "evidence": reverse("api-gene-evidence", kwargs={"identifier": gene.symbol}),
        "hgnc": HGNC_URL.format(gene.hgnc_id),
        "ncbi": NCBI_URL.format(gene.entrez_id) if gene.entrez_id else None,
        "ensembl": ENSEMBL_URL.format(gene.ensembl_gene_id) if gene.ensembl_gene_id else None,
        "omim": [OMIM_URL.format(omim_id) for omim_id in gene.omim_ids],
    }


def gene_detail_resource(
    gene: Gene, *, explanation: Any, sections: dict[str, Any]
) -> dict[str, Any]:
    """The gene page as data: identity, score, explanation, registered sections, links."""
    score = gene_score_or_none(gene)
    attributes = dict(GeneIdentitySerializer(gene).data)
    attributes["score"] = ScoreSerializer(score).data if score is not None else None
    attributes["explanation"] = explanation
    attributes["sections"] = sections
    return {
        "type": "genes",
        "id": gene.hgnc_curie,
        "attributes": attributes,
        "links": gene_links(gene),
    }


def gene_match_resource(gene: Gene, matched_by: list[str]) -> dict[str, Any]:
    """A candidate from identity resolution: who it is, how it matched, its score."""
    score = gene_score_or_none(gene)
    attributes = dict(GeneIdentitySerializer(gene).data)
    attributes["matched_by"] = matched_by
    attributes["score"] = score.score if score is not None else None
    attributes["tier"] = score.tier if score is not None else None
    return {
        "type": "genes",
        "id": gene.hgnc_curie,
        "attributes": attributes,
        "links": gene_links(gene),
    }


class EvidenceSerializer(serializers.ModelSerializer):
    """One source's evidence for a gene, with the run that wrote it as provenance."""

    type = serializers.SerializerMethodField()
    source_label = serializers.SerializerMethodField()
    source_link = serializers.SerializerMethodField()

    class Meta:
        model = Evidence
        fields = [
            "type",
            "id",
            "source",
            "source_label",
            "source_version",
            "run_id",
            "updated_at",
            *EVIDENCE_SUMMARY_FIELDS,
            "details",
            "source_link",
        ]

    def get_type(self, evidence: Evidence) -> str:
        return "evidence"

    def get_source_label(self, evidence: Evidence) -> str:
        return source_label(evidence.source)

    @extend_schema_field(OpenApiTypes.STR)
    def get_source_link(self, evidence: Evidence) -> str:
        return reverse("api-source-detail", kwargs={"key": evidence.source})
