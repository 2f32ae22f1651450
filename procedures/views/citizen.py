"""The citizen's space: my dossiers, timeline, supplement answers, withdrawal, downloads, public look-up."""

from dataclasses import dataclass
from datetime import datetime

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_fsm import can_proceed, has_transition_perm

from egov.accounts.forms import PortalFormMixin
from egov.accounts.gates import citizens, public, signed_in
from egov.accounts.phone import MobilePhoneField
from egov.accounts.throttle import throttle_hit, throttle_key
from egov.accounts.web import client_ip
from procedures import declarations, selectors
from procedures.attachments import attachment_add, attachment_remove
from procedures.models import Attachment, Dossier, DossierAccess, DossierEvent, Status
from procedures.services import DossierActionError, dossier_access_record, dossier_resubmit, dossier_withdraw
from procedures.transitions import EVENT_WORDING

_NEXT_STEP: dict[str, Promise] = {
    Status.DRAFT: gettext_lazy("Hồ sơ chưa được nộp. Hãy điền tiếp và bấm “Nộp hồ sơ” ở bước cuối."),
    Status.SUBMITTED: gettext_lazy(
        "Bộ phận một cửa sẽ kiểm tra và tiếp nhận hồ sơ. Bạn sẽ nhận tin nhắn khi hồ sơ được tiếp nhận."
    ),
    Status.RECEIVED: gettext_lazy("Công chức tư pháp – hộ tịch sẽ kiểm tra hồ sơ và giải quyết trước hạn trả kết quả."),
    Status.PROCESSING: gettext_lazy("Hồ sơ đang được giải quyết. Bạn chưa cần làm gì."),
    Status.NEEDS_SUPPLEMENT: gettext_lazy(
        "Bạn cần bổ sung hồ sơ theo yêu cầu của cán bộ. Thời hạn giải quyết tạm dừng cho đến khi bạn gửi lại."
    ),
    Status.AWAITING_SIGNATURE: gettext_lazy("Hồ sơ đang chờ lãnh đạo UBND xã, phường ký. Bạn chưa cần làm gì."),
    Status.REGISTERED: gettext_lazy(
        "Việc hộ tịch đã được đăng ký. Kết quả sẽ sẵn sàng khi các cơ quan liên quan xong."
    ),
    Status.RESULT_READY: gettext_lazy(
        "Kết quả đã có. Hãy mang giấy tờ tùy thân đến bộ phận một cửa của xã, phường để nhận."
    ),
    Status.DELIVERED: gettext_lazy("Bạn đã nhận kết quả. Hồ sơ đã xong."),
    Status.REFUSED: gettext_lazy("Hồ sơ không được tiếp nhận. Xem lý do bên dưới; bạn có thể nộp hồ sơ mới."),
    Status.REJECTED: gettext_lazy("Hồ sơ không được giải quyết. Xem lý do bên dưới; bạn có thể nộp hồ sơ mới."),
    Status.WITHDRAWN: gettext_lazy("Bạn đã rút hồ sơ. Hồ sơ không được giải quyết nữa."),
}

OTHER_DOCUMENT = "giay-to-khac"
# "My dossiers" narrowed to one procedure's drafts and dossiers to supplement: `?lam-do=<procedure slug>`.
IN_HAND_PARAMETER = "lam-do"


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    text: str
    reason: str


def _timeline(dossier: Dossier, events: list[DossierEvent]) -> list[TimelineEntry]:
    entries = []
    for event in events:
        by_citizen = event.actor_id is not None and event.actor_id == dossier.applicant_id
        wording = EVENT_WORDING.get(event.action)
        text = wording.for_citizen(by_requester=by_citizen) if wording else Status(event.to_status).label
        reason = event.reason if wording and wording.reason_for_citizen else ""
        entries.append(TimelineEntry(at=event.at, text=text, reason=reason))
    return entries


