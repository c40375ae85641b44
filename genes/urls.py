"""Public pages: home, gene browser, gene pages, statistics and about."""

from django.urls import path

from genes import views

app_name = "genes"

urlpatterns = [
    path("", views.home, name="home"),
    path("genes/", views.gene_list, name="gene_list"),
    path("search/suggest/", views.gene_suggest, name="gene_suggest"),
    path("genes/<str:symbol>/", views.gene_detail, name="gene_detail"),
    path("statistics/", views.statistics, name="statistics"),
    path("about/", views.about, name="about"),
    path("tiers.css", views.tier_stylesheet, name="tier_css"),
]
