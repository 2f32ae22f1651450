"""Writes of the interconnect: open linked records at approval, push and poll them, apply answers, settle, re-send.

Workers claim a record with a compare-and-set update (`filter(pk=…, status=…, next_attempt_at__lte=now)`) and go
on only if they changed one row, so a repeated or duplicated task message does nothing. A push is harmless to
repeat anyway: the record's UUID is the agency's idempotency key. Answers (callbacks, polls) lock the dossier
and then the record, so the last of several answers of one dossier sees the others and settles it.
"""

import enum
import json
import logging
import random
import time
import uuid
from datetime import datetime, timedelta
from decimal import Decimal
from functools import partial
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from egov.accounts.gates import record_resenders
from egov.accounts.jurisdiction import acting_unit_ids
from egov.workcal.calendar import get_calendar
from interconnect.adapters import (
    AgencyError,
    AgencyMisconfigured,
    AgencyRecordUnknown,
    AgencyRefused,
    AgencyState,
    AgencyUnavailable,
    client_for,
)
from interconnect.models import (
    FINAL_RECORD_STATUSES,
    AgencyCallback,
    LinkedRecord,
    LinkedRecordAttempt,
    RecordKind,
    RecordStatus,
)
from interconnect.payloads import record_kinds, record_payload
from procedures.models import Agency, Dossier, Procedure, Status
from procedures.services import dossier_compute_due, dossier_settle

# Backoff of pushes on network errors, timeouts and 5xx: 30 s, 1 min, 2 min … at most an hour between tries.
RETRY_BASE_SECONDS = 30
RETRY_CAP_SECONDS = 3600
# A push in progress holds its record this long past the HTTP timeout; if its worker dies, the lease runs out
# and the sweeper sends the record again.
LEASE_MARGIN_SECONDS = 60
# The sweeper leaves a pending record this long past its time to the message already queued for it.
SWEEP_GRACE_SECONDS = 60
SWEEP_BATCH = 200
# What an agency's result must hold, by kind (docs/interconnect-protocol.md, "Results by kind").
RESULT_KEYS: dict[str, tuple[str, ...]] = {
    RecordKind.REGISTER_RESIDENCE: ("household_registration_number", "registered_on"),
    RecordKind.REMOVE_RESIDENCE: ("removal_number", "removed_on"),
    RecordKind.HEALTH_CARD: ("card_number", "valid_from", "valid_to"),
}
OPEN_RECORD_STATUSES = (RecordStatus.PENDING, RecordStatus.SENT, RecordStatus.FAILED)
# Refused callbacks are counted per agency and day; the count outlives its day a little for a late look.
REFUSED_COUNT_SECONDS = 2 * 24 * 3600

callbacks_logger = logging.getLogger("interconnect.callbacks")


class LinkedRecordActionError(Exception):
    """An officer's action on a linked record that may not happen now; the message is in Vietnamese."""


class AnswerOutcome(enum.StrEnum):
    """What became of an agency's answer; the callback view maps it to the protocol's HTTP status."""

    APPLIED = "applied"  # the record is now completed or rejected
    REPEAT = "repeat"  # the same event again, or the same outcome on a final record: nothing changed
    CONFLICT = "conflict"  # a different outcome on a final record: logged, nothing changed
    UNKNOWN_RECORD = "unknown_record"
    INVALID = "invalid"  # a completion without the result its kind needs, or a rejection without a reason


def _tasks():
    # Tasks import this module; importing them here at module level would be circular.
    from interconnect import tasks

    return tasks


# --- Opening (inside the approval transaction) ------------------------------------------------------------


def linked_record_due(*, dossier: Dossier, agency: str, moment: datetime) -> datetime:
    """When the agency should have answered a record opened at `moment`, in working time."""
    if agency == Agency.SOCIAL_INSURANCE:
        days = Decimal(
            settings.INTERCONNECT_SOCIAL_INSURANCE_DAYS_URBAN
            if dossier.unit.is_urban
            else settings.INTERCONNECT_SOCIAL_INSURANCE_DAYS_RURAL
        )
        calendar = get_calendar()
        return calendar.add_working_time(calendar.receipt_start(moment), days)
    # The police have the procedure's own time limit (the catalogue's working days for the unit's area).
    return dossier_compute_due(dossier=dossier, received_at=moment)


