"""The gene-centred core: HGNC genes and their symbols, per-source evidence, and computed scores."""

from django.conf import settings
from django.db import models
from django.db.models.functions import Upper

from genes.sources import source_choices


def format_hgnc_id(hgnc_id: int) -> str:
    """HGNC ids are stored as integers and shown with their `HGNC:` prefix."""
    return f"HGNC:{hgnc_id}"


class GeneStatus(models.TextChoices):
    APPROVED = "approved", "Approved"
    WITHDRAWN = "withdrawn", "Entry withdrawn"


class Tier(models.TextChoices):
    """Evidence tiers, strongest first; the thresholds live in genes/config.py."""

    COMPREHENSIVE_SUPPORT = "comprehensive_support", "Comprehensive support"
    MULTI_SOURCE_SUPPORT = "multi_source_support", "Multi-source support"
    ESTABLISHED_SUPPORT = "established_support", "Established support"
    PRELIMINARY_EVIDENCE = "preliminary_evidence", "Preliminary evidence"
    MINIMAL_EVIDENCE = "minimal_evidence", "Minimal evidence"
    NO_EVIDENCE = "no_evidence", "No evidence"

    @property
    def colour(self) -> str:
        """The tier's colour on badges, charts and the network drawing (white text on it).

        Pages get it as the CSS variable `--tier-<value>` from the `genes:tier_css` stylesheet.
        """
        return TIER_COLOURS[self.value]


# Dark enough for white badge text (WCAG AA), strongest tier darkest green.
TIER_COLOURS: dict[str, str] = {
    "comprehensive_support": "#0d5c2f",
    "multi_source_support": "#1f7a47",
    "established_support": "#2b5f9e",
    "preliminary_evidence": "#7a5300",
    "minimal_evidence": "#6b4a7d",
    "no_evidence": "#555f6d",
}


class GeneQuerySet(models.QuerySet):
    def approved(self) -> "GeneQuerySet":
        return self.filter(status=GeneStatus.APPROVED)


class Gene(models.Model):
    """One HGNC entry, approved or withdrawn; withdrawn entries are kept, never dropped."""

    hgnc_id = models.PositiveIntegerField(primary_key=True, help_text="HGNC id without prefix")
    symbol = models.CharField(max_length=64, db_index=True)
    name = models.CharField(max_length=512, blank=True)
    locus_group = models.CharField(max_length=64, blank=True)
    locus_type = models.CharField(max_length=128, blank=True)
    status = models.CharField(
        max_length=16, choices=GeneStatus.choices, default=GeneStatus.APPROVED, db_index=True
    )
    withdrawn_note = models.CharField(
        max_length=512, blank=True, help_text="HGNC's 'merged into' / 'symbol withdrawn' text"
    )
    merged_into = models.JSONField(
        default=list, blank=True, help_text="HGNC ids (integers) this entry was merged into"
    )
    location = models.CharField(max_length=64, blank=True)
    entrez_id = models.PositiveIntegerField(null=True, blank=True, db_index=True)
    ensembl_gene_id = models.CharField(max_length=32, blank=True, db_index=True)
    omim_ids = models.JSONField(default=list, blank=True)
    mane_select = models.JSONField(default=list, blank=True)
    date_modified = models.DateField(null=True, blank=True)
    hgnc_release = models.DateField(
        null=True, blank=True, help_text="Date of the HGNC file this row was loaded from"
    )

    objects = GeneQuerySet.as_manager()

    class Meta:
        ordering = ["symbol"]
        indexes = [models.Index(Upper("symbol"), name="gene_symbol_upper_idx")]

    def __str__(self) -> str:
        return f"{self.symbol} ({self.hgnc_curie})"

    @property
    def hgnc_curie(self) -> str:
        return format_hgnc_id(self.hgnc_id)


class SymbolKind(models.TextChoices):
    PREVIOUS = "previous", "Previous symbol"
    ALIAS = "alias", "Alias symbol"


