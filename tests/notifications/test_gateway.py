"""The SMS/e-mail gateway: backend choice, the console backend, and the HTTP backend against a local server."""

import json
import logging
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.exceptions import ImproperlyConfigured

from egov.notifications import gateway
from egov.notifications.gateway import SmsDeliveryError, send_email, send_sms


class FakeSmsGateway:
    """An operator's SMS gateway on 127.0.0.1: records requests, answers with `status` after `delay`."""

    def __init__(self) -> None:
        self.requests: list[dict] = []
        self.status = 200
        self.delay = 0.0
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                fake.requests.append(
                    {"path": self.path, "headers": dict(self.headers), "json": json.loads(body.decode())}
                )
                if fake.delay:
                    threading.Event().wait(fake.delay)
                try:
                    self.send_response(fake.status)
                    self.send_header("Content-Type", "application/json")
                    self.end_headers()
                    self.wfile.write(b'{"ok": true}')
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (the timeout test)

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/sms"


@pytest.fixture
def fake_gateway(settings) -> Iterator[FakeSmsGateway]:
    fake = FakeSmsGateway()
    thread = threading.Thread(target=fake.server.serve_forever, daemon=True)
    thread.start()
    settings.SMS_BACKEND = "http"
    settings.SMS_HTTP_URL = fake.url
    settings.SMS_HTTP_TOKEN = "secret-token"
    settings.SMS_HTTP_TIMEOUT_SECONDS = 2.0
    yield fake
    fake.server.shutdown()
    fake.server.server_close()


def test_the_http_backend_posts_json_with_the_bearer_token(fake_gateway):
    send_sms(phone="0912345678", text="Mã của bạn là 123456")
    [request] = fake_gateway.requests
    assert request["path"] == "/sms"
    assert request["headers"]["Authorization"] == "Bearer secret-token"
    assert request["headers"]["Content-Type"].startswith("application/json")
    assert request["json"] == {"to": "0912345678", "text": "Mã của bạn là 123456"}


@pytest.mark.parametrize(("status", "retryable"), [(400, False), (401, False), (500, True), (503, True)])
def test_an_error_answer_becomes_a_typed_exception(fake_gateway, status, retryable):
    fake_gateway.status = status
    with pytest.raises(SmsDeliveryError) as exc:
        send_sms(phone="0912345678", text="x")
    assert exc.value.status == status
    assert exc.value.retryable is retryable


def test_a_slow_gateway_times_out(fake_gateway, settings):
    settings.SMS_HTTP_TIMEOUT_SECONDS = 0.2
    fake_gateway.delay = 1.0
    with pytest.raises(SmsDeliveryError) as exc:
        send_sms(phone="0912345678", text="x")
    assert exc.value.status is None and exc.value.retryable


def test_an_unreachable_gateway_is_a_retryable_error(settings):
    server = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    port = server.server_port
    server.server_close()  # nothing listens there any more
    settings.SMS_BACKEND = "http"
    settings.SMS_HTTP_URL = f"http://127.0.0.1:{port}/sms"
    with pytest.raises(SmsDeliveryError) as exc:
        send_sms(phone="0912345678", text="x")
    assert exc.value.retryable


def test_the_http_backend_needs_a_url(settings):
    settings.SMS_BACKEND = "http"
    settings.SMS_HTTP_URL = ""
    with pytest.raises(ImproperlyConfigured):
        send_sms(phone="0912345678", text="x")


def test_only_http_urls_are_accepted(settings):
    settings.SMS_BACKEND = "http"
    settings.SMS_HTTP_URL = "file:///etc/passwd"
    with pytest.raises(ImproperlyConfigured):
        send_sms(phone="0912345678", text="x")


def test_the_console_backend_logs_the_message(settings, caplog):
    settings.SMS_BACKEND = "console"
    with caplog.at_level(logging.INFO, logger="egov.notifications.gateway"):
        send_sms(phone="0912345678", text="Mã của bạn là 123456")
    assert "0912345678" in caplog.text and "123456" in caplog.text


def test_the_locmem_backend_keeps_messages_for_tests(settings):
    settings.SMS_BACKEND = "locmem"
    gateway.sms_outbox.clear()
    send_sms(phone="0912345678", text="x")
    assert gateway.sms_outbox == [gateway.SmsMessage(phone="0912345678", text="x")]
    gateway.sms_outbox.clear()


def test_an_unknown_backend_is_a_configuration_error(settings):
    settings.SMS_BACKEND = "carrier-pigeon"
    with pytest.raises(ImproperlyConfigured):
        send_sms(phone="0912345678", text="x")


def test_e_mail_goes_through_djangos_mailer(mailoutbox, settings):
    send_email(to="an@example.com", subject="Tiêu đề", text="Nội dung")
    [message] = mailoutbox
    assert (message.to, message.subject, message.body) == (["an@example.com"], "Tiêu đề", "Nội dung")
    assert message.from_email == settings.DEFAULT_FROM_EMAIL


def test_e_mail_carries_attachments(mailoutbox):
    send_email(
        to="an@example.com", subject="Báo cáo", text="Kèm theo", attachments=[("a.pdf", b"%PDF-1.4", "application/pdf")]
    )
    [message] = mailoutbox
    [attachment] = message.attachments
    assert (attachment.filename, attachment.content, attachment.mimetype) == ("a.pdf", b"%PDF-1.4", "application/pdf")