def _filing_url(dossier: Dossier) -> str:
    """Where the declaration of a draft (or of a dossier to supplement) is edited: the step it was left at."""
    return reverse("procedures:file-resume", args=(dossier.uuid,))


def _may_withdraw(dossier: Dossier, user) -> bool:
    return can_proceed(dossier.withdraw) and has_transition_perm(dossier.withdraw, user)


def _documents(dossier: Dossier) -> tuple[list[tuple[str, str]], list[Attachment]]:
    """The upload choices (the procedure's papers, any other slot already used, "other papers") and the
    dossier's attachments, each labelled with the name of its paper."""
    choices = {document.slug: document.name for document in declarations.documents_of(dossier.procedure)}
    attachments = list(dossier.attachments.all())
    for attachment in attachments:
        choices.setdefault(attachment.document, attachment.document)
        attachment.document_label = choices[attachment.document]
    choices.setdefault(OTHER_DOCUMENT, _("Giấy tờ khác"))
    return list(choices.items()), attachments


class AttachmentUploadForm(PortalFormMixin, forms.Form):
    document = forms.ChoiceField(label=gettext_lazy("Loại giấy tờ"))
    file = forms.FileField(
        label=gettext_lazy("Tệp ảnh chụp hoặc bản quét"),
        help_text=gettext_lazy("Ảnh JPEG, PNG hoặc tệp PDF, mỗi tệp tối đa 5 MB. Chụp rõ, đủ bốn góc giấy tờ."),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png"}),
    )

    def __init__(self, *args, choices: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["document"].choices = choices


class WithdrawForm(PortalFormMixin, forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Lý do rút hồ sơ"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class LookupForm(PortalFormMixin, forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Mã hồ sơ"),
        help_text=gettext_lazy("Ghi trên giấy tiếp nhận hồ sơ, ví dụ 00001-261123-0001."),
        max_length=32,
    )
    phone = MobilePhoneField(
        label=gettext_lazy("Số điện thoại đã khai khi nộp hồ sơ"),
        help_text=gettext_lazy("Số di động 10 chữ số, ví dụ 0901234567."),
    )

    def clean_code(self) -> str:
        return "".join(self.cleaned_data["code"].split()).upper()


# --- the citizen's own dossiers --------------------------------------------------------------------------


@citizens
@require_GET
def my_dossiers(request: HttpRequest) -> HttpResponse:
    """All the citizen's dossiers; with `?lam-do=<procedure>`, only those of that procedure waiting for them (the
    procedure page's "see all")."""
    in_hand_of = request.GET.get(IN_HAND_PARAMETER)
    if in_hand_of:
        procedure = get_object_or_404(selectors.procedures_active(), slug=in_hand_of)
        dossiers = list(selectors.dossiers_in_hand(request.user, procedure=procedure))
    else:
        procedure, dossiers = None, list(selectors.dossiers_of_citizen(request.user))
    for dossier in dossiers:
        dossier.continue_url = _filing_url(dossier) if dossier.status == Status.DRAFT else None
    return render(request, "procedures/citizen/my_dossiers.html", {"dossiers": dossiers, "in_hand_of": procedure})


@citizens
@require_GET
def dossier_detail(request: HttpRequest, uuid) -> HttpResponse:
    dossier = selectors.dossier_of_citizen(request.user, uuid)
    events = list(dossier.events.all())
    supplement = [e for e in events if e.action == "request_supplement"]
    return render(
        request,
        "procedures/citizen/dossier_detail.html",
        {
            "dossier": dossier,
            "next_step": _NEXT_STEP.get(dossier.status, ""),
            "timeline": _timeline(dossier, events),
            "attachments": _documents(dossier)[1],
            "may_withdraw": _may_withdraw(dossier, request.user),
            "supplement_reason": supplement[-1].reason if supplement else "",
            "continue_url": _filing_url(dossier) if dossier.status == Status.DRAFT else None,
            "accesses": selectors.dossier_accesses_for_owner(dossier=dossier),
        },
    )


