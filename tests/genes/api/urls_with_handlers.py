"""The project's routes plus the API error handlers and failing routes, for handler tests."""

from django.core.exceptions import PermissionDenied
from django.urls import path

from kidney_genetics.urls import urlpatterns as project_urlpatterns


def broken_view(request):
    raise RuntimeError("boom")


def forbidden_view(request):
    raise PermissionDenied("staff only")


urlpatterns = [
    path("api/broken/", broken_view),
    path("api/forbidden/", forbidden_view),
    *project_urlpatterns,
]
handler400 = "common.api_errors.handler400"
handler403 = "common.api_errors.handler403"
handler404 = "common.api_errors.handler404"
handler500 = "common.api_errors.handler500"
