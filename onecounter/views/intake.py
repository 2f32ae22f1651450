"""Counter intake: a one-stop officer opens a dossier handed in at the counter, sent by post or filed online
with help, then fills it in through the citizen's filing pages (`procedures.views.filing`)."""

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from egov.accounts.gates import one_stop_desk
from egov.accounts.models import User
from egov.accounts.selectors import user_find_by_identifier
from onecounter.forms_intake import IntakeForm
from procedures import declarations
from procedures.declarations.steps import RequesterForm
from procedures.models import EDITABLE_STATUSES, Dossier, Status
from procedures.selectors import dossier_filed_by, dossiers_filed_by, procedures_active
from procedures.services import dossier_create_draft, dossier_save_draft

RECEIPT_DOCUMENT = "giay-tiep-nhan"


def _citizen_account(id_number: str) -> User | None:
    if not id_number:
        return None
    user = user_find_by_identifier(id_number)
    return user if user is not None and user.is_citizen and user.is_active and user.id_number == id_number else None


def _open_draft(request: HttpRequest, cleaned: dict) -> Dossier:
    """The draft at the officer's own unit, tied to the citizen's account when the ID number has one."""
    procedure, id_number = cleaned["procedure"], cleaned["id_number"]
    applicant = _citizen_account(id_number)
    first_step = declarations.step_slugs(procedure)[0]
    with transaction.atomic():
        dossier = dossier_create_draft(
            procedure=procedure,
            unit=request.user.unit,
            applicant=applicant,
            channel=cleaned["channel"],
            contact_phone=cleaned["contact_phone"] or (applicant.phone if applicant else "") or "",
        )
        if id_number and applicant is None and first_step == RequesterForm.slug:
            # No account to suggest the requester from: at least the number typed here is not typed twice.
            dossier_save_draft(dossier=dossier, data={first_step: {"id_number": id_number}}, step=first_step)
    if applicant is not None:
        messages.success(
            request,
            _("Hồ sơ được gắn với tài khoản của %(name)s; người nộp theo dõi được trong “Hồ sơ của tôi”.")
            % {"name": applicant.full_name},
        )
    elif id_number:
        messages.info(request, _("Số định danh %(number)s chưa có tài khoản trên cổng.") % {"number": id_number})
    return dossier


@one_stop_desk
@require_http_methods(["GET", "POST"])
def intake_start(request: HttpRequest) -> HttpResponse:
    """Pick the procedure and the channel (and the citizen, if known); POST opens the draft at its first step."""
    form = IntakeForm(request.POST or None, procedures=procedures_active())
    if request.method == "POST" and form.is_valid():
        dossier = _open_draft(request, form.cleaned_data)
        first_step = declarations.step_slugs(dossier.procedure)[0]
        return redirect("procedures:file-step", uuid=dossier.uuid, step=first_step)
    drafts = dossiers_filed_by(request.user).filter(status=Status.DRAFT).order_by("-created_at")[:20]
    return render(request, "onecounter/intake/start.html", {"form": form, "drafts": drafts})


def _next_links(dossier: Dossier) -> list[tuple[str, str]]:
    """What the officer does next, the most likely first: print the receipt, open the dossier, take the next."""
    return [
        (reverse("onecounter:document", args=(dossier.uuid, RECEIPT_DOCUMENT)), _("In giấy tiếp nhận")),
        (reverse("onecounter:dossier", kwargs={"uuid": dossier.uuid}), _("Xem hồ sơ")),
        (reverse("onecounter:intake"), _("Tiếp nhận hồ sơ khác")),
    ]


@one_stop_desk
@require_GET
def intake_done(request: HttpRequest, uuid) -> HttpResponse:
    """The receipt at the counter: the code in large type, the due time, then print or take the next dossier."""
    dossier = dossier_filed_by(request.user, uuid)
    if dossier.status in EDITABLE_STATUSES or not dossier.code:
        return redirect("procedures:file-review", uuid=dossier.uuid)
    return render(request, "onecounter/intake/done.html", {"dossier": dossier, "links": _next_links(dossier)})


urlpatterns = [
    path("mot-cua/tiep-nhan/", intake_start, name="intake"),
    path("mot-cua/tiep-nhan/<uuid:uuid>/da-tiep-nhan/", intake_done, name="intake-done"),
]