@citizens
@require_http_methods(["GET", "POST"])
def dossier_withdraw_view(request: HttpRequest, uuid) -> HttpResponse:
    dossier = selectors.dossier_of_citizen(request.user, uuid)
    if not _may_withdraw(dossier, request.user):
        messages.error(
            request,
            _("Hồ sơ %(code)s đang ở trạng thái “%(status)s”, không rút được nữa.")
            % {"code": dossier, "status": dossier.get_status_display()},
        )
        return redirect("procedures:dossier-detail", uuid=dossier.uuid)
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            dossier_withdraw(dossier=dossier, actor=request.user, reason=form.cleaned_data["reason"])
        except DossierActionError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Bạn đã rút hồ sơ %(code)s.") % {"code": dossier})
        return redirect("procedures:dossier-detail", uuid=dossier.uuid)
    return render(request, "procedures/citizen/dossier_withdraw.html", {"dossier": dossier, "form": form})


def _nothing_to_supplement(request: HttpRequest, dossier: Dossier) -> HttpResponse:
    # The service's wrong-state message is written for officers ("reload the page"); a citizen gets a plain one.
    messages.info(request, _("Hồ sơ %(code)s không cần bổ sung.") % {"code": dossier})
    return redirect("procedures:dossier-detail", uuid=dossier.uuid)


@citizens
@require_http_methods(["GET", "POST"])
def dossier_supplement(request: HttpRequest, uuid) -> HttpResponse:
    """The officer's request, the files to replace or add, and the button that sends the dossier back."""
    dossier = selectors.dossier_of_citizen(request.user, uuid)
    if dossier.status != Status.NEEDS_SUPPLEMENT:
        return _nothing_to_supplement(request, dossier)
    choices, attachments = _documents(dossier)
    form = AttachmentUploadForm(request.POST or None, request.FILES or None, choices=choices)
    if request.method == "POST" and form.is_valid():
        try:
            attachment = attachment_add(
                dossier=dossier,
                document=form.cleaned_data["document"],
                uploaded_file=form.cleaned_data["file"],
                user=request.user,
            )
        except ValidationError as exc:
            form.add_error("file", exc)
        except DossierActionError as exc:
            messages.error(request, str(exc))
            return redirect("procedures:dossier-detail", uuid=dossier.uuid)
        else:
            messages.success(request, _("Đã thêm tệp “%(name)s”.") % {"name": attachment.original_name})
            return redirect("procedures:dossier-supplement", uuid=dossier.uuid)
    request_event = dossier.events.filter(action="request_supplement").order_by("-at", "-pk").first()
    return render(
        request,
        "procedures/citizen/dossier_supplement.html",
        {
            "dossier": dossier,
            "form": form,
            "attachments": attachments,
            "request_event": request_event,
            "edit_url": _filing_url(dossier),
        },
    )


@citizens
@require_POST
def dossier_resubmit_view(request: HttpRequest, uuid) -> HttpResponse:
    dossier = selectors.dossier_of_citizen(request.user, uuid)
    if dossier.status != Status.NEEDS_SUPPLEMENT:
        return _nothing_to_supplement(request, dossier)
    try:
        dossier_resubmit(dossier=dossier, actor=request.user)
    except DossierActionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Đã gửi lại hồ sơ %(code)s cho cán bộ.") % {"code": dossier})
    return redirect("procedures:dossier-detail", uuid=dossier.uuid)


