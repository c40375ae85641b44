"""`DEBUG=false manage.py check --deploy` reports nothing with the production settings in
deploy/.env.example, and nothing with the defaults either (they are the secure ones)."""

from __future__ import annotations

import secrets
import subprocess
import sys
from pathlib import Path

import pytest

REPO_DIR = Path(__file__).resolve().parents[2]


def _example() -> dict[str, str]:
    values = {}
    for line in (REPO_DIR / "deploy" / ".env.example").read_text().splitlines():
        if line and not line.startswith("#"):
            name, _, value = line.partition("=")
            values[name] = value
    return values


def _check_deploy(settings: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess:
    env = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "kidney_genetics.settings.base",
        **settings,
        # What the example leaves to the operator: a real secret and writable directories.
        "SECRET_KEY": secrets.token_urlsafe(50),
        "STATIC_ROOT": str(tmp_path / "static"),
        "MEDIA_ROOT": str(tmp_path / "media"),
        "BACKUP_DIR": str(tmp_path / "backups"),
    }
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=REPO_DIR, env=env, capture_output=True, text=True, timeout=120,
    )


def test_check_deploy_is_clean_with_the_production_example(tmp_path):
    result = _check_deploy(_example(), tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_is_clean_with_the_defaults(tmp_path):
    result = _check_deploy({"DEBUG": "false", "ALLOWED_HOSTS": "kgdb.example.org"}, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("setting", "warning"),
    [("SECURE_HSTS_PRELOAD", "W021"), ("SECURE_HSTS_INCLUDE_SUBDOMAINS", "W005"),
     ("SECURE_SSL_REDIRECT", "W008")],
)
def test_turning_a_protection_off_is_reported(tmp_path, setting, warning):
    result = _check_deploy({**_example(), setting: "false"}, tmp_path)
    assert result.returncode != 0 and f"security.{warning}" in result.stdout + result.stderr
