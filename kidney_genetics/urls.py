"""Top-level routes. Each app owns its own URL modules; this file only includes them."""

from django.contrib import admin
from django.urls import include, path

from kidney_genetics import views
from kidney_genetics.metrics import metrics_view

urlpatterns = [
    path("metrics", metrics_view, name="metrics"),
    path("api/ping/", views.ping, name="ping"),
    path("api/health/", views.health, name="health"),
    path("api/version/", views.version, name="version"),
    path("admin/pipeline/", include("pipeline.live_urls")),
    path("admin/", admin.site.urls),
    path("api/", include("genes.api.urls")),
    path("api/", include("pipeline.api.urls")),
    path("api/", include("annotations.api.urls")),
    path("api/", include("curation.api.urls")),
    path("", include("curation.urls")),
    path("", include("pipeline.urls")),
    path("", include("annotations.urls")),
    path("", include("genes.urls")),
]

handler400 = "kidney_genetics.api_errors.handler400"
handler403 = "kidney_genetics.api_errors.handler403"
handler404 = "kidney_genetics.api_errors.handler404"
handler500 = "kidney_genetics.api_errors.handler500"
