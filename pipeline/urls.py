"""Public pipeline pages: the /sources/ overview."""

from django.urls import path

from pipeline import views

app_name = "pipeline"

urlpatterns = [
    path("sources/", views.source_overview, name="sources"),
]
