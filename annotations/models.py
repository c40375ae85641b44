"""Annotation providers: gnomAD, ClinVar, GTEx, HPO phenotypes, STRING.

One model (or a small group) per provider, each keyed on `genes.Gene`. Annotations help a
clinician judge a gene; they never change the evidence score. Every load is recorded as an
`AnnotationRun`, and a provider's rows are replaced as a whole inside one transaction.
"""

from django.db import models
from django.db.models import F, Q

from genes.models import Gene


class Provider(models.TextChoices):
    GNOMAD = "gnomad", "gnomAD constraint"
    CLINVAR = "clinvar", "ClinVar"
    GTEX = "gtex", "GTEx expression"
    HPO = "hpo", "HPO phenotypes"
    STRING = "string", "STRING interactions"


class RunStatus(models.TextChoices):
    RUNNING = "running", "Running"
    COMPLETED = "completed", "Completed"
    FAILED = "failed", "Failed"


class AnnotationRun(models.Model):
    """One `annotate PROVIDER` run: what it read, what it wrote, and why it failed if it did."""

    provider = models.CharField(max_length=16, choices=Provider.choices, db_index=True)
    status = models.CharField(max_length=16, choices=RunStatus.choices, default=RunStatus.RUNNING)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    inputs = models.JSONField(default=dict, blank=True, help_text="role → file or URL read")
    checksum = models.CharField(max_length=64, blank=True, help_text="sha256 over all inputs")
    source_version = models.CharField(max_length=128, blank=True)
    rows_read = models.PositiveIntegerField(default=0)
    genes_matched = models.PositiveIntegerField(default=0)
    rows_unmatched = models.PositiveIntegerField(default=0)
    records_written = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        get_latest_by = "started_at"

    def __str__(self) -> str:
        return f"{self.provider} run {self.pk} ({self.status})"


