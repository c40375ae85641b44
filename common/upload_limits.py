"""Size and type limits on every uploaded file, enforced where the bytes enter Django.

Behind `common.request_limits.RequestLimits` (the ASGI layer that refuses large bodies before
Django spools them), two layers, both configured by `UPLOAD_MAX_BYTES` and
`UPLOAD_ALLOWED_EXTENSIONS`: `UploadSizeLimitMiddleware` refuses a request whose declared
Content-Length is too large (413; the same rule for servers and test clients without the ASGI
layer); `LimitedUploadHandler` (first of FILE_UPLOAD_HANDLERS) counts
the bytes of each file as the multipart parser streams them - so chunked bodies without a
Content-Length are capped too - and checks the file name's extension and its first bytes (an
.xlsx must be a zip; a text table must not contain NUL bytes or be an HTML page). A refusal
is a `MultiPartParserError` (DRF answers 400 in the project's error shape) that is also a
`SuspiciousOperation` (plain Django views answer 400).
"""

from __future__ import annotations

from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.core.files.uploadhandler import FileUploadHandler
from django.http import HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError

from common.middleware import _DualMiddleware
from common.request_limits import max_body_bytes, too_large_response, upload_max_bytes

# The table formats the upload parsers read (pipeline.sources.tabular); the one list of them.
DEFAULT_EXTENSIONS = (".csv", ".tsv", ".txt", ".xlsx")
ZIP_MAGIC = b"PK\x03\x04"
HTML_STARTS = (b"<!doctype html", b"<html", b"<?xml", b"<head", b"<body")


class UploadRejected(MultiPartParserError, SuspiciousOperation):
    """An uploaded file is too large or not of an accepted type."""


def allowed_extensions() -> tuple[str, ...]:
    configured = settings.UPLOAD_ALLOWED_EXTENSIONS or DEFAULT_EXTENSIONS
    return tuple(extension.lower() for extension in configured)


def upload_type_check(file_name: str, head: bytes) -> None:
    """Refuse a file whose extension is not accepted or whose first bytes contradict it."""
    extension = PurePath(file_name or "").suffix.lower()
    if extension not in allowed_extensions():
        accepted = ", ".join(allowed_extensions())
        raise UploadRejected(f"{file_name!r}: only {accepted} files are accepted.")
    if extension == ".xlsx":
        if not head.startswith(ZIP_MAGIC):
            raise UploadRejected(f"{file_name!r} is not an Excel workbook (.xlsx is a zip file).")
        return
    if b"\x00" in head:
        raise UploadRejected(f"{file_name!r} is binary, not a text table.")
    if head.lstrip().lower().startswith(HTML_STARTS):
        raise UploadRejected(f"{file_name!r} is an HTML or XML page, not a text table.")


class LimitedUploadHandler(FileUploadHandler):
    """Counts and checks each file's bytes, then hands them on to Django's own handlers."""

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.received = 0
        self.checked = False

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > upload_max_bytes():
            limit = upload_max_bytes()
            raise UploadRejected(f"{self.file_name!r} is larger than the {limit:,}-byte limit.")
        if not self.checked:
            upload_type_check(self.file_name, raw_data[:1024])
            self.checked = True
        return raw_data

    def file_complete(self, file_size: int) -> None:
        """The following handler (memory or temporary file) builds the uploaded file."""
        return None


class UploadSizeLimitMiddleware(_DualMiddleware):
    """413 for a body declared larger than the upload limit, before anything reads it."""

    def __call__(self, request: HttpRequest) -> Any:
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        if declared > max_body_bytes():
            response = too_large_response(request, declared)
            if self.is_async:
                return _as_coroutine(response)
            return response
        return super().__call__(request)


async def _as_coroutine(response: HttpResponse) -> HttpResponse:
    return response
