"""Declarations of the seven procedures: their steps, cross-step checks, the late flag and the review summary."""

import datetime
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from procedures.declarations.fields import year_of
from procedures.declarations.steps import (
    BirthRequesterForm,
    BrideForm,
    ChildForm,
    DeathForm,
    DeathRequesterForm,
    DeceasedForm,
    ExtractForm,
    FatherForm,
    GroomForm,
    HouseholdForm,
    MaritalStatusForm,
    MotherForm,
    RequesterForm,
    ResidenceRemovalForm,
    StepForm,
)
from procedures.models import FormKind, Procedure

ATTACHMENTS_STEP = "giay-to"
ATTACHMENTS_TITLE = gettext_lazy("Ảnh chụp, bản quét giấy tờ")

_BIRTH = (BirthRequesterForm, ChildForm, MotherForm, FatherForm)
_DEATH = (DeathRequesterForm, DeceasedForm, DeathForm)

STEP_FORMS: dict[str, tuple[type[StepForm], ...]] = {
    FormKind.BIRTH: _BIRTH,
    FormKind.BIRTH_3IN1: (*_BIRTH, HouseholdForm),
    FormKind.DEATH: _DEATH,
    FormKind.DEATH_RESIDENCE: (*_DEATH, ResidenceRemovalForm),
    FormKind.MARRIAGE: (GroomForm, BrideForm),
    FormKind.MARITAL_STATUS: (RequesterForm, MaritalStatusForm),
    FormKind.EXTRACT_COPY: (RequesterForm, ExtractForm),
}

# Which answer is the event whose date starts the registration deadline (Procedure.deadline_days).
EVENT_DATES: dict[str, tuple[str, str]] = {
    FormKind.BIRTH: (ChildForm.slug, "birth_date"),
    FormKind.BIRTH_3IN1: (ChildForm.slug, "birth_date"),
    FormKind.DEATH: (DeathForm.slug, "death_date"),
    FormKind.DEATH_RESIDENCE: (DeathForm.slug, "death_date"),
}


@dataclass(frozen=True)
class Document:
    """One paper to upload for the procedure, with the slot name its files are kept under."""

    slug: str
    name: str
    required: bool = True


# A paper the catalogue asks for only in some cases ("Nếu đã từng kết hôn: …", "…, nếu bạn xin giúp…");
# "nếu không có: …" names an alternative, so the paper is still needed.
_CONDITIONAL = re.compile(r"\bnếu\b(?! không có)", re.IGNORECASE)


def _slugify(text: str) -> str:
    # Django's slugify keeps "đ"; the slot names are ASCII, as attachment documents are ("giay-chung-sinh").
    plain = unicodedata.normalize("NFKD", text.replace("đ", "d").replace("Đ", "D"))
    plain = "".join(ch for ch in plain if not unicodedata.combining(ch)).lower()
    return re.sub(r"[^a-z0-9]+", "-", plain).strip("-")[:60].strip("-")


def documents_of(procedure: Procedure) -> list[Document]:
    """The papers to upload: the catalogue's required documents, as plain names or {name, code, required} objects.

    The declaration forms themselves ("Tờ khai …") are not uploaded: the steps of this portal are those forms.
    """
    documents = []
    for item in procedure.required_documents or []:
        if isinstance(item, dict):
            name = str(item.get("name") or "")
            slug = str(item.get("code") or item.get("slug") or _slugify(name))
            required = bool(item.get("required", True))
        else:
            name, slug = str(item), _slugify(str(item))
            required = not _CONDITIONAL.search(name)
        if name and not name.startswith("Tờ khai"):
            documents.append(Document(slug=slug, name=name, required=required))
    return documents


def step_forms(procedure: Procedure) -> tuple[type[StepForm], ...]:
    return STEP_FORMS[procedure.form_kind]


def step_slugs(procedure: Procedure) -> list[str]:
    """Every step of the procedure's declaration in order; the uploads come last when papers are asked for."""
    slugs = [form.slug for form in step_forms(procedure)]
    if documents_of(procedure):
        slugs.append(ATTACHMENTS_STEP)
    return slugs


def step_form(procedure: Procedure, slug: str) -> type[StepForm] | None:
    return next((form for form in step_forms(procedure) if form.slug == slug), None)


def step_title(procedure: Procedure, slug: str) -> str:
    form = step_form(procedure, slug)
    return str(form.title if form else ATTACHMENTS_TITLE)


# --- Checks across steps ------------------------------------------------------------------------------------

Errors = dict[str, dict[str, list[str]]]


def _answer(data: dict[str, Any], step: str, name: str) -> Any:
    return (data.get(step) or {}).get(name)


def _after(later: str | None, earlier: str | None) -> bool:
    """Whether stored date-or-year `later` is strictly after `earlier`; a bare year compares by year."""
    if not later or not earlier:
        return False
    if len(later) == 4 or len(earlier) == 4:
        return year_of(later) > year_of(earlier)
    return later > earlier


