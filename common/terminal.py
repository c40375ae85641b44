"""Progress bars for management commands: a thin adapter over tqdm.

The commands report absolute positions (`current` of `total`), sometimes with a note; tqdm counts
increments. The adapter converts, redraws at most five times a second, stays silent when the
stream is not a terminal (tqdm's `disable=None`), and closes itself at 100 %.
"""

from __future__ import annotations

import sys
from typing import TextIO

from tqdm import tqdm


class ProgressBar:
    """One line of progress on `stream` (stderr by default)."""

    def __init__(self, label: str, *, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stderr
        self._bar = tqdm(
            desc=label,
            file=self.stream,
            disable=None,
            mininterval=0.2,
            leave=False,
            dynamic_ncols=True,
        )

    def update(self, current: int, total: int | None = None, message: str = "") -> None:
        bar = self._bar
        if bar.disable:
            return
        if message:
            bar.set_postfix_str(message[:60], refresh=False)
        if total and bar.total != total:
            bar.total = total
            bar.n = current
            bar.refresh()
        else:
            bar.update(current - bar.n)
        if total and current >= total:
            bar.close()

    __call__ = update

    def finish(self, message: str = "") -> None:
        """Remove the bar and print `message` (if any) on a line of its own."""
        self._bar.close()
        if message:
            self.stream.write(message + "\n")
