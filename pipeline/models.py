"""Source runs and staged records: the audit trail of every ingestion."""

from django.conf import settings
from django.db import models

from genes.models import Gene
from genes.sources import source_choices


class RunStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    RUNNING = "running", "Running"
    COMPLETED = "completed", "Completed"
    FAILED = "failed", "Failed"
    # Not applied: the shrink guard (pipeline.shrink) waits for a curator to confirm it.
    HELD = "held", "Held: needs confirmation"


class SourceRun(models.Model):
    """One ingestion of one source; the row is also the progress record others watch."""

    source = models.CharField(max_length=32, choices=source_choices, db_index=True)
    status = models.CharField(
        max_length=16, choices=RunStatus.choices, default=RunStatus.PENDING, db_index=True
    )
    mode = models.CharField(max_length=16, blank=True, help_text="live, record, replay or file")
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    record_count = models.PositiveIntegerField(default=0)
    gene_count = models.PositiveIntegerField(default=0)
    staged_count = models.PositiveIntegerField(default=0)
    source_version = models.CharField(max_length=128, blank=True)
    snapshot_checksum = models.CharField(max_length=64, blank=True)
    phase = models.CharField(max_length=64, blank=True)
    progress_current = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(null=True, blank=True)
    message = models.CharField(max_length=512, blank=True)
    log = models.TextField(blank=True)
    error = models.TextField(blank=True)
    triggered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    task_id = models.CharField(max_length=64, blank=True)
    state = models.JSONField(
        default=dict,
        blank=True,
        help_text="Resumable crawl state (PubTator last page) for a later run",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["source", "status", "-finished_at"], name="run_source_idx")]

    def __str__(self) -> str:
        return f"{self.source} run {self.pk} ({self.status})"


class HeldResult(models.Model):
    """What a run held by the shrink guard read, kept so a curator can confirm (apply) it.

    `kind` "records": the parsed source records (`payload["records"]`, SourceRecord fields);
    "upload": the uploaded file (`payload` has file_name, mode and content_base64).
    """

    run = models.OneToOneField(
        SourceRun, on_delete=models.CASCADE, primary_key=True, related_name="held_result"
    )
    kind = models.CharField(max_length=16)
    version = models.CharField(max_length=128, blank=True)
    payload = models.JSONField(default=dict)
    genes_before = models.PositiveIntegerField(help_text="Genes (or rows) the source has now")
    genes_after = models.PositiveIntegerField(help_text="Genes (or rows) it would have")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"held result of run {self.run_id}"


class StagedReason(models.TextChoices):
    UNKNOWN = "unknown", "Unknown symbol"
    AMBIGUOUS = "ambiguous", "Ambiguous symbol"
    JUNK = "junk", "Not a gene symbol"
    WITHDRAWN = "withdrawn", "Withdrawn HGNC entry"
    INVALID_ID = "invalid_id", "Invalid or unknown identifier"


class ReviewStatus(models.TextChoices):
    PENDING = "pending", "Pending review"
    MAPPED = "mapped", "Mapped to a gene"
    REJECTED = "rejected", "Rejected"


class StagedRecord(models.Model):
    """A source record whose symbol could not be normalised, kept whole for a curator."""

    source = models.CharField(max_length=32, choices=source_choices, db_index=True)
    raw_symbol = models.CharField(max_length=256)
    raw_symbol_key = models.CharField(
        max_length=256, help_text="Cleaned, upper-cased symbol; one staged record per key"
    )
    raw_hgnc_id = models.CharField(max_length=32, blank=True)
    raw_ncbi_id = models.CharField(max_length=32, blank=True)
    reason = models.CharField(max_length=16, choices=StagedReason.choices)
    detail = models.CharField(max_length=512, blank=True)
    candidates = models.ManyToManyField(Gene, blank=True, related_name="+")
    payload = models.JSONField(default=dict, help_text="The evidence this record would add")
    review_status = models.CharField(
        max_length=16, choices=ReviewStatus.choices, default=ReviewStatus.PENDING, db_index=True
    )
    mapped_gene = models.ForeignKey(
        Gene, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    run = models.ForeignKey(SourceRun, null=True, blank=True, on_delete=models.SET_NULL)
    first_seen_at = models.DateTimeField(auto_now_add=True)
    last_seen_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["source", "raw_symbol_key"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "raw_symbol_key"], name="unique_staged_symbol_per_source"
            )
        ]

    def __str__(self) -> str:
        return f"{self.source}: {self.raw_symbol} ({self.reason})"


class UploadMode(models.TextChoices):
    MERGE = "merge", "Merge into existing lists"
    REPLACE = "replace", "Replace the lists of these providers/publications"


class UploadStatus(models.TextChoices):
    COMMITTED = "committed", "Committed"
    UNDONE = "undone", "Undone"


class SourceUpload(models.Model):
    """A curated list file (Literature or Diagnostic panels) committed by a curator or command."""

    source = models.CharField(max_length=32, choices=source_choices, db_index=True)
    file_name = models.CharField(max_length=512)
    sha256 = models.CharField(max_length=64, db_index=True)
    mode = models.CharField(max_length=16, choices=UploadMode.choices, default=UploadMode.MERGE)
    status = models.CharField(
        max_length=16, choices=UploadStatus.choices, default=UploadStatus.COMMITTED
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    row_count = models.PositiveIntegerField(default=0)
    mapped_count = models.PositiveIntegerField(default=0)
    staged_count = models.PositiveIntegerField(default=0)
    group_keys = models.JSONField(
        default=list, help_text="Providers (diagnostic panels) or PMIDs (literature) in the file"
    )
    run = models.ForeignKey(SourceRun, null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        ordering = ["-uploaded_at", "-id"]

    def __str__(self) -> str:
        return f"{self.source} upload {self.file_name} ({self.status})"


class UploadedEntry(models.Model):
    """One (publication, gene) or (provider, panel, gene) row of an upload.

    `group_key` is the unit of merge/replace/undo: the provider for diagnostic panels, the PMID
    for literature. Evidence for these sources is rebuilt from the active entries.
    """

    upload = models.ForeignKey(SourceUpload, on_delete=models.CASCADE, related_name="entries")
    source = models.CharField(max_length=32, choices=source_choices, db_index=True)
    group_key = models.CharField(max_length=256, db_index=True)
    item_key = models.CharField(max_length=512, help_text="Panel name, or the PMID again")
    gene = models.ForeignKey(
        Gene, null=True, blank=True, on_delete=models.CASCADE, related_name="uploaded_entries"
    )
    raw_symbol = models.CharField(max_length=256)
    raw_hgnc_id = models.CharField(max_length=32, blank=True)
    data = models.JSONField(default=dict)
    active = models.BooleanField(default=True, db_index=True)

    class Meta:
        indexes = [
            models.Index(fields=["source", "active", "gene"], name="uploaded_entry_gene_idx"),
            models.Index(fields=["source", "group_key", "active"], name="uploaded_entry_group_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.source} {self.group_key}/{self.item_key}: {self.raw_symbol}"


class WorkerHeartbeat(models.Model):
    """When a task worker on a host last ran a task (a scheduled tick every minute).

    The health check reads it: a broker that answers proves nothing about whether any
    `manage.py qcluster` is consuming the queue.
    """

    host = models.CharField(max_length=255, primary_key=True)
    seen_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"worker on {self.host} seen {self.seen_at:%Y-%m-%d %H:%M:%S}"
