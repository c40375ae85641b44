"""Login lockout with django-axes, for the admin login and the API token endpoint alike.

Both call `django.contrib.auth.authenticate(request=...)`; axes counts failures per
username and client address and refuses further attempts for `AXES_COOLOFF_TIME`.
"""

from __future__ import annotations

from typing import Any

from axes.backends import AxesStandaloneBackend
from django.http import HttpRequest, HttpResponse, JsonResponse

from common.api_errors import API_PREFIX, error_object

LOCKED_OUT_STATUS = 429
LOCKED_OUT_DETAIL = (
    "Too many failed logins from this address for this account; try again later "
    "or ask an administrator to reset the lock."
)


class LockoutBackend(AxesStandaloneBackend):
    """Axes' lockout check; DRF's request is unwrapped so the lockout flag reaches the middleware.

    An authenticate() call without a request (the test client's login, a shell) has no client
    address to count and is not a web login, so it is left to the next backend.
    """

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> None:
        if request is None:
            return None
        django_request = getattr(request, "_request", request)
        return super().authenticate(django_request, username, password, **kwargs)


def lockout_response(
    request: HttpRequest, original_response: Any = None, credentials: Any = None
) -> HttpResponse:
    """429 in the project's API error shape under /api/, plain text elsewhere."""
    if request.path.startswith(API_PREFIX):
        body = {"errors": [error_object(LOCKED_OUT_STATUS, "locked_out", LOCKED_OUT_DETAIL)]}
        return JsonResponse(body, status=LOCKED_OUT_STATUS)
    return HttpResponse(LOCKED_OUT_DETAIL, status=LOCKED_OUT_STATUS, content_type="text/plain")
