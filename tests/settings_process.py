"""Django started in a new process with the settings given as environment variables."""

import os
import subprocess
import sys
import textwrap

SAFE = {
    "DJANGO_ENV": "production",
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "k" * 50,
    "DJANGO_ALLOWED_HOSTS": "dichvucong.example.vn",
    "INTERCONNECT_POLICE_SECRET": "p" * 40,
    "INTERCONNECT_SOCIAL_INSURANCE_SECRET": "s" * 40,
}


def run_with_settings(code: str, **overrides: str) -> subprocess.CompletedProcess:
    """Runs `code` after django.setup() in a new process whose settings come from these environment variables."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "SECURE_"))}
    env.update(DJANGO_SETTINGS_MODULE="egov.settings", **overrides)
    code = "import django\nfrom django.conf import settings\ndjango.setup()\n" + textwrap.dedent(code)
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
