"""One declared spec per dossier transition: what it is called, what the requester reads, what it does, its button.

The service that fires a transition (`procedures.services`), the officer's workspace (its buttons), the event log's
labels, the requester's history and notifications all read the spec here; tests/procedures/test_transitions.py
checks that every transition of `Dossier` has a complete one and that each model method's docstring lists its
effects.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from types import MethodType

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from egov.accounts.models import User
from egov.units.selectors import holder_on
from egov.workcal.calendar import get_calendar
from procedures.models import Dossier, Status
from procedures.numbering import dossier_code_next, dossier_compute_due, register_entry_create

# The extension point of an approval: apps that build on procedures (which may not import them) append a
# callable here in their AppConfig.ready(). Each is called as `hook(dossier=…)` inside the approval
# transaction, right after the approve event is written, with the locked dossier and its register entry; an
# exception rolls the approval back. interconnect opens the dossier's linked records here.
APPROVAL_HOOKS: list[Callable[..., None]] = []


@dataclass
class Firing:
    """One transition being fired, as its effects see it: they change the dossier and may add to the event."""

    dossier: Dossier
    actor: User | None
    now: datetime
    reason: str
    details: dict


# An effect changes the locked dossier after its transition and returns the fields it changed, to be saved.
Effect = Callable[[Firing], list[str]]


def stamp_submitted(firing: Firing) -> list[str]:
    """The dossier is filed now."""
    firing.dossier.submitted_at = firing.now
    return ["submitted_at"]


def move_to_holder(firing: Firing) -> list[str]:
    """A draft begun at a commune that a reform has abolished by the day it counts from (sent on the eve of the
    reform after hours, or left unsent across it) is filed where that commune's records went."""
    dossier = firing.dossier
    holder = holder_on(dossier.unit, timezone.localdate(get_calendar().receipt_start(firing.now)))
    if holder.pk == dossier.unit_id:
        return []
    dossier.unit = holder
    return ["unit"]


def number_code(firing: Firing) -> list[str]:
    """The dossier gets its code `<unit>-YYMMDD-NNNN`, of the day it counts from."""
    firing.dossier.code = dossier_code_next(unit=firing.dossier.unit, moment=get_calendar().receipt_start(firing.now))
    return ["code"]


def stamp_received(firing: Firing) -> list[str]:
    """The dossier is received now."""
    firing.dossier.received_at = firing.now
    return ["received_at"]


def start_clock(firing: Firing) -> list[str]:
    """The due time, from the procedure's limit; online dossiers count from when they were sent (normalised to
    office time), not from when the officer opened them."""
    dossier = firing.dossier
    counted_from = dossier.submitted_at if dossier.is_online and dossier.submitted_at else firing.now
    dossier.due_at = dossier_compute_due(dossier=dossier, received_at=counted_from)
    return ["due_at"]


def assign_to_actor(firing: Firing) -> list[str]:
    """The officer who takes an unassigned dossier becomes its assignee."""
    if firing.dossier.assignee_id is not None:
        return []
    firing.dossier.assignee = firing.actor
    return ["assignee"]


def pause_clock(firing: Firing) -> list[str]:
    """The legal clock pauses now; the transition itself remembered which desk asked (`supplement_from`)."""
    firing.dossier.paused_at = firing.now
    return ["paused_at", "supplement_from"]


def resume_clock(firing: Firing) -> list[str]:
    """The legal clock resumes with the working time that was left when it paused; the transition itself cleared
    `supplement_from`."""
    dossier = firing.dossier
    changed = ["paused_at", "supplement_from"]
    if dossier.due_at and dossier.paused_at:
        calendar = get_calendar()
        remaining = calendar.working_time_between(dossier.paused_at, dossier.due_at)
        if remaining > 0:
            dossier.due_at = calendar.add_working_time(calendar.receipt_start(firing.now), remaining)
        changed.append("due_at")
    dossier.paused_at = None
    return changed


def refile_at_receipt(firing: Firing) -> list[str]:
    """Completed at the counter's request, the dossier counts as filed now, so the time the requester took to
    complete it does not eat the office's time limit at receipt."""
    if firing.dossier.status != Status.SUBMITTED:
        return []
    firing.dossier.submitted_at = firing.now
    return ["submitted_at"]


def keep_decision_reason(firing: Firing) -> list[str]:
    """The reason of the refusal is kept on the dossier, for the notice and the requester's page."""
    firing.dossier.decision_reason = firing.reason
    return ["decision_reason"]


