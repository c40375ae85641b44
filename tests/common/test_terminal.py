"""The progress bar adapter: absolute positions in, silent off a terminal, closed at 100 %."""

import io

from common.terminal import ProgressBar


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_draws_positions_on_a_terminal_and_closes_at_the_end():
    stream = Terminal()
    bar = ProgressBar("HGNC", stream=stream)
    bar.update(50, 200, "parsing")
    bar.update(200, 200)
    text = stream.getvalue()
    assert "HGNC" in text and "50/200" in text and "parsing" in text
    assert bar._bar.n == 200 and bar._bar.disable  # closed


def test_silent_when_the_stream_is_not_a_terminal():
    stream = io.StringIO()
    bar = ProgressBar("HGNC", stream=stream)
    bar.update(10, 100)
    bar.finish("done")
    assert stream.getvalue() == "done\n"
