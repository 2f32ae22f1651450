"""The project's Celery app as the integration tests' worker runs it: the interconnect's push backoff shortened.

The backoff (30 s, doubling) is a constant of interconnect.services, not a setting, so the worker started with
`celery -A tests.integration.worker_app` reads its base from INTEGRATION_RETRY_BASE_SECONDS before any task.
Everything else is the project's own app and code.
"""

import os

import django

from egov.celery import app

django.setup()

from interconnect import services  # noqa: E402 - needs the apps loaded

services.RETRY_BASE_SECONDS = float(os.environ.get("INTEGRATION_RETRY_BASE_SECONDS", services.RETRY_BASE_SECONDS))

__all__ = ["app"]
