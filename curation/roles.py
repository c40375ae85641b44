"""The three curation roles (Admin, Curator, Viewer) as Django groups with permissions.

A role is defined once here. The data migration creates the groups; a post_migrate hook
re-syncs them so permissions of models added later (by any app) join the right role.
"""

from __future__ import annotations

from typing import Any

ADMIN = "Admin"
CURATOR = "Curator"
VIEWER = "Viewer"
ROLE_NAMES = (ADMIN, CURATOR, VIEWER)

# Apps whose data the Viewer may read in the admin (and everyone above the Viewer, too).
DATA_APPS = ("genes", "annotations", "pipeline", "curation")

# What a Curator may do beyond viewing: "app_label.codename".
CURATOR_PERMISSIONS = (
    "curation.record_decision",
    "curation.upload_list",
    "curation.trigger_run",
    "curation.add_curatordecision",
    "curation.change_curatordecision",
    "curation.add_release",
    "curation.change_release",
    "curation.delete_release",
    "pipeline.change_stagedrecord",
    "pipeline.view_stagedrecord",
    "genes.add_curatedsymbolmapping",
    "genes.change_curatedsymbolmapping",
)


def _viewer_filter(permission_model: Any) -> Any:
    return permission_model.objects.filter(
        content_type__app_label__in=DATA_APPS, codename__startswith="view_"
    )


def _curator_filter(permission_model: Any) -> Any:
    from django.db.models import Q

    wanted = Q()
    for dotted in CURATOR_PERMISSIONS:
        app_label, codename = dotted.split(".", 1)
        wanted |= Q(content_type__app_label=app_label, codename=codename)
    return permission_model.objects.filter(wanted) | _viewer_filter(permission_model)


def roles_sync(*, group_model: Any, permission_model: Any) -> None:
    """Create the role groups and give each exactly its permissions; safe to repeat.

    Takes the models as arguments so a migration can pass its historical models.
    """
    grants = {
        ADMIN: permission_model.objects.all(),
        CURATOR: _curator_filter(permission_model),
        VIEWER: _viewer_filter(permission_model),
    }
    for name, permissions in grants.items():
        group, _ = group_model.objects.get_or_create(name=name)
        group.permissions.set(list(permissions.values_list("pk", flat=True)))


def roles_sync_after_migrate(**kwargs: Any) -> None:
    """post_migrate receiver: keep the roles complete as apps add models."""
    from django.contrib.auth.models import Group, Permission

    roles_sync(group_model=Group, permission_model=Permission)
