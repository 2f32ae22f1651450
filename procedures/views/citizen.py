"""The citizen's space: my dossiers, timeline, supplement answers, withdrawal, downloads, public look-up."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
