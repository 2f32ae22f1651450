"""In CI the suite must run on the real services: PostgreSQL, Redis as cache and Redis as broker."""

import os

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from kombu import Connection

pytestmark = pytest.mark.skipif(not os.environ.get("CI"), reason="checks CI's service configuration")


@pytest.mark.django_db
def test_database_is_postgresql():
    assert connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version_num")
        assert int(cursor.fetchone()[0]) >= 150000


def test_cache_is_redis_and_answers():
    assert settings.CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    cache.set("ci-probe", "đã ghi", 30)
    assert cache.get("ci-probe") == "đã ghi"


def test_broker_is_redis_and_answers():
    assert settings.CELERY_BROKER_URL.startswith("redis://")
    with Connection(settings.CELERY_BROKER_URL) as conn:
        conn.ensure_connection(max_retries=1)
        assert conn.connected
