import pytest
from django.urls import reverse


@pytest.mark.django_db
def test_healthz_reports_database_and_broker(client):
    response = client.get(reverse("core:healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok"}


@pytest.mark.django_db
def test_healthz_reports_a_broker_that_does_not_answer(client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {}
    response = client.get(reverse("core:healthz"))
    assert response.status_code == 503
    assert response.json()["broker"] == "error"
    assert response.json()["database"] == "ok"


def test_healthz_refuses_post(client):
    assert client.post(reverse("core:healthz")).status_code == 405
