from django.apps import AppConfig


class AnnotationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "annotations"
    verbose_name = "Gene annotations"

    def ready(self) -> None:
        """Add the annotation summary to gene pages/detail, three gene list filters and the
        read-cache version marks of annotation runs."""
        from annotations import filters, selectors
        from common.caching import register_version_marks
        from genes import extensions

        extensions.register_gene_section(
            "annotations",
            selectors.annotation_summaries,
            title="Annotations",
            template="annotations/gene_section.html",
            order=50,
        )
        extensions.register_gene_list_filter(
            "max_loeuf",
            filters.filter_max_loeuf,
            description="gnomAD LOEUF at most this value (e.g. 0.35)",
            value_type="number",
        )
        extensions.register_gene_list_filter(
            "min_pli",
            filters.filter_min_pli,
            description="gnomAD pLI at least this value (0–1, e.g. 0.9)",
            value_type="number",
        )
        extensions.register_gene_list_filter(
            "syndromic",
            filters.filter_syndromic,
            description="HPO syndromic flag: true or false",
            value_type="boolean",
        )
        register_version_marks(
            ("annotations.AnnotationRun", "started_at"),
            ("annotations.AnnotationRun", "finished_at"),
        )
