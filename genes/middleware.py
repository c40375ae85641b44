"""Serves the site's own 404 page in every mode (see genes/views/errors.py for why)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from asgiref.sync import iscoroutinefunction, markcoroutinefunction, sync_to_async
from django.http import HttpRequest, HttpResponse

from common import api_errors
from genes.views.errors import SITE_PAGE_ATTRIBUTE, page_not_found


def _should_replace(request: HttpRequest, response: HttpResponse) -> bool:
    """An HTML 404 that is not already the site's page (Django's technical page under DEBUG,
    the admin's), outside the API."""
    return (
        response.status_code == 404
        and not getattr(response, SITE_PAGE_ATTRIBUTE, False)
        and not request.path.startswith(api_errors.API_PREFIX)
        and response.get("Content-Type", "").startswith("text/html")
    )


class NotFoundPageMiddleware:
    """Replaces an HTML 404 with the site's page; runs directly in a sync or an async chain and
    touches the database (the suggestions) only for a 404."""

    sync_capable = True
    async_capable = True

    def __init__(self, get_response: Callable[[HttpRequest], Any]) -> None:
        self.get_response = get_response
        self.is_async = iscoroutinefunction(get_response)
        if self.is_async:
            markcoroutinefunction(self)

    def __call__(self, request: HttpRequest) -> HttpResponse | Awaitable[HttpResponse]:
        if self.is_async:
            return self._acall(request)
        response = self.get_response(request)
        return page_not_found(request) if _should_replace(request, response) else response

    async def _acall(self, request: HttpRequest) -> HttpResponse:
        response = await self.get_response(request)
        if _should_replace(request, response):
            return await sync_to_async(page_not_found)(request)
        return response
