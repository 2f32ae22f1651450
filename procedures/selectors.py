"""Reads of dossiers: every query that depends on who asks goes through here."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from egov.accounts.jurisdiction import filter_to_jurisdiction
from procedures.models import Dossier, Procedure, Status


def procedures_active() -> QuerySet[Procedure]:
    return Procedure.objects.filter(is_active=True).order_by("position", "code")


def dossiers_of_citizen(user) -> QuerySet[Dossier]:
    """The citizen's own dossiers, newest first."""
    return Dossier.objects.filter(applicant=user).select_related("procedure", "unit").order_by("-created_at")


def dossier_of_citizen(user, uuid) -> Dossier:
    """One of the citizen's own dossiers; any other dossier is a 404, so its existence is not revealed."""
    return get_object_or_404(dossiers_of_citizen(user), uuid=uuid)


def dossiers_in_jurisdiction(user) -> QuerySet[Dossier]:
    """Dossiers an officer may see: those received by a unit in the officer's jurisdiction."""
    return filter_to_jurisdiction(Dossier.objects.select_related("procedure", "unit", "applicant"), user)


def dossier_for_viewer(user, uuid) -> Dossier:
    """A dossier the user may look at: their own (citizen) or one in their jurisdiction (officer); else 404."""
    if user.is_citizen:
        return dossier_of_citizen(user, uuid)
    return get_object_or_404(dossiers_in_jurisdiction(user), uuid=uuid)


def dossier_public_status(*, code: str, phone: str) -> Dossier | None:
    """The filed dossier with this code and contact phone, for the public look-up (which shows its status only)."""
    return (
        Dossier.objects.filter(code=code, contact_phone=phone)
        .exclude(status=Status.DRAFT)
        .select_related("procedure")
        .first()
    )
