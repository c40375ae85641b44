"""Role checks for the write endpoints: each view names the curation permission it needs."""

from __future__ import annotations

from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView


class HasCurationPermission(BasePermission):
    """Writes need the view's `required_permission` (e.g. curation.record_decision)."""

    message = "Your role does not allow this action."

    def has_permission(self, request: Request, view: APIView) -> bool:
        if request.method in SAFE_METHODS:
            return True
        user = request.user
        required = getattr(view, "required_permission", None)
        return bool(user and user.is_authenticated and required and user.has_perm(required))


class LoginRateThrottle(ScopedRateThrottle):
    """Rate-limits token requests per client address (scope `login`).

    The rate is the `login` entry of DEFAULT_THROTTLE_RATES (API_THROTTLE_LOGIN) in settings.
    """
