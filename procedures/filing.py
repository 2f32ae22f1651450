"""What a dossier still lacks before it can be filed: the review page lists it, the submit refuses to file with it."""

import dataclasses

from django.db.models import OuterRef, QuerySet, StringAgg, Subquery, Value
from django.utils.translation import gettext as _

from procedures import declarations
from procedures.declarations.steps import RequesterForm
from procedures.models import Attachment, Channel, Dossier

# Papers handed over at the counter or by post are checked on paper; their scans are welcome, not required.
PAPER_CHANNELS = frozenset({Channel.COUNTER, Channel.POST})


def filing_documents(dossier: Dossier) -> list[declarations.Document]:
    """The papers to upload; for a paper dossier none is required, since the officer holds the originals."""
    documents = declarations.documents_of(dossier.procedure)
    if dossier.channel in PAPER_CHANNELS:
        return [dataclasses.replace(document, required=False) for document in documents]
    return documents


# Between the document slugs of `with_uploaded_documents` (slugs have no spaces).
_SLUG_SEPARATOR = " "


def with_uploaded_documents(dossiers: QuerySet[Dossier]) -> QuerySet[Dossier]:
    """`dossiers`, each with the papers it has files for read in the same query (for `uploaded_documents`)."""
    papers = (
        Attachment.objects.filter(dossier=OuterRef("pk"))
        .order_by()
        .values("dossier")
        .annotate(slugs=StringAgg("document", Value(_SLUG_SEPARATOR)))
        .values("slugs")
    )
    return dossiers.annotate(uploaded_slugs=Subquery(papers))


def uploaded_documents(dossier: Dossier) -> set[str]:
    """The slugs of the papers the dossier has files for; read by `with_uploaded_documents` when it was."""
    if hasattr(dossier, "uploaded_slugs"):
        return set((dossier.uploaded_slugs or "").split(_SLUG_SEPARATOR)) - {""}
    return set(dossier.attachments.values_list("document", flat=True))


def filing_problems(dossier: Dossier, *, uploaded: set[str]) -> list[tuple[str, str]]:
    """(step, message) for every step that is unfinished or contradicts another, and every required paper not in
    `uploaded`; empty when ready to file."""
    procedure = dossier.procedure
    problems = [
        (slug, _("Phần “%(title)s” chưa khai đủ hoặc cần sửa.") % {"title": declarations.step_title(procedure, slug)})
        for slug in declarations.incomplete_steps(procedure, dossier.data)
    ]
    problems += [
        (declarations.ATTACHMENTS_STEP, _("Chưa tải lên “%(name)s”.") % {"name": document.name})
        for document in filing_documents(dossier)
        if document.required and document.slug not in uploaded
    ]
    return problems


def requester_name(dossier: Dossier) -> str:
    """The requester as declared: the requester step, or the first person of a declaration without one."""
    slugs = declarations.step_slugs(dossier.procedure)
    answers = dossier.data.get(RequesterForm.slug) or dossier.data.get(slugs[0]) or {}
    return str(answers.get("full_name") or "")
