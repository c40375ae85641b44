"""Top-level routes. Each app owns its own URL modules; this file only includes them."""

from django.contrib import admin
from django.urls import include, path

# The admin is where curators work: name it after the project, not "Django administration".
admin.site.site_header = "Kidney Genetics Database — curation"
admin.site.site_title = "Kidney Genetics admin"
admin.site.index_title = "Curation, pipeline and releases"

urlpatterns = [
    path("", include("core.urls")),
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

handler400 = "common.api_errors.handler400"
handler403 = "common.api_errors.handler403"
handler404 = "genes.views.errors.page_not_found"
handler500 = "common.api_errors.handler500"
