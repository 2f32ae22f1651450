"""Celery tasks of the reports: keep the rollups up to date, write the weekly report."""

from datetime import date

from celery import shared_task
from django.db import OperationalError

from reporting import services
from reporting.weekly.delivery import weekly_report_generate


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def rollups_refresh() -> int:
    """Refresh the facts of the dossiers changed since the last run (beat, every 30 seconds). A deadlock with a
    concurrent refresh rolls back one batch, which the retry redoes."""
    return services.rollups_refresh()


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def weekly_report(week_start: str | None = None) -> int:
    """The weekly PDF report of last week (or of the week starting on `week_start`, yyyy-mm-dd): rollups brought
    up to date first, then the report written, kept and e-mailed (beat, Monday 06:00). Returns the report's id."""
    services.rollups_refresh()
    report = weekly_report_generate(week_start=date.fromisoformat(week_start) if week_start else None)
    return report.pk
