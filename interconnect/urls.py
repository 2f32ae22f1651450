"""Interconnect URLs: the agencies' callbacks."""

from django.urls import path

from interconnect import views

app_name = "interconnect"

urlpatterns = [
    path("lien-thong/goi-lai/<str:agency>/", views.agency_callback, name="callback"),
]
