"""Writes on dossiers: drafts, code assignment and every state transition, each with its event.

Each transition service locks the dossier row, checks the actor through the transition's own permission,
fires the transition, applies the effects its spec declares (procedures.transitions: times, due date, code,
reason, register entry), saves only the changed fields, appends the event, runs what comes after it and queues
the requester's notifications in the outbox, all in one transaction.
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition, can_proceed, has_transition_perm

from egov.accounts.id_number import id_number_mismatches, parse_id_number
from egov.accounts.jurisdiction import acting_unit_ids
from egov.units.models import AdministrativeUnit
from egov.workcal.calendar import get_calendar
from procedures import declarations, transitions
from procedures.filing import filing_problems, requester_name, uploaded_documents, with_uploaded_documents
from procedures.models import (
    APOLOGY_STATUSES,
    EDITABLE_STATUSES,
    Channel,
    Dossier,
    DossierAccess,
    DossierEvent,
    FormKind,
    Procedure,
    Status,
)
from procedures.notifications import dossier_notifications_queue

# A service of its own too: interconnect, the filing pages and the generator compute due times with it.
from procedures.numbering import dossier_compute_due as dossier_compute_due


class DossierActionError(Exception):
    """A transition that may not happen now; the message is for the person who tried, in Vietnamese."""


def dossier_create_draft(
    *, procedure: Procedure, unit: AdministrativeUnit, applicant, channel: str, contact_phone: str = ""
) -> Dossier:
    """Start a dossier in `draft`; nothing is filed until `dossier_submit`.

    Online, the contact is the citizen's own account; at the counter it is the phone the officer was given.
    """
    online_self = channel == Channel.ONLINE_SELF
    return Dossier.objects.create(
        procedure=procedure,
        unit=unit,
        applicant=applicant if applicant is not None and applicant.is_citizen else None,
        channel=channel,
        requester_name=getattr(applicant, "full_name", "") if online_self else "",
        contact_phone=(getattr(applicant, "phone", "") or "") if online_self else contact_phone,
        contact_email=(getattr(applicant, "email", "") or "") if online_self else "",
    )


def dossier_save_draft(*, dossier: Dossier, data: dict, step: str, is_late: bool | None = None) -> Dossier:
    """Merge one step's answers into a draft (or a dossier being supplemented) and remember the step."""
    if dossier.status not in EDITABLE_STATUSES:
        raise DossierActionError(_("Hồ sơ đã nộp, không sửa được nữa."))
    dossier.data = {**dossier.data, **data}
    dossier.draft_step = step
    fields = ["data", "draft_step"]
    if is_late is not None:
        dossier.is_late = is_late
        fields.append("is_late")
    dossier.save(update_fields=fields)
    return dossier


def newborn_id_number_check(*, dossier: Dossier, value: str) -> str:
    """The normalised ID number given to the child of a birth dossier; ValidationError when it cannot be theirs."""
    if dossier.procedure.form_kind not in (FormKind.BIRTH, FormKind.BIRTH_3IN1):
        raise ValidationError(_("Chỉ hồ sơ khai sinh mới ghi số định danh cá nhân của trẻ."))
    parsed = parse_id_number(value)
    child = dossier.data.get("tre-em", {})
    birth_year = int(child["birth_date"][:4]) if child.get("birth_date") else None
    problems = id_number_mismatches(parsed, sex=child.get("sex"), birth_year=birth_year)
    if problems:
        raise ValidationError(problems)
    return parsed.value


def _dossier_fire(
    *,
    dossier_id: int,
    actor,
    spec: transitions.TransitionSpec,
    reason: str = "",
    details: dict | None = None,
    fields: dict | None = None,
) -> Dossier:
    """Lock the dossier and fire `spec`'s transition on it (`_dossier_fire_locked`); one transaction."""
    with transaction.atomic():
        dossier = _dossier_lock(Dossier.objects.all(), pk=dossier_id)
        return _dossier_fire_locked(
            dossier=dossier, actor=actor, spec=spec, reason=reason, details=details, fields=fields
        )


def _dossier_lock(dossiers: QuerySet[Dossier], **lookup) -> Dossier:
    """The one dossier of `dossiers` matching `lookup`, its row locked until the transaction ends, with what the
    transitions' effects read; Dossier.DoesNotExist when there is none."""
    return dossiers.select_for_update(of=("self",)).select_related("procedure", "unit__parent").get(**lookup)


