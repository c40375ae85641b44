"""Compare the tests that skipped with the skips expected on this database; fail on any other.

Usage: python .ci/check_skips.py DATABASE REPORT. REPORT holds `nodeid<TAB>reason` lines written
by tests/conftest.py (KG_SKIP_REPORT); .ci/expected-skips/DATABASE.txt holds
`nodeid-glob<TAB>reason-substring` lines (`#` comments). A skip that matches no line is
unexpected: a missing tool, service or data file silently turned tests off, so CI fails. An
expected skip that did not happen is only reported (more tests ran than planned).
"""

from __future__ import annotations

import fnmatch
import sys
from pathlib import Path

EXPECTED_DIR = Path(__file__).resolve().parent / "expected-skips"


def rules(database: str) -> list[tuple[str, str]]:
    found = []
    for line in (EXPECTED_DIR / f"{database}.txt").read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            pattern, _, reason = line.partition("\t")
            found.append((pattern.strip(), reason.strip()))
    return found


def skipped(report: Path) -> list[tuple[str, str]]:
    if not report.exists():
        return []
    return [
        (nodeid, reason)
        for nodeid, _, reason in (
            line.partition("\t") for line in report.read_text().splitlines() if line
        )
    ]


def main(database: str, report: Path) -> int:
    expected = rules(database)
    seen = skipped(report)
    unexpected = [
        (nodeid, reason)
        for nodeid, reason in seen
        if not any(fnmatch.fnmatchcase(nodeid, p) and r in reason for p, r in expected)
    ]
    unused = [
        (p, r)
        for p, r in expected
        if not any(fnmatch.fnmatchcase(nodeid, p) and r in reason for nodeid, reason in seen)
    ]
    print(f"skips on {database}: {len(seen)} skipped, {len(seen) - len(unexpected)} expected")
    for pattern, reason in unused:
        print(f"  note: expected skip did not happen: {pattern} ({reason})")
    for nodeid, reason in unexpected:
        print(f"  UNEXPECTED SKIP: {nodeid}: {reason}")
    if unexpected:
        print(
            f"{len(unexpected)} unexpected skip(s) on {database}: install or start what they "
            f"need in .ci/run, or list them in .ci/expected-skips/{database}.txt with the reason"
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], Path(sys.argv[2])))
