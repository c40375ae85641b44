"""CI notices skips: a missing tool or service fails under CI, and unexpected skips fail .ci/run."""

from __future__ import annotations

import importlib.util
import subprocess

import pytest

import tests.conftest as root
from tests.conftest import REPO_DIR


def test_missing_tool_skips_locally_and_fails_under_ci(monkeypatch):
    monkeypatch.setattr(root, "IN_CI", False)
    with pytest.raises(pytest.skip.Exception):
        root.skip_or_fail_in_ci("no Chromium installed")
    monkeypatch.setattr(root, "IN_CI", True)
    with pytest.raises(pytest.fail.Exception, match="CI: no Chromium installed"):
        root.skip_or_fail_in_ci("no Chromium installed")


def test_missing_shared_data_fails_under_ci(monkeypatch, tmp_path):
    monkeypatch.setattr(root, "IN_CI", True)
    monkeypatch.setattr(root, "SHARED_SOURCES_DIR", tmp_path / "absent")
    with pytest.raises(pytest.fail.Exception, match="shared"):
        root.shared_data.__wrapped__()


def _check_skips():
    spec = importlib.util.spec_from_file_location(
        "check_skips", REPO_DIR / ".ci" / "check_skips.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("database", ["sqlite", "postgres"])
def test_expected_skips_pass_and_any_other_skip_fails(tmp_path, database):
    check = _check_skips()
    report = tmp_path / "skips.txt"
    report.write_text("")
    assert check.main(database, report) == 0
    report.write_text("tests/genes/pages/test_browser_e2e.py::test_x\tno Chromium installed\n")
    assert check.main(database, report) == 1
    if database == "sqlite":
        report.write_text(
            "tests/caching/test_edge_cache.py::test_y[/api/]\tthe edge cache needs PostgreSQL "
            "and Redis\n"
        )
        assert check.main(database, report) == 0


def test_ci_script_refuses_to_run_without_shared(tmp_path):
    """.ci/run stops before anything else when ../shared is not beside the clone."""
    clone = tmp_path / "clone"
    (clone / ".ci").mkdir(parents=True)
    (clone / ".ci" / "run").write_text((REPO_DIR / ".ci" / "run").read_text())
    result = subprocess.run(
        ["bash", str(clone / ".ci" / "run")], capture_output=True, text=True, timeout=30
    )
    assert result.returncode == 1
    assert "../shared/data/sources is missing" in result.stderr
