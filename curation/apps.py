from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_migrate, post_save, pre_save


class CurationConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "curation"

    def ready(self) -> None:
        """Add curator decisions to gene pages/API, keep the role groups complete, register the
        read-cache version marks of decisions and releases, and end a user's tokens and sessions
        when the account's rights shrink."""
        from django.contrib.auth.models import User

        from common.caching import register_version_marks
        from curation import signals
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
        pre_save.connect(signals.user_pre_save, sender=User, dispatch_uid="curation_user_pre")
        post_save.connect(signals.user_post_save, sender=User, dispatch_uid="curation_user_post")
        m2m_changed.connect(
            signals.user_groups_changed,
            sender=User.groups.through,
            dispatch_uid="curation_user_groups",
        )
