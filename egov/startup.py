"""The last gate before a production process serves: an error of Django's system checks stops it."""

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured


def refuse_to_start_on_check_errors() -> None:
    """In production, run the system checks, the deployment ones included, and raise on any error: mail.E001 (an
    e-mail backend that sends nothing) and the like. manage.py runs the checks before its commands, and the
    deployment ones only under `check --deploy`; gunicorn never runs them and Celery ignores what they find."""
    if not settings.PRODUCTION:
        return
    errors = [
        message
        for message in checks.run_checks(include_deployment_checks=True)
        if message.is_serious() and not message.is_silenced()
    ]
    if errors:
        raise ImproperlyConfigured("Refusing to start in production: " + "; ".join(map(str, errors)))
