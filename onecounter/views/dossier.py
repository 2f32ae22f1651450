"""One dossier in the officers' workspace: what it holds, its history, and every transition as a POST action."""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from egov.accounts.gates import commune_desks, workspace_officers
from egov.accounts.jurisdiction import acting_unit_ids, reads_history_only
from egov.accounts.models import Role
from egov.units.selectors import holder_on
from interconnect.models import LinkedRecord, RecordStatus
from onecounter.forms import ActionForm, ApologyForm
from onecounter.selectors import dossier_for_officer, may_read_audit
from onecounter.views.interconnect import dossier_linked_records
from onecounter.views.worklist import worklist_tabs
from procedures import declarations, services
from procedures.events import event_label
from procedures.models import Channel, DossierAccess, FormKind, RegisterEntry, Status


@dataclass(frozen=True)
class Action:
    """A transition as the workspace offers it: its button and the service it calls."""

    name: str
    button: Promise
    call: Callable[..., object]
    # "primary" is the next step of the normal path; "danger" ends or sets back the dossier.
    kind: str = "primary"


def _with_reason(service, actor_kw: str):
    return lambda dossier, actor, form: service(dossier=dossier, reason=form["reason"], **{actor_kw: actor})


def _without_reason(service, actor_kw: str):
    return lambda dossier, actor, form: service(dossier=dossier, **{actor_kw: actor})


def _approve(dossier, actor, form):
    return services.dossier_approve(
        dossier=dossier, leader=actor, personal_id_number=form.get("personal_id_number") or ""
    )


ACTIONS: tuple[Action, ...] = (
    Action(
        "receive",
        gettext_lazy("Tiếp nhận hồ sơ"),
        _without_reason(services.dossier_receive, "officer"),
    ),
    Action(
        "start",
        gettext_lazy("Nhận giải quyết"),
        _without_reason(services.dossier_start, "officer"),
    ),
    Action(
        "propose",
        gettext_lazy("Trình lãnh đạo ký"),
        _without_reason(services.dossier_propose, "officer"),
    ),
    Action("approve", gettext_lazy("Ký duyệt và vào sổ"), _approve),
    Action(
        "deliver",
        gettext_lazy("Xác nhận đã trả kết quả"),
        _without_reason(services.dossier_deliver, "officer"),
    ),
    Action(
        "request_supplement",
        gettext_lazy("Yêu cầu bổ sung"),
        _with_reason(services.dossier_request_supplement, "officer"),
        kind="secondary",
    ),
    Action(
        "send_back",
        gettext_lazy("Trả lại để sửa"),
        _with_reason(services.dossier_send_back, "leader"),
        kind="secondary",
    ),
    Action(
        "refuse",
        gettext_lazy("Từ chối tiếp nhận"),
        _with_reason(services.dossier_refuse, "officer"),
        kind="danger",
    ),
    Action(
        "reject",
        gettext_lazy("Từ chối giải quyết"),
        _with_reason(services.dossier_reject, "leader"),
        kind="danger",
    ),
    Action(
        "withdraw",
        gettext_lazy("Rút hồ sơ theo đề nghị của người nộp"),
        _with_reason(services.dossier_withdraw, "actor"),
        kind="danger",
    ),
)
ACTION_BY_NAME = {action.name: action for action in ACTIONS}


def _asks_id_number(dossier) -> bool:
    return dossier.procedure.form_kind in (FormKind.BIRTH, FormKind.BIRTH_3IN1)


def available_actions(dossier, user) -> list[Action]:
    """The buttons this officer may press now: the transitions django-fsm allows them, in the workspace's order."""
    allowed = {transition.name for transition in dossier.get_available_user_status_transitions(user)}
    return [action for action in ACTIONS if action.name in allowed]


def _action_form(dossier, action: Action, data=None) -> ActionForm:
    ask = action.name == "approve" and _asks_id_number(dossier)
    return ActionForm(data, action=action.name, ask_id_number=ask)


def _edit_url(dossier, user) -> str | None:
    """Where a counter dossier's declaration is edited (a draft at the counter, or one to supplement)."""
    if dossier.status not in (Status.DRAFT, Status.NEEDS_SUPPLEMENT) or dossier.channel == Channel.ONLINE_SELF:
        return None
    if not (user.role == Role.ONE_STOP and dossier.unit_id in acting_unit_ids(user)):
        return None
    try:
        return reverse("procedures:file-resume", args=(dossier.uuid,))
    except NoReverseMatch:
        return None


def _records_to_handle(dossier, linked_records: list[LinkedRecord]) -> list[LinkedRecord]:
    """The linked records of a registered dossier that wait for an officer: failed ones to re-send, rejected ones
    whose reason the requester must hear. Nothing for a dossier in any other state."""
    if dossier.status != Status.REGISTERED:
        return []
    return [record for record in linked_records if record.status in (RecordStatus.FAILED, RecordStatus.REJECTED)]


