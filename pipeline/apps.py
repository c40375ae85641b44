from django.apps import AppConfig


class PipelineConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "pipeline"

    def ready(self) -> None:
        """Register this app's read-cache version marks."""
        from common.caching import register_version_marks

        register_version_marks(
            ("pipeline.SourceRun", "created_at"), ("pipeline.SourceRun", "finished_at")
        )
