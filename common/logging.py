"""Log records with the request id on every line, secrets scrubbed, as JSON or text.

`LOG_FORMAT=json` (the production default) writes one JSON object per line for a log shipper;
`text` (the DEBUG default) is for people. Both carry the request id that
`common.middleware.RequestIdMiddleware` puts in a context variable, so every line a
request causes - in a view, a service, the ORM, a library - can be joined to its access line.
The scrubbing filter sits on the handlers, so it sees records from every logger, including
those that propagate from libraries.
"""

from __future__ import annotations

import json
import logging
import re
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

NO_REQUEST = "-"
JSON_SCALARS = (str, int, float, bool, type(None))
REDACTED = "[redacted]"

request_id_var: ContextVar[str] = ContextVar("request_id", default=NO_REQUEST)

# Names of fields, keys and query parameters whose values are never logged.
SENSITIVE_NAME = (
    r"(?:password|passwd|secret|token|api[_-]?key|authorization|cookie|csrf\w*|sessionid)"
)
# key=value, key: value, "key": "value" (JSON/dict reprs), with the key sensitive.
_PAIR = re.compile(
    # Bounded name parts: unbounded `[\w-]*` on both sides backtracks quadratically over
    # long word runs (11 s for a 10k-character message).
    rf"""(?P<key>["']?[\w-]{{0,40}}{SENSITIVE_NAME}[\w-]{{0,40}}["']?\s*[=:]\s*)"""
    r"""(?P<value>"[^"]*"|'[^']*'|(?:Token|Bearer|Basic)\s+\S+|[^\s&,;}\]]+)""",
    re.IGNORECASE,
)
_AUTH_SCHEME = re.compile(r"\b(?P<key>(?:Token|Bearer|Basic)\s+)[\w.~+/=-]{8,}", re.IGNORECASE)
# SQL touching these is logged without its parameters (token keys, password hashes, sessions).
_SENSITIVE_SQL = re.compile(
    r"authtoken_token|knox_authtoken|\"?password\"?|django_session|axes_", re.IGNORECASE
)

# LogRecord attributes that are not `extra=` fields.
_STANDARD_ATTRIBUTES = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {
    "message",
    "asctime",
    "request_id",
}
# `extra=` fields never copied into a JSON line (objects, or already part of the message).
_SKIPPED_EXTRAS = {"request", "sql", "params", "args", "alias", "exc_info", "stack_info"}


MAX_LOGGED_CHARS = 20_000


def scrub_text(text: str) -> str:
    """Replace values of secret-looking keys and credentials after an auth scheme.

    Messages are cut to MAX_LOGGED_CHARS first: a log line never needs a 5 MB field, and
    scrubbing stays linear in a bounded size.
    """
    if len(text) > MAX_LOGGED_CHARS:
        text = f"{text[:MAX_LOGGED_CHARS]}… [{len(text) - MAX_LOGGED_CHARS} characters cut]"

    def pair(match: re.Match[str]) -> str:
        return match.group("key") + REDACTED

    text = _PAIR.sub(pair, text)
    return _AUTH_SCHEME.sub(lambda match: match.group("key") + REDACTED, text)


class RequestIdFilter(logging.Filter):
    """Stamps `record.request_id` (or "-" outside a request).

    Django logs 4xx/5xx responses (logger `django.request`) after the middleware chain has
    returned, so the id is also taken from the request such records carry.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)
        record.request_id = getattr(request, "request_id", None) or request_id_var.get()
        return True


class SecretScrubFilter(logging.Filter):
    """Rewrites a record so no password, token, secret, Authorization or cookie value leaves.

    The message is rendered once, scrubbed and frozen (args cleared), so a formatter can never
    re-insert a raw argument. SQL on credential tables loses its parameters altogether.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name.startswith("django.db.backends") and _SENSITIVE_SQL.search(
            str(getattr(record, "sql", "")) or str(record.msg)
        ):
            record.msg = "(sql on a credential table; statement and parameters not logged)"
            record.args = None
            record.sql = record.params = REDACTED
            return True
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            message = str(record.msg)
        record.msg = scrub_text(message)
        record.args = None
        for key, value in list(vars(record).items()):
            if key in _STANDARD_ATTRIBUTES:
                continue
            if re.fullmatch(rf"[\w-]*{SENSITIVE_NAME}[\w-]*", key, re.IGNORECASE):
                setattr(record, key, REDACTED)
            elif isinstance(value, str):
                setattr(record, key, scrub_text(value))
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, request_id, message, extras, exception."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "request_id": getattr(record, "request_id", NO_REQUEST),
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key in _STANDARD_ATTRIBUTES or key in _SKIPPED_EXTRAS or key.startswith("_"):
                continue
            entry[key] = value if isinstance(value, JSON_SCALARS) else str(value)
        if record.exc_info:
            entry["exception"] = scrub_text(self.formatException(record.exc_info))
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, default=str, ensure_ascii=False)


TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"


def logging_config(*, log_format: str, level: str) -> dict[str, Any]:
    """The LOGGING dictionary for settings: one console handler, filters, chosen format."""
    if log_format not in ("json", "text"):
        raise ValueError(f"LOG_FORMAT must be json or text, not {log_format!r}")
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {
            "request_id": {"()": "common.logging.RequestIdFilter"},
            "scrub_secrets": {"()": "common.logging.SecretScrubFilter"},
        },
        "formatters": {
            "json": {"()": "common.logging.JsonFormatter"},
            "text": {"format": TEXT_FORMAT},
        },
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "filters": ["request_id", "scrub_secrets"],
                "formatter": log_format,
            }
        },
        "root": {"handlers": ["console"], "level": level},
        # Django's own default handlers (a plain console in DEBUG, runserver's) are removed;
        # its records propagate to the root handler, formatted, scrubbed and stamped once.
        "loggers": {
            "django": {"handlers": [], "level": level, "propagate": True},
            "django.server": {"handlers": [], "level": level, "propagate": True},
            "django.db.backends": {"level": "WARNING"},
        },
    }
