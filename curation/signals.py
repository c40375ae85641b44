"""Receivers that end a user's tokens and sessions when the account's rights shrink.

Thin adapters over `curation.services.user_access_end`, connected in `CurationConfig.ready`:
a password set with `set_password` (admin, `changepassword`, the API), `is_active`,
`is_staff` or `is_superuser` switched off, or a role group removed. A hash upgrade at login
(`check_password` re-hashing) is not a password change and ends nothing.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from curation.roles import ROLE_NAMES

# Flags whose loss narrows what the account may do.
_RIGHTS_FLAGS = ("is_active", "is_staff", "is_superuser")
_PENDING = "_kg_access_end"


def user_pre_save(sender: Any, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    """Note on the instance whether this save changes the password or removes a right."""
    if raw or instance.pk is None:
        return
    changed = getattr(instance, "_password", None) is not None
    if not changed:
        previous = sender.objects.filter(pk=instance.pk).values(*_RIGHTS_FLAGS).first()
        changed = bool(previous) and any(
            previous[flag] and not getattr(instance, flag) for flag in _RIGHTS_FLAGS
        )
    setattr(instance, _PENDING, changed)


def user_post_save(sender: Any, instance: Any, created: bool = False, **kwargs: Any) -> None:
    if getattr(instance, _PENDING, False):
        setattr(instance, _PENDING, False)
        _end_on_commit(instance)


def user_groups_changed(
    sender: Any, instance: Any, action: str, reverse: bool, pk_set: set | None, **kwargs: Any
) -> None:
    """A role group removed from a user (or a user removed from a role group)."""
    if action not in ("pre_remove", "pre_clear"):
        return
    from django.contrib.auth.models import Group, User

    if reverse:  # group.user_set.remove(...): instance is the group
        if instance.name not in ROLE_NAMES:
            return
        users = User.objects.filter(pk__in=pk_set) if pk_set else instance.user_set.all()
        for user in users:
            _end_on_commit(user)
        return
    groups = Group.objects.filter(pk__in=pk_set) if pk_set else instance.groups.all()
    if groups.filter(name__in=ROLE_NAMES).exists():
        _end_on_commit(instance)


def _end_on_commit(user: Any) -> None:
    from curation.services import user_access_end

    transaction.on_commit(lambda: user_access_end(user=user))
