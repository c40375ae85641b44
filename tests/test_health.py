import pytest

pytestmark = pytest.mark.django_db


def test_ping(client):
    response = client.get("/api/ping/")
    assert response.status_code == 200
    assert response.json() == {"ping": "pong"}


def test_health_reports_every_part_ok(client):
    from pipeline.tasks import worker_heartbeat

    worker_heartbeat()  # a worker ran its scheduled tick just now
    response = client.get("/api/health/")
    body = response.json()
    assert response.status_code == 200, body
    assert set(body["checks"]) == {"database", "cache", "channel_layer", "task_queue"}
    assert all(part["status"] == "ok" for part in body["checks"].values())


def test_health_names_the_failing_part(admin_client, monkeypatch):
    from core import health
    from pipeline.tasks import worker_heartbeat

    worker_heartbeat()
    client = admin_client  # error texts are for staff

    def broken_cache():
        raise ConnectionError("cache is down")

    monkeypatch.setattr(health, "_check_cache", broken_cache)
    response = client.get("/api/health/")
    assert response.status_code == 503
    body = response.json()
    assert body["failing"] == ["cache"]
    assert "cache is down" in body["checks"]["cache"]["error"]


def test_version_reports_migration_and_hgnc_release(client):
    from datetime import date

    from genes.models import HgncLoad

    HgncLoad.objects.create(
        file_name="hgnc.txt", sha256="0" * 64, release_date=date(2024, 7, 1), file_layout="tsv"
    )
    body = client.get("/api/version/").json()
    assert body["hgnc_release"] == "2024-07-01"
    assert body["schema_migration"]
    assert body["version"]


def test_production_refuses_to_start_without_secret_key():
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-c", "import django; from django.conf import settings; settings.DEBUG"],
        env={
            "DJANGO_SETTINGS_MODULE": "kidney_genetics.settings.base",
            "DEBUG": "false",
            "SECRET_KEY": "",
            "PATH": "/usr/bin:/bin",
        },
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr
