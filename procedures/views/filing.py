"""Filing a dossier online: the multi-step declaration, drafts, the review page and submission."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
