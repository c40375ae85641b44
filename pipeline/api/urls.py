"""Source routes under /api/."""

from django.urls import path

from . import views

urlpatterns = [
    path("sources/", views.SourceListView.as_view(), name="api-source-list"),
    path("sources/<str:key>/", views.SourceDetailView.as_view(), name="api-source-detail"),
]
