"""Gene, statistics and API documentation routes under /api/."""

from pathlib import Path

import drf_spectacular_sidecar
from django.urls import path, re_path
from django.views.static import serve
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from . import views

SIDECAR_STATIC = "drf_spectacular_sidecar"
# Swagger UI's own files, served from the installed sidecar package so /api/docs/ loads
# nothing from another host.
SWAGGER_UI_DIR = (
    Path(drf_spectacular_sidecar.__file__).parent / "static" / "drf_spectacular_sidecar"
)

urlpatterns = [
    path("genes/", views.GeneListView.as_view(), name="api-gene-list"),
    path("genes/resolve/", views.GeneResolveView.as_view(), name="api-gene-resolve"),
    path("genes/<str:identifier>/", views.GeneDetailView.as_view(), name="api-gene-detail"),
    path(
        "genes/<str:identifier>/evidence/",
        views.GeneEvidenceView.as_view(),
        name="api-gene-evidence",
    ),
    path("statistics/overlaps/", views.OverlapsView.as_view(), name="api-statistics-overlaps"),
    path(
        "statistics/distributions/",
        views.DistributionsView.as_view(),
        name="api-statistics-distributions",
    ),
    path("statistics/summary/", views.SummaryView.as_view(), name="api-statistics-summary"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    re_path(
        r"^docs/assets/(?P<path>swagger-ui-dist/[\w.-]+)$",
        serve,
        {"document_root": SWAGGER_UI_DIR},
        name="api-docs-assets",
    ),
]
