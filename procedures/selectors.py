"""Reads of dossiers: every query that depends on who asks goes through here."""

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from egov.accounts.jurisdiction import AGENCY_ROLES, acting_unit_ids, filter_to_jurisdiction
from egov.accounts.models import Role
from procedures.models import EDITABLE_STATUSES, Channel, Dossier, DossierAccess, Procedure, Status


def procedures_active() -> QuerySet[Procedure]:
    return Procedure.objects.filter(is_active=True).order_by("position", "code")


def dossiers_of_citizen(user) -> QuerySet[Dossier]:
    """The citizen's own dossiers, newest first.

    A paper dossier that a one-stop officer is still entering for them is not shown until it is filed:
    the citizen could neither finish nor file it.
    """
    return (
        Dossier.objects.filter(applicant=user)
        .filter(Q(channel=Channel.ONLINE_SELF) | ~Q(status=Status.DRAFT))
        .select_related("procedure", "unit")
        .order_by("-created_at")
    )


def dossiers_in_hand(user, *, procedure: Procedure) -> QuerySet[Dossier]:
    """The citizen's dossiers of `procedure` waiting for them: drafts, and dossiers to supplement; newest first."""
    return dossiers_of_citizen(user).filter(procedure=procedure, status__in=EDITABLE_STATUSES)


def dossier_of_citizen(user, uuid) -> Dossier:
    """One of the citizen's own dossiers; any other dossier is a 404, so its existence is not revealed."""
    return get_object_or_404(dossiers_of_citizen(user), uuid=uuid)


def dossiers_in_jurisdiction(user) -> QuerySet[Dossier]:
    """Dossiers an officer may see: those received by a unit in the officer's jurisdiction."""
    return filter_to_jurisdiction(Dossier.objects.select_related("procedure", "unit", "applicant"), user)


def dossiers_open_to(user) -> QuerySet[Dossier]:
    """The dossiers whose page, attachments and printed documents `user` may open: the one rule for all of them.

    - A citizen: their own (`dossiers_of_citizen`), their online drafts included.
    - An officer (commune desks, district and city staff): the filed dossiers of their jurisdiction. A draft is
      not filed: a citizen's online draft belongs to that citizen alone until they submit it, and a draft being
      entered at the counter only to the officers of the commune that may act on it (never district or city staff).
    - A police or social-insurance officer: none. Their agency receives the linked record, and they read exactly
      what it carries on the record's page (`interconnect.selectors.linked_record_for_officer`). No printed
      document is that: the certificate and the extract also hold the requester's papers, the cause of death and
      the other agency's result, and the scans and the control sheet are the commune's.
    """
    if user.is_citizen:
        return dossiers_of_citizen(user)
    if user.role in AGENCY_ROLES:
        return Dossier.objects.none()
    counter_drafts_here = Q(status=Status.DRAFT, unit_id__in=acting_unit_ids(user)) & ~Q(channel=Channel.ONLINE_SELF)
    return dossiers_in_jurisdiction(user).filter(~Q(status=Status.DRAFT) | counter_drafts_here)


def dossier_for_viewer(user, uuid) -> Dossier:
    """One dossier of `dossiers_open_to(user)`; any other is a 404, so its existence is not revealed."""
    return get_object_or_404(dossiers_open_to(user), uuid=uuid)


def dossiers_filed_by(user) -> QuerySet[Dossier]:
    """Dossiers the user files through the filing pages: a citizen's own; for a one-stop officer, the counter,
    post and assisted dossiers of their unit (never a citizen's own online dossier). Anyone else files none."""
    if user.is_citizen:
        return dossiers_of_citizen(user)
    if user.role == Role.ONE_STOP:
        # Only where the officer may act: an abolished commune's accounts read its dossiers but file none.
        dossiers = Dossier.objects.select_related("procedure", "unit", "applicant")
        return dossiers.filter(unit_id__in=acting_unit_ids(user)).exclude(channel=Channel.ONLINE_SELF)
    return Dossier.objects.none()


def dossier_filed_by(user, uuid) -> Dossier:
    """One dossier of `dossiers_filed_by`, whatever its state (for the submit and confirmation pages); else 404."""
    return get_object_or_404(dossiers_filed_by(user), uuid=uuid)


def dossier_to_edit(user, uuid) -> Dossier:
    """A dossier of `dossiers_filed_by` that may still be changed (a draft, or one sent back for a supplement).

    Any other dossier is a 404, so a citizen or an officer of another commune does not learn that it exists.
    """
    editable = dossiers_filed_by(user).filter(status__in=EDITABLE_STATUSES).select_related("applicant")
    return get_object_or_404(editable, uuid=uuid)


def dossier_public_status(*, code: str, phone: str) -> Dossier | None:
    """The filed dossier with this code and contact phone, for the public look-up (which shows its status only)."""
    return (
        Dossier.objects.filter(code=code, contact_phone=phone)
        .exclude(status=Status.DRAFT)
        .select_related("procedure")
        .first()
    )


@dataclass(frozen=True)
class AccessSummary:
    """The latest looks at a dossier by officers and agencies, and how many older ones there are besides."""

    latest: list[DossierAccess]
    older: int


def dossier_accesses_for_owner(*, dossier: Dossier, limit: int = 10) -> AccessSummary:
    """Who opened the dossier or its files, newest first, for its requester's page (the requester's own looks are
    never recorded); each access knows its officer and the officer's unit."""
    accesses = dossier.accesses.select_related("user__unit").order_by("-at", "-pk")
    latest = list(accesses[:limit])
    older = accesses.count() - len(latest) if len(latest) == limit else 0
    return AccessSummary(latest=latest, older=older)