def number_register_entry(firing: Firing) -> list[str]:
    """The commune's register gets the dossier's numbered entry; its number and volume go into the event."""
    entry = register_entry_create(
        dossier=firing.dossier,
        leader=firing.actor,
        moment=firing.now,
        personal_id_number=firing.details.get("personal_id_number", ""),
    )
    firing.details.update(register_number=entry.number, book_number=entry.book_number)
    return []


def stamp_finished(firing: Firing) -> list[str]:
    """The dossier is finished now."""
    firing.dossier.finished_at = firing.now
    return ["finished_at"]


# A step after the event: it may write other rows (the event is there to read), not the dossier.
AfterEvent = Callable[[Firing], None]


def run_approval_hooks(firing: Firing) -> None:
    """Every APPROVAL_HOOKS callable runs, in the approval's transaction (interconnect opens the linked records)."""
    for hook in APPROVAL_HOOKS:
        hook(dossier=firing.dossier)


@dataclass(frozen=True)
class Button:
    """How the officers' workspace offers a transition."""

    label: Promise
    # "primary": the next step of the normal path; "secondary": a detour; "danger": ends or sets back the dossier.
    style: str = "primary"


@dataclass(frozen=True, kw_only=True, eq=False)
class Wording:
    """How one kind of event of a dossier's log reads, to officers and to the requester."""

    # The officers' name of the event: history, audit, control sheet, the confirmation after a button.
    label: Promise
    # What the requester's history says when an officer (or the system) did it.
    citizen_text: Promise
    # What it says when the requester did it themselves; `citizen_text` when there is no such case.
    citizen_text_own: Promise | None = None
    # Whether the requester reads the reason (a send-back reason is a note between officers and stays inside).
    reason_for_citizen: bool = False

    def for_citizen(self, *, by_requester: bool) -> str:
        return str(self.citizen_text_own if by_requester and self.citizen_text_own else self.citizen_text)


@dataclass(frozen=True, kw_only=True, eq=False)
class TransitionSpec(Wording):
    """Everything one transition of `Dossier` means, in one place."""

    # The @transition method of Dossier; it changes the status (and only the instance).
    method: Callable[..., object]
    # The service refuses to fire without a written reason (the requester must be told what to do, or why not).
    reason_required: bool = False
    # The requester gets an SMS and an e-mail (procedures.notifications: templates/notifications/dossier_<name>.txt).
    notified: bool = False
    # Run in order after the transition, before the dossier is saved.
    effects: tuple[Effect, ...] = ()
    # Run in order after the event is written, still in the transition's transaction.
    after_event: tuple[AfterEvent, ...] = ()
    # None when no officer fires it from the dossier's page (the requester, the counter's intake form, the system).
    button: Button | None = None

    @property
    def name(self) -> str:
        """The transition's name: the method's, the event's `action`, the button's URL."""
        return self.method.__name__

    @property
    def finishing(self) -> bool:
        """Whether it ends the dossier (its finishing time is what the on-time rate measures)."""
        return stamp_finished in self.effects

    def bound(self, dossier: Dossier) -> Callable[..., object]:
        """The transition as a method of `dossier`, as django-fsm's can_proceed and has_transition_perm take it."""
        return MethodType(self.method, dossier)


