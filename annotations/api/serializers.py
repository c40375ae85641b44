"""Query-parameter validation and documented response shapes of the annotations API."""

from __future__ import annotations

from rest_framework import serializers

from annotations.config import annotation_setting, string_min_score


class NetworkQuerySerializer(serializers.Serializer):
    genes = serializers.CharField(
        required=False, allow_blank=True, help_text="comma-separated gene symbols"
    )
    top = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text="without `genes`: the N highest-scored genes (default 100)",
    )
    min_score = serializers.IntegerField(
        required=False,
        default=string_min_score,
        min_value=0,
        max_value=1000,
        help_text="minimum STRING combined score (0–1000)",
    )

    def validate_top(self, value: int) -> int:
        limit = annotation_setting("network_max_genes")
        if value > limit:
            raise serializers.ValidationError(f"at most {limit} genes")
        return value

    def validate_genes(self, value: str) -> list[str]:
        symbols = [symbol.strip() for symbol in value.split(",") if symbol.strip()]
        limit = annotation_setting("network_max_genes")
        if len(symbols) > limit:
            raise serializers.ValidationError(f"at most {limit} genes")
        return symbols


class NeighbourSerializer(serializers.Serializer):
    hgnc_id = serializers.IntegerField()
    symbol = serializers.CharField()
    combined_score = serializers.IntegerField()


class GeneAnnotationsSerializer(serializers.Serializer):
    """Documentation of GET /api/genes/{id}/annotations/ (sections are null without data)."""

    hgnc_id = serializers.CharField()
    symbol = serializers.CharField()
    constraint = serializers.DictField(allow_null=True, help_text="gnomAD: pli, loeuf, ...")
    clinvar = serializers.DictField(allow_null=True, help_text="ClinVar variant counts")
    expression = serializers.DictField(allow_null=True, help_text="GTEx kidney TPM, tissues")
    phenotypes = serializers.DictField(help_text="HPO summary and terms")
    ppi = serializers.DictField(allow_null=True, help_text="STRING PPI score")
    neighbours = NeighbourSerializer(many=True)


class NetworkNodeSerializer(serializers.Serializer):
    id = serializers.CharField()
    symbol = serializers.CharField()
    evidence_score = serializers.FloatField(allow_null=True)
    tier = serializers.CharField(allow_null=True)
    ppi_score = serializers.FloatField(allow_null=True)
    degree = serializers.IntegerField()
    community = serializers.IntegerField()


class NetworkEdgeSerializer(serializers.Serializer):
    source = serializers.CharField()
    target = serializers.CharField()
    combined_score = serializers.IntegerField()


class NetworkSerializer(serializers.Serializer):
    nodes = NetworkNodeSerializer(many=True)
    edges = NetworkEdgeSerializer(many=True)
    communities = serializers.ListField(child=serializers.ListField(child=serializers.CharField()))
    unknown_symbols = serializers.ListField(child=serializers.CharField())
    min_score = serializers.IntegerField()
