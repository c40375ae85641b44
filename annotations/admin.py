"""Admin for annotation runs (read-only records) and per-gene annotation rows."""

from django.contrib import admin

from annotations import models


@admin.register(models.AnnotationRun)
class AnnotationRunAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "provider",
        "status",
        "started_at",
        "source_version",
        "genes_matched",
        "records_written",
        "rows_unmatched",
    ]
    list_filter = ["provider", "status"]
    search_fields = ["error", "source_version"]
    readonly_fields = [field.name for field in models.AnnotationRun._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False


class GeneRowAdmin(admin.ModelAdmin):
    list_select_related = ["gene"]
    search_fields = ["gene__symbol"]
    raw_id_fields = ["gene"]


@admin.register(models.GeneConstraint)
class GeneConstraintAdmin(GeneRowAdmin):
    list_display = ["gene", "transcript", "pli", "loeuf", "mis_z", "source_version"]


@admin.register(models.ClinVarSummary)
class ClinVarSummaryAdmin(GeneRowAdmin):
    list_display = ["gene", "pathogenic_or_likely", "uncertain", "conflicting", "total"]


@admin.register(models.GeneExpression)
class GeneExpressionAdmin(GeneRowAdmin):
    list_display = ["gene", "kidney_cortex_tpm", "kidney_medulla_tpm", "tau", "kidney_enrichment"]


@admin.register(models.GenePhenotypeSummary)
class GenePhenotypeSummaryAdmin(GeneRowAdmin):
    list_display = ["gene", "phenotype_count", "kidney_phenotype_count", "syndromic"]
    list_filter = ["syndromic"]


@admin.register(models.GenePPIScore)
class GenePPIScoreAdmin(GeneRowAdmin):
    list_display = ["gene", "ppi_score", "percentile", "degree"]