def _dossier_fire_locked(
    *,
    dossier: Dossier,
    actor,
    spec: transitions.TransitionSpec,
    reason: str = "",
    details: dict | None = None,
    fields: dict | None = None,
) -> Dossier:
    """Fire `spec`'s transition on the dossier the caller's transaction has locked, apply its effects, save, write
    the event, run what comes after the event and queue the requester's notifications."""
    reason = (reason or "").strip()
    if spec.reason_required and not reason:
        raise DossierActionError(_("Hãy ghi rõ lý do để người nộp hồ sơ biết cần làm gì."))
    method = spec.bound(dossier)
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
    firing = transitions.Firing(dossier=dossier, actor=actor, now=now, reason=reason, details=dict(details or {}))
    method()
    changed = [name for effect in spec.effects for name in effect(firing)]
    for name, value in (fields or {}).items():
        setattr(dossier, name, value)
        changed.append(name)
    try:
        dossier.save(update_fields=["status", *dict.fromkeys(changed)])
    except ConcurrentTransition as exc:
        raise DossierActionError(
            _("Hồ sơ %(code)s vừa được người khác xử lý. Hãy tải lại trang để xem trạng thái mới.") % {"code": dossier}
        ) from exc
    DossierEvent.objects.create(
        dossier=dossier,
        actor=actor,
        at=now,
        action=spec.name,
        from_status=from_status,
        to_status=dossier.status,
        reason=reason,
        details=firing.details,
    )
    for step in spec.after_event:
        step(firing)
    if spec.notified:
        # In this transaction: the outbox rows commit with the event, and a broker down at commit loses nothing.
        dossier_notifications_queue(dossier=dossier, action=spec.name)
    return dossier


def _late_field(is_late: bool | None) -> dict:
    return {} if is_late is None else {"is_late": is_late}


def _submit_fields(*, is_late: bool | None, requester_name: str) -> dict:
    fields = _late_field(is_late)
    if requester_name:
        fields["requester_name"] = requester_name[:120]
    return fields


def dossier_submit(*, dossier: Dossier, actor, is_late: bool | None = None, requester_name: str = "") -> Dossier:
    """File a draft: it gets its code and waits for the one-stop officer; `is_late` flags a late registration.

    `requester_name` names the requester of a paper dossier, which may have no account behind it.
    """
    fields = _submit_fields(is_late=is_late, requester_name=requester_name)
    return _dossier_fire(dossier_id=dossier.pk, actor=actor, spec=transitions.SUBMIT, fields=fields)


def _dossier_file_locked(*, dossier: Dossier, actor, at_counter: bool, is_late: bool | None, requester_name: str):
    """Submit the locked draft, or resubmit it after a supplement request; at the counter the officer, the
    requester standing there, also receives it at once."""
    if dossier.status == Status.NEEDS_SUPPLEMENT:
        return _dossier_fire_locked(
            dossier=dossier, actor=actor, spec=transitions.RESUBMIT, fields=_late_field(is_late)
        )
    fields = _submit_fields(is_late=is_late, requester_name=requester_name)
    dossier = _dossier_fire_locked(dossier=dossier, actor=actor, spec=transitions.SUBMIT, fields=fields)
    if at_counter:
        dossier = _dossier_fire_locked(dossier=dossier, actor=actor, spec=transitions.RECEIVE)
    return dossier


def dossier_file_at_counter(*, dossier: Dossier, officer, is_late: bool | None, requester_name: str) -> Dossier:
    """The one-stop officer files a counter dossier and, the requester standing there, receives it at once."""
    with transaction.atomic():
        dossier = _dossier_lock(Dossier.objects.all(), pk=dossier.pk)
        return _dossier_file_locked(
            dossier=dossier, actor=officer, at_counter=True, is_late=is_late, requester_name=requester_name
        )


def dossier_file(*, dossiers: QuerySet[Dossier], uuid, actor, at_counter: bool) -> Dossier | None:
    """File the dossier `uuid` of `dossiers` (the filer's own, as the filing pages see them) from the review page.

    Its row is read once, locked: a second click waits for the first, then finds the dossier filed and gets it
    back unchanged, with the one code there is. None when `dossiers` has no such dossier. The declaration and the
    papers are checked again under the lock, so a draft changed in another tab since its review is never filed
    incomplete (DossierActionError).
    """
    with transaction.atomic():
        try:
            dossier = _dossier_lock(with_uploaded_documents(dossiers), uuid=uuid)
        except Dossier.DoesNotExist:
            return None
        if dossier.status not in EDITABLE_STATUSES:
            return dossier
        if filing_problems(dossier, uploaded=uploaded_documents(dossier)):
            raise DossierActionError(_("Hồ sơ chưa đủ để nộp. Sửa các phần được đánh dấu bên dưới rồi bấm nộp lại."))
        return _dossier_file_locked(
            dossier=dossier,
            actor=actor,
            at_counter=at_counter,
            is_late=declarations.is_late(dossier.procedure, dossier.data, on=timezone.localdate()),
            requester_name=requester_name(dossier) if at_counter else "",
        )


def dossier_receive(*, dossier: Dossier, officer) -> Dossier:
    """Accept a filed dossier: the receipt time and the due time are set."""
    return _dossier_fire(dossier_id=dossier.pk, actor=officer, spec=transitions.RECEIVE)


def dossier_start(*, dossier: Dossier, officer) -> Dossier:
    """The justice officer takes the dossier (and becomes its assignee when it has none)."""
    return _dossier_fire(dossier_id=dossier.pk, actor=officer, spec=transitions.START)


def dossier_propose(*, dossier: Dossier, officer) -> Dossier:
    return _dossier_fire(dossier_id=dossier.pk, actor=officer, spec=transitions.PROPOSE)


