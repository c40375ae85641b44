"""Every URL pattern, walked from the root resolver, is checked against an explicit table.

A new URL without an entry in ACCESS fails `test_every_url_pattern_has_an_access_rule`; an
entry whose URL is gone fails too, so the table stays the list of what is public and what is
not. Everything under /admin/ that the table does not name is expected to be staff-only. The
WebSocket routes (kidney_genetics/routing.py) are not URL patterns and are out of scope.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum
from urllib.parse import urlparse

import pytest
from django.test import Client
from django.urls import URLResolver, get_resolver, reverse

from tests.factories import UserFactory


class Access(Enum):
    PUBLIC = "anyone may GET"
    STAFF = "staff only (anonymous and non-staff are sent to the admin login)"
    STAFF_OR_TOKEN = "staff session or the metrics bearer token"
    POST_ONLY = "no GET; writes need a login and a role"


@dataclass(frozen=True)
class Rule:
    access: Access
    anonymous_get: int | None = None  # exact status an anonymous GET answers
    write_permission: str | None = None  # role permission a POST needs
    # What an allowed POST with an empty body answers once past the role check, when it is not
    # the usual 400 (API) / 302 (pages): run actions look the run up first, and sample id 1 is
    # no run.
    allowed_post: int | None = None


PUBLIC_OK = Rule(Access.PUBLIC, 200)
# Sample objects of public detail routes that the fixtures do not create: 404, not a refusal.
PUBLIC_MISSING = Rule(Access.PUBLIC, 404)

ACCESS: dict[str, Rule] = {
    "metrics": Rule(Access.STAFF_OR_TOKEN, 401),
    "ping": PUBLIC_OK,
    # Public, and 503 here: no task worker runs beside the tests, so the task queue fails.
    "health": Rule(Access.PUBLIC, 503),
    "version": PUBLIC_OK,
    "pipeline-live": Rule(Access.STAFF, 302),
    # Public by design: the /sources/ page polls it; run summaries only, no logs or errors.
    "pipeline-live-state": PUBLIC_OK,
    "pipeline-live-trigger": Rule(Access.POST_ONLY, 405, "curation.trigger_run"),
    "admin:login": PUBLIC_OK,
    # Anonymous visitors are sent to the admin index (and from there to the login).
    "admin:logout": Rule(Access.STAFF, 302),
    "api-gene-list": PUBLIC_OK,
    "api-gene-resolve": Rule(Access.PUBLIC, 400),  # without `q`: a parameter error
    "api-gene-detail": PUBLIC_OK,
    "api-gene-evidence": PUBLIC_OK,
    "api-gene-annotations": PUBLIC_OK,
    "api-statistics-overlaps": PUBLIC_OK,
    "api-statistics-distributions": PUBLIC_OK,
    "api-statistics-summary": PUBLIC_OK,
    "api-schema": PUBLIC_OK,
    "api-docs": PUBLIC_OK,
    "api-source-list": PUBLIC_OK,
    "api-source-detail": PUBLIC_OK,
    "api-network": PUBLIC_OK,
    "api-token": Rule(Access.POST_ONLY, 405),
    # POST with a token ends it (or all of its user's); without one, 401.
    "api-logout": Rule(Access.POST_ONLY, 401),
    "api-logout-all": Rule(Access.POST_ONLY, 401),
    "api-decisions": Rule(Access.PUBLIC, 200, "curation.record_decision"),
    "api-runs": Rule(Access.POST_ONLY, 405, "curation.trigger_run"),
    "api-run-cancel": Rule(Access.POST_ONLY, 405, "curation.trigger_run", allowed_post=404),
    "api-run-retry": Rule(Access.POST_ONLY, 405, "curation.trigger_run", allowed_post=404),
    "api-run-confirm": Rule(Access.POST_ONLY, 405, "curation.trigger_run", allowed_post=404),
    "api-uploads": Rule(Access.POST_ONLY, 405, "curation.upload_list"),
    "api-release-list": PUBLIC_OK,
    "api-release-detail": PUBLIC_MISSING,
    "api-release-download": PUBLIC_MISSING,
    "curation:release-list": PUBLIC_OK,
    "curation:release-detail": PUBLIC_MISSING,
    "curation:release-download": PUBLIC_MISSING,
    "pipeline:sources": PUBLIC_OK,
    "annotations:network": PUBLIC_OK,
    "genes:home": PUBLIC_OK,
    "genes:tier_css": PUBLIC_OK,
    "genes:gene_list": PUBLIC_OK,
    "genes:gene_suggest": PUBLIC_OK,
    "genes:gene_detail": PUBLIC_OK,
    "genes:statistics": PUBLIC_OK,
    "genes:about": PUBLIC_OK,
}
ADMIN_DEFAULT = Rule(Access.STAFF, 302)

SAMPLE_ARGUMENTS = {
    "symbol": "PKD1",
    "identifier": "PKD1",
    "key": "clingen",
    # An upload source: the trigger view refuses it after the role check, so nothing is queued.
    "source": "literature",
    "version": "2026.1",
    "name": "genes.tsv",
    "object_id": "1",
    "id": "1",
    "pk": "1",
    "app_label": "genes",
    "content_type_id": 1,
    "url": "no-such-admin-page/",
}


@dataclass(frozen=True)
class Route:
    key: str  # the URL name, or the pattern of an unnamed route
    pattern: str
    path: str

    @property
    def rule(self) -> Rule | None:
        if self.key in ACCESS:
            return ACCESS[self.key]
        return ADMIN_DEFAULT if self.pattern.startswith("admin/") else None

    def __str__(self) -> str:
        return self.key


def _sample_path(name: str | None, pattern: str, groups: list[str]) -> str:
    arguments = {group: SAMPLE_ARGUMENTS[group] for group in groups if group}
    if name and len(arguments) == len(groups):
        return reverse(name, kwargs=arguments)
    if name:  # positional groups (simple_history's object and history ids)
        return reverse(name, args=["1"] * len(groups))
    # Unnamed routes (admin's object-id redirects and its catch-all): fill the pattern.
    filled = re.sub(r"<(?:\w+:)?(\w+)>", lambda match: str(arguments[match.group(1)]), pattern)
    filled = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda match: str(arguments[match.group(1)]), filled)
    return "/" + filled.replace("^", "").replace("$", "")


def _walk(resolver: URLResolver, prefix: str = "", namespace: str | None = None):
    for entry in resolver.url_patterns:
        regex = entry.pattern.regex
        groups = list(regex.groupindex) + [""] * (regex.groups - len(regex.groupindex))
        if isinstance(entry, URLResolver):
            inner = ":".join(part for part in (namespace, entry.namespace) if part) or None
            for route, inner_groups in _walk(entry, prefix + str(entry.pattern), inner):
                yield route, groups + inner_groups
            continue
        name = entry.name and (f"{namespace}:{entry.name}" if namespace else entry.name)
        yield (name, prefix + str(entry.pattern)), groups


def all_routes() -> list[Route]:
    routes = []
    for (name, pattern), groups in _walk(get_resolver()):
        routes.append(Route(name or pattern, pattern, _sample_path(name, pattern, groups)))
    return routes


ROUTES = all_routes()
STAFF_ROUTES = [route for route in ROUTES if route.rule and route.rule.access is Access.STAFF]
WRITE_ROUTES = [route for route in ROUTES if route.rule and route.rule.write_permission]


def _is_login_redirect(response, route: Route | None = None) -> bool:
    """Sent to the admin login (logout sends anyone without staff rights to the admin index)."""
    location = urlparse(response.get("Location", "")).path
    target = "/admin/" if route and route.key == "admin:logout" else "/admin/login/"
    return response.status_code == 302 and location == target


def test_every_url_pattern_has_an_access_rule():
    unlisted = [route.key for route in ROUTES if route.rule is None]
    assert not unlisted, f"add these URLs to ACCESS in {__name__}: {unlisted}"
    walked = {route.key for route in ROUTES}
    stale = sorted(set(ACCESS) - walked)
    assert not stale, f"ACCESS names URLs that no longer exist: {stale}"


def test_the_walk_reaches_admin_api_pages_and_the_live_page():
    paths = {route.path for route in ROUTES}
    assert {"/admin/", "/api/genes/", "/genes/", "/releases/", "/network/"} <= paths
    assert "/admin/pipeline/live/" in paths
    assert len(STAFF_ROUTES) > 30  # every registered admin model's list, add, change, ...


@pytest.mark.django_db
@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_anonymous_get_is_answered_as_the_table_says(client, scored_gene, route):
    response = client.get(route.path)
    rule = route.rule
    assert response.status_code == rule.anonymous_get, (route.path, response.status_code)
    if rule.access is Access.STAFF:
        assert _is_login_redirect(response, route), response.get("Location")


@pytest.mark.django_db
@pytest.mark.parametrize("route", STAFF_ROUTES, ids=str)
def test_staff_pages_refuse_a_logged_in_non_staff_member(client, member, route):
    client.force_login(member)
    response = client.get(route.path)
    assert _is_login_redirect(response, route), (route.path, response.status_code)


@pytest.mark.django_db
@pytest.mark.parametrize("route", STAFF_ROUTES, ids=str)
def test_staff_pages_open_to_a_viewer(client, viewer, scored_gene, route):
    """Staff in the Viewer role get past the login; per-model rights may still say 403."""
    client.force_login(viewer)
    response = client.get(route.path)
    assert response.status_code < 500, route.path
    assert not _is_login_redirect(response), route.path


@pytest.mark.django_db
def test_metrics_refuse_non_staff_and_open_to_staff(client, member, viewer):
    client.force_login(member)
    assert client.get("/metrics").status_code == 403
    client.force_login(viewer)
    assert client.get("/metrics").status_code == 200


def _post_as(client: Client, route: Route, user, token: str | None):
    if token:
        return client.post(route.path, {}, HTTP_AUTHORIZATION=f"Token {token}")
    if user:
        client.force_login(user)
    return client.post(route.path, {})


@pytest.mark.django_db
@pytest.mark.parametrize("route", WRITE_ROUTES, ids=str)
def test_writes_need_the_role_that_holds_the_permission(client, token_of, scored_gene, route):
    from curation.roles import CURATOR, VIEWER

    viewer = UserFactory(username="victor", role=VIEWER)
    curator = UserFactory(username="curt", role=CURATOR)
    assert not viewer.has_perm(route.rule.write_permission)
    assert curator.has_perm(route.rule.write_permission)
    is_api = route.path.startswith("/api/")

    anonymous = _post_as(client, route, None, None)
    assert anonymous.status_code in (401, 403) or _is_login_redirect(anonymous)

    refused = _post_as(client, route, viewer, token_of(viewer) if is_api else None)
    assert refused.status_code == 403, refused.content

    allowed = _post_as(Client(), route, curator, token_of(curator) if is_api else None)
    # Past the role check: an empty body is a 400 for the API; the live page redirects back.
    expected = route.rule.allowed_post or (400 if is_api else 302)
    assert allowed.status_code == expected, allowed.content
