"""Project-level endpoints: ping, health and version."""

from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from core.health import health_report, version_report


@require_GET
def ping(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"ping": "pong"})


@never_cache
@require_GET
def health(request: HttpRequest) -> JsonResponse:
    healthy, parts = health_report()
    failing = [name for name, part in parts.items() if part["status"] != "ok"]
    body = {"status": "ok" if healthy else "error", "failing": failing, "checks": parts}
    return JsonResponse(body, status=200 if healthy else 503)


@require_GET
def version(request: HttpRequest) -> JsonResponse:
    return JsonResponse(version_report())
