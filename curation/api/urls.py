"""Curation API routes (mounted under /api/)."""

from django.urls import path

from curation.api import views

urlpatterns = [
    path("auth/token/", views.TokenObtainView.as_view(), name="api-token"),
    path("auth/logout/", views.TokenLogoutView.as_view(), name="api-logout"),
    path(
        "auth/logout-all/", views.TokenLogoutView.as_view(everywhere=True), name="api-logout-all"
    ),
    path("decisions/", views.DecisionListCreateView.as_view(), name="api-decisions"),
    path("runs/", views.RunTriggerView.as_view(), name="api-runs"),
    path(
        "runs/<int:pk>/cancel/", views.RunActionView.as_view(action="cancel"), name="api-run-cancel"
    ),
    path("runs/<int:pk>/retry/", views.RunActionView.as_view(action="retry"), name="api-run-retry"),
    path(
        "runs/<int:pk>/confirm/",
        views.RunActionView.as_view(action="confirm"),
        name="api-run-confirm",
    ),
    path("uploads/", views.UploadView.as_view(), name="api-uploads"),
    path("releases/", views.ReleaseListView.as_view(), name="api-release-list"),
    path("releases/<str:version>/", views.ReleaseDetailView.as_view(), name="api-release-detail"),
    path(
        "releases/<str:version>/download/<str:name>",
        views.ReleaseDownloadView.as_view(),
        name="api-release-download",
    ),
]
