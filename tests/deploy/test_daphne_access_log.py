"""daphne is started without its own access log, which writes query strings (tokens, searches)
in clear; the project's scrubbed access log is the only one."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_every_daphne_command_line_turns_its_access_log_off():
    for path in (ROOT / "Makefile", ROOT / "deploy/systemd/kgdb-asgi@.service"):
        lines = [line for line in path.read_text().splitlines() if "bin/daphne " in line]
        assert lines, path
        for line in lines:
            assert "--verbosity 0" in line and "--access-log" not in line, (path, line)
