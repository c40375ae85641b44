"""Public pages of the annotations app."""

from django.urls import path

from annotations import views

app_name = "annotations"

urlpatterns = [path("network/", views.network_page, name="network")]
