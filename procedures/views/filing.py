"""Filing a dossier: the multi-step declaration, drafts, the review page and submission.

The same pages serve a citizen filing their own dossier online and a one-stop officer entering a paper
dossier (or filing online for a citizen) at the counter; `selectors.dossier_to_edit` decides who edits what.
"""

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from egov.accounts.gates import citizens_and_visitors, filers
from egov.accounts.models import Role
from egov.units.selectors import communes_search, holder_on
from procedures import declarations
from procedures.attachments import attachment_add, attachment_remove
from procedures.declarations.steps import AttachmentsForm, CommuneSearchForm, ReceivingUnitForm, RequesterForm
from procedures.filing import PAPER_CHANNELS, filing_documents, filing_problems, uploaded_documents
from procedures.models import EDITABLE_STATUSES, Channel, Dossier
from procedures.selectors import (
    dossier_filed_by,
    dossier_to_edit,
    dossiers_filed_by,
    dossiers_in_hand,
    procedures_active,
)
from procedures.services import (
    DossierActionError,
    dossier_compute_due,
    dossier_create_draft,
    dossier_file,
    dossier_save_draft,
)

REVIEW_STEP = "kiem-tra"
# Sent by the review page's "Thay đổi" links, so that saving a step goes back to the review.
BACK_TO_REVIEW = "kiem-tra"
# The procedure page lists this many of the citizen's drafts, newest first; the rest are one link away.
DRAFTS_SHOWN = 5


def _at_counter(user) -> bool:
    """A one-stop officer entering a dossier for a citizen (the selector has already checked the unit)."""
    return user.role == Role.ONE_STOP


def _start_url(user, dossier: Dossier) -> str:
    """Where filing starts and where a saved draft waits: the procedure page, or the officer's intake page."""
    if _at_counter(user):
        return reverse("onecounter:intake")
    return reverse("procedures:file-start", kwargs={"slug": dossier.procedure.slug})


def _done_url(user, dossier: Dossier) -> str:
    if _at_counter(user):
        return reverse("onecounter:intake-done", kwargs={"uuid": dossier.uuid})
    return reverse("procedures:file-done", kwargs={"uuid": dossier.uuid})


def _progress(procedure, slug: str) -> dict:
    slugs = declarations.step_slugs(procedure)
    number = slugs.index(slug) + 1 if slug in slugs else len(slugs) + 1
    return {"step_number": number, "step_count": len(slugs) + 1}


def _step_url(dossier: Dossier, slug: str) -> str:
    if slug == REVIEW_STEP:
        return reverse("procedures:file-review", kwargs={"uuid": dossier.uuid})
    return reverse("procedures:file-step", kwargs={"uuid": dossier.uuid, "step": slug})


def _next_slug(procedure, slug: str) -> str:
    slugs = declarations.step_slugs(procedure)
    position = slugs.index(slug)
    return slugs[position + 1] if position + 1 < len(slugs) else REVIEW_STEP


def _receiving_unit_forms(request: HttpRequest, today: datetime.date) -> tuple[CommuneSearchForm, ReceivingUnitForm]:
    """The search (kept when the choice is sent back with an error) and the choice among today's communes: those
    the search found, or all of them."""
    search = CommuneSearchForm(request.POST if request.method == "POST" else request.GET)
    query = search.query()
    matches = communes_search(query, day=today) if query else None
    data = request.POST if request.method == "POST" else None
    return search, ReceivingUnitForm(data, day=today, matches=matches)


@citizens_and_visitors
def file_start(request: HttpRequest, slug: str) -> HttpResponse:
    """What the procedure asks for and where to file; POST (with a commune of today) opens a draft at the first
    step. Drafts begun at a commune abolished since say where they will be filed now."""
    procedure = get_object_or_404(procedures_active(), slug=slug)
    today = timezone.localdate()
    search, form = _receiving_unit_forms(request, today)
    if request.method == "POST" and form.is_valid():
        dossier = dossier_create_draft(
            procedure=procedure,
            unit=form.cleaned_data["commune"],
            applicant=request.user,
            channel=Channel.ONLINE_SELF,
        )
        return redirect(_step_url(dossier, declarations.step_slugs(procedure)[0]))
    drafts, drafts_count = [], 0
    if request.user.is_authenticated:
        in_hand = dossiers_in_hand(request.user, procedure=procedure)
        drafts = [(draft, holder_on(draft.unit, today)) for draft in in_hand[:DRAFTS_SHOWN]]
        # A full page may hide more: only then is counting worth a query.
        drafts_count = in_hand.count() if len(drafts) == DRAFTS_SHOWN else len(drafts)
    steps = [declarations.step_title(procedure, step) for step in declarations.step_slugs(procedure)]
    return render(
        request,
        "procedures/filing/start.html",
        {
            "procedure": procedure,
            "search": search,
            "form": form,
            "steps": steps,
            "documents": declarations.documents_of(procedure),
            "drafts": drafts,
            "drafts_count": drafts_count,
        },
    )


