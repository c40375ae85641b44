"""API tokens that can be revoked: hashed, expiring, ended with the rights they were issued under.

Also: only superusers manage accounts, groups and tokens in the admin; an anonymous write is a
401 that says how to authenticate.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, User
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

from curation.roles import ADMIN, CURATOR
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)

TOKEN_URL = "/api/auth/token/"
DECISION = {"gene": "HGNC:9008", "verdict": "confirmed", "rationale": "Segregates."}


def _token(username: str) -> str:
    response = APIClient().post(TOKEN_URL, {"username": username, "password": PASSWORD})
    assert response.status_code == 200, response.content
    return response.json()["token"]


def _status_with(token: str, path: str = "/api/decisions/", body: dict | None = None) -> int:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client.post(path, body if body is not None else DECISION, format="json").status_code


def _browser_session(user: User) -> str:
    client = Client()
    client.force_login(user)
    return client.session.session_key


def test_token_is_stored_as_a_digest_and_expires(curator, genes):
    response = APIClient().post(TOKEN_URL, {"username": curator.username, "password": PASSWORD})
    body = response.json()
    token = body["token"]
    assert token.startswith("kgdb_")
    assert body["expiry"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM knox_authtoken")
        stored = repr(cursor.fetchall())
    assert token not in stored and token[15:] not in stored
    assert _status_with(token) == 201
    AuthToken.objects.update(expiry=timezone.now() - timedelta(seconds=1))
    assert _status_with(token, body={**DECISION, "base_version": 1}) == 401


@pytest.mark.parametrize(
    "change",
    ["password", "deactivate", "role_removed", "removed_from_role", "roles_cleared", "staff_off"],
)
def test_losing_rights_ends_every_token_and_session(curator, genes, change):
    first, second = _token(curator.username), _token(curator.username)
    session_key = _browser_session(curator)
    group = Group.objects.get(name=CURATOR)
    if change == "password":
        curator.set_password("A-new-Passw0rd-42")
        curator.save()
    elif change == "deactivate":
        curator.is_active = False
        curator.save()
    elif change == "role_removed":
        curator.groups.remove(group)
    elif change == "removed_from_role":
        group.user_set.remove(curator)
    elif change == "roles_cleared":
        curator.groups.clear()
    elif change == "staff_off":
        curator.is_staff = False
        curator.save()
    assert not AuthToken.objects.filter(user=curator).exists()
    assert not Session.objects.filter(session_key=session_key).exists()
    assert _status_with(first) == 401
    assert _status_with(second) == 401


def test_ordinary_saves_and_logins_end_nothing(curator, genes):
    token = _token(curator.username)
    curator.first_name = "Cora"
    curator.save()
    curator.groups.add(Group.objects.get(name=ADMIN))
    assert Client().login(username=curator.username, password=PASSWORD)
    assert _status_with(token) == 201


def test_other_users_keep_their_tokens(curator, other_curator, genes):
    mine, theirs = _token(curator.username), _token(other_curator.username)
    curator.set_password("A-new-Passw0rd-42")
    curator.save()
    assert _status_with(mine) == 401
    assert _status_with(theirs) == 201


def test_logout_ends_one_token_and_logout_all_ends_them_all(curator, genes):
    first, second, third = (_token(curator.username) for _ in range(3))
    assert _status_with(first, "/api/auth/logout/", {}) == 204
    assert _status_with(first) == 401
    assert _status_with(second) == 201
    assert _status_with(second, "/api/auth/logout-all/", {}) == 204
    assert _status_with(second) == 401
    assert _status_with(third) == 401


def test_tokens_per_user_are_limited(curator, settings):
    settings.API_TOKEN_LIMIT_PER_USER = 2
    _token(curator.username)
    _token(curator.username)
    response = APIClient().post(TOKEN_URL, {"username": curator.username, "password": PASSWORD})
    assert response.status_code == 403
    assert response.json()["errors"][0]["code"] == "token_limit"


def test_anonymous_write_is_401_with_www_authenticate(genes):
    response = APIClient().post("/api/decisions/", DECISION, format="json")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json()["errors"][0]["status"] == "401"


@pytest.mark.parametrize(
    "header", [b"Token \xff\xfe", b"Token a b", b"Token", b"Token kgdb_" + b"x" * 500]
)
def test_malformed_token_headers_are_401(genes, header):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header.decode("latin-1"))
    assert client.post("/api/decisions/", DECISION, format="json").status_code == 401


ACCOUNT_PAGES = ["/admin/auth/user/", "/admin/auth/group/", "/admin/knox/authtoken/"]


@pytest.mark.parametrize("path", ACCOUNT_PAGES)
def test_admin_role_cannot_see_accounts_groups_or_tokens(admin_user, path):
    assert admin_user.has_perm("auth.change_user")  # the role holds it; the admin refuses
    client = Client()
    client.force_login(admin_user)
    assert client.get(path).status_code == 403
    assert client.get(f"{path}add/").status_code == 403


def test_admin_role_cannot_make_itself_superuser(admin_user):
    client = Client()
    client.force_login(admin_user)
    response = client.post(
        f"/admin/auth/user/{admin_user.pk}/change/",
        {"username": admin_user.username, "is_superuser": "on", "is_active": "on"},
    )
    assert response.status_code == 403
    admin_user.refresh_from_db()
    assert not admin_user.is_superuser


def test_superuser_manages_accounts_and_sees_no_token_secret(curator):
    token = _token(curator.username)
    root = User.objects.create_superuser("root", password=PASSWORD)
    client = Client()
    client.force_login(root)
    for path in ACCOUNT_PAGES:
        assert client.get(path).status_code == 200
    listing = client.get("/admin/knox/authtoken/").content.decode()
    assert curator.username in listing
    assert token not in listing and token[15:] not in listing
    assert client.get("/admin/knox/authtoken/add/").status_code == 403


def test_pmids_in_other_scripts_digits_are_refused(curator, genes):
    client = APIClient()
    client.force_authenticate(curator)
    response = client.post("/api/decisions/", {**DECISION, "pmids": ["١٢٣"]}, format="json")
    assert response.status_code == 400
