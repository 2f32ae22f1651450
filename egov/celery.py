"""The Celery application; configuration comes from Django settings (CELERY_* names)."""

import os

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "egov.settings")

app = Celery("egov")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@signals.worker_init.connect
@signals.beat_init.connect
def refuse_misconfigured_production(**kwargs) -> None:
    """A worker or beat in production stops on a system check error, as the web process does. Celery logs and
    swallows a signal handler's exception, so the refusal leaves as SystemExit."""
    from django.core.exceptions import ImproperlyConfigured

    # Imported here: this module is imported with the settings, before Django is set up.
    from egov.startup import refuse_to_start_on_check_errors

    try:
        refuse_to_start_on_check_errors()
    except ImproperlyConfigured as refusal:
        raise SystemExit(str(refusal)) from refusal