def dossier_request_supplement(*, dossier: Dossier, officer, reason: str) -> Dossier:
    """Ask the requester for missing papers; the legal clock pauses until they answer."""
    return _dossier_fire(dossier_id=dossier.pk, actor=officer, spec=transitions.REQUEST_SUPPLEMENT, reason=reason)


def dossier_resubmit(*, dossier: Dossier, actor, is_late: bool | None = None) -> Dossier:
    """The requester answers a supplement request; the clock resumes with the time that was left."""
    return _dossier_fire(dossier_id=dossier.pk, actor=actor, spec=transitions.RESUBMIT, fields=_late_field(is_late))


def dossier_refuse(*, dossier: Dossier, officer, reason: str) -> Dossier:
    return _dossier_fire(dossier_id=dossier.pk, actor=officer, spec=transitions.REFUSE, reason=reason)


def dossier_send_back(*, dossier: Dossier, leader, reason: str) -> Dossier:
    return _dossier_fire(dossier_id=dossier.pk, actor=leader, spec=transitions.SEND_BACK, reason=reason)


def dossier_approve(*, dossier: Dossier, leader, personal_id_number: str = "") -> Dossier:
    """The leader signs: the register entry is numbered in the same transaction.

    `personal_id_number` is the newborn's number for a birth, when the population database gave one.
    """
    details = {}
    if personal_id_number:
        details["personal_id_number"] = newborn_id_number_check(dossier=dossier, value=personal_id_number)
    return _dossier_fire(dossier_id=dossier.pk, actor=leader, spec=transitions.APPROVE, details=details)


def dossier_reject(*, dossier: Dossier, leader, reason: str) -> Dossier:
    return _dossier_fire(dossier_id=dossier.pk, actor=leader, spec=transitions.REJECT, reason=reason)


def dossier_settle(*, dossier: Dossier) -> Dossier:
    """Called by the interconnect worker when every linked record is final (or at once when there are none)."""
    return _dossier_fire(dossier_id=dossier.pk, actor=None, spec=transitions.SETTLE)


def dossier_deliver(*, dossier: Dossier, officer) -> Dossier:
    return _dossier_fire(dossier_id=dossier.pk, actor=officer, spec=transitions.DELIVER)


def dossier_withdraw(*, dossier: Dossier, actor, reason: str = "") -> Dossier:
    return _dossier_fire(dossier_id=dossier.pk, actor=actor, spec=transitions.WITHDRAW, reason=reason)


def may_apologize(dossier: Dossier, user) -> bool:
    """The one-stop or justice officer of the dossier's commune, once, while the office still has the dossier."""
    from egov.accounts.models import Role

    return (
        user is not None
        and user.is_authenticated
        and user.role in (Role.ONE_STOP, Role.JUSTICE)
        and dossier.unit_id in acting_unit_ids(user)
        and dossier.status in APOLOGY_STATUSES
        and dossier.due_at is not None
        and dossier.apology_at is None
    )


def dossier_apologize(*, dossier: Dossier, officer, new_day: date, reason: str) -> Dossier:
    """Issue the apology-and-new-date slip: the due time moves to the end of `new_day`; once per dossier."""
    reason = (reason or "").strip()
    if not reason:
        raise DossierActionError(_("Hãy ghi rõ lý do chậm trễ để in trên phiếu xin lỗi."))
    calendar = get_calendar()
    with transaction.atomic():
        dossier = Dossier.objects.select_for_update(of=("self",)).select_related("procedure", "unit").get(pk=dossier.pk)
        if dossier.apology_at is not None:
            raise DossierActionError(
                _("Hồ sơ %(code)s đã có phiếu xin lỗi và hẹn lại ngày trả; mỗi hồ sơ chỉ một lần.") % {"code": dossier}
            )
        if not may_apologize(dossier, officer):
            raise DossierActionError(_("Không thể hẹn lại ngày trả cho hồ sơ %(code)s lúc này.") % {"code": dossier})
        if not calendar.is_working_day(new_day):
            raise DossierActionError(_("Ngày hẹn mới phải là ngày làm việc."))
        now = timezone.now()
        # A later day, not a later hour: the slip names a new day for the citizen to come back.
        if new_day <= max(timezone.localdate(now), timezone.localtime(dossier.due_at).date()):
            raise DossierActionError(_("Ngày hẹn mới phải sau ngày hẹn cũ và sau hôm nay."))
        new_due = calendar.office_end(new_day)
        old_due = dossier.due_at
        dossier.due_at = new_due
        dossier.apology_at = now
        dossier.save(update_fields=["due_at", "apology_at"])
        DossierEvent.objects.create(
            dossier=dossier,
            actor=officer,
            at=now,
            action="apologize",
            from_status=dossier.status,
            to_status=dossier.status,
            reason=reason,
            details={
                "old_due": timezone.localtime(old_due).isoformat(),
                "new_due": timezone.localtime(new_due).isoformat(),
            },
        )
    return dossier


def dossier_access_record(*, dossier: Dossier, user, what: str, detail: str = "") -> None:
    """Note that an officer opened the dossier or one of its files (the requester's own looks are not audited)."""
    if user.is_citizen:
        return
    DossierAccess.objects.create(dossier=dossier, user=user, what=what, detail=detail[:120])
