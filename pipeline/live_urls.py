"""The live pipeline page, mounted at /admin/pipeline/ (before the admin's own URLs)."""

from django.urls import path

from pipeline import live_views

urlpatterns = [
    path("live/", live_views.live_page, name="pipeline-live"),
    path("live/state.json", live_views.live_state, name="pipeline-live-state"),
    path("live/<str:source>/trigger/", live_views.live_trigger, name="pipeline-live-trigger"),
]
