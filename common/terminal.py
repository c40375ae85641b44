"""A small terminal progress bar for management commands (no dependency needed)."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class ProgressBar:
    """Redraws one line at most a few times a second; silent when output is not a terminal."""

    def __init__(self, label: str, *, stream: TextIO | None = None, width: int = 30) -> None:
        self.label = label
        self.stream = stream or sys.stderr
        self.width = width
        self.started = time.monotonic()
        self._last_draw = 0.0
        self.interactive = hasattr(self.stream, "isatty") and self.stream.isatty()

    def update(self, current: int, total: int | None = None, message: str = "") -> None:
        now = time.monotonic()
        if not self.interactive or (now - self._last_draw < 0.2 and current != total):
            return
        self._last_draw = now
        rate = current / max(now - self.started, 1e-6)
        if total:
            filled = int(self.width * min(current, total) / total)
            bar = "#" * filled + "-" * (self.width - filled)
            line = f"{self.label} [{bar}] {current}/{total} ({rate:,.0f}/s) {message}"
        else:
            line = f"{self.label} {current:,} ({rate:,.0f}/s) {message}"
        self.stream.write("\r" + line[:160].ljust(80))
        self.stream.flush()

    def finish(self, message: str = "") -> None:
        if self.interactive:
            self.stream.write("\r" + " " * 100 + "\r")
            self.stream.flush()
        if message:
            self.stream.write(message + "\n")
