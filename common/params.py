"""The one place where query-string values become numbers, sort keys and search text.

API views, the FilterSet behind the API and the gene browser, and the resolvers all parse
through these functions, so a value is judged the same way everywhere. The rules exist because
the obvious code is wrong: `str.isdigit()` is true for `²` and `١٢` (which `int()` then refuses
or silently reads), `int()` takes a thousand digits that no database column can hold, an empty
item in `sort=score,` is not a key, and PostgreSQL refuses text containing NUL bytes. A value
that breaks a rule raises `ParameterError` (a `ValueError` naming the parameter): the API turns
it into a 400 in its error shape, the pages show it beside the form.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# PositiveIntegerField / IntegerField on every supported database.
INT32_MAX = 2**31 - 1
# BigIntegerField; page numbers are bounded by this before any arithmetic.
INT64_MAX = 2**63 - 1
# Longest free text accepted in a search or identifier parameter.
MAX_TEXT_LENGTH = 200

_ASCII_DIGITS = re.compile(r"[0-9]{1,19}")
# C0 controls (NUL included) and DEL; tab is refused too, no parameter needs one.
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")


class ParameterError(ValueError):
    """A query parameter value the server cannot honour; `parameter` names it."""

    def __init__(self, parameter: str, message: str, code: str = "invalid") -> None:
        super().__init__(message)
        self.parameter = parameter
        self.message = message
        self.code = code


def ascii_int(text: str, *, maximum: int = INT64_MAX) -> int | None:
    """`text` as a non-negative integer when it is ASCII digits only and at most `maximum`.

    None for anything else: other scripts' digits, superscripts, signs, spaces, overflow.
    """
    if not isinstance(text, str) or not _ASCII_DIGITS.fullmatch(text):
        return None
    value = int(text)
    return value if value <= maximum else None


def positive_int(
    raw: str | None, *, parameter: str, default: int, maximum: int | None = None
) -> int:
    """A whole number from 1 to `maximum` (or INT64_MAX); `default` when absent or blank."""
    if raw is None or raw.strip() == "":
        return default
    text = raw.strip()
    value = ascii_int(text)
    if value is None:
        if text.isascii() and text.isdigit():
            raise ParameterError(
                parameter, f"{parameter} is too large, got {raw!r}.", code="out_of_range"
            )
        raise ParameterError(
            parameter, f"{parameter} must be a whole number written with 0-9, got {raw!r}."
        )
    limit = maximum if maximum is not None else INT64_MAX
    if value < 1 or value > limit:
        bound = f"between 1 and {maximum}" if maximum is not None else "at least 1"
        raise ParameterError(
            parameter, f"{parameter} must be {bound}, got {value}.", code="out_of_range"
        )
    return value


def clean_text(raw: str, *, parameter: str, max_length: int = MAX_TEXT_LENGTH) -> str:
    """Free text (a search term, an identifier): no control characters, bounded length."""
    if _CONTROL_CHARACTERS.search(raw):
        raise ParameterError(parameter, f"{parameter} contains control characters (such as NUL).")
    if len(raw) > max_length:
        raise ParameterError(
            parameter,
            f"{parameter} is {len(raw)} characters long; at most {max_length} are accepted.",
            code="too_long",
        )
    return raw


def sort_keys(raw: str, *, parameter: str, allowed: Iterable[str]) -> list[str]:
    """`-score,approved_symbol` → ["-score", "approved_symbol"]; empty or unknown keys refused."""
    known = list(allowed)
    keys = [item.strip() for item in raw.split(",")]
    for key in keys:
        if not key or key == "-":
            raise ParameterError(
                parameter, f"{parameter} has an empty key in {raw!r} (a stray comma?)."
            )
        if key.removeprefix("-") not in known:
            raise ParameterError(
                parameter,
                f"Unknown {parameter} key {key!r}; keys: {', '.join(known)}.",
                code="invalid_choice",
            )
    if len(set(key.removeprefix("-") for key in keys)) != len(keys):
        raise ParameterError(parameter, f"{parameter} names a key twice in {raw!r}.")
    return keys
