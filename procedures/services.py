"""Writes on dossiers: drafts, code assignment and every state transition, each with its event.

Each transition service locks the dossier row, checks the actor through the transition's own permission,
fires the transition, applies its effects (times, due date, reason), saves only the changed fields,
appends the event and schedules notifications after commit, all in one transaction.
"""

from datetime import datetime

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition, can_proceed, has_transition_perm

from egov.units.models import AdministrativeUnit
from egov.workcal.calendar import get_calendar
from procedures.models import (
    Channel,
    Dossier,
    DossierCodeCounter,
    DossierEvent,
    Procedure,
    Status,
)

# Actions whose service requires a written reason (shown to the citizen).
REASON_REQUIRED = frozenset({"request_supplement", "refuse", "reject", "send_back"})
# Actions that end the dossier.
FINISHING = frozenset({"refuse", "reject", "withdraw", "deliver"})
# Actions the requester hears about by SMS/e-mail.
NOTIFIED = frozenset({"submit", "receive", "request_supplement", "refuse", "reject", "settle", "withdraw"})


class DossierActionError(Exception):
    """A transition that may not happen now; the message is for the person who tried, in Vietnamese."""


def dossier_create_draft(*, procedure: Procedure, unit: AdministrativeUnit, applicant, channel: str) -> Dossier:
    """Start a dossier in `draft`; nothing is filed until `dossier_submit`."""
    return Dossier.objects.create(
        procedure=procedure,
        unit=unit,
        applicant=applicant if applicant is not None and applicant.is_citizen else None,
        channel=channel,
        requester_name=getattr(applicant, "full_name", "") if channel == Channel.ONLINE_SELF else "",
        contact_phone=(getattr(applicant, "phone", "") or "") if channel == Channel.ONLINE_SELF else "",
        contact_email=(getattr(applicant, "email", "") or "") if channel == Channel.ONLINE_SELF else "",
    )


def dossier_save_draft(*, dossier: Dossier, data: dict, step: str, is_late: bool | None = None) -> Dossier:
    """Merge one step's answers into a draft (or a dossier being supplemented) and remember the step."""
    if dossier.status not in (Status.DRAFT, Status.NEEDS_SUPPLEMENT):
        raise DossierActionError(_("Hồ sơ đã nộp, không sửa được nữa."))
    dossier.data = {**dossier.data, **data}
    dossier.draft_step = step
    fields = ["data", "draft_step"]
    if is_late is not None:
        dossier.is_late = is_late
        fields.append("is_late")
    dossier.save(update_fields=fields)
    return dossier


def dossier_code_next(*, unit: AdministrativeUnit, moment: datetime) -> str:
    """The next code `<unit code>-YYMMDD-NNNN` for the unit and day; unique under concurrent calls.

    Must run inside the caller's transaction: the counter row stays locked until it commits.
    """
    day = timezone.localtime(moment).date()
    DossierCodeCounter.objects.get_or_create(unit=unit, day=day)
    counter = DossierCodeCounter.objects.select_for_update().get(unit=unit, day=day)
    DossierCodeCounter.objects.filter(pk=counter.pk).update(last=F("last") + 1)
    counter.refresh_from_db(fields=["last"])
    return f"{unit.code}-{day:%y%m%d}-{counter.last:04d}"


def dossier_compute_due(*, dossier: Dossier, received_at: datetime) -> datetime:
    """The due time of a dossier received at `received_at`, from the procedure's limit for the unit's area."""
    calendar = get_calendar()
    days = dossier.procedure.processing_days_for(dossier.unit)
    if days == 0:
        return calendar.due_same_day(received_at)
    return calendar.add_working_time(calendar.receipt_start(received_at), days)


def _apply_effects(dossier: Dossier, action: str, now: datetime) -> list[str]:
    calendar = get_calendar()
    changed: list[str] = []
    if action == "submit":
        dossier.submitted_at = now
        dossier.code = dossier_code_next(unit=dossier.unit, moment=calendar.receipt_start(now))
        changed += ["submitted_at", "code"]
    elif action == "receive":
        dossier.received_at = now
        # Online dossiers count from when they were sent (normalised to office time), not when opened.
        counted_from = dossier.submitted_at if dossier.is_online and dossier.submitted_at else now
        dossier.due_at = dossier_compute_due(dossier=dossier, received_at=counted_from)
        changed += ["received_at", "due_at"]
    elif action == "request_supplement":
        dossier.paused_at = now
        changed += ["paused_at", "supplement_from"]
    elif action == "resubmit":
        if dossier.due_at and dossier.paused_at:
            # The clock resumes with the working time that was left when it was paused.
            remaining = calendar.working_time_between(dossier.paused_at, dossier.due_at)
            if remaining > 0:
                dossier.due_at = calendar.add_working_time(calendar.receipt_start(now), remaining)
            changed.append("due_at")
        if dossier.status == Status.SUBMITTED:
            # Completed at the counter's request: the dossier counts as filed now, so the time the
            # requester took to complete it does not eat the office's time limit at receipt.
            dossier.submitted_at = now
            changed.append("submitted_at")
        dossier.paused_at = None
        changed += ["paused_at", "supplement_from"]
    if action in FINISHING:
        dossier.finished_at = now
        changed.append("finished_at")
    return changed


