"""Celery tasks of the notification outbox: send one message, sweep up what was lost."""

from celery import shared_task

from egov.notifications import services


@shared_task
def notification_send(*, notification_id: int) -> None:
    """Send one message; on a retryable failure queue the next try after the backoff the service chose.

    The countdown message is an optimisation: the row's `next_attempt_at` is the truth, so a lost message is
    found by the sweeper and a message arriving early (eager mode, a duplicate) finds nothing to claim.
    """
    delay = services.notification_send(notification_id=notification_id)
    if delay is not None:
        notification_send.apply_async(kwargs={"notification_id": notification_id}, countdown=delay)


@shared_task
def notifications_sweep() -> dict[str, int]:
    return services.notifications_sweep()