def linked_records_open(*, dossier: Dossier) -> list[LinkedRecord]:
    """The approval hook: one `pending` record per agency and kind, pushed once the approval commits.

    Runs inside the approval transaction (procedures.transitions.APPROVAL_HOOKS), so a rolled-back approval opens
    nothing and a committed one never lacks its records. A dossier that opens none settles right after commit.
    """
    now = timezone.now()
    records = []
    for agency, kind in record_kinds(dossier.procedure):
        record_uuid = uuid.uuid4()
        records.append(
            LinkedRecord.objects.create(
                uuid=record_uuid,
                dossier=dossier,
                agency=agency,
                kind=kind,
                payload=record_payload(dossier=dossier, agency=agency, kind=kind, record_uuid=record_uuid),
                next_attempt_at=now,
                due_at=linked_record_due(dossier=dossier, agency=agency, moment=now),
            )
        )
    tasks = _tasks()
    # robust: a broker that is down must not turn a committed approval into an error page; the sweeper
    # finds the pending records (and the unsettled dossier) a minute later.
    for record in records:
        transaction.on_commit(partial(tasks.linked_record_push.delay, record_id=record.pk), robust=True)
    if not records:
        transaction.on_commit(partial(tasks.dossier_settle_if_ready.delay, dossier_id=dossier.pk), robust=True)
    return records


# --- Pushing and polling (workers) --------------------------------------------------------------------------


def retry_delay(attempt: int) -> float:
    """Seconds before push number `attempt` + 1: exponential, capped, with jitter so retries do not stampede."""
    ceiling = min(RETRY_CAP_SECONDS, RETRY_BASE_SECONDS * 2 ** (attempt - 1))
    return ceiling / 2 + random.uniform(0, ceiling / 2)


def _attempt_log(record: LinkedRecord, *, request: str, started: float, outcome: str, **details) -> None:
    LinkedRecordAttempt.objects.create(
        record=record,
        at=timezone.now(),
        request=request[:200],
        outcome=outcome,
        duration_ms=round((time.monotonic() - started) * 1000),
        **details,
    )


def _error_log(record: LinkedRecord, *, request: str, started: float, error: AgencyError) -> None:
    _attempt_log(
        record,
        request=request,
        started=started,
        outcome=error.outcome,
        http_status=error.http_status,
        error=error.error or ("" if error.http_status else "error"),
        response_excerpt=error.excerpt,
    )


def _failure_reason(record: LinkedRecord, error: AgencyError) -> str:
    with translation.override("vi"):
        agency = record.get_agency_display()
        if isinstance(error, AgencyRefused):
            problems = "; ".join(f"{path}: {' '.join(messages)}" for path, messages in error.fields.items())
            return _("%(agency)s không nhận hồ sơ vì dữ liệu chưa hợp lệ: %(problems)s") % {
                "agency": agency,
                "problems": problems or error.excerpt or str(error.http_status),
            }
        if isinstance(error, AgencyMisconfigured):
            return _(
                "%(agency)s không chấp nhận kết nối (mã %(status)s). Cần kiểm tra địa chỉ và khóa bí mật liên thông "
                "trong cấu hình của cổng."
            ) % {"agency": agency, "status": error.http_status or error.error}
        return _("Không liên lạc được với %(agency)s sau %(count)s lần gửi (lần cuối: %(error)s).") % {
            "agency": agency,
            "count": record.attempts,
            "error": error.http_status or error.error,
        }