def _dossier_fire(
    *,
    dossier_id: int,
    actor,
    action: str,
    reason: str = "",
    details: dict | None = None,
    fields: dict | None = None,
) -> Dossier:
    reason = (reason or "").strip()
    if action in REASON_REQUIRED and not reason:
        raise DossierActionError(_("Hãy ghi rõ lý do để người nộp hồ sơ biết cần làm gì."))
    with transaction.atomic():
        dossier = (
            Dossier.objects.select_for_update(of=("self",))
            .select_related("procedure", "unit__parent")
            .get(pk=dossier_id)
        )
        method = getattr(dossier, action)
        # The state first: has_transition_perm is also false from a wrong state, and the officer who lost
        # a race must hear that someone else acted, not that they lack the right.
        if not can_proceed(method):
            raise DossierActionError(
                _(
                    "Hồ sơ %(code)s đang ở trạng thái “%(status)s”, không thể thực hiện thao tác này. "
                    "Có thể một cán bộ khác vừa xử lý; hãy tải lại trang."
                )
                % {"code": dossier, "status": dossier.get_status_display()}
            )
        if not has_transition_perm(method, actor):
            raise DossierActionError(
                _("Bạn không có quyền thực hiện thao tác này với hồ sơ %(code)s.")
                % {
                    "code": dossier,
                }
            )
        from_status = dossier.status
        now = timezone.now()
        method()
        changed = _apply_effects(dossier, action, now)
        for name, value in (fields or {}).items():
            setattr(dossier, name, value)
            changed.append(name)
        if action == "start" and dossier.assignee_id is None:
            dossier.assignee = actor
            changed.append("assignee")
        if action in ("refuse", "reject"):
            dossier.decision_reason = reason
            changed.append("decision_reason")
        try:
            dossier.save(update_fields=["status", *dict.fromkeys(changed)])
        except ConcurrentTransition as exc:
            raise DossierActionError(
                _("Hồ sơ %(code)s vừa được người khác xử lý. Hãy tải lại trang để xem trạng thái mới.")
                % {"code": dossier}
            ) from exc
        DossierEvent.objects.create(
            dossier=dossier,
            actor=actor,
            at=now,
            action=action,
            from_status=from_status,
            to_status=dossier.status,
            reason=reason,
            details=details or {},
        )
        if action in NOTIFIED:
            from procedures.tasks import dossier_notify

            transaction.on_commit(lambda: dossier_notify.delay(dossier_id=dossier.pk, action=action))
    return dossier


def _late_field(is_late: bool | None) -> dict:
    return {} if is_late is None else {"is_late": is_late}


def dossier_submit(*, dossier: Dossier, actor, is_late: bool | None = None) -> Dossier:
    """File a draft: it gets its code and waits for the one-stop officer; `is_late` flags a late registration."""
    return _dossier_fire(dossier_id=dossier.pk, actor=actor, action="submit", fields=_late_field(is_late))


def dossier_receive(*, dossier: Dossier, officer) -> Dossier:
    """Accept a filed dossier: the receipt time and the due time are set."""
    return _dossier_fire(dossier_id=dossier.pk, actor=officer, action="receive")


def dossier_start(*, dossier: Dossier, officer) -> Dossier:
    """The justice officer takes the dossier (and becomes its assignee when it has none)."""
    return _dossier_fire(dossier_id=dossier.pk, actor=officer, action="start")


def dossier_propose(*, dossier: Dossier, officer) -> Dossier:
    return _dossier_fire(dossier_id=dossier.pk, actor=officer, action="propose")


def dossier_request_supplement(*, dossier: Dossier, officer, reason: str) -> Dossier:
    """Ask the requester for missing papers; the legal clock pauses until they answer."""
    return _dossier_fire(dossier_id=dossier.pk, actor=officer, action="request_supplement", reason=reason)


def dossier_resubmit(*, dossier: Dossier, actor, is_late: bool | None = None) -> Dossier:
    """The requester answers a supplement request; the clock resumes with the time that was left."""
    return _dossier_fire(dossier_id=dossier.pk, actor=actor, action="resubmit", fields=_late_field(is_late))


def dossier_refuse(*, dossier: Dossier, officer, reason: str) -> Dossier:
    return _dossier_fire(dossier_id=dossier.pk, actor=officer, action="refuse", reason=reason)


def dossier_send_back(*, dossier: Dossier, leader, reason: str) -> Dossier:
    return _dossier_fire(dossier_id=dossier.pk, actor=leader, action="send_back", reason=reason)


def dossier_approve(*, dossier: Dossier, leader) -> Dossier:
    """The leader signs. (Register numbering and linked records are added by the later issues.)"""
    return _dossier_fire(dossier_id=dossier.pk, actor=leader, action="approve")


def dossier_reject(*, dossier: Dossier, leader, reason: str) -> Dossier:
    return _dossier_fire(dossier_id=dossier.pk, actor=leader, action="reject", reason=reason)


def dossier_settle(*, dossier: Dossier) -> Dossier:
    """Called by the interconnect worker when every linked record is final (or at once when there are none)."""
    return _dossier_fire(dossier_id=dossier.pk, actor=None, action="settle")


def dossier_deliver(*, dossier: Dossier, officer) -> Dossier:
    return _dossier_fire(dossier_id=dossier.pk, actor=officer, action="deliver")


def dossier_withdraw(*, dossier: Dossier, actor, reason: str = "") -> Dossier:
    return _dossier_fire(dossier_id=dossier.pk, actor=actor, action="withdraw", reason=reason)
