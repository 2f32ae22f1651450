"""Reads of linked records: who sees which, the officers' queue and its counts, one record with its logs, and
the agencies' results and payloads in the words people read."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Count, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from egov.accounts.id_number import Sex
from egov.accounts.jurisdiction import filter_to_jurisdiction, visible_unit_ids
from egov.accounts.models import Role
from egov.units.models import AdministrativeUnit, UnitLevel
from interconnect.models import (
    FINAL_RECORD_STATUSES,
    AgencyCallback,
    LinkedRecord,
    LinkedRecordAttempt,
    RecordKind,
    RecordStatus,
)
from procedures.models import Agency, Dossier

# An agency's officers read the records sent to their own agency only (police: residence; BHXH: health cards).
AGENCY_OF_ROLE: dict[str, str] = {Role.POLICE: Agency.POLICE, Role.SOCIAL_INSURANCE: Agency.SOCIAL_INSURANCE}
NOT_FINAL = [status for status in RecordStatus.values if status not in FINAL_RECORD_STATUSES]


def linked_records_visible(user) -> QuerySet[LinkedRecord]:
    """The linked records `user` may read: of the communes in their jurisdiction, and of their own agency for a
    police or social-insurance officer; none for a citizen."""
    queryset = filter_to_jurisdiction(LinkedRecord.objects.all(), user, unit_field="dossier__unit")
    agency = AGENCY_OF_ROLE.get(getattr(user, "role", None))
    if agency is not None:
        queryset = queryset.filter(agency=agency)
    return queryset


def agency_scope(user) -> str:
    """Whose records an agency's officer reads, in words: their commune and the old communes it holds, or the
    communes of their district of before the reform."""
    unit = AdministrativeUnit.objects.filter(pk=user.unit_id).first()
    if unit is None:
        return ""
    if unit.level == UnitLevel.DISTRICT:
        if unit.valid_to is None:
            return _("các xã, phường của %(unit)s") % {"unit": unit.name}
        return _("các xã, phường của %(unit)s đến hết ngày %(day)s") % {
            "unit": unit.name,
            "day": unit.valid_to.strftime("%d/%m/%Y"),
        }
    held = (visible_unit_ids(user) or frozenset()) - {unit.pk}
    names = list(AdministrativeUnit.objects.filter(pk__in=held).order_by("name").values_list("name", flat=True))
    if not names:
        return unit.name
    return _("%(unit)s, kể cả hồ sơ của %(held)s mà %(unit)s đang giữ") % {"unit": unit.name, "held": ", ".join(names)}


def _late(now: datetime) -> Q:
    return Q(status__in=NOT_FINAL, due_at__lt=now)


def is_late(record: LinkedRecord, now: datetime | None = None) -> bool:
    """The agency's time is up and the record is not answered (a failed record counts: it was never received)."""
    now = now or timezone.now()
    return not record.is_final and record.due_at is not None and record.due_at < now


@dataclass(frozen=True)
class QueueState:
    """One filter of the queue by state: its URL value, its name and the records it holds at a given moment."""

    slug: str
    title: Promise
    condition: Callable[[datetime], Q]
    # Open states are counted; counting every record ever completed would grow with the archive.
    counted: bool = True
    # Needs an officer: its count is shown in red.
    alert: bool = False
    # Work in hand is listed by the agency's due time, soonest first; the rest newest first.
    by_due: bool = False


QUEUE_STATES: tuple[QueueState, ...] = (
    QueueState("", _("Tất cả"), lambda now: Q(), counted=False),
    QueueState("gui-loi", _("Gửi không được"), lambda now: Q(status=RecordStatus.FAILED), alert=True, by_due=True),
    QueueState("qua-han", _("Quá hạn"), _late, alert=True, by_due=True),
    QueueState("cho-gui", _("Chờ gửi"), lambda now: Q(status=RecordStatus.PENDING), by_due=True),
    QueueState("da-gui", _("Đã gửi, chờ trả lời"), lambda now: Q(status=RecordStatus.SENT), by_due=True),
    QueueState("tu-choi", _("Cơ quan từ chối"), lambda now: Q(status=RecordStatus.REJECTED)),
    QueueState("da-xong", _("Đã xong"), lambda now: Q(status=RecordStatus.COMPLETED), counted=False),
)
QUEUE_STATE_BY_SLUG = {state.slug: state for state in QUEUE_STATES}


@dataclass(frozen=True)
class QueueQuery:
    """The filters of the queue: a state slug of QUEUE_STATES, an agency, part of a dossier code."""

    state: str = ""
    agency: str = ""
    text: str = ""


