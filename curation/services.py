"""Writes of the curation app: curator decisions and releases."""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from curation import snapshot
from curation.models import CuratorDecision, Release, ReleaseFile, ReleaseStatus, Verdict
from genes.models import Gene

_PMID = re.compile(r"^[0-9]{1,9}$")  # not \d: it accepts other scripts' digits


class StaleDecisionError(ValidationError):
    """The decision changed since the curator loaded it; saving would overwrite their work."""


class ReleaseImmutableError(ValidationError):
    """Published releases are frozen: no edits, no deletion."""


def pmids_clean(pmids: Iterable[str | int] | None) -> list[str]:
    """PMIDs as a de-duplicated list of digit strings, in the order given."""
    cleaned: list[str] = []
    for raw in pmids or []:
        value = str(raw).strip().removeprefix("PMID:").strip()
        if not value:
            continue
        if not _PMID.match(value):
            raise ValidationError({"pmids": f"'{raw}' is not a PubMed id (digits only)."})
        if value not in cleaned:
            cleaned.append(value)
    return cleaned


@transaction.atomic
def decision_record(
    *,
    gene: Gene,
    verdict: str,
    rationale: str,
    user: AbstractBaseUser,
    pmids: Iterable[str | int] | None = None,
    base_version: int | None = None,
) -> CuratorDecision:
    """Record (or replace) the curator decision on a gene.

    `base_version` is the version the curator saw; None means "I saw no decision". A mismatch
    with the stored version raises StaleDecisionError instead of overwriting someone's work.
    """
    if verdict not in Verdict.values:
        raise ValidationError({"verdict": f"Unknown verdict '{verdict}'."})
    rationale = (rationale or "").strip()
    if not rationale:
        raise ValidationError({"rationale": "A rationale is required for every decision."})
    cleaned_pmids = pmids_clean(pmids)
    decision = CuratorDecision.objects.select_for_update().filter(gene=gene).first()
    if decision is None:
        if base_version is not None:
            raise StaleDecisionError(
                "The decision you edited no longer exists; reload the gene and try again."
            )
        decision = CuratorDecision(gene=gene, version=1)
    else:
        if base_version != decision.version:
            who = decision.author.get_username() if decision.author else "someone"
            raise StaleDecisionError(
                f"This decision was changed by {who} at {decision.updated_at:%Y-%m-%d %H:%M} "
                f"(version {decision.version}, you edited version {base_version}). "
                "Reload it, review their change and save again."
            )
        decision.version += 1
    decision.verdict = verdict
    decision.rationale = rationale
    decision.pmids = cleaned_pmids
    decision.author = user
    decision._history_user = user
    if decision.pk is not None:
        decision.save()
        return decision
    # select_for_update locks no row that does not exist yet: two curators saving the first
    # decision at once both get here, and the loser meets the one-decision-per-gene constraint.
    # The savepoint keeps the caller's transaction usable (PostgreSQL aborts it otherwise).
    try:
        with transaction.atomic():
            decision.save()
    except IntegrityError as clash:
        raise StaleDecisionError(
            "Another curator recorded the first decision on this gene a moment ago. "
            "Reload it, review their decision and save again."
        ) from clash
    return decision


@transaction.atomic
def release_draft_create(*, title: str, notes: str = "", user: AbstractBaseUser) -> Release:
    """A curator starts a release; nothing is frozen until an admin publishes it."""
    if not title.strip():
        raise ValidationError({"title": "A release needs a title."})
    return Release.objects.create(title=title.strip(), notes=notes, created_by=user)


def _release_lock_draft(release: Release) -> Release:
    locked = Release.objects.select_for_update().get(pk=release.pk)
    if locked.status == ReleaseStatus.PUBLISHED:
        raise ReleaseImmutableError(f"Release {locked.version} is published and cannot change.")
    return locked


@transaction.atomic
def release_draft_update(*, release: Release, title: str, notes: str) -> Release:
    """Edit a draft's title and notes; published releases are refused."""
    locked = _release_lock_draft(release)
    locked.title = title.strip() or locked.title
    locked.notes = notes
    locked.save(update_fields=["title", "notes"])
    return locked


