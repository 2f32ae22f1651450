"""The officers' interconnect queue: linked records by state and agency, one record with its attempts and the
agency's answers, and the re-send of a failed one; police and social-insurance officers of a commune read it for
the commune and the old communes it holds (their district accounts of before the reform, for the district)."""

import json
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from egov.accounts.gates import WORKSPACE_ROLES, record_readers, record_resenders
from interconnect.models import LinkedRecord, RecordStatus
from interconnect.selectors import (
    AGENCY_OF_ROLE,
    QUEUE_STATES,
    QueueQuery,
    agency_scope,
    is_late,
    linked_record_counts,
    linked_record_for_officer,
    linked_record_queue,
    linked_records_of_dossier,
    payload_sections,
    result_rows,
    result_summary,
)
from interconnect.services import LinkedRecordActionError, linked_record_resend, may_resend, resends
from onecounter.views.worklist import PAGE_SIZE, worklist_tabs
from procedures.models import Agency, DossierAccess
from procedures.services import dossier_access_record


class QueueFilterForm(forms.Form):
    """The queue's filters; a wrong value is ignored, as on the worklists."""

    q = forms.CharField(label=gettext_lazy("Mã hồ sơ"), required=False, max_length=40)
    agency = forms.ChoiceField(
        label=gettext_lazy("Cơ quan"), choices=[("", gettext_lazy("Tất cả"))] + Agency.choices, required=False
    )
    state = forms.ChoiceField(choices=[(state.slug, state.title) for state in QUEUE_STATES], required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs.update({"class": "form-control", "type": "search", "autocomplete": "off"})
        self.fields["agency"].widget.attrs["class"] = "form-select"

    def query(self) -> QueueQuery:
        if not self.is_valid():
            return QueueQuery()
        data = self.cleaned_data
        return QueueQuery(state=data["state"], agency=data["agency"], text=data["q"])


def _workspace_tabs(user) -> list[dict] | None:
    """The worklist tabs for the officers who work with dossiers; an agency's officer has no dossier lists."""
    return worklist_tabs(user, None) if user.role in WORKSPACE_ROLES else None


def _state_links(query: QueueQuery, counts: dict[str, int | None]) -> list[dict]:
    links = []
    for state in QUEUE_STATES:
        params = {
            key: value for key, value in (("state", state.slug), ("agency", query.agency), ("q", query.text)) if value
        }
        links.append(
            {
                "state": state,
                "count": counts[state.slug],
                "current": state.slug == query.state,
                "href": "?" + urlencode(params) if params else "?",
            }
        )
    return links


@record_readers
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    """The linked records of the officer's jurisdiction by state, with counts and the late ones flagged."""
    user = request.user
    form = QueueFilterForm(request.GET or None)
    query = form.query() if request.GET else QueueQuery()
    now = timezone.now()
    page = Paginator(linked_record_queue(user, query, now=now), PAGE_SIZE).get_page(request.GET.get("trang"))
    for record in page.object_list:
        record.late = is_late(record, now)
    params = request.GET.copy()
    params.pop("trang", None)
    return render(
        request,
        "onecounter/interconnect/queue.html",
        {
            "tabs": _workspace_tabs(user),
            "states": _state_links(query, linked_record_counts(user, now=now)),
            "query": query,
            "form": form if request.GET else QueueFilterForm(),
            # An agency's officer sees one agency: no filter, and the page says so.
            "own_agency": Agency(AGENCY_OF_ROLE[user.role]).label if user.role in AGENCY_OF_ROLE else None,
            "scope": agency_scope(user) if user.role in AGENCY_OF_ROLE else "",
            "links_dossiers": user.role in WORKSPACE_ROLES,
            "page": page,
            "params": params.urlencode(),
        },
    )


def readable_excerpt(text: str) -> str:
    """An agency's JSON shown with its Vietnamese letters rather than \\u escapes; any other text as it came."""
    try:
        return json.dumps(json.loads(text), ensure_ascii=False)
    except ValueError:
        return text


@record_readers
@require_GET
def record_detail(request: HttpRequest, uuid) -> HttpResponse:
    """Everything about one record: what was sent, every attempt and answer, its result or reason; the look is
    written to the dossier's audit, since the payload holds personal data."""
    user = request.user
    record = linked_record_for_officer(user, uuid)
    attempts, callbacks = list(record.attempts_log.all()), list(record.callbacks.all())
    for attempt in attempts:
        attempt.excerpt = readable_excerpt(attempt.response_excerpt)
    for callback in callbacks:
        callback.excerpt = readable_excerpt(callback.body)
    dossier_access_record(
        dossier=record.dossier,
        user=user,
        what=DossierAccess.What.DOSSIER,
        detail=_("Hồ sơ liên thông: %(kind)s") % {"kind": record.get_kind_display()},
    )
    return render(
        request,
        "onecounter/interconnect/record.html",
        {
            "tabs": _workspace_tabs(user),
            "record": record,
            "dossier": record.dossier,
            "late": is_late(record),
            "result": result_rows(record),
            "payload": payload_sections(record.payload),
            "attempts": attempts,
            "callbacks": callbacks,
            "may_resend": may_resend(record, user),
            "resender": resends(record, user),
            "links_dossiers": user.role in WORKSPACE_ROLES,
        },
    )


def _back(request: HttpRequest, record: LinkedRecord) -> HttpResponse:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("onecounter:interconnect-record", uuid=record.uuid)


@record_resenders
@require_POST
def record_resend(request: HttpRequest, uuid) -> HttpResponse:
    """Send a failed record again. A second click (the record already went back to the queue) changes nothing
    and says so; anyone but the commune's one-stop or justice officer gets a 403."""
    user = request.user
    record = linked_record_for_officer(user, uuid)
    if not resends(record, user):
        raise PermissionDenied(record_resenders.reason)
    try:
        linked_record_resend(record=record, officer=user)
    except LinkedRecordActionError as exc:
        record.refresh_from_db()
        if record.resent_at is not None and record.status != RecordStatus.FAILED:
            messages.info(
                request,
                _("Hồ sơ liên thông này đã được gửi lại lúc %(at)s (%(status)s). Không cần gửi thêm lần nữa.")
                % {
                    "at": timezone.localtime(record.resent_at).strftime("%H:%M %d/%m/%Y"),
                    "status": record.get_status_display().lower(),
                },
            )
        else:
            messages.info(request, str(exc))
        return _back(request, record)
    messages.success(
        request,
        _("Đã gửi lại hồ sơ liên thông %(kind)s của hồ sơ %(code)s. Kết quả gửi sẽ hiện ở đây sau ít phút.")
        % {"kind": record.get_kind_display().lower(), "code": record.dossier},
    )
    return _back(request, record)


def dossier_linked_records(dossier, user) -> list[LinkedRecord]:
    """The dossier's records for its page in the workspace, each knowing whether this officer may re-send it now."""
    records = linked_records_of_dossier(dossier)
    now = timezone.now()
    for record in records:
        record.dossier = dossier
        record.late = is_late(record, now)
        record.resendable = may_resend(record, user)
        record.summary = result_summary(record)
    return records


urlpatterns = [
    path("mot-cua/lien-thong/", queue, name="interconnect"),
    path("mot-cua/lien-thong/<uuid:uuid>/", record_detail, name="interconnect-record"),
    path("mot-cua/lien-thong/<uuid:uuid>/gui-lai/", record_resend, name="interconnect-resend"),
]