def linked_record_counts(user, *, now: datetime | None = None) -> dict[str, int | None]:
    """How many visible records each counted state holds (None for the others), in one query over the records
    not completed, so the cost follows the work in hand rather than the archive."""
    now = now or timezone.now()
    counted = [state for state in QUEUE_STATES if state.counted]
    # A positive list of states, so the status index is used rather than a scan of every record.
    unfinished = [*NOT_FINAL, RecordStatus.REJECTED]
    open_records = linked_records_visible(user).filter(status__in=unfinished).order_by()
    counts: dict[str, int | None] = {state.slug: None for state in QUEUE_STATES}
    counts.update(open_records.aggregate(**{state.slug: Count("pk", filter=state.condition(now)) for state in counted}))
    return counts


def linked_record_queue(user, query: QueueQuery, *, now: datetime | None = None) -> QuerySet[LinkedRecord]:
    """The visible records of one state (all by default), filtered; open work due soonest first, else newest first."""
    now = now or timezone.now()
    state = QUEUE_STATE_BY_SLUG.get(query.state, QUEUE_STATES[0])
    queryset = linked_records_visible(user).filter(state.condition(now))
    if query.agency:
        queryset = queryset.filter(agency=query.agency)
    if query.text.strip():
        queryset = queryset.filter(dossier__code__icontains=query.text.strip())
    queryset = queryset.select_related("dossier__register_entry__unit", "dossier__procedure")
    if state.by_due:
        return queryset.order_by("due_at", "created_at", "pk")
    return queryset.order_by("-created_at", "-pk")


def linked_record_for_officer(user, uuid) -> LinkedRecord:
    """One visible record with its dossier, its attempts and the agency's callbacks, oldest first; else 404."""
    queryset = linked_records_visible(user).select_related(
        "dossier__unit__parent", "dossier__register_entry__unit__parent", "dossier__procedure", "resent_by"
    )
    queryset = queryset.prefetch_related(
        Prefetch("attempts_log", queryset=LinkedRecordAttempt.objects.order_by("at", "pk")),
        Prefetch("callbacks", queryset=AgencyCallback.objects.order_by("received_at", "pk")),
    )
    return get_object_or_404(queryset, uuid=uuid)


def linked_records_of_dossier(dossier: Dossier) -> list[LinkedRecord]:
    """A dossier's records in the order they were opened (the caller checked the reader may see the dossier)."""
    return list(LinkedRecord.objects.filter(dossier=dossier).order_by("created_at", "pk"))


# --- results and payloads as people read them ----------------------------------------------------------------

# The result fields of each kind (docs/interconnect-protocol.md, "Results by kind"), labelled.
RESULT_LABELS: dict[str, tuple[tuple[str, Promise], ...]] = {
    RecordKind.REGISTER_RESIDENCE: (
        ("household_registration_number", _("Số hộ khẩu")),
        ("registered_on", _("Ngày đăng ký thường trú")),
    ),
    RecordKind.REMOVE_RESIDENCE: (
        ("removal_number", _("Số xóa đăng ký thường trú")),
        ("removed_on", _("Ngày xóa đăng ký thường trú")),
    ),
    RecordKind.HEALTH_CARD: (
        ("card_number", _("Số thẻ bảo hiểm y tế")),
        ("valid_from", _("Có giá trị từ ngày")),
        ("valid_to", _("Đến ngày")),
    ),
}


def day_shown(value: str) -> str:
    """A protocol date "2026-11-24" as people write it (24/11/2026); anything else (a bare year) as it is."""
    try:
        return date.fromisoformat(value).strftime("%d/%m/%Y")
    except (TypeError, ValueError):
        return value


def result_facts(record: LinkedRecord) -> dict[str, str]:
    """The agency's result by field name, dates dd/mm/yyyy ({} until the record is completed)."""
    if record.status != RecordStatus.COMPLETED:
        return {}
    return {name: day_shown(str(record.result.get(name, ""))) for name, _label in RESULT_LABELS[record.kind]}


def result_rows(record: LinkedRecord) -> list[tuple[Promise, str]]:
    """The agency's result as labelled rows, for the officer's pages and the printed result."""
    facts = result_facts(record)
    return [(label, facts[name]) for name, label in RESULT_LABELS[record.kind]] if facts else []


