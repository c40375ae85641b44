from django.apps import AppConfig


class PipelineConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "pipeline"

    def ready(self) -> None:
        """Register the sources and this app's read-cache version marks."""
        from common.caching import register_version_marks
        from pipeline.sources.registry import sources_autodiscover

        # Every source module registers its class with the registry in `genes.sources`.
        sources_autodiscover()
        register_version_marks(
            ("pipeline.SourceRun", "created_at"), ("pipeline.SourceRun", "finished_at")
        )
        # A worker process that starts is a worker seen: the health check need not wait for
        # the first minute's scheduled heartbeat.
        from django_q.signals import post_spawn

        from pipeline.tasks import worker_spawned

        post_spawn.connect(worker_spawned, dispatch_uid="pipeline.worker_heartbeat")
