"""The settings package: production by default, and every environment variable documented."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SETTINGS_DIR = ROOT / "kidney_genetics" / "settings"
ENV_READ = re.compile(r"""env(?:\.[a-z_]+)?\(\s*["']([A-Z][A-Z0-9_]*)["']""")


def settings_variables() -> set[str]:
    """Every variable the settings modules read through django-environ."""
    found: set[str] = set()
    for path in SETTINGS_DIR.glob("*.py"):
        found |= set(ENV_READ.findall(path.read_text(encoding="utf-8")))
    return found


def documented_variables() -> set[str]:
    text = (ROOT / ".env.example").read_text(encoding="utf-8")
    return set(re.findall(r"^#? ?([A-Z][A-Z0-9_]*)=", text, flags=re.MULTILINE))


def test_every_variable_the_settings_read_is_in_env_example():
    variables = settings_variables()
    assert {"DEBUG", "SECRET_KEY", "DATABASE_URL", "PIPELINE_HEARTBEAT_SECONDS"} <= variables
    assert variables - documented_variables() == set()


def settings_debug(module: str, directory: Path, **environment: str) -> subprocess.CompletedProcess:
    """Load `module` in a fresh interpreter with only `environment` (no .env) and print DEBUG."""
    code = (
        "import environ; environ.Env.read_env = staticmethod(lambda *a, **k: None)\n"
        "import django; from django.conf import settings; print(settings.DEBUG)"
    )
    environment = {
        "PATH": "/usr/bin:/bin",
        "PYTHONPATH": str(ROOT),
        "DJANGO_SETTINGS_MODULE": f"kidney_genetics.settings.{module}",
        **environment,
    }
    return subprocess.run(
        [sys.executable, "-c", code], cwd=directory, env=environment, capture_output=True, text=True
    )


def test_base_settings_default_to_debug_off(tmp_path):
    """With no DEBUG in the environment the base settings are production: no SECRET_KEY, no
    start."""
    refused = settings_debug("base", tmp_path)
    assert refused.returncode != 0
    assert "SECRET_KEY is not set" in refused.stderr
    keyed = settings_debug("base", tmp_path, SECRET_KEY="test-only-production-key")
    assert keyed.returncode == 0, keyed.stderr
    assert keyed.stdout.split() == ["False"]


def test_dev_settings_turn_debug_on(tmp_path):
    result = settings_debug("dev", tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True"]