@citizens
@require_POST
def attachment_remove_view(request: HttpRequest, uuid, pk: int) -> HttpResponse:
    dossier = selectors.dossier_of_citizen(request.user, uuid)
    attachment = get_object_or_404(Attachment, dossier=dossier, pk=pk)
    try:
        attachment_remove(attachment=attachment, user=request.user)
    except DossierActionError as exc:
        messages.error(request, str(exc))
        return redirect("procedures:dossier-detail", uuid=dossier.uuid)
    messages.success(request, _("Đã xóa tệp “%(name)s”.") % {"name": attachment.original_name})
    if dossier.status == Status.NEEDS_SUPPLEMENT:
        return redirect("procedures:dossier-supplement", uuid=dossier.uuid)
    return redirect("procedures:dossier-detail", uuid=dossier.uuid)


@signed_in
@require_GET
@never_cache
def attachment_download(request: HttpRequest, uuid, pk: int) -> FileResponse:
    """The stored file, to whoever may open the dossier (`selectors.dossiers_open_to`); anyone else gets a 404."""
    dossier = selectors.dossier_for_viewer(request.user, uuid)
    attachment = get_object_or_404(Attachment, dossier=dossier, pk=pk)
    dossier_access_record(
        dossier=dossier, user=request.user, what=DossierAccess.What.ATTACHMENT, detail=attachment.original_name
    )
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    # Never let a browser guess a type: a "photo" must not run as HTML on the portal's origin.
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- the public look-up -----------------------------------------------------------------------------------

_LOOKUP_PREFIX = "dossier-lookup"


def _lookup_allowed(*, code: str, ip: str | None) -> bool:
    """Count one look-up per client address and per code; False once either has used up its window.

    Every attempt counts, found or not, so nobody can walk through codes or phone numbers.
    """
    window = settings.DOSSIER_LOOKUP_WINDOW_SECONDS
    counts = [
        throttle_hit(key=throttle_key(_LOOKUP_PREFIX, kind, value), window=window)
        for kind, value in (("code", code), ("ip", ip))
        if value
    ]
    return all(count <= settings.DOSSIER_LOOKUP_MAX_ATTEMPTS for count in counts)


@public
@require_http_methods(["GET", "POST"])
def dossier_lookup(request: HttpRequest) -> HttpResponse:
    """Code + phone → the status only. POST, so phone numbers stay out of access logs and browser history."""
    form = LookupForm(request.POST or None)
    found, throttled = None, False
    if request.method == "POST" and form.is_valid():
        code, phone = form.cleaned_data["code"], form.cleaned_data["phone"]
        if not _lookup_allowed(code=code, ip=client_ip(request)):
            throttled = True
            form.add_error(
                None,
                _("Bạn đã tra cứu quá nhiều lần. Hãy thử lại sau %(minutes)s phút.")
                % {"minutes": settings.DOSSIER_LOOKUP_WINDOW_SECONDS // 60},
            )
        else:
            found = selectors.dossier_public_status(code=code, phone=phone)
            if found is None:
                form.add_error(None, _("Không tìm thấy hồ sơ với mã và số điện thoại này."))
            else:
                # An empty form under the answer: a shared screen or screenshot does not show the phone.
                form = LookupForm()
    return render(
        request,
        "procedures/citizen/lookup.html",
        {"form": form, "found": found, "throttled": throttled},
        status=429 if throttled else 200,
    )


urlpatterns = [
    path("ho-so-cua-toi/", my_dossiers, name="my-dossiers"),
    path("ho-so/<uuid:uuid>/", dossier_detail, name="dossier-detail"),
    path("ho-so/<uuid:uuid>/rut/", dossier_withdraw_view, name="dossier-withdraw"),
    path("ho-so/<uuid:uuid>/bo-sung/", dossier_supplement, name="dossier-supplement"),
    path("ho-so/<uuid:uuid>/bo-sung/gui-lai/", dossier_resubmit_view, name="dossier-resubmit"),
    path("ho-so/<uuid:uuid>/tep/<int:pk>/", attachment_download, name="attachment-download"),
    path("ho-so/<uuid:uuid>/tep/<int:pk>/xoa/", attachment_remove_view, name="attachment-remove"),
    path("tra-cuu/", dossier_lookup, name="dossier-lookup"),
]