# The result in one phrase, for the citizen's page and the printed certificate.
RESULT_SUMMARY: dict[str, Promise] = {
    RecordKind.REGISTER_RESIDENCE: _(
        "số hộ khẩu %(household_registration_number)s, đăng ký thường trú ngày %(registered_on)s"
    ),
    RecordKind.REMOVE_RESIDENCE: _("số xóa đăng ký thường trú %(removal_number)s, ngày %(removed_on)s"),
    RecordKind.HEALTH_CARD: _("thẻ BHYT số %(card_number)s, có giá trị từ %(valid_from)s đến %(valid_to)s"),
}


def result_summary(record: LinkedRecord) -> str:
    """The agency's result in one phrase ("" until the record is completed)."""
    facts = result_facts(record)
    return str(RESULT_SUMMARY[record.kind]) % facts if facts else ""


def dossier_results(dossier: Dossier) -> list[tuple[LinkedRecord, str]]:
    """The completed records of a dossier in the order they were opened, each with its result_summary."""
    records = dossier.linked_records.filter(status=RecordStatus.COMPLETED).order_by("created_at", "pk")
    return [(record, result_summary(record)) for record in records]


PAYLOAD_LABELS: dict[str, Promise] = {
    "id": _("Mã hồ sơ liên thông (khóa chống gửi trùng)"),
    "kind": _("Nội dung liên thông"),
    "dossier_code": _("Mã hồ sơ"),
    "unit_code": _("Mã đơn vị đăng ký"),
    "unit_name": _("Nơi đăng ký"),
    "registered_on": _("Ngày đăng ký hộ tịch"),
    "register_number": _("Số đăng ký"),
    "register_book": _("Quyển số"),
    "health_facility": _("Nơi đăng ký khám chữa bệnh ban đầu"),
    "callback_url": _("Địa chỉ nhận trả lời"),
    "full_name": _("Họ, chữ đệm, tên"),
    "sex": _("Giới tính"),
    "birth_date": _("Ngày sinh"),
    "personal_id_number": _("Số định danh cá nhân"),
    "ethnicity": _("Dân tộc"),
    "nationality": _("Quốc tịch"),
    "head_name": _("Chủ hộ"),
    "address": _("Địa chỉ thường trú"),
    "relationship_to_head": _("Quan hệ với chủ hộ"),
    "date": _("Ngày chết"),
    "place": _("Nơi chết"),
    "mother": _("Mẹ"),
    "father": _("Cha"),
}
PAYLOAD_SECTIONS: dict[str, Promise] = {
    "": _("Việc đăng ký"),
    "person": _("Người được đăng ký"),
    "household": _("Hộ gia đình"),
    "death": _("Việc chết"),
    "parents": _("Cha, mẹ"),
}
# Inside "household", register_number is the household book's number, not the civil-status register's.
HOUSEHOLD_REGISTER_NUMBER = _("Số sổ hộ khẩu")


def _payload_value(key: str, value) -> str:
    if key == "kind" and value in RecordKind.values:
        return str(RecordKind(value).label)
    if key == "sex" and value in Sex.values:
        return str(Sex(value).label)
    if key in ("registered_on", "birth_date", "date"):
        return day_shown(str(value))
    return "" if value is None else str(value)


def _in_known_order(items, known) -> list:
    """PostgreSQL's jsonb does not keep the order keys were written in: put them back in the protocol's order
    (the order of `known`), unknown keys after, by name."""
    order = {key: position for position, key in enumerate(known)}
    return sorted(items, key=lambda item: (order.get(item[0], len(order)), item[0]))


def payload_sections(payload: dict) -> list[tuple[Promise | str, list[tuple[Promise | str, str]]]]:
    """The request body sent to the agency as titled groups of labelled rows, in the protocol's order; a field the
    portal does not know is shown under its own name rather than hidden."""
    sections: list[tuple[Promise | str, list[tuple[Promise | str, str]]]] = [(PAYLOAD_SECTIONS[""], [])]
    for key, value in _in_known_order(payload.items(), [*PAYLOAD_LABELS, *PAYLOAD_SECTIONS]):
        if isinstance(value, dict):
            rows = []
            for name, inner in _in_known_order(value.items(), PAYLOAD_LABELS):
                label = HOUSEHOLD_REGISTER_NUMBER if (key, name) == ("household", "register_number") else None
                rows.append((label or PAYLOAD_LABELS.get(name, name), _payload_value(name, inner)))
            sections.append((PAYLOAD_SECTIONS.get(key, key), rows))
        else:
            sections[0][1].append((PAYLOAD_LABELS.get(key, key), _payload_value(key, value)))
    return sections