def cross_check(procedure: Procedure, data: dict[str, Any]) -> Errors:
    """Impossible combinations of answers given on different steps, as {step: {field: [messages]}}.

    Each message goes on the later step, the one a person fills in knowing the earlier answer.
    """
    errors: Errors = {}

    def add(step: str, name: str, message: str) -> None:
        errors.setdefault(step, {}).setdefault(name, []).append(message)

    kind = procedure.form_kind
    if kind in (FormKind.BIRTH, FormKind.BIRTH_3IN1):
        child_birth = _answer(data, ChildForm.slug, "birth_date")
        for form, who in ((MotherForm, _("người mẹ")), (FatherForm, _("người cha"))):
            parent_birth = _answer(data, form.slug, "birth_date")
            # A parent born the same year as the child, or after, is impossible.
            if child_birth and parent_birth and year_of(parent_birth) >= year_of(child_birth):
                add(
                    form.slug,
                    "birth_date",
                    _(
                        "Ngày sinh của %(who)s phải trước ngày sinh của trẻ nhiều năm. "
                        "Kiểm tra lại năm sinh của %(who)s hoặc ngày sinh của trẻ."
                    )
                    % {"who": who},
                )
    if kind in (FormKind.DEATH, FormKind.DEATH_RESIDENCE):
        birth = _answer(data, DeceasedForm.slug, "birth_date")
        death = _answer(data, DeathForm.slug, "death_date")
        if _after(birth, death):
            add(
                DeathForm.slug,
                "death_date",
                _("Ngày mất không thể trước ngày sinh của người đã mất. Kiểm tra lại ngày mất hoặc ngày sinh."),
            )
    return errors


# --- Late registration ------------------------------------------------------------------------------------


def event_date(procedure: Procedure, data: dict[str, Any]) -> datetime.date | None:
    where = EVENT_DATES.get(procedure.form_kind)
    value = _answer(data, *where) if where else None
    return datetime.date.fromisoformat(value) if value else None


def is_late(procedure: Procedure, data: dict[str, Any], *, on: datetime.date) -> bool:
    """Registered after the legal deadline (e.g. 60 days after birth): allowed, flagged, maybe charged."""
    event = event_date(procedure, data)
    if event is None or procedure.deadline_days is None:
        return False
    return event + datetime.timedelta(days=procedure.deadline_days) < on


def late_notice(procedure: Procedure, data: dict[str, Any], *, on: datetime.date) -> str:
    """What a person filing late should know; empty when on time."""
    if not is_late(procedure, data, on=on):
        return ""
    event = event_date(procedure, data)
    return _(
        "Đã quá %(days)s ngày kể từ ngày %(event)s, nên đây là đăng ký quá hạn. Bạn vẫn nộp được hồ sơ; "
        "cán bộ có thể hỏi thêm lý do và có thể thu lệ phí theo quy định."
    ) % {"days": procedure.deadline_days, "event": event.strftime("%d/%m/%Y")}


# --- Completeness and the review page ----------------------------------------------------------------------


def incomplete_steps(procedure: Procedure, data: dict[str, Any]) -> list[str]:
    """Steps whose stored answers would not pass their form or the cross-step checks (uploads not included)."""
    problems = cross_check(procedure, data)
    slugs = []
    for form_class in step_forms(procedure):
        form = form_class(data=form_class.to_input(data.get(form_class.slug) or {}))
        if form_class.slug not in data or not form.is_valid() or form_class.slug in problems:
            slugs.append(form_class.slug)
    return slugs


def missing_documents(procedure: Procedure, uploaded: set[str]) -> list[Document]:
    """Papers the procedure needs in every case and for which no file has been uploaded yet."""
    return [document for document in documents_of(procedure) if document.required and document.slug not in uploaded]


@dataclass
class SummarySection:
    slug: str
    title: str
    rows: list[tuple[str, str]] = field(default_factory=list)
    change_url: str = ""


def build_summary(procedure: Procedure, data: dict[str, Any], attachments=()) -> list[SummarySection]:
    """Sections of the review page, one per step: (label, value) rows with dates as dd/mm/yyyy."""
    sections = [
        SummarySection(form.slug, str(form.title), form.display(data.get(form.slug) or {}))
        for form in step_forms(procedure)
    ]
    documents = documents_of(procedure)
    if documents:
        names: dict[str, list[str]] = {}
        for attachment in attachments:
            names.setdefault(attachment.document, []).append(attachment.original_name)
        rows = [(document.name, ", ".join(names.get(document.slug, [])) or _("Chưa tải lên")) for document in documents]
        sections.append(SummarySection(ATTACHMENTS_STEP, str(ATTACHMENTS_TITLE), rows))
    return sections