@filers
def file_resume(request: HttpRequest, uuid) -> HttpResponse:
    """Back to the step where the draft was left."""
    dossier = dossier_to_edit(request.user, uuid)
    slugs = declarations.step_slugs(dossier.procedure)
    step = dossier.draft_step if dossier.draft_step in (*slugs, REVIEW_STEP) else slugs[0]
    return redirect(_step_url(dossier, step))


def _save_draft_and_leave(request: HttpRequest, dossier: Dossier, data: dict, step: str) -> HttpResponse:
    dossier_save_draft(dossier=dossier, data=data, step=step)
    if _at_counter(request.user):
        message = _("Đã lưu nháp. Hồ sơ nằm trong mục “Hồ sơ đang nhập dở”; bấm “Làm tiếp” để nhập tiếp.")
    else:
        message = _(
            "Đã lưu nháp. Khi quay lại, đăng nhập rồi bấm “Làm tiếp” ở trang thủ tục này "
            "(hoặc trong “Hồ sơ của tôi”) để tiếp tục từ bước đang dở."
        )
    messages.success(request, message)
    return redirect(_start_url(request.user, dossier))


@filers
def file_step(request: HttpRequest, uuid, step: str) -> HttpResponse:
    """One page of the declaration: show it, or check the answers, save them and go on (or save and stop)."""
    dossier = dossier_to_edit(request.user, uuid)
    procedure = dossier.procedure
    if step == REVIEW_STEP:
        # The review is a step too for links built from `draft_step`.
        return redirect(_step_url(dossier, REVIEW_STEP))
    if step not in declarations.step_slugs(procedure):
        raise Http404
    if step == declarations.ATTACHMENTS_STEP:
        return _attachments_step(request, dossier)
    form_class = declarations.step_form(procedure, step)
    stored = dossier.data.get(step)
    back_to_review = request.GET.get(BACK_TO_REVIEW) == "1" or request.POST.get(BACK_TO_REVIEW) == "1"
    if request.method == "POST":
        form = form_class(request.POST)
        form.is_valid()
        if "save_draft" in request.POST:
            return _save_draft_and_leave(request, dossier, {step: {**(stored or {}), **form.to_stored()}}, step)
        if not form.errors:
            answers = {**dossier.data, step: form.to_stored()}
            form.add_errors(declarations.cross_check(procedure, answers).get(step, {}))
        if not form.errors:
            next_step = REVIEW_STEP if back_to_review else _next_slug(procedure, step)
            late = declarations.is_late(procedure, answers, on=timezone.localdate())
            dossier_save_draft(dossier=dossier, data={step: form.to_stored()}, step=next_step, is_late=late)
            return redirect(_step_url(dossier, next_step))
    else:
        # Suggested from the applicant's account: the citizen's own, or the one the officer found by ID number.
        initial = form_class.to_input(stored) if stored is not None else form_class.initial_for(dossier.applicant)
        form = form_class(initial=initial)
    intro = form_class.intro
    if _at_counter(request.user):
        _autofocus_first_field(form)
        if issubclass(form_class, RequesterForm):
            intro = _("Người làm thủ tục (người yêu cầu), như ghi trên tờ khai.")
    return render(
        request,
        "procedures/filing/step.html",
        {
            "dossier": dossier,
            "procedure": procedure,
            "form": form,
            "title": form_class.title,
            "intro": intro,
            "back_to_review": back_to_review,
            "back_url": _back_url(request, dossier, step),
            **_progress(procedure, step),
        },
    )


def _autofocus_first_field(form) -> None:
    """Officers type fast: the cursor starts in the first field (after errors, the summary takes focus)."""
    if not form.errors and form.fields:
        next(iter(form.fields.values())).widget.attrs["autofocus"] = True


def _back_url(request: HttpRequest, dossier: Dossier, step: str) -> str:
    slugs = declarations.step_slugs(dossier.procedure)
    position = slugs.index(step)
    if position == 0:
        return _start_url(request.user, dossier)
    return _step_url(dossier, slugs[position - 1])