SUBMIT = TransitionSpec(
    method=Dossier.submit,
    label=_("Nộp hồ sơ"),
    citizen_text=_("Cán bộ một cửa đã nộp hồ sơ giúp bạn"),
    citizen_text_own=_("Bạn đã nộp hồ sơ"),
    notified=True,
    effects=(stamp_submitted, move_to_holder, number_code),
)
RECEIVE = TransitionSpec(
    method=Dossier.receive,
    label=_("Tiếp nhận hồ sơ"),
    citizen_text=_("Cán bộ một cửa đã tiếp nhận hồ sơ"),
    notified=True,
    effects=(stamp_received, start_clock),
    button=Button(_("Tiếp nhận hồ sơ")),
)
START = TransitionSpec(
    method=Dossier.start,
    label=_("Nhận giải quyết"),
    citizen_text=_("Công chức tư pháp – hộ tịch bắt đầu giải quyết hồ sơ"),
    effects=(assign_to_actor,),
    button=Button(_("Nhận giải quyết")),
)
PROPOSE = TransitionSpec(
    method=Dossier.propose,
    label=_("Trình ký"),
    citizen_text=_("Hồ sơ đã được trình lãnh đạo UBND xã, phường ký"),
    button=Button(_("Trình lãnh đạo ký")),
)
REQUEST_SUPPLEMENT = TransitionSpec(
    method=Dossier.request_supplement,
    label=_("Yêu cầu bổ sung"),
    citizen_text=_("Cán bộ yêu cầu bạn bổ sung hồ sơ"),
    reason_for_citizen=True,
    reason_required=True,
    notified=True,
    effects=(pause_clock,),
    button=Button(_("Yêu cầu bổ sung"), style="secondary"),
)
RESUBMIT = TransitionSpec(
    method=Dossier.resubmit,
    label=_("Bổ sung hồ sơ"),
    citizen_text=_("Cán bộ một cửa đã bổ sung hồ sơ"),
    citizen_text_own=_("Bạn đã bổ sung và gửi lại hồ sơ"),
    effects=(resume_clock, refile_at_receipt),
)
REFUSE = TransitionSpec(
    method=Dossier.refuse,
    label=_("Từ chối tiếp nhận"),
    citizen_text=_("Bộ phận một cửa từ chối tiếp nhận hồ sơ"),
    reason_for_citizen=True,
    reason_required=True,
    notified=True,
    effects=(stamp_finished, keep_decision_reason),
    button=Button(_("Từ chối tiếp nhận"), style="danger"),
)
SEND_BACK = TransitionSpec(
    method=Dossier.send_back,
    label=_("Trả lại để sửa"),
    citizen_text=_("Hồ sơ được chuyển lại để hoàn thiện trước khi ký"),
    reason_required=True,
    button=Button(_("Trả lại để sửa"), style="secondary"),
)
APPROVE = TransitionSpec(
    method=Dossier.approve,
    label=_("Ký duyệt, vào sổ hộ tịch"),
    citizen_text=_("Lãnh đạo UBND đã ký, việc hộ tịch đã được đăng ký"),
    effects=(number_register_entry,),
    after_event=(run_approval_hooks,),
    button=Button(_("Ký duyệt và vào sổ")),
)
REJECT = TransitionSpec(
    method=Dossier.reject,
    label=_("Từ chối giải quyết"),
    citizen_text=_("Lãnh đạo UBND từ chối giải quyết hồ sơ"),
    reason_for_citizen=True,
    reason_required=True,
    notified=True,
    effects=(stamp_finished, keep_decision_reason),
    button=Button(_("Từ chối giải quyết"), style="danger"),
)
SETTLE = TransitionSpec(
    method=Dossier.settle,
    label=_("Có kết quả"),
    citizen_text=_("Đã có kết quả, chờ bạn đến nhận"),
    notified=True,
)
DELIVER = TransitionSpec(
    method=Dossier.deliver,
    label=_("Trả kết quả"),
    citizen_text=_("Cán bộ một cửa đã trả kết quả"),
    citizen_text_own=_("Bạn đã nhận kết quả"),
    effects=(stamp_finished,),
    button=Button(_("Xác nhận đã trả kết quả")),
)
WITHDRAW = TransitionSpec(
    method=Dossier.withdraw,
    label=_("Rút hồ sơ"),
    citizen_text=_("Cán bộ một cửa đã rút hồ sơ theo đề nghị của bạn"),
    citizen_text_own=_("Bạn đã rút hồ sơ"),
    reason_for_citizen=True,
    notified=True,
    effects=(stamp_finished,),
    button=Button(_("Rút hồ sơ theo đề nghị của người nộp"), style="danger"),
)

# In the model's order, which is also the order of the buttons on the dossier's page.
TRANSITIONS: dict[str, TransitionSpec] = {
    spec.name: spec
    for spec in (
        SUBMIT,
        RECEIVE,
        START,
        PROPOSE,
        REQUEST_SUPPLEMENT,
        RESUBMIT,
        REFUSE,
        SEND_BACK,
        APPROVE,
        REJECT,
        SETTLE,
        DELIVER,
        WITHDRAW,
    )
}

# The one event of the log that is not a transition: the apology-and-new-date slip (services.dossier_apologize).
APOLOGY = Wording(
    label=_("Xin lỗi, hẹn lại ngày trả"),
    citizen_text=_("Cơ quan xin lỗi vì chậm trả kết quả và hẹn lại ngày trả"),
    reason_for_citizen=True,
)
EVENT_WORDING: dict[str, Wording] = {**TRANSITIONS, "apologize": APOLOGY}


def event_label(action: str) -> str:
    """The officers' name of an event of the log (the action itself for one no spec knows)."""
    wording = EVENT_WORDING.get(action)
    return str(wording.label) if wording else action