class GeneConstraint(models.Model):
    """gnomAD constraint of the gene's canonical transcript; `loeuf` is `lof.oe_ci.upper`."""

    gene = models.OneToOneField(
        Gene, on_delete=models.CASCADE, primary_key=True, related_name="constraint"
    )
    transcript = models.CharField(max_length=32)
    mane_select = models.BooleanField(default=False)
    pli = models.FloatField(null=True, db_index=True)
    loeuf = models.FloatField(null=True, db_index=True)
    lof_oe = models.FloatField(null=True)
    lof_oe_ci_lower = models.FloatField(null=True)
    lof_obs = models.FloatField(null=True)
    lof_exp = models.FloatField(null=True)
    lof_z = models.FloatField(null=True)
    mis_oe = models.FloatField(null=True)
    mis_obs = models.FloatField(null=True)
    mis_exp = models.FloatField(null=True)
    mis_z = models.FloatField(null=True)
    syn_oe = models.FloatField(null=True)
    syn_obs = models.FloatField(null=True)
    syn_exp = models.FloatField(null=True)
    syn_z = models.FloatField(null=True)
    source_version = models.CharField(max_length=64, blank=True)
    run = models.ForeignKey(AnnotationRun, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = "gnomAD constraint"
        verbose_name_plural = "gnomAD constraints"

    def __str__(self) -> str:
        return f"gnomAD {self.transcript} for {self.gene_id}"


class ClinVarSummary(models.Model):
    """ClinVar variant counts per gene.

    `gene_specific_summary.txt` only gives P/LP together, VUS, conflicting and total;
    `variant_summary.txt.gz` gives every class, so fields it alone knows stay null otherwise.
    """

    gene = models.OneToOneField(
        Gene, on_delete=models.CASCADE, primary_key=True, related_name="clinvar"
    )
    pathogenic = models.PositiveIntegerField(null=True)
    likely_pathogenic = models.PositiveIntegerField(null=True)
    pathogenic_or_likely = models.PositiveIntegerField(default=0)
    uncertain = models.PositiveIntegerField(default=0)
    likely_benign = models.PositiveIntegerField(null=True)
    benign = models.PositiveIntegerField(null=True)
    conflicting = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    counted_from = models.CharField(max_length=32, help_text="gene_specific_summary or variant")
    source_version = models.CharField(max_length=64, blank=True)
    run = models.ForeignKey(AnnotationRun, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = "ClinVar summary"
        verbose_name_plural = "ClinVar summaries"

    def __str__(self) -> str:
        return f"ClinVar for {self.gene_id}: {self.pathogenic_or_likely} P/LP"


class GeneExpression(models.Model):
    """GTEx median TPM per tissue, with kidney columns and two kidney-specificity figures.

    `tau` is the Yanai tissue-specificity index over log2(TPM+1) (0 ubiquitous, 1 one tissue);
    `kidney_enrichment` is the higher kidney TPM divided by the mean TPM of all other tissues.
    """

    gene = models.OneToOneField(
        Gene, on_delete=models.CASCADE, primary_key=True, related_name="expression"
    )
    kidney_cortex_tpm = models.FloatField(null=True, db_index=True)
    kidney_medulla_tpm = models.FloatField(null=True)
    tissues = models.JSONField(default=dict, help_text="tissue name → median TPM")
    tau = models.FloatField(null=True)
    kidney_enrichment = models.FloatField(null=True)
    source_version = models.CharField(max_length=64, blank=True)
    run = models.ForeignKey(AnnotationRun, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = "GTEx expression"
        verbose_name_plural = "GTEx expression"

    def __str__(self) -> str:
        return f"GTEx for {self.gene_id}"


class GenePhenotype(models.Model):
    """One HPO term annotated to a gene, with the diseases that carry the annotation."""

    gene = models.ForeignKey(Gene, on_delete=models.CASCADE, related_name="phenotypes")
    hpo_id = models.CharField(max_length=16)
    name = models.CharField(max_length=255)
    is_kidney = models.BooleanField(default=False)
    disease_ids = models.JSONField(default=list)
    frequencies = models.JSONField(default=list)

    class Meta:
        ordering = ["gene_id", "hpo_id"]
        constraints = [
            models.UniqueConstraint(fields=["gene", "hpo_id"], name="unique_gene_phenotype")
        ]

    def __str__(self) -> str:
        return f"{self.hpo_id} for {self.gene_id}"


class GenePhenotypeSummary(models.Model):
    """Per gene: phenotype counts, kidney subset size and the syndromic flag with its branches."""

    gene = models.OneToOneField(
        Gene, on_delete=models.CASCADE, primary_key=True, related_name="phenotype_summary"
    )
    phenotype_count = models.PositiveIntegerField(default=0)
    kidney_phenotype_count = models.PositiveIntegerField(default=0)
    disease_count = models.PositiveIntegerField(default=0)
    extrarenal_phenotype_count = models.PositiveIntegerField(
        default=0, help_text="phenotypes in the syndromic branches, outside the urinary system"
    )
    branch_counts = models.JSONField(default=dict, help_text="syndromic branch → phenotypes")
    syndromic = models.BooleanField(default=False, db_index=True)
    syndromic_branches = models.JSONField(default=list)
    source_version = models.CharField(max_length=64, blank=True)
    run = models.ForeignKey(AnnotationRun, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = "HPO phenotype summary"
        verbose_name_plural = "HPO phenotype summaries"

    def __str__(self) -> str:
        return f"HPO summary for {self.gene_id}"


class GeneInteraction(models.Model):
    """One undirected STRING interaction; stored once with `gene_a_id < gene_b_id`."""

    gene_a = models.ForeignKey(Gene, on_delete=models.CASCADE, related_name="+")
    gene_b = models.ForeignKey(Gene, on_delete=models.CASCADE, related_name="+")
    combined_score = models.PositiveSmallIntegerField(db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["gene_a", "gene_b"], name="unique_interaction_pair"),
            models.CheckConstraint(
                condition=Q(gene_a__lt=F("gene_b")), name="interaction_pair_ordered"
            ),
        ]
        indexes = [models.Index(fields=["gene_b", "combined_score"], name="interaction_b_idx")]

    def __str__(self) -> str:
        return f"{self.gene_a_id}–{self.gene_b_id} ({self.combined_score})"


class GenePPIScore(models.Model):
    """The PPI score: Σ(partner combined score/1000 × partner evidence score) / √degree."""

    gene = models.OneToOneField(
        Gene, on_delete=models.CASCADE, primary_key=True, related_name="ppi_score"
    )
    ppi_score = models.FloatField(db_index=True)
    percentile = models.FloatField()
    degree = models.PositiveIntegerField()
    source_version = models.CharField(max_length=64, blank=True)
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "STRING PPI score"
        verbose_name_plural = "STRING PPI scores"

    def __str__(self) -> str:
        return f"PPI {self.ppi_score:.2f} for {self.gene_id}"