def _attachments_step(request: HttpRequest, dossier: Dossier) -> HttpResponse:
    """One file input per paper; a refused file is explained beside its input, the other files are kept."""
    procedure = dossier.procedure
    documents = filing_documents(dossier)
    step = declarations.ATTACHMENTS_STEP
    if request.method == "POST":
        file_errors: dict[str, list[str]] = {}
        for document in documents:
            uploaded = request.FILES.get(document.slug)
            if uploaded is None:
                continue
            try:
                attachment_add(dossier=dossier, document=document.slug, uploaded_file=uploaded, user=request.user)
            except ValidationError as exc:
                file_errors[document.slug] = exc.messages
            except DossierActionError as exc:
                file_errors[document.slug] = [str(exc)]
        if "save_draft" in request.POST and not file_errors:
            return _save_draft_and_leave(request, dossier, {}, step)
        form = AttachmentsForm(request.POST, request.FILES, documents=documents, uploaded=uploaded_documents(dossier))
        form.is_valid()
        for slug, errors in file_errors.items():
            form.add_error(slug, errors)
        if not form.errors:
            dossier_save_draft(dossier=dossier, data={}, step=REVIEW_STEP)
            return redirect(_step_url(dossier, REVIEW_STEP))
    else:
        form = AttachmentsForm(documents=documents, uploaded=uploaded_documents(dossier))
    if _at_counter(request.user):
        _autofocus_first_field(form)
    attachments = list(dossier.attachments.all())
    slots = [
        {"field": form[document.slug], "files": [a for a in attachments if a.document == document.slug]}
        for document in documents
    ]
    return render(
        request,
        "procedures/filing/attachments.html",
        {
            "dossier": dossier,
            "procedure": procedure,
            "form": form,
            "slots": slots,
            "title": declarations.ATTACHMENTS_TITLE,
            "at_counter": _at_counter(request.user),
            "on_paper": dossier.channel in PAPER_CHANNELS,
            "back_url": _back_url(request, dossier, step),
            **_progress(procedure, step),
        },
    )


@filers
@require_POST
def file_attachment_remove(request: HttpRequest, uuid, pk: int) -> HttpResponse:
    dossier = dossier_to_edit(request.user, uuid)
    attachment = get_object_or_404(dossier.attachments, pk=pk)
    try:
        attachment_remove(attachment=attachment, user=request.user)
    except DossierActionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Đã xóa tệp “%(name)s”.") % {"name": attachment.original_name})
    return redirect(_step_url(dossier, declarations.ATTACHMENTS_STEP))


@filers
def file_review(request: HttpRequest, uuid) -> HttpResponse:
    """Check your answers: every section with a change link, the late notice, and the button that files."""
    dossier = dossier_to_edit(request.user, uuid)
    procedure = dossier.procedure
    sections = declarations.build_summary(procedure, dossier.data, dossier.attachments.all())
    for section in sections:
        section.change_url = f"{_step_url(dossier, section.slug)}?{BACK_TO_REVIEW}=1"
    return render(
        request,
        "procedures/filing/review.html",
        {
            "dossier": dossier,
            "procedure": procedure,
            "sections": sections,
            # Where submitting files it: for a draft begun at a commune abolished since, the successor holding it.
            "filed_at": holder_on(dossier.unit, timezone.localdate()),
            "problems": [
                (_step_url(dossier, slug), message)
                for slug, message in filing_problems(dossier, uploaded=uploaded_documents(dossier))
            ],
            "late_notice": declarations.late_notice(procedure, dossier.data, on=timezone.localdate()),
            "back_url": _step_url(dossier, declarations.step_slugs(procedure)[-1]),
            "later_url": _start_url(request.user, dossier),
            "at_counter": _at_counter(request.user),
            "on_paper": dossier.channel in PAPER_CHANNELS,
            **_progress(procedure, REVIEW_STEP),
        },
    )


@filers
@require_POST
def file_submit(request: HttpRequest, uuid) -> HttpResponse:
    """File the dossier (or send the supplement). A second click on a filed dossier just shows its code."""
    try:
        dossier = dossier_file(
            dossiers=dossiers_filed_by(request.user),
            uuid=uuid,
            actor=request.user,
            at_counter=_at_counter(request.user),
        )
    except DossierActionError as exc:
        messages.error(request, str(exc))
        return redirect("procedures:file-review", uuid=uuid)
    if dossier is None:
        raise Http404
    return redirect(_done_url(request.user, dossier))


@filers
def file_done(request: HttpRequest, uuid) -> HttpResponse:
    """The confirmation: the code in large type, what happens next and by when."""
    dossier = dossier_filed_by(request.user, uuid)
    if dossier.status in EDITABLE_STATUSES or not dossier.code:
        return redirect("procedures:file-review", uuid=dossier.uuid)
    if _at_counter(request.user):
        return redirect(_done_url(request.user, dossier))
    expected = None
    if dossier.submitted_at:
        expected = dossier_compute_due(dossier=dossier, received_at=dossier.submitted_at)
    return render(request, "procedures/filing/done.html", {"dossier": dossier, "expected": expected})


urlpatterns = [
    path("thu-tuc/<slug:slug>/nop/", file_start, name="file-start"),
    path("ho-so/<uuid:uuid>/tiep-tuc/", file_resume, name="file-resume"),
    path("ho-so/<uuid:uuid>/buoc/<slug:step>/", file_step, name="file-step"),
    path("ho-so/<uuid:uuid>/buoc/giay-to/xoa/<int:pk>/", file_attachment_remove, name="file-attachment-remove"),
    path("ho-so/<uuid:uuid>/kiem-tra/", file_review, name="file-review"),
    path("ho-so/<uuid:uuid>/nop/", file_submit, name="file-submit"),
    path("ho-so/<uuid:uuid>/da-nop/", file_done, name="file-done"),
]
