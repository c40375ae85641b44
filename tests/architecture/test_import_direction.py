"""Imports point down the layers only:
core → mcp_server → curation → pipeline → annotations → genes → common.

A module may import its own package and any package below it; `common` imports no app, and no
app imports `core` or the wiring package `kidney_genetics` (settings, URLs, ASGI), which sits on
top of everything. Every import statement counts, including those inside functions (lazy imports
still couple the packages). Tests, benchmarks and migrations are outside the layers.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# Lowest first: a package may import the packages before it in this list.
LAYERS = [
    "common",
    "genes",
    "annotations",
    "pipeline",
    "curation",
    "mcp_server",
    "core",
    "kidney_genetics",
]
# `kidney_genetics/__init__.py` carries only the version, which core and the MCP server report.
ALLOWED = {("core", "kidney_genetics"), ("mcp_server", "kidney_genetics")}


def imported_packages(path: Path, package: str) -> list[tuple[int, str]]:
    """(line, top-level package) for every import in the file, relative ones resolved."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name.split(".")[0]) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            name = package if node.level else (node.module or "").split(".")[0]
            found.append((node.lineno, name))
    return found


def upward_imports(root: Path = ROOT) -> list[str]:
    """Every import from a package to one above it, as `path:line: a → b`."""
    rank = {name: index for index, name in enumerate(LAYERS)}
    problems = []
    for package in LAYERS:
        for path in sorted((root / package).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            for line, target in imported_packages(path, package):
                if target not in rank or (package, target) in ALLOWED:
                    continue
                if rank[target] > rank[package]:
                    where = path.relative_to(root)
                    problems.append(f"{where}:{line}: {package} → {target}")
    return problems


def test_no_upward_imports():
    assert upward_imports() == []


@pytest.mark.parametrize(
    ("package", "statement"),
    [
        ("common", "from genes.models import Gene"),
        ("genes", "    from pipeline import models"),
        ("pipeline", "import curation.services"),
        ("curation", "from core.health import health_report"),
        ("annotations", "from kidney_genetics.settings import BASE_DIR"),
    ],
)
def test_an_upward_import_is_reported(tmp_path, package, statement):
    """The check sees a planted upward import, at module level or inside a function."""
    for name in LAYERS:
        (tmp_path / name).mkdir()
    body = statement if not statement.startswith(" ") else f"def lazy():\n{statement}\n"
    (tmp_path / package / "planted.py").write_text(body + "\n", encoding="utf-8")
    assert len(upward_imports(tmp_path)) == 1
