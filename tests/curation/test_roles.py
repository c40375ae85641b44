"""Each role reaches exactly its actions, in the admin and in the API."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, Permission

from curation.models import CuratorDecision
from curation.roles import ADMIN, CURATOR, VIEWER
from pipeline.models import SourceRun

pytestmark = pytest.mark.django_db

DECISION_ADD = "/admin/curation/curatordecision/add/"


def test_migration_creates_the_three_role_groups():
    assert set(Group.objects.values_list("name", flat=True)) >= {ADMIN, CURATOR, VIEWER}


def test_curator_may_record_decisions_and_draft_but_not_publish(curator):
    assert curator.has_perm("curation.record_decision")
    assert curator.has_perm("curation.trigger_run")
    assert curator.has_perm("curation.upload_list")
    assert curator.has_perm("curation.add_release") and curator.has_perm("curation.change_release")
    assert curator.has_perm("pipeline.change_stagedrecord")
    assert not curator.has_perm("curation.publish_release")
    assert not curator.has_perm("auth.add_user")


def test_no_permission_is_granted_that_no_code_checks():
    """Staged records are reviewed with pipeline.change_stagedrecord, drafts with add/change
    release; the unchecked review_staging and draft_release permissions are gone."""
    codenames = set(
        Permission.objects.filter(content_type__app_label="curation").values_list(
            "codename", flat=True
        )
    )
    assert not codenames & {"review_staging", "draft_release"}


def test_viewer_only_views(viewer):
    assert viewer.has_perm("genes.view_gene")
    assert viewer.has_perm("curation.view_curatordecision")
    assert not viewer.has_perm("curation.record_decision")
    assert not viewer.has_perm("pipeline.change_stagedrecord")


def test_admin_role_manages_users_and_publishes(admin_user):
    assert admin_user.has_perm("auth.add_user")
    assert admin_user.has_perm("curation.publish_release")


@pytest.mark.parametrize(
    ("role_fixture", "expected"),
    [("admin_user", 200), ("curator", 200), ("viewer", 403), ("staff_without_role", 403)],
)
def test_admin_decision_form_is_open_to_curators_only(client, request, role_fixture, expected):
    client.force_login(request.getfixturevalue(role_fixture))
    assert client.get(DECISION_ADD).status_code == expected


@pytest.mark.parametrize(
    ("role_fixture", "expected"),
    [("curator", 200), ("viewer", 200), ("staff_without_role", 403)],
)
def test_staging_queue_is_visible_to_roles_only(client, request, role_fixture, expected):
    client.force_login(request.getfixturevalue(role_fixture))
    assert client.get("/admin/pipeline/stagedrecord/").status_code == expected


def test_staff_without_role_sees_no_app_in_admin(client, staff_without_role):
    client.force_login(staff_without_role)
    response = client.get("/admin/")
    assert response.status_code == 200
    assert response.context["app_list"] == []


def test_viewer_cannot_post_a_decision_in_admin(client, viewer, genes):
    client.force_login(viewer)
    response = client.post(
        DECISION_ADD, {"gene": genes[0].pk, "verdict": "confirmed", "rationale": "Because."}
    )
    assert response.status_code == 403
    assert not CuratorDecision.objects.exists()


@pytest.mark.parametrize(
    ("role_fixture", "expected"),
    [("admin_user", 201), ("curator", 201), ("viewer", 403), ("staff_without_role", 403)],
)
def test_api_decision_write_is_role_checked(api_client, request, genes, role_fixture, expected):
    api_client.force_authenticate(request.getfixturevalue(role_fixture))
    body = {"gene": "HGNC:9008", "verdict": "confirmed", "rationale": "Segregates in families."}
    assert api_client.post("/api/decisions/", body, format="json").status_code == expected
    assert CuratorDecision.objects.exists() is (expected == 201)


def test_api_decision_write_needs_authentication(api_client, genes):
    body = {"gene": "HGNC:9008", "verdict": "confirmed", "rationale": "Segregates in families."}
    assert api_client.post("/api/decisions/", body, format="json").status_code in (401, 403)
    assert not CuratorDecision.objects.exists()


@pytest.mark.parametrize(
    ("role_fixture", "expected"),
    [("admin_user", 202), ("curator", 202), ("viewer", 403), ("staff_without_role", 403)],
)
def test_api_run_trigger_is_role_checked(
    api_client, request, role_fixture, expected, django_capture_on_commit_callbacks
):
    api_client.force_authenticate(request.getfixturevalue(role_fixture))
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = api_client.post("/api/runs/", {"source": "panelapp"}, format="json")
    assert response.status_code == expected
    # A refused trigger creates no run and queues nothing.
    assert SourceRun.objects.count() == (1 if expected == 202 else 0)
    assert bool(queued) is (expected == 202)


def _offered_actions(client, user) -> set[str]:
    client.force_login(user)
    action_form = client.get("/admin/curation/release/").context["action_form"]
    return {name for name, _ in action_form.fields["action"].choices} if action_form else set()


def test_publish_action_offered_to_admins_only(client, admin_user, curator, viewer):
    assert "publish_selected" in _offered_actions(client, admin_user)
    assert "publish_selected" not in _offered_actions(client, curator)
    assert _offered_actions(client, viewer) == set()
