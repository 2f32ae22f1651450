"""Celery tasks of the interconnect: push and poll linked records, settle dossiers, sweep up what was lost."""

from celery import shared_task

from interconnect import services


@shared_task
def linked_record_push(*, record_id: int) -> None:
    """Push one record; on a retryable failure queue the next try after the backoff the service chose.

    The countdown message is an optimisation: the record's `next_attempt_at` is the truth, so a lost message
    is found by the sweeper and a message arriving early (eager mode, a duplicate) finds nothing to claim.
    """
    delay = services.linked_record_push(record_id=record_id)
    if delay is not None:
        linked_record_push.apply_async(kwargs={"record_id": record_id}, countdown=delay)


@shared_task
def linked_record_poll(*, record_id: int) -> None:
    services.linked_record_poll(record_id=record_id)


@shared_task
def dossier_settle_if_ready(*, dossier_id: int) -> None:
    services.dossier_settle_if_ready(dossier_id=dossier_id)


@shared_task
def linked_records_sweep() -> dict[str, int]:
    return services.linked_records_sweep()
