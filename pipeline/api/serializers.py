"""Public shapes of sources and their runs (no log or error text: those are for staff)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from rest_framework import serializers

from pipeline.models import SourceRun
from pipeline.selectors import SourceSummary


class SourceRunSerializer(serializers.ModelSerializer):
    class Meta:
        model = SourceRun
        fields = [
            "id",
            "status",
            "mode",
            "created_at",
            "started_at",
            "finished_at",
            "record_count",
            "gene_count",
            "staged_count",
            "source_version",
            "snapshot_checksum",
            "message",
        ]


class SourceAttributesSerializer(serializers.Serializer):
    label = serializers.CharField()
    kind = serializers.CharField(help_text="download (fetched) or upload (curator files)")
    gene_count = serializers.IntegerField()
    evidence_count = serializers.IntegerField()
    source_version = serializers.SerializerMethodField()
    last_successful_run = SourceRunSerializer(allow_null=True)
    config = serializers.DictField(help_text="What the source selects (keywords, thresholds)")

    def get_source_version(self, summary: SourceSummary) -> str | None:
        run = summary.last_successful_run
        return run.source_version if run is not None else None


class SourceSerializer(serializers.Serializer):
    """`{type: "sources", id: key, attributes, links}`."""

    type = serializers.SerializerMethodField()
    id = serializers.CharField(source="key")
    attributes = SourceAttributesSerializer(source="*")
    links = serializers.SerializerMethodField()

    def get_type(self, summary: SourceSummary) -> str:
        return "sources"

    def get_links(self, summary: SourceSummary) -> dict[str, Any]:
        return {"self": reverse("api-source-detail", kwargs={"key": summary.key})}


class SourceDetailAttributesSerializer(SourceAttributesSerializer):
    runs = SourceRunSerializer(many=True, help_text="Most recent runs first")


class SourceDetailSerializer(SourceSerializer):
    attributes = SourceDetailAttributesSerializer(source="*")
