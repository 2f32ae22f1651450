"""Project package: settings, URLs, the Celery app and the shared apps (accounts, units, calendar)."""

from egov.celery import app as celery_app

__all__ = ("celery_app",)
