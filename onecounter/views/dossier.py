"""One dossier in the officers' workspace: what it holds, its history, and every transition as a POST action."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
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
from procedures import declarations, services, transitions
from procedures.models import Channel, DossierAccess, FormKind, RegisterEntry, Status
from procedures.transitions import TRANSITIONS, TransitionSpec, event_label


def available_actions(dossier, user) -> list[TransitionSpec]:
    """The buttons this officer may press now: the transitions with a button that django-fsm allows them, in the
    spec's order."""
    allowed = {transition.name for transition in dossier.get_available_user_status_transitions(user)}
    return [spec for spec in TRANSITIONS.values() if spec.button is not None and spec.name in allowed]


def _action_form(dossier, spec: TransitionSpec, data=None) -> ActionForm:
    ask = spec is transitions.APPROVE and dossier.procedure.form_kind in (FormKind.BIRTH, FormKind.BIRTH_3IN1)
    return ActionForm(data, spec=spec, ask_id_number=ask)


def _fire(spec: TransitionSpec, *, dossier, user, form: dict) -> None:
    """Call the named service of the button that was pressed, with what its form gave."""
    match spec:
        case transitions.RECEIVE:
            services.dossier_receive(dossier=dossier, officer=user)
        case transitions.START:
            services.dossier_start(dossier=dossier, officer=user)
        case transitions.PROPOSE:
            services.dossier_propose(dossier=dossier, officer=user)
        case transitions.APPROVE:
            services.dossier_approve(
                dossier=dossier, leader=user, personal_id_number=form.get("personal_id_number") or ""
            )
        case transitions.DELIVER:
            services.dossier_deliver(dossier=dossier, officer=user)
        case transitions.REQUEST_SUPPLEMENT:
            services.dossier_request_supplement(dossier=dossier, officer=user, reason=form["reason"])
        case transitions.SEND_BACK:
            services.dossier_send_back(dossier=dossier, leader=user, reason=form["reason"])
        case transitions.REFUSE:
            services.dossier_refuse(dossier=dossier, officer=user, reason=form["reason"])
        case transitions.REJECT:
            services.dossier_reject(dossier=dossier, leader=user, reason=form["reason"])
        case transitions.WITHDRAW:
            services.dossier_withdraw(dossier=dossier, actor=user, reason=form["reason"])
        case _:
            raise ValueError(f"no service behind the button of {spec.name}")


def _edit_url(dossier, user) -> str | None:
    """Where a counter dossier's declaration is edited (a draft at the counter, or one to supplement)."""
    if dossier.status not in (Status.DRAFT, Status.NEEDS_SUPPLEMENT) or dossier.channel == Channel.ONLINE_SELF:
        return None
    if not (user.role == Role.ONE_STOP and dossier.unit_id in acting_unit_ids(user)):
        return None
    return reverse("procedures:file-resume", args=(dossier.uuid,))


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
        (spec, failed if failed is not None and failed.action == spec.name else _action_form(dossier, spec))
        for spec in actions
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
        "primary": [(spec, form) for spec, form in forms if spec.button.style == "primary"],
        "others": [(spec, form) for spec, form in forms if spec.button.style != "primary"],
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
    spec = TRANSITIONS.get(action)
    if spec is None or spec.button is None:
        raise Http404
    dossier = dossier_for_officer(request.user, uuid)
    form = _action_form(dossier, spec, request.POST)
    if form.is_valid():
        try:
            _fire(spec, dossier=dossier, user=request.user, form=form.cleaned_data)
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
        request, _("Đã thực hiện “%(action)s” cho hồ sơ %(code)s.") % {"action": spec.label, "code": dossier}
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
