from django.apps import AppConfig


class GenesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "genes"

    def ready(self) -> None:
        """Register this app's read-cache version marks."""
        from common.caching import register_version_marks

        register_version_marks(
            ("genes.ScoreRun", "id"),
            ("genes.GeneScore", "computed_at"),
            ("genes.HgncLoad", "loaded_at"),
        )
