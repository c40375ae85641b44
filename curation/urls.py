"""Public release pages."""

from django.urls import path

from curation import views

app_name = "curation"

urlpatterns = [
    path("releases/", views.release_list, name="release-list"),
    path("releases/<str:version>/", views.release_detail, name="release-detail"),
    path(
        "releases/<str:version>/download/<str:name>",
        views.release_download,
        name="release-download",
    ),
]
