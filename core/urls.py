"""Operations endpoints: the Prometheus scrape, ping, health and version."""

from django.urls import path

from core import views
from core.metrics import metrics_view

urlpatterns = [
    path("metrics", metrics_view, name="metrics"),
    path("api/ping/", views.ping, name="ping"),
    path("api/health/", views.health, name="health"),
    path("api/version/", views.version, name="version"),
]
