"""Project-level endpoints: ping, health and version."""

from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from core.health import health_public, health_report, version_report


@require_GET
def ping(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"ping": "pong"})


@never_cache
@require_GET
def health(request: HttpRequest) -> JsonResponse:
    """Every part's status; error texts only for staff (and only when the database answers,
    since telling staff apart needs it)."""
    healthy, parts = health_report()
    failing = [name for name, part in parts.items() if part["status"] != "ok"]
    staff = parts["database"]["status"] == "ok" and _is_staff(request)
    checks = parts if staff else health_public(parts)
    body = {"status": "ok" if healthy else "error", "failing": failing, "checks": checks}
    return JsonResponse(body, status=200 if healthy else 503)


def _is_staff(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    try:
        return bool(user is not None and user.is_active and user.is_staff)
    except Exception:  # noqa: BLE001 - a session/user lookup failing means "not known staff"
        return False


@require_GET
def version(request: HttpRequest) -> JsonResponse:
    return JsonResponse(version_report())