def linked_record_push(*, record_id: int) -> float | None:
    """Send a pending record to its agency once, if it is due and no other worker holds it.

    Accepted → `sent` (to be polled if no callback comes). Network error, timeout or 5xx → the seconds to wait
    before the next try, or `failed` after the last allowed one. A 4xx refusal or a 403 → `failed` at once with
    the agency's reason for the officer. Returns the delay when a retry is due, else None.
    """
    now = timezone.now()
    lease = now + timedelta(seconds=settings.INTERCONNECT_TIMEOUT_SECONDS + LEASE_MARGIN_SECONDS)
    claimed = LinkedRecord.objects.filter(pk=record_id, status=RecordStatus.PENDING, next_attempt_at__lte=now).update(
        attempts=F("attempts") + 1, next_attempt_at=lease
    )
    if not claimed:
        return None
    record = LinkedRecord.objects.get(pk=record_id)
    request = f"POST /records ({record.kind}, attempt {record.attempts})"
    started = time.monotonic()
    try:
        accepted = client_for(record.agency).submit(record)
    except AgencyError as error:
        _error_log(record, request=request, started=started, error=error)
        pending = LinkedRecord.objects.filter(pk=record.pk, status=RecordStatus.PENDING)
        if isinstance(error, AgencyUnavailable) and record.attempts < settings.INTERCONNECT_MAX_ATTEMPTS:
            delay = retry_delay(record.attempts)
            pending.update(next_attempt_at=timezone.now() + timedelta(seconds=delay))
            return delay
        pending.update(status=RecordStatus.FAILED, reason=_failure_reason(record, error), next_attempt_at=None)
        return None
    _attempt_log(
        record,
        request=request,
        started=started,
        outcome=LinkedRecordAttempt.Outcome.ACCEPTED,
        http_status=accepted.http_status,
        response_excerpt=accepted.excerpt,
    )
    sent_at = timezone.now()
    LinkedRecord.objects.filter(pk=record.pk).update(sent_at=sent_at, agency_ref=accepted.agency_ref)
    # Only from pending: a callback may have overtaken this answer and already finished the record.
    LinkedRecord.objects.filter(pk=record.pk, status=RecordStatus.PENDING).update(
        status=RecordStatus.SENT,
        reason="",
        next_attempt_at=sent_at + timedelta(seconds=settings.INTERCONNECT_POLL_AFTER_SECONDS),
    )
    if accepted.state is not None:
        # A repeat of a record the agency has already finished: its answer comes with the acceptance.
        linked_record_state_apply(record_id=record.pk, state=accepted.state)
    return None


def linked_record_poll(*, record_id: int) -> None:
    """Ask the agency for the state of a sent record that got no callback, and apply a final answer.

    An agency that never stored the record gets it again (the record goes back to `pending`).
    """
    now = timezone.now()
    claimed = LinkedRecord.objects.filter(pk=record_id, status=RecordStatus.SENT, next_attempt_at__lte=now).update(
        next_attempt_at=now + timedelta(seconds=settings.INTERCONNECT_POLL_AFTER_SECONDS)
    )
    if not claimed:
        return
    record = LinkedRecord.objects.get(pk=record_id)
    request = f"GET /records/{record.uuid}"
    started = time.monotonic()
    try:
        state = client_for(record.agency).fetch(record)
    except AgencyRecordUnknown as error:
        _error_log(record, request=request, started=started, error=error)
        with transaction.atomic():
            resent = LinkedRecord.objects.filter(pk=record.pk, status=RecordStatus.SENT).update(
                status=RecordStatus.PENDING, next_attempt_at=timezone.now()
            )
            if resent:
                transaction.on_commit(partial(_tasks().linked_record_push.delay, record_id=record.pk), robust=True)
        return
    except AgencyError as error:
        # Asked again at the next poll; the record stays sent.
        _error_log(record, request=request, started=started, error=error)
        return
    _attempt_log(
        record,
        request=request,
        started=started,
        outcome=LinkedRecordAttempt.Outcome.ANSWERED,
        http_status=200,
        response_excerpt=json.dumps({"status": state.status, "result": state.result, "reason": state.reason})[:2000],
    )
    if state.is_final:
        linked_record_state_apply(record_id=record.pk, state=state)


# --- Answers (callbacks and polls) --------------------------------------------------------------------------


def answer_problem(*, kind: str, status: str, result: Any, reason: Any) -> str:
    """Why an answer cannot be applied ("" when it can): a completion lacking its result, a bare rejection."""
    if status == RecordStatus.COMPLETED:
        if not isinstance(result, dict):
            return "result must be an object"
        missing = [key for key in RESULT_KEYS[kind] if not isinstance(result.get(key), str) or not result[key]]
        return f"result lacks {', '.join(missing)}" if missing else ""
    if status == RecordStatus.REJECTED:
        return "" if isinstance(reason, str) and reason.strip() else "a rejection needs a reason"
    return f"unknown status {status!r}"


def _record_locked(record_id: int) -> tuple[LinkedRecord, Dossier]:
    # Dossier first, then record, everywhere: the answers of one dossier queue up behind each other.
    dossier_id = LinkedRecord.objects.values_list("dossier_id", flat=True).get(pk=record_id)
    dossier = Dossier.objects.select_for_update(of=("self",)).select_related("procedure").get(pk=dossier_id)
    record = LinkedRecord.objects.select_for_update().get(pk=record_id)
    return record, dossier


