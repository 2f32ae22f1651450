"""The printed documents of a dossier: which exist, who may have them, and rendering one to PDF."""

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ObjectDoesNotExist
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from egov.core.pdf import register_fonts
from onecounter.documents import content
from onecounter.documents.content import registered_people, verification_url
from onecounter.documents.layout import render
from procedures.models import Dossier, FormKind, Status

__all__ = [
    "DocumentKind",
    "DocumentNotIssued",
    "available_documents",
    "document_kind",
    "issued_documents",
    "mask_name",
    "registered_people",
    "render_document",
    "verification_url",
]

# A citizen receives the result once it is ready to hand over; officers may print it as soon as it is signed.
RESULT_RELEASED = frozenset({Status.RESULT_READY, Status.DELIVERED})


class DocumentNotIssued(Exception):
    """The dossier has not reached the point where this document exists."""


def _has_entry(dossier: Dossier) -> bool:
    try:
        dossier.register_entry  # noqa: B018 (the access is the check, and caches the entry)
    except ObjectDoesNotExist:
        return False
    return True


def _result_for(*forms: str) -> Callable[[Dossier], bool]:
    return lambda dossier: dossier.procedure.form_kind in forms and _has_entry(dossier)


@dataclass(frozen=True)
class DocumentKind:
    """One kind of printed document: its URL slug, its title, when it exists and how it is written."""

    slug: str
    title: Promise
    issued: Callable[[Dossier], bool]
    build: Callable[[content.Facts], content.Sheet]
    officers_only: bool = False
    is_result: bool = False


KINDS: tuple[DocumentKind, ...] = (
    DocumentKind(
        "giay-tiep-nhan",
        _("Giấy tiếp nhận hồ sơ và hẹn trả kết quả"),
        lambda dossier: dossier.received_at is not None and dossier.due_at is not None,
        content.receipt,
    ),
    DocumentKind(
        "phieu-bo-sung",
        _("Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ"),
        lambda dossier: dossier.events.filter(action="request_supplement").exists(),
        content.supplement_request,
    ),
    DocumentKind(
        "phieu-tu-choi",
        _("Phiếu từ chối tiếp nhận, giải quyết hồ sơ"),
        lambda dossier: dossier.status in (Status.REFUSED, Status.REJECTED),
        content.refusal,
    ),
    DocumentKind(
        "phieu-xin-loi",
        _("Phiếu xin lỗi và hẹn lại ngày trả kết quả"),
        lambda dossier: dossier.apology_at is not None and dossier.events.filter(action="apologize").exists(),
        content.apology,
    ),
    DocumentKind(
        "phieu-kiem-soat",
        _("Phiếu kiểm soát quá trình giải quyết hồ sơ"),
        lambda dossier: dossier.status != Status.DRAFT,
        content.control_sheet,
        officers_only=True,
    ),
    DocumentKind(
        "giay-khai-sinh",
        _("Giấy khai sinh"),
        _result_for(FormKind.BIRTH, FormKind.BIRTH_3IN1),
        content.birth_certificate,
        is_result=True,
    ),
    DocumentKind(
        "trich-luc-khai-tu",
        _("Trích lục khai tử"),
        _result_for(FormKind.DEATH, FormKind.DEATH_RESIDENCE),
        content.death_extract,
        is_result=True,
    ),
    DocumentKind(
        "giay-chung-nhan-ket-hon",
        _("Giấy chứng nhận kết hôn"),
        _result_for(FormKind.MARRIAGE),
        content.marriage_certificate,
        is_result=True,
    ),
    DocumentKind(
        "giay-xac-nhan-tinh-trang-hon-nhan",
        _("Giấy xác nhận tình trạng hôn nhân"),
        _result_for(FormKind.MARITAL_STATUS),
        content.marital_status_certificate,
        is_result=True,
    ),
    DocumentKind(
        "ban-sao-trich-luc",
        _("Bản sao trích lục hộ tịch"),
        _result_for(FormKind.EXTRACT_COPY),
        content.extract_copy,
        is_result=True,
    ),
)
KIND_BY_SLUG = {kind.slug: kind for kind in KINDS}


def document_kind(slug: str) -> DocumentKind | None:
    return KIND_BY_SLUG.get(slug)


def available_documents(dossier: Dossier, user) -> list[DocumentKind]:
    """The documents `user` may print for a dossier they may see (the caller checked that), in form order.

    Officers get every issued document, the control sheet included, and the result as soon as it is signed;
    the requester gets the slips meant for them and the result once it is ready to hand over.
    """
    officer = user is not None and user.is_authenticated and not user.is_citizen
    return [
        kind
        for kind in KINDS
        if (officer or not kind.officers_only)
        and (officer or not kind.is_result or dossier.status in RESULT_RELEASED)
        and kind.issued(dossier)
    ]


def issued_documents(dossier: Dossier) -> list[DocumentKind]:
    """The documents that exist for the dossier and were meant for the requester: what the public page confirms."""
    return [kind for kind in KINDS if not kind.officers_only and kind.issued(dossier)]


def render_document(kind: str, dossier: Dossier) -> bytes:
    """The PDF of one document of the dossier; DocumentNotIssued when the dossier has not reached it.

    Always in Vietnamese: these are official papers, whatever language the person browses in.
    """
    document = KIND_BY_SLUG.get(kind)
    if document is None or not document.issued(dossier):
        raise DocumentNotIssued(kind)
    # Paragraphs look their font up as they are built, so it is registered before the first one.
    register_fonts()
    with translation.override("vi"):
        return render(document.build(content.Facts(dossier)))


def mask_name(name: str) -> str:
    """The family name and initials ("Nguyễn M. A."): enough to match a paper in hand, not to find a person."""
    words = unicodedata.normalize("NFC", name).split()
    if not words:
        return ""
    return " ".join([words[0], *(f"{word[0].upper()}." for word in words[1:])])