class GeneSymbol(models.Model):
    """A previous or alias symbol; `symbol_upper` serves case-insensitive set lookups."""

    gene = models.ForeignKey(Gene, on_delete=models.CASCADE, related_name="symbols")
    symbol = models.CharField(max_length=64)
    symbol_upper = models.CharField(max_length=64, db_index=True)
    kind = models.CharField(max_length=16, choices=SymbolKind.choices)

    class Meta:
        ordering = ["kind", "symbol"]
        constraints = [
            models.UniqueConstraint(
                fields=["gene", "symbol_upper", "kind"], name="unique_gene_symbol_kind"
            )
        ]

    def __str__(self) -> str:
        return f"{self.symbol} ({self.kind} of {self.gene_id})"


class HgncLoad(models.Model):
    """One run of `load_hgnc`: what file, which release, what changed."""

    loaded_at = models.DateTimeField(auto_now_add=True)
    file_name = models.CharField(max_length=512)
    sha256 = models.CharField(max_length=64)
    release_date = models.DateField(null=True, blank=True)
    file_layout = models.CharField(max_length=32)
    row_count = models.PositiveIntegerField(default=0)
    added = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    withdrawn = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-loaded_at"]
        get_latest_by = "loaded_at"
        verbose_name = "HGNC load"
        verbose_name_plural = "HGNC loads"

    def __str__(self) -> str:
        return f"HGNC {self.release_date or '?'} ({self.file_name})"


class CuratedSymbolMapping(models.Model):
    """A curator's decision that a raw source symbol means this gene; normalisation honours it.

    `source` empty means the mapping applies to every source.
    """

    source = models.CharField(max_length=32, choices=source_choices, blank=True)
    raw_symbol = models.CharField(max_length=128)
    raw_symbol_upper = models.CharField(max_length=128, db_index=True)
    gene = models.ForeignKey(Gene, on_delete=models.CASCADE, related_name="curated_mappings")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["source", "raw_symbol_upper"], name="unique_curated_symbol_per_source"
            )
        ]

    def __str__(self) -> str:
        return f"{self.raw_symbol} → {self.gene.symbol} ({self.source or 'all sources'})"


