"""Celery tasks of the reports: keep the rollups up to date."""

from celery import shared_task
from django.db import OperationalError

from reporting import services


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def rollups_refresh() -> int:
    """Refresh the facts of the dossiers changed since the last run (beat, every 30 seconds). A deadlock with a
    concurrent refresh rolls back one batch, which the retry redoes."""
    return services.rollups_refresh()
