"""Public catalogue pages: every procedure, what to bring, how long it takes, what it costs."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