def _answer_apply(record: LinkedRecord, *, status: str, result: dict, reason: str) -> tuple[AnswerOutcome, str]:
    """Finish a locked record with the agency's answer, unless it is already final; (outcome, why) for the log."""
    if record.is_final:
        if record.status == status and (status == RecordStatus.REJECTED or record.result == result):
            return AnswerOutcome.REPEAT, f"already {record.status} with the same outcome"
        return AnswerOutcome.CONFLICT, f"already {record.status}; this answer says {status} and is not applied"
    record.status = status
    record.result = result if status == RecordStatus.COMPLETED else {}
    record.reason = reason.strip() if status == RecordStatus.REJECTED else ""
    record.answered_at = timezone.now()
    record.next_attempt_at = None
    record.save(update_fields=["status", "result", "reason", "answered_at", "next_attempt_at"])
    return AnswerOutcome.APPLIED, ""


def linked_record_state_apply(*, record_id: int, state: AgencyState) -> AnswerOutcome:
    """Apply a final state the portal asked for (poll, or the answer to a repeated push); settle when all are."""
    with transaction.atomic():
        record, dossier = _record_locked(record_id)
        if answer_problem(kind=record.kind, status=state.status, result=state.result, reason=state.reason):
            return AnswerOutcome.INVALID
        outcome, _why = _answer_apply(record, status=state.status, result=state.result, reason=state.reason)
        if outcome == AnswerOutcome.APPLIED:
            _settle_if_ready(dossier)
        return outcome


def linked_record_answer(
    *,
    agency: str,
    record_uuid: uuid.UUID,
    event_id: uuid.UUID,
    status: str,
    result: Any,
    reason: Any,
    body: str,
) -> AnswerOutcome:
    """An agency's signed callback: apply it once, log it, and settle the dossier when every record is final.

    A repeated event id, or the same outcome on a final record, changes nothing (REPEAT). A different outcome on
    a final record is logged and changes nothing (CONFLICT): an agency cannot take back an answer.
    """
    found = LinkedRecord.objects.filter(uuid=record_uuid, agency=agency).values_list("pk", "kind").first()
    if found is None:
        return AnswerOutcome.UNKNOWN_RECORD
    record_id, kind = found
    if answer_problem(kind=kind, status=status, result=result, reason=reason):
        # Not logged: the event id stays free for the agency's corrected delivery.
        return AnswerOutcome.INVALID
    result = result if isinstance(result, dict) else {}
    reason = reason if isinstance(reason, str) else ""
    with transaction.atomic():
        record, dossier = _record_locked(record_id)
        if AgencyCallback.objects.filter(event_id=event_id).update(repeats=F("repeats") + 1):
            return AnswerOutcome.REPEAT
        outcome, why = _answer_apply(record, status=status, result=result, reason=reason)
        try:
            with transaction.atomic():
                AgencyCallback.objects.create(
                    event_id=event_id,
                    record=record,
                    received_at=timezone.now(),
                    body=body,
                    outcome=AgencyCallback.Outcome.APPLIED
                    if outcome == AnswerOutcome.APPLIED
                    else AgencyCallback.Outcome.IGNORED,
                    note=why[:255],
                )
        except IntegrityError:
            # The same event delivered twice at once: the other delivery logged (and applied) it.
            transaction.set_rollback(True)
            return AnswerOutcome.REPEAT
        if outcome == AnswerOutcome.APPLIED:
            _settle_if_ready(dossier)
    return outcome


def agency_callback_refuse(*, agency: str, body: bytes, why: str) -> int:
    """Refuse a callback whose signature failed: nothing is stored, one warning is logged; returns today's count.

    Anyone can post to the callback URL, so an unsigned body is the sender's text, not the agency's: it is neither
    kept nor logged. The warning names the agency, the reason and the record the body claims to be about (when its
    id parses), with a running count of refusals for that agency today, so a misconfigured secret or a probe shows
    up in the logs without a database write per forged request.
    """
    try:
        record = str(uuid.UUID(str(json.loads(body).get("id"))))
    except (ValueError, AttributeError, TypeError):
        record = "-"
    key = f"interconnect:refused-callbacks:{agency}:{timezone.localdate().isoformat()}"
    cache.add(key, 0, timeout=REFUSED_COUNT_SECONDS)
    count = cache.incr(key)
    callbacks_logger.warning("refused %s callback: %s; record %s; %d refused today", agency, why, record, count)
    return count


# --- Settling -----------------------------------------------------------------------------------------------


