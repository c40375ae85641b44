"""The project's routes plus the API error handlers and a failing route, for handler tests."""

from django.urls import path

from kidney_genetics.urls import urlpatterns as project_urlpatterns


def broken_view(request):
    raise RuntimeError("boom")


urlpatterns = [path("api/broken/", broken_view), *project_urlpatterns]
handler404 = "kidney_genetics.api_errors.handler404"
handler500 = "kidney_genetics.api_errors.handler500"
