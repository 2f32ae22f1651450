"""A production process refuses to start on a system check error (mail.E001: an e-mail backend that sends nothing):
the web process as gunicorn loads it, the Celery worker and beat; development starts with the console backend."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from egov.startup import refuse_to_start_on_check_errors
from tests.settings_process import SAFE, run_with_settings

CONSOLE = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend", "OPTIONS": {}}}
SMTP = {"default": {"BACKEND": "django.core.mail.backends.smtp.EmailBackend", "OPTIONS": {"host": "smtp.example.vn"}}}


@pytest.mark.django_db  # the model checks ask the database what it supports
def test_production_with_a_console_mailer_is_refused_with_mail_e001(settings):
    settings.PRODUCTION = True
    settings.MAILERS = CONSOLE
    with pytest.raises(ImproperlyConfigured, match=r"mail\.E001"):
        refuse_to_start_on_check_errors()


@pytest.mark.django_db  # the model checks ask the database what it supports
def test_production_with_an_smtp_mailer_starts(settings):
    settings.PRODUCTION = True
    settings.MAILERS = SMTP
    refuse_to_start_on_check_errors()


@pytest.mark.django_db  # the model checks ask the database what it supports
def test_development_starts_with_the_console_mailer(settings):
    settings.PRODUCTION = False
    settings.MAILERS = CONSOLE
    refuse_to_start_on_check_errors()


def test_the_web_process_refuses_a_console_mailer_in_production():
    refused = run_with_settings("import egov.wsgi", **SAFE)
    assert refused.returncode != 0
    assert "Refusing to start in production" in refused.stderr
    assert "mail.E001" in refused.stderr

    started = run_with_settings("import egov.wsgi", **SAFE, EMAIL_URL="smtp://smtp.example.vn:587")
    assert started.returncode == 0, started.stderr


@pytest.mark.parametrize("process", ["worker", "beat"])
def test_the_celery_processes_refuse_a_console_mailer_in_production(process, tmp_path: Path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "SECURE_", "CELERY_", "EMAIL_"))}
    # The file-system broker of the embedded set-up in a folder of its own: the refusal comes before any task.
    env.update(SAFE, VAR_DIR=str(tmp_path))
    command = [sys.executable, "-m", "celery", "-A", "egov", process, "--loglevel=INFO"]
    if process == "beat":
        command.append(f"--schedule={tmp_path / 'celerybeat-schedule'}")
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    assert "mail.E001" in result.stdout + result.stderr
