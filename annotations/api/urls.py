"""Annotation routes under /api/ (included after genes.api.urls; `<str:>` never spans '/',
so genes' `genes/<identifier>/` does not shadow `genes/<identifier>/annotations/`)."""

from django.urls import path

from annotations.api import views

urlpatterns = [
    path(
        "genes/<str:identifier>/annotations/",
        views.GeneAnnotationsView.as_view(),
        name="api-gene-annotations",
    ),
    path("network/", views.NetworkView.as_view(), name="api-network"),
]