class Evidence(models.Model):
    """Everything one source says about one gene.

    `details` keeps the full provenance (schema per source, documented in docs/evidence.md);
    the typed columns hold the numbers scoring needs, so scoring never parses JSON.
    """

    gene = models.ForeignKey(Gene, on_delete=models.CASCADE, related_name="evidence")
    source = models.CharField(max_length=32, choices=source_choices, db_index=True)
    details = models.JSONField(default=dict)
    panel_count = models.PositiveIntegerField(
        null=True, blank=True, help_text="PanelApp: distinct panels; Diagnostic: (provider, panel)"
    )
    supporting_panel_count = models.PositiveIntegerField(
        null=True, blank=True, help_text="PanelApp: Green/Amber listings"
    )
    publication_count = models.PositiveIntegerField(
        null=True, blank=True, help_text="Literature: publications; PubTator: distinct PMIDs"
    )
    mention_pair_count = models.PositiveIntegerField(
        null=True, blank=True, help_text="PubTator: distinct (PMID, mention text) pairs"
    )
    phenotype_count = models.PositiveIntegerField(
        null=True, blank=True, help_text="HPO: kidney HPO terms"
    )
    disease_count = models.PositiveIntegerField(
        null=True, blank=True, help_text="HPO: kidney-annotated diseases"
    )
    classification = models.CharField(
        max_length=64, blank=True, help_text="ClinGen/GenCC: the strongest classification"
    )
    classification_weight = models.FloatField(
        null=True, blank=True, help_text="ClinGen/GenCC: weight of the strongest classification"
    )
    source_version = models.CharField(max_length=128, blank=True)
    run_id = models.PositiveIntegerField(
        null=True, blank=True, help_text="pipeline.SourceRun or curation upload that wrote it"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["gene_id", "source"]
        constraints = [
            models.UniqueConstraint(fields=["gene", "source"], name="unique_evidence_gene_source")
        ]
        verbose_name_plural = "evidence"

    def __str__(self) -> str:
        return f"{self.source} evidence for {self.gene.symbol}"


# The typed columns a source's summary fills for one gene: every number scoring reads, so scoring
# never parses `details`. Ingestion, exports, the API and explanations list them from here.
EVIDENCE_SUMMARY_FIELDS: tuple[str, ...] = (
    "panel_count",
    "supporting_panel_count",
    "publication_count",
    "mention_pair_count",
    "phenotype_count",
    "disease_count",
    "classification",
    "classification_weight",
)


class GeneScore(models.Model):
    """The computed scores of one gene; rewritten as a whole by `genes.scoring`.

    Few indexes on purpose: every recompute rewrites all rows, and each composite index below
    serves one list ordering (score, tier, evidence count, high evidence) in both directions.
    """

    gene = models.OneToOneField(
        Gene, on_delete=models.CASCADE, primary_key=True, related_name="score"
    )
    evidence_count = models.PositiveSmallIntegerField()
    list_count = models.PositiveSmallIntegerField()
    panelapp_flag = models.BooleanField(null=True)
    literature_flag = models.BooleanField(null=True)
    diagnostic_panels_flag = models.BooleanField(null=True)
    hpo_flag = models.BooleanField(null=True)
    pubtator_flag = models.BooleanField(null=True)
    source_count_percentile = models.FloatField()
    high_evidence = models.BooleanField()
    score = models.FloatField()
    source_count = models.PositiveSmallIntegerField(db_index=True)
    panelapp_score = models.FloatField(null=True)
    clingen_score = models.FloatField(null=True)
    gencc_score = models.FloatField(null=True)
    hpo_score = models.FloatField(null=True)
    pubtator_score = models.FloatField(null=True)
    literature_score = models.FloatField(null=True)
    diagnostic_panels_score = models.FloatField(null=True)
    panelapp_percentile = models.FloatField(null=True)
    literature_percentile = models.FloatField(null=True)
    diagnostic_panels_percentile = models.FloatField(null=True)
    hpo_percentile = models.FloatField(null=True)
    pubtator_percentile = models.FloatField(null=True)
    tier = models.CharField(max_length=32, choices=Tier.choices)
    sources_with_data = models.PositiveSmallIntegerField(
        help_text="N in the score formula: sources that had any data at compute time"
    )
    computed_at = models.DateTimeField()
    data_version = models.PositiveIntegerField(
        default=0, help_text="Recompute counter; part of cache keys"
    )

    class Meta:
        ordering = ["-score", "gene__symbol"]
        indexes = [
            models.Index(fields=["-score", "gene"], name="genescore_score_idx"),
            models.Index(fields=["tier", "-score"], name="genescore_tier_score_idx"),
            models.Index(fields=["-evidence_count", "-score"], name="genescore_evidence_score_idx"),
            models.Index(fields=["high_evidence", "-score"], name="genescore_high_score_idx"),
            # MAX(computed_at) is part of the read cache's data version, read on every request.
            models.Index(fields=["computed_at"], name="genescore_computed_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.gene.symbol}: {self.score:.1f} ({self.tier})"


class ScoreRun(models.Model):
    """One recompute of all GeneScore rows; its id is the data version caches key on."""

    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)
    genes_scored = models.PositiveIntegerField(default=0)
    tier_counts = models.JSONField(default=dict, blank=True)
    sources_with_data = models.PositiveSmallIntegerField(default=0)
    source_stats = models.JSONField(
        default=dict, blank=True, help_text="Per source: genes listed, genes with count > 0"
    )
    config = models.JSONField(default=dict, blank=True, help_text="The scoring rules used")

    class Meta:
        ordering = ["-id"]
        get_latest_by = "id"

    def __str__(self) -> str:
        return f"Score run {self.pk}: {self.genes_scored} genes"
