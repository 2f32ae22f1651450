"""The one way the portal sends SMS and e-mail: `send_sms(phone=, text=)` and `send_email(to=, subject=, text=)`.

SMS_BACKEND picks the SMS backend: "console" logs the message (development), "http" POSTs JSON to the
operator's gateway at SMS_HTTP_URL, "locmem" keeps messages in `sms_outbox` (tests). E-mail goes through
Django's mailers (MAILERS), so the console, SMTP and test outboxes of Django apply unchanged.
Failures surface as NotificationError subclasses; callers decide whether a lost message matters.
"""

import json
import logging
import smtplib
import urllib.error
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMessage

logger = logging.getLogger(__name__)


class NotificationError(Exception):
    """A message could not be handed to its gateway."""


class SmsDeliveryError(NotificationError):
    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status

    @property
    def retryable(self) -> bool:
        """Network errors, timeouts and 5xx may pass on a later try; a 4xx will not."""
        return self.status is None or self.status >= 500


class EmailDeliveryError(NotificationError):
    pass


@dataclass(frozen=True)
class SmsMessage:
    phone: str
    text: str


class SmsBackend(Protocol):
    def send(self, message: SmsMessage) -> None: ...


class ConsoleSmsBackend:
    def send(self, message: SmsMessage) -> None:
        logger.info("SMS to %s: %s", message.phone, message.text)


# Messages "sent" with SMS_BACKEND=locmem, in order; tests read and clear it like django.core.mail.outbox.
sms_outbox: list[SmsMessage] = []


class LocmemSmsBackend:
    def send(self, message: SmsMessage) -> None:
        sms_outbox.append(message)


def post_json(url: str, *, payload: dict, token: str, timeout: float) -> int:
    """POST `payload` as JSON with a bearer token and return the HTTP status (the seam tests stub).

    Raises urllib.error.HTTPError for 4xx/5xx answers and OSError (URLError, TimeoutError) for the network.
    """
    if not url.startswith(("http://", "https://")):
        raise ImproperlyConfigured("SMS_HTTP_URL must be an http:// or https:// URL")
    request = urllib.request.Request(  # noqa: S310 - the scheme is checked above
        url,
        data=json.dumps(payload, ensure_ascii=False).encode(),
        method="POST",
        headers={"Content-Type": "application/json; charset=utf-8", "Authorization": f"Bearer {token}"},
    )
    with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
        return response.status


class HttpSmsBackend:
    """The operator's HTTP gateway: POST {"to", "text"}; any 2xx means accepted."""

    def send(self, message: SmsMessage) -> None:
        if not settings.SMS_HTTP_URL:
            raise ImproperlyConfigured("SMS_BACKEND=http needs SMS_HTTP_URL")
        try:
            status = post_json(
                settings.SMS_HTTP_URL,
                payload={"to": message.phone, "text": message.text},
                token=settings.SMS_HTTP_TOKEN,
                timeout=settings.SMS_HTTP_TIMEOUT_SECONDS,
            )
        except urllib.error.HTTPError as exc:
            raise SmsDeliveryError(f"SMS gateway answered {exc.code}", status=exc.code) from exc
        except (OSError, ValueError) as exc:  # URLError, timeouts, refused connections, bad answers
            raise SmsDeliveryError(f"SMS gateway unreachable: {exc}") from exc
        if not 200 <= status < 300:
            raise SmsDeliveryError(f"SMS gateway answered {status}", status=status)


SMS_BACKENDS: dict[str, type[SmsBackend]] = {
    "console": ConsoleSmsBackend,
    "http": HttpSmsBackend,
    "locmem": LocmemSmsBackend,
}


def sms_backend() -> SmsBackend:
    try:
        return SMS_BACKENDS[settings.SMS_BACKEND]()
    except KeyError:
        raise ImproperlyConfigured(
            f"SMS_BACKEND must be one of {', '.join(SMS_BACKENDS)}, not {settings.SMS_BACKEND!r}"
        ) from None


def send_sms(*, phone: str, text: str) -> None:
    """Send one SMS through the configured backend; raises SmsDeliveryError when the gateway refuses it."""
    sms_backend().send(SmsMessage(phone=phone, text=text))


def send_email(*, to: str, subject: str, text: str, attachments: Sequence[tuple[str, bytes, str]] = ()) -> None:
    """Send one plain-text e-mail, with (file name, content, MIME type) attachments, through Django's default
    mailer; raises EmailDeliveryError on failure."""
    message = EmailMessage(subject, text, settings.DEFAULT_FROM_EMAIL, [to])
    for name, content, mimetype in attachments:
        message.attach(name, content, mimetype)
    try:
        message.send()
    except (smtplib.SMTPException, OSError) as exc:
        raise EmailDeliveryError(f"e-mail not sent: {exc}") from exc