@transaction.atomic
def release_draft_delete(*, release: Release) -> None:
    """Delete a draft; published releases are refused."""
    _release_lock_draft(release).delete()


def release_version_next(*, today=None) -> str:
    """`YYYY.MM.DD`, then `YYYY.MM.DD-2`, `-3`, … for further releases on the same day."""
    day = (today or timezone.localdate()).strftime("%Y.%m.%d")
    taken = set(Release.objects.filter(version__startswith=day).values_list("version", flat=True))
    if day not in taken:
        return day
    counter = 2
    while f"{day}-{counter}" in taken:
        counter += 1
    return f"{day}-{counter}"


@transaction.atomic
def release_publish(*, release: Release, user: AbstractBaseUser) -> Release:
    """Freeze the live data into the release's files, checksums, changelog and citation."""
    if not user.has_perm("curation.publish_release"):
        raise PermissionDenied("Only an admin may publish a release.")
    locked = _release_lock_draft(release)
    previous = (
        Release.objects.filter(status=ReleaseStatus.PUBLISHED).order_by("-published_at").first()
    )
    now = timezone.now()
    version = release_version_next(today=timezone.localdate(now))
    frozen = snapshot.snapshot_build(version=version, published_at=now)
    previous_genes = snapshot.release_gene_tiers(previous) if previous else None
    ReleaseFile.objects.bulk_create(
        ReleaseFile(release=locked, **file_fields) for file_fields in frozen.files
    )
    locked.version = version
    locked.status = ReleaseStatus.PUBLISHED
    locked.published_at = now
    locked.published_by = user
    locked.previous = previous
    locked.gene_count = frozen.gene_count
    locked.evidence_count = frozen.evidence_count
    locked.decision_count = frozen.decision_count
    locked.source_versions = frozen.source_versions
    locked.changelog = snapshot.changelog_build(previous_genes, frozen.gene_tiers, previous)
    locked.citation = snapshot.citation_text(version=version, published_at=now)
    locked.save()
    return locked


def user_access_end(*, user: AbstractBaseUser) -> int:
    """End every API token and browser session of `user`; returns how many were ended.

    Called when a password changes, an account is deactivated or loses a role (see
    curation/signals.py): whoever held the old credentials must sign in again, under the
    account's new rights. Sessions are found by decoding the unexpired ones, which is fine
    for a curation team's few hundred sessions.
    """
    from django.contrib.sessions.models import Session
    from knox.models import get_token_model

    tokens, _ = get_token_model().objects.filter(user_id=user.pk).delete()
    user_key = str(user.pk)
    ended_sessions = [
        session.pk
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if session.get_decoded().get("_auth_user_id") == user_key
    ]
    Session.objects.filter(pk__in=ended_sessions).delete()
    return tokens + len(ended_sessions)


class TokenLimitError(PermissionDenied):
    """The user already holds as many live API tokens as allowed."""


def api_token_issue(*, user: AbstractBaseUser) -> tuple[str, object]:
    """A new API token for `user`: (secret, expiry). The secret is shown once, never stored.

    Refused when the user already holds `API_TOKEN_LIMIT_PER_USER` unexpired tokens, so a
    leaked password cannot mint tokens without bound; logging out frees a slot.
    """
    from django.conf import settings
    from django.db.models import Q
    from knox.models import get_token_model
    from knox.settings import knox_settings

    tokens = get_token_model().objects.filter(user_id=user.pk)
    limit = getattr(settings, "API_TOKEN_LIMIT_PER_USER", None)
    now = timezone.now()
    live = tokens.filter(Q(expiry__gt=now) | Q(expiry__isnull=True))
    if limit is not None and live.count() >= limit:
        raise TokenLimitError(
            f"You hold {limit} live API tokens, the most allowed; log out of one "
            "(POST /api/auth/logout/ with it) or all (POST /api/auth/logout-all/)."
        )
    tokens.filter(expiry__lte=now).delete()
    instance, secret = get_token_model().objects.create(
        user=user, expiry=knox_settings.TOKEN_TTL, prefix=knox_settings.TOKEN_PREFIX
    )
    return secret, instance.expiry
