"""Production mode refuses an unsafe configuration; the development defaults start as they are."""

import os
import subprocess
import sys

import pytest

from tests.settings_process import SAFE, run_with_settings


def load_settings(expression: str = "settings.DEBUG", **overrides: str) -> subprocess.CompletedProcess:
    return run_with_settings(f"print({expression})", **overrides)


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


HTTPS_SETTINGS = (
    "settings.SECURE_SSL_REDIRECT, settings.SECURE_HSTS_SECONDS, settings.SECURE_HSTS_INCLUDE_SUBDOMAINS, "
    "settings.SECURE_HSTS_PRELOAD, settings.SECURE_PROXY_SSL_HEADER"
)


def test_production_redirects_to_https_and_asks_for_it_a_year_long_by_default():
    result = load_settings(HTTPS_SETTINGS, **SAFE)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True 31536000 True False ('HTTP_X_FORWARDED_PROTO', 'https')"


def test_production_https_settings_follow_the_environment():
    overrides = {
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_HSTS_SECONDS": "300",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": "false",
        "SECURE_HSTS_PRELOAD": "true",
    }
    result = load_settings(HTTPS_SETTINGS, **SAFE, **overrides)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False 300 False True ('HTTP_X_FORWARDED_PROTO', 'https')"


def test_production_behind_the_proxy_redirects_plain_http_but_not_the_health_check():
    """The proxy says X-Forwarded-Proto: https for what came in over TLS. The container's health check and the
    simulators' callbacks come straight to gunicorn in plain HTTP inside the compose network and get their answer
    (here: the unsigned callback refused), not a redirect."""
    result = run_with_settings(
        """
        from django.test import Client
        client = Client(HTTP_HOST="dichvucong.example.vn")
        plain = client.get("/")
        print(plain.status_code, plain.headers["Location"])
        print(client.get("/healthz").status_code)
        print(client.post("/lien-thong/goi-lai/police/", data="{}", content_type="application/json").status_code)
        print(client.get("/healthz", headers={"X-Forwarded-Proto": "https"}).headers["Strict-Transport-Security"])
        """,
        **SAFE,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "301 https://dichvucong.example.vn/",
        "200",
        "403",
        "max-age=31536000; includeSubDomains",
    ]


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


def test_the_site_url_follows_the_port_make_run_serves_on():
    # The demo's linked records are written before the web starts and carry this as their callback address.
    assert (
        load_settings("settings.INTERCONNECT_CALLBACK_BASE_URL", PORT="8300").stdout.strip() == "http://127.0.0.1:8300"
    )
    assert load_settings("settings.SITE_URL", PORT="8300", SITE_URL="https://dvc.example").stdout.strip() == (
        "https://dvc.example"
    )