def _ready_to_settle(dossier: Dossier) -> bool:
    statuses = list(dossier.linked_records.values_list("status", flat=True))
    if statuses:
        return all(status in FINAL_RECORD_STATUSES for status in statuses)
    # No records: settled at once, unless its procedure should have opened some (registered before this app).
    return not record_kinds(dossier.procedure)


def _settle_if_ready(dossier: Dossier) -> bool:
    """Settle a locked, registered dossier whose linked records are all completed or rejected.

    A rejected record settles too: the civil-status registration stands whatever the agency decided (the
    certificate is the citizen's), and the agency's reason stays on the record for the officer.
    """
    if dossier.status != Status.REGISTERED or not _ready_to_settle(dossier):
        return False
    dossier_settle(dossier=dossier)
    return True


def dossier_settle_if_ready(*, dossier_id: int) -> bool:
    """Settle the dossier if it is registered and every linked record is final (at once when it has none)."""
    with transaction.atomic():
        dossier = (
            Dossier.objects.select_for_update(of=("self",)).select_related("procedure").filter(pk=dossier_id).first()
        )
        return dossier is not None and _settle_if_ready(dossier)


# --- The sweeper (beat) -------------------------------------------------------------------------------------


def linked_records_sweep() -> dict[str, int]:
    """Queue what a lost message or a silent agency left behind; returns how many of each were queued.

    Pending records past their time (a lost message, a broker down at approval, a worker that died mid-push) are
    pushed again; sent records with no answer past their poll time are polled; registered dossiers whose records
    are all final (or that have none to wait for) are settled.
    """
    now = timezone.now()
    tasks = _tasks()
    lost = list(
        LinkedRecord.objects.filter(
            status=RecordStatus.PENDING, next_attempt_at__lte=now - timedelta(seconds=SWEEP_GRACE_SECONDS)
        )
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )
    for record_id in lost:
        tasks.linked_record_push.delay(record_id=record_id)
    unanswered = list(
        LinkedRecord.objects.filter(status=RecordStatus.SENT, next_attempt_at__lte=now)
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )
    for record_id in unanswered:
        tasks.linked_record_poll.delay(record_id=record_id)
    plain = [procedure.pk for procedure in Procedure.objects.all() if not record_kinds(procedure)]
    settleable = list(
        Dossier.objects.filter(status=Status.REGISTERED)
        .exclude(pk__in=LinkedRecord.objects.filter(status__in=OPEN_RECORD_STATUSES).values("dossier_id"))
        .filter(Q(procedure_id__in=plain) | Q(linked_records__isnull=False))
        .distinct()
        .order_by("pk")
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )
    for dossier_id in settleable:
        tasks.dossier_settle_if_ready.delay(dossier_id=dossier_id)
    return {"pushed": len(lost), "polled": len(unanswered), "settled": len(settleable)}


# --- The officer's re-send ----------------------------------------------------------------------------------


def resends(record: LinkedRecord, user) -> bool:
    """Whether `user` is one who re-sends this record when it fails: a desk of `RESEND_ROLES` (the gate of the
    re-send) acting for the dossier's commune."""
    return record_resenders.admits(user) and record.dossier.unit_id in acting_unit_ids(user)


def may_resend(record: LinkedRecord, user) -> bool:
    """A failed record may be sent again by the one-stop or justice officer of the dossier's commune."""
    return record.status == RecordStatus.FAILED and user is not None and resends(record, user)


def linked_record_resend(*, record: LinkedRecord, officer) -> LinkedRecord:
    """Send a failed record again, with a fresh round of attempts (same UUID: the agency stores it at most once)."""
    with transaction.atomic():
        record = LinkedRecord.objects.select_for_update(of=("self",)).select_related("dossier").get(pk=record.pk)
        if record.status != RecordStatus.FAILED:
            raise LinkedRecordActionError(
                _("Hồ sơ liên thông này không ở trạng thái gửi không được, không cần gửi lại. Hãy tải lại trang.")
            )
        if not may_resend(record, officer):
            raise LinkedRecordActionError(_("Bạn không có quyền gửi lại hồ sơ liên thông này."))
        now = timezone.now()
        record.status = RecordStatus.PENDING
        record.attempts = 0
        record.next_attempt_at = now
        record.reason = ""
        record.resent_by = officer
        record.resent_at = now
        record.save(update_fields=["status", "attempts", "next_attempt_at", "reason", "resent_by", "resent_at"])
        transaction.on_commit(partial(_tasks().linked_record_push.delay, record_id=record.pk), robust=True)
    return record
