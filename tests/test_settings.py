"""Production mode refuses an unsafe configuration; the development defaults start as they are."""

import os
import subprocess
import sys

import pytest

SAFE = {
    "DJANGO_ENV": "production",
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "k" * 50,
    "DJANGO_ALLOWED_HOSTS": "dichvucong.example.vn",
    "INTERCONNECT_POLICE_SECRET": "p" * 40,
    "INTERCONNECT_SOCIAL_INSURANCE_SECRET": "s" * 40,
}


def load_settings(**overrides: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(DJANGO_SETTINGS_MODULE="egov.settings", **overrides)
    code = "import django; from django.conf import settings; django.setup(); print(settings.DEBUG)"
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)


def test_production_with_safe_settings_starts():
    result = load_settings(**SAFE)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


@pytest.mark.parametrize(
    ("override", "complaint"),
    [
        ({"DJANGO_DEBUG": "true"}, "DJANGO_DEBUG must be off"),
        ({"DJANGO_SECRET_KEY": ""}, "DJANGO_SECRET_KEY must be set"),
        ({"DJANGO_ALLOWED_HOSTS": ""}, "DJANGO_ALLOWED_HOSTS must list"),
        ({"INTERCONNECT_POLICE_SECRET": ""}, "INTERCONNECT_POLICE_SECRET must be set"),
        (
            {"INTERCONNECT_SOCIAL_INSURANCE_SECRET": "dev-interconnect-secret-social_insurance"},
            "INTERCONNECT_SOCIAL_INSURANCE_SECRET must be set",
        ),
    ],
)
def test_production_refuses_unsafe_settings(override, complaint):
    env = {**SAFE, **override}
    env = {k: v for k, v in env.items() if v}
    result = load_settings(**env)
    assert result.returncode != 0
    assert "Refusing to start in production" in result.stderr
    assert complaint in result.stderr


def test_development_defaults_start_with_debug():
    result = load_settings()
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True"


def show_jit(**overrides: str) -> str:
    """`SHOW jit` on a real PostgreSQL connection opened through the settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        DJANGO_SETTINGS_MODULE="egov.settings",
        DATABASE_URL=os.environ.get("JIT_CHECK_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres"),
        **overrides,
    )
    code = (
        "import django; django.setup(); from django.db import connection; cursor = connection.cursor(); "
        "cursor.execute('SHOW jit'); print(cursor.fetchone()[0])"
    )
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_postgresql_connections_run_without_jit_unless_asked():
    assert show_jit() == "off"
    assert show_jit(DATABASE_JIT="1") == psql_default_jit()


def psql_default_jit() -> str:
    """The server's own setting (Debian's default is on), read without the portal's connection options."""
    import psycopg2

    url = os.environ.get("JIT_CHECK_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    with psycopg2.connect(url) as connection, connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        return cursor.fetchone()[0]
