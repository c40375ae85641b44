"""Gene, statistics and API documentation routes under /api/."""

from django.urls import path
from drf_spectacular.views import SpectacularSwaggerView

from common.schema_view import SchemaView

from . import views

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
    path("schema/", SchemaView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
]
