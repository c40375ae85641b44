"""API shapes of curator decisions, releases and the write endpoints' inputs."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from rest_framework import serializers

from curation.models import CuratorDecision, Release, ReleaseFile, Verdict
from pipeline.models import UploadMode
from pipeline.sources.registry import source_keys, upload_source_keys


class DecisionSerializer(serializers.ModelSerializer):
    hgnc_id = serializers.IntegerField(source="gene_id")
    symbol = serializers.CharField(source="gene.symbol")
    author = serializers.CharField(source="author.username", default="")

    class Meta:
        model = CuratorDecision
        fields = ["hgnc_id", "symbol", "verdict", "rationale", "pmids", "author", "updated_at"]
        fields += ["version"]


class DecisionInputSerializer(serializers.Serializer):
    gene = serializers.CharField(help_text="HGNC id (`HGNC:1234` or `1234`)")
    verdict = serializers.ChoiceField(choices=Verdict.choices)
    rationale = serializers.CharField(allow_blank=False, trim_whitespace=True)
    pmids = serializers.ListField(child=serializers.CharField(), required=False, default=list)
    base_version = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        help_text="Version of the decision you edited; omit when recording the first one",
    )

    def validate_gene(self, value: str) -> int:
        digits = value.strip().upper().removeprefix("HGNC:")
        if not digits.isdigit():
            raise serializers.ValidationError("Give an HGNC id such as HGNC:9008.")
        return int(digits)


class RunInputSerializer(serializers.Serializer):
    source = serializers.ChoiceField(choices=[], help_text="A source key, or `all`")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Sources register when the apps are ready, after this class is defined.
        self.fields["source"].choices = [*source_keys(), "all"]


class UploadInputSerializer(serializers.Serializer):
    source = serializers.ChoiceField(choices=[], help_text="The key of an uploaded source")
    file = serializers.FileField()
    mode = serializers.ChoiceField(choices=UploadMode.choices, default=UploadMode.MERGE)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["source"].choices = upload_source_keys()


class ReleaseFileSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = ReleaseFile
        fields = ["name", "content_type", "size", "sha256", "url"]

    def get_url(self, obj: ReleaseFile) -> str:
        request = self.context.get("request")
        path = reverse("api-release-download", args=[obj.release.version, obj.name])
        return request.build_absolute_uri(path) if request else path


class ReleaseSerializer(serializers.ModelSerializer):
    previous_version = serializers.CharField(source="previous.version", default=None)

    class Meta:
        model = Release
        fields = ["version", "title", "published_at", "gene_count", "evidence_count"]
        fields += ["decision_count", "previous_version", "citation"]


class ReleaseDetailSerializer(ReleaseSerializer):
    files = serializers.SerializerMethodField()

    class Meta(ReleaseSerializer.Meta):
        fields = [*ReleaseSerializer.Meta.fields, "notes", "source_versions", "changelog", "files"]

    def get_files(self, obj: Release) -> list[dict]:
        files = self.context["files"]
        return ReleaseFileSerializer(files, many=True, context=self.context).data
