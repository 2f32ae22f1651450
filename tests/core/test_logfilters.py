"""A refused request is logged as one line (user id, path, status) without a traceback; a server error keeps its."""

import logging

import pytest
from django.urls import include, path, reverse

pytestmark = pytest.mark.django_db


def broken(request):
    raise RuntimeError("a fault in the code")


# This module is also the URL configuration of the server-error test: the portal's, and a page that fails.
urlpatterns = [path("hong/", broken), path("", include("egov.urls"))]


def request_records(caplog) -> list[logging.LogRecord]:
    return [record for record in caplog.records if record.name == "django.request"]


def test_permission_denied_is_one_line_with_user_id_path_and_status(client, citizen, caplog):  # noqa: F811
    client.force_login(citizen)
    url = reverse("onecounter:worklist", kwargs={"slug": "cho-tiep-nhan"})
    with caplog.at_level(logging.WARNING, logger="django.request"):
        assert client.get(url).status_code == 403

    [record] = request_records(caplog)
    assert record.exc_info is None
    assert record.exc_text is None
    assert record.getMessage() == f"Permission denied: user={citizen.pk} path={url} status=403"
    formatted = logging.Formatter().format(record)
    assert "\n" not in formatted
    assert "Traceback" not in formatted
    assert citizen.full_name not in formatted
    assert citizen.id_number not in formatted


@pytest.mark.urls(__name__)
def test_server_error_keeps_its_traceback(client, caplog):
    client.raise_request_exception = False
    with caplog.at_level(logging.WARNING, logger="django.request"):
        assert client.get("/hong/").status_code == 500

    [record] = request_records(caplog)
    assert record.levelno == logging.ERROR
    assert record.exc_info is not None
    assert isinstance(record.exc_info[1], RuntimeError)
    assert "Traceback" in logging.Formatter().format(record)
