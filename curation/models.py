"""Curator decisions (with history), releases and the permissions behind the curation roles."""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from genes.models import Gene


class CurationAction(models.Model):
    """Holds the curation action permissions; no table, only permission rows.

    Actions that are not a plain add/change/delete of one model (trigger a run, upload a list,
    publish a release) need a permission of their own so roles can grant them.
    """

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [
            ("record_decision", "Record curator decisions on genes"),
            ("upload_list", "Upload literature and diagnostic panel lists"),
            ("trigger_run", "Trigger and retry source runs"),
            ("publish_release", "Publish releases"),
        ]

    def __str__(self) -> str:
        return "curation actions"


class Verdict(models.TextChoices):
    CONFIRMED = "confirmed", "Confirmed"
    DISPUTED = "disputed", "Disputed"
    EXCLUDED = "excluded", "Excluded"
    NEEDS_REVIEW = "needs_review", "Needs review"


class CuratorDecision(models.Model):
    """The current curator verdict on one gene; earlier versions live in the history table.

    `version` grows by one with every save; a save based on an older version is refused
    (optimistic concurrency), so two curators never silently overwrite each other.
    The computed tier is never changed by a decision.
    """

    gene = models.OneToOneField(Gene, on_delete=models.CASCADE, related_name="curator_decision")
    verdict = models.CharField(max_length=16, choices=Verdict.choices, db_index=True)
    rationale = models.TextField()
    pmids = models.JSONField(default=list, blank=True, help_text="Supporting PubMed ids")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    history = HistoricalRecords()

    class Meta:
        ordering = ["gene__symbol"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(rationale=""), name="curator_decision_rationale_required"
            )
        ]

    def __str__(self) -> str:
        # Admin messages name the gene as curators know it ("NPHS1: confirmed", not "7908: ...").
        return f"{self.gene.symbol}: {self.get_verdict_display()}"


class ReleaseStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"


class Release(models.Model):
    """A versioned, citable snapshot of the database; immutable once published."""

    version = models.CharField(
        max_length=32, null=True, blank=True, unique=True, help_text="YYYY.MM.DD[-n], at publish"
    )
    title = models.CharField(max_length=200)
    notes = models.TextField(blank=True)
    status = models.CharField(
        max_length=16, choices=ReleaseStatus.choices, default=ReleaseStatus.DRAFT, db_index=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    gene_count = models.PositiveIntegerField(default=0)
    evidence_count = models.PositiveIntegerField(default=0)
    decision_count = models.PositiveIntegerField(default=0)
    source_versions = models.JSONField(default=dict, blank=True)
    changelog = models.JSONField(default=dict, blank=True)
    previous = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    citation = models.TextField(blank=True)

    class Meta:
        ordering = ["-published_at", "-created_at"]

    def __str__(self) -> str:
        return self.version or f"Draft: {self.title}"

    @property
    def is_published(self) -> bool:
        return self.status == ReleaseStatus.PUBLISHED


class ReleaseFile(models.Model):
    """One export of a published release, stored gzip-compressed in the database.

    Kept in the database (not on disk) so a release is served byte-for-byte as published on
    either backend, whatever happens to live data or MEDIA_ROOT.
    """

    release = models.ForeignKey(Release, on_delete=models.CASCADE, related_name="files")
    name = models.CharField(max_length=64)
    content_type = models.CharField(max_length=64)
    content_gzip = models.BinaryField()
    sha256 = models.CharField(max_length=64, help_text="Of the uncompressed bytes")
    size = models.PositiveBigIntegerField(help_text="Uncompressed size in bytes")

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["release", "name"], name="unique_release_file_name")
        ]

    def __str__(self) -> str:
        return f"{self.release} {self.name}"
