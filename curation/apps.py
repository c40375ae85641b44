from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CurationConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "curation"

    def ready(self) -> None:
        """Add curator decisions to gene pages/API, keep the role groups complete and register the
        read-cache version marks of decisions and releases."""
        from common.caching import register_version_marks
        from curation.roles import roles_sync_after_migrate
        from curation.selectors import decision_section_payloads, release_latest_summary
        from genes.extensions import register_gene_section, register_home_block
        from pipeline.jobs import job_source_register

        register_gene_section(
            "curator_decision",
            decision_section_payloads,
            title="Curator decision",
            template="curation/_gene_decision.html",
            order=20,
        )
        register_home_block(
            "latest_release", release_latest_summary, template="curation/_home_release.html"
        )
        job_source_register(
            kind="release",
            label="Release publish",
            model="curation.Release",
            finished_field="published_at",
            filters={"status": "published"},
            message="release {version} published",
        )
        post_migrate.connect(
            roles_sync_after_migrate, sender=self, dispatch_uid="curation_roles_sync"
        )
        register_version_marks(
            ("curation.HistoricalCuratorDecision", "history_date"),
            ("curation.Release", "created_at"),
            ("curation.Release", "published_at"),
        )
