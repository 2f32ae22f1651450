"""Writes of the notification outbox: queue a message with its event, send it once, retry, sweep up what was lost.

Delivery is at least once, made as close to exactly once as a gateway without idempotency keys allows:

- A worker claims a row with a compare-and-set update (`filter(pk=…, state=pending, next_attempt_at__lte=now)`)
  that also sets a lease, and sends only if it changed one row; a repeated or duplicated task message, or a
  second worker, finds nothing to claim. One row is one message, so a failed e-mail is tried again alone and
  the SMS beside it is never sent again.
- A worker that dies between the claim and the outcome leaves the row `sending`; when its lease runs out the
  row may be claimed again (by the sweeper's message) and is sent again. If the first worker had already handed
  the message to the gateway, the requester gets it twice. That is the price chosen: the only way never to send
  twice is never to try again after a crash, and a lost notice (a supplement request, a refusal) costs the
  requester more than a repeated one. The lease is far longer than any gateway timeout, so a slow send is never
  taken for a dead one.
- Retries back off exponentially with jitter; after the last allowed try the row is `failed` with the gateway's
  error, where staff see it (the admin) and may send it again.
"""

import logging
import random
from datetime import timedelta
from functools import partial

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from egov.notifications.gateway import NotificationError, send_email, send_sms
from egov.notifications.models import Notification, NotificationChannel, NotificationState

logger = logging.getLogger(__name__)

# The first try and five retries, 30 s, 1, 2, 4 and 8 minutes apart (with jitter): a quarter of an hour in all.
MAX_ATTEMPTS = 6
RETRY_BASE_SECONDS = 30
RETRY_CAP_SECONDS = 3600
# How long a send holds its row; the gateways time out after seconds (SMS_HTTP_TIMEOUT_SECONDS, SMTP's timeout).
LEASE_SECONDS = 300
# The sweeper leaves a pending row this long past its time to the message already queued for it.
SWEEP_GRACE_SECONDS = 60
SWEEP_BATCH = 200


def _tasks():
    # The tasks import this module; importing them here at module level would be circular.
    from egov.notifications import tasks

    return tasks


def _enqueue_after_commit(notification_id: int) -> None:
    # robust: a broker that is down must not turn the committed event into an error page; the row stays pending
    # and the sweeper queues it a minute later.
    transaction.on_commit(partial(_tasks().notification_send.delay, notification_id=notification_id), robust=True)


def notifications_queue(*, notifications: list[Notification]) -> list[Notification]:
    """Write the unsaved messages as pending rows in the caller's transaction, in one statement; each is sent once
    that transaction commits."""
    now = timezone.now()
    for notification in notifications:
        notification.next_attempt_at = now
    created = Notification.objects.bulk_create(notifications)
    for notification in created:
        _enqueue_after_commit(notification.pk)
    return created


def retry_delay(attempt: int) -> float:
    """Seconds before try number `attempt` + 1: exponential, capped, with jitter so retries do not stampede."""
    ceiling = min(RETRY_CAP_SECONDS, RETRY_BASE_SECONDS * 2 ** (attempt - 1))
    return ceiling / 2 + random.uniform(0, ceiling / 2)


def _deliver(notification: Notification) -> None:
    if notification.channel == NotificationChannel.SMS:
        send_sms(phone=notification.recipient, text=notification.text)
    else:
        send_email(to=notification.recipient, subject=notification.subject, text=notification.text)


def notification_send(*, notification_id: int) -> float | None:
    """Send one message if it is due and no other worker holds it; returns the seconds to the next try, or None.

    A gateway error that may pass (network, timeout, 5xx, SMTP) → `pending` again after the backoff, or `failed`
    after the last allowed try; one that will not (a 4xx of the SMS gateway) → `failed` at once.
    """
    now = timezone.now()
    claimed = Notification.objects.filter(
        Q(state=NotificationState.PENDING) | Q(state=NotificationState.SENDING),  # a sending row: its lease ran out
        pk=notification_id,
        next_attempt_at__lte=now,
        attempts__lt=MAX_ATTEMPTS,
    ).update(
        state=NotificationState.SENDING,
        attempts=F("attempts") + 1,
        next_attempt_at=now + timedelta(seconds=LEASE_SECONDS),
    )
    if not claimed:
        return None
    notification = Notification.objects.get(pk=notification_id)
    try:
        _deliver(notification)
    except NotificationError as error:
        # Only while this worker still holds the row: after a lease ran out, the newer claim decides.
        held = Notification.objects.filter(
            pk=notification.pk, state=NotificationState.SENDING, attempts=notification.attempts
        )
        if getattr(error, "retryable", True) and notification.attempts < MAX_ATTEMPTS:
            delay = retry_delay(notification.attempts)
            held.update(
                state=NotificationState.PENDING,
                next_attempt_at=timezone.now() + timedelta(seconds=delay),
                last_error=str(error)[:255],
            )
            return delay
        held.update(state=NotificationState.FAILED, next_attempt_at=None, last_error=str(error)[:255])
        logger.warning(
            "notification %s (%s) failed after %s tries: %s",
            notification.pk,
            notification.channel,
            notification.attempts,
            error,
        )
        return None
    # Whoever holds the row now: the message went out, so nobody is to send it again.
    Notification.objects.filter(pk=notification.pk).update(
        state=NotificationState.SENT, sent_at=timezone.now(), next_attempt_at=None, last_error=""
    )
    return None


def notifications_sweep() -> dict[str, int]:
    """Queue what a lost message, a broker down at commit or a dead worker left behind; returns the counts.

    Pending rows past their time (plus a grace for the message already on its way) and rows whose lease ran out
    are queued again; a row whose lease ran out on its last allowed try is failed.
    """
    now = timezone.now()
    abandoned = Notification.objects.filter(
        state=NotificationState.SENDING, next_attempt_at__lte=now, attempts__gte=MAX_ATTEMPTS
    ).update(state=NotificationState.FAILED, next_attempt_at=None, last_error="no outcome of the last try")
    due = list(
        Notification.objects.filter(
            Q(state=NotificationState.PENDING, next_attempt_at__lte=now - timedelta(seconds=SWEEP_GRACE_SECONDS))
            | Q(state=NotificationState.SENDING, next_attempt_at__lte=now)
        )
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )
    tasks = _tasks()
    for notification_id in due:
        tasks.notification_send.delay(notification_id=notification_id)
    return {"queued": len(due), "failed": abandoned}


def notification_resend(*, notification: Notification) -> bool:
    """Send a failed message again with a fresh round of tries; False when it is no longer failed."""
    with transaction.atomic():
        resent = Notification.objects.filter(pk=notification.pk, state=NotificationState.FAILED).update(
            state=NotificationState.PENDING, attempts=0, next_attempt_at=timezone.now(), last_error=""
        )
        if resent:
            _enqueue_after_commit(notification.pk)
    return bool(resent)