def _render_detail(request: HttpRequest, dossier, *, failed: ActionForm | None = None, apology=None, status=200):
    user = request.user
    linked_records = dossier_linked_records(dossier, user)
    actions = available_actions(dossier, user)
    forms = [
        (action, failed if failed is not None and failed.action == action.name else _action_form(dossier, action))
        for action in actions
    ]
    events = list(dossier.events.select_related("actor"))
    for event in events:
        event.label = event_label(event.action)
    entry = RegisterEntry.objects.filter(dossier=dossier).select_related("signed_by").first()
    may_apologize = services.may_apologize(dossier, user)
    context = {
        "dossier": dossier,
        "tabs": worklist_tabs(user, None),
        "sections": declarations.build_summary(dossier.procedure, dossier.data, dossier.attachments.all()),
        "attachments": list(dossier.attachments.all()),
        "events": events,
        "entry": entry,
        "primary": [(action, form) for action, form in forms if action.kind == "primary"],
        "others": [(action, form) for action, form in forms if action.kind != "primary"],
        "apology_form": (apology or ApologyForm()) if may_apologize else None,
        "overdue": dossier.is_overdue(),
        "edit_url": _edit_url(dossier, user),
        "accesses": list(dossier.accesses.select_related("user")[:20]) if may_read_audit(user) else None,
        "linked_records": linked_records,
        "records_to_handle": _records_to_handle(dossier, linked_records),
        # A dossier of a commune merged away since: the successor that holds it and acts on it now.
        "holder": holder_on(dossier.unit, timezone.localdate()),
        "history_only": reads_history_only(user),
    }
    return render(request, "onecounter/dossier.html", context, status=status)


@workspace_officers
@require_GET
def dossier_detail(request: HttpRequest, uuid) -> HttpResponse:
    """Everything about the dossier on one page, the next action at the top; the look is written to the audit."""
    dossier = dossier_for_officer(request.user, uuid)
    services.dossier_access_record(dossier=dossier, user=request.user, what=DossierAccess.What.DOSSIER)
    return _render_detail(request, dossier)


def _back(request: HttpRequest, dossier) -> HttpResponse:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("onecounter:dossier", uuid=dossier.uuid)


@commune_desks
@require_POST
def dossier_action(request: HttpRequest, uuid, action: str) -> HttpResponse:
    """Fire one transition; a missing reason shows the page again with what was typed, a lost race a message."""
    if action not in ACTION_BY_NAME:
        raise Http404
    dossier = dossier_for_officer(request.user, uuid)
    definition = ACTION_BY_NAME[action]
    form = _action_form(dossier, definition, request.POST)
    if form.is_valid():
        try:
            definition.call(dossier, request.user, form.cleaned_data)
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error("personal_id_number" if "personal_id_number" in form.fields else None, message)
        except services.DossierActionError as exc:
            messages.error(request, str(exc))
            return redirect("onecounter:dossier", uuid=dossier.uuid)
    if form.errors:
        messages.error(request, _("Chưa thực hiện được: xem thông báo bên cạnh ô cần điền."))
        return _render_detail(request, dossier, failed=form, status=400)
    messages.success(
        request, _("Đã thực hiện “%(action)s” cho hồ sơ %(code)s.") % {"action": event_label(action), "code": dossier}
    )
    return _back(request, dossier)


@commune_desks
@require_POST
def dossier_apology(request: HttpRequest, uuid) -> HttpResponse:
    """Issue the apology-and-new-date slip (once per dossier); the due time moves to the new day."""
    dossier = dossier_for_officer(request.user, uuid)
    form = ApologyForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, dossier, apology=form, status=400)
    try:
        services.dossier_apologize(
            dossier=dossier,
            officer=request.user,
            new_day=form.cleaned_data["new_day"],
            reason=form.cleaned_data["reason"],
        )
    except services.DossierActionError as exc:
        form.add_error(None, str(exc))
        return _render_detail(request, dossier, apology=form, status=400)
    dossier.refresh_from_db(fields=["due_at"])
    messages.success(
        request,
        _("Đã lập phiếu xin lỗi và hẹn lại ngày trả kết quả: %(due)s.")
        % {"due": timezone.localtime(dossier.due_at).strftime("%H:%M %d/%m/%Y")},
    )
    return redirect("onecounter:dossier", uuid=dossier.uuid)


urlpatterns = [
    path("mot-cua/ho-so/<uuid:uuid>/", dossier_detail, name="dossier"),
    path("mot-cua/ho-so/<uuid:uuid>/xu-ly/<slug:action>/", dossier_action, name="dossier-action"),
    path("mot-cua/ho-so/<uuid:uuid>/hen-lai/", dossier_apology, name="dossier-apology"),
]
