"""What each linked record asks of its agency: the kinds a procedure triggers and the protocol's request body."""

import uuid
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from interconnect.models import RecordKind
from procedures.models import Agency, Dossier, FormKind, Procedure

# The record each agency gets for each form. An agency listed on a procedure whose form is not here gets no
# record: there is nothing the protocol could ask it for.
KIND_OF: dict[tuple[str, str], str] = {
    (FormKind.BIRTH_3IN1, Agency.POLICE): RecordKind.REGISTER_RESIDENCE,
    (FormKind.BIRTH_3IN1, Agency.SOCIAL_INSURANCE): RecordKind.HEALTH_CARD,
    (FormKind.DEATH_RESIDENCE, Agency.POLICE): RecordKind.REMOVE_RESIDENCE,
}
# The declaration step that names the household a residence is registered in or removed from.
HOUSEHOLD_STEP = {RecordKind.REGISTER_RESIDENCE: "thuong-tru-bhyt", RecordKind.REMOVE_RESIDENCE: "xoa-thuong-tru"}


def record_kinds(procedure: Procedure) -> list[tuple[str, str]]:
    """(agency, kind) of every linked record an approved dossier of `procedure` opens, in catalogue order."""
    return [
        (agency, KIND_OF[procedure.form_kind, agency])
        for agency in procedure.agencies
        if (procedure.form_kind, agency) in KIND_OF
    ]


def callback_url(agency: str) -> str:
    path = reverse("interconnect:callback", kwargs={"agency": agency})
    return settings.INTERCONNECT_CALLBACK_BASE_URL.rstrip("/") + path


def _person(dossier: Dossier, kind: str) -> dict[str, str]:
    if kind == RecordKind.REMOVE_RESIDENCE:
        person = dossier.data.get("nguoi-da-mat", {})
        id_number = person.get("id_number") or ""
    else:
        person = dossier.data.get("tre-em", {})
        # A newborn's number is the one the population database gave at registration, if any.
        id_number = dossier.register_entry.personal_id_number
    return {
        "full_name": person.get("full_name", ""),
        "sex": person.get("sex", ""),
        # A date "YYYY-MM-DD"; only the year ("1940") when the declaration knew no more (a deceased person).
        "birth_date": person.get("birth_date", ""),
        "personal_id_number": id_number,
        "ethnicity": person.get("ethnicity", ""),
        "nationality": person.get("nationality", ""),
    }


def record_payload(*, dossier: Dossier, agency: str, kind: str, record_uuid: uuid.UUID) -> dict[str, Any]:
    """The request body of docs/interconnect-protocol.md for one record, from the dossier's declaration and entry."""
    entry = dossier.register_entry
    data = dossier.data
    payload: dict[str, Any] = {
        "id": str(record_uuid),
        "kind": str(kind),
        "dossier_code": dossier.code,
        # The commune whose register holds the entry: since a reform, the successor that registered a dossier filed
        # at a commune merged away (procedures.numbering.register_entry_create).
        "unit_code": entry.unit.code,
        "unit_name": entry.unit.name,
        "registered_on": timezone.localdate(entry.registered_at).isoformat(),
        "register_number": str(entry.number),
        "register_book": entry.book_number,
        "callback_url": callback_url(agency),
        "person": _person(dossier, kind),
    }
    if kind in HOUSEHOLD_STEP:
        household = data.get(HOUSEHOLD_STEP[kind], {})
        payload["household"] = {
            "head_name": household.get("household_head", ""),
            "address": household.get("household_address", ""),
            "register_number": household.get("register_number") or "",
            "relationship_to_head": household.get("relationship_to_head", ""),
        }
    if kind == RecordKind.REMOVE_RESIDENCE:
        death = data.get("viec-tu", {})
        payload["death"] = {"date": death.get("death_date", ""), "place": death.get("death_place", "")}
    if kind == RecordKind.HEALTH_CARD:
        payload["health_facility"] = data.get("thuong-tru-bhyt", {}).get("health_facility", "")
    if kind in (RecordKind.REGISTER_RESIDENCE, RecordKind.HEALTH_CARD):
        payload["parents"] = {
            "mother": data.get("me", {}).get("full_name", ""),
            # "" when no father was declared.
            "father": data.get("cha", {}).get("full_name") or "",
        }
    return payload
