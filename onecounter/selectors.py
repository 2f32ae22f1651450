"""Reads for the officers' workspace: the worklists with their counts, search and filters, and the audit log."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from egov.accounts.gates import audit_readers
from egov.accounts.jurisdiction import filter_to_jurisdiction, reads_history_only
from egov.accounts.models import Role
from procedures.models import (
    CLOCK_RUNNING_STATUSES,
    FINAL_STATUSES,
    Channel,
    Dossier,
    DossierAccess,
    DossierEvent,
    Status,
)
from procedures.selectors import dossiers_open_to


def _today_bounds(now: datetime) -> tuple[datetime, datetime]:
    start = timezone.make_aware(datetime.combine(timezone.localtime(now).date(), time.min))
    return start, start + timedelta(days=1)


def _overdue(now: datetime) -> Q:
    return Q(status__in=CLOCK_RUNNING_STATUSES, due_at__lt=now)


def _due_today(now: datetime) -> Q:
    start, end = _today_bounds(now)
    return Q(status__in=CLOCK_RUNNING_STATUSES, due_at__gte=now, due_at__lt=end)


@dataclass(frozen=True)
class Worklist:
    """One list of the workspace: which dossiers it holds (a Q built at the moment of asking) and for whom."""

    slug: str
    title: Promise
    condition: Callable[[datetime], Q]
    # Roles whose work this list is; others see it too but it is not in their first row of tabs.
    roles: frozenset[str]
    # Lists of dossiers still open are counted in the tabs; counting every dossier ever filed is not worth
    # a scan that grows each year.
    counted: bool = True


COMMUNE_DESKS = frozenset({Role.ONE_STOP, Role.JUSTICE, Role.LEADER})

WORKLISTS: tuple[Worklist, ...] = (
    Worklist(
        "cho-tiep-nhan",
        _("Chờ tiếp nhận"),
        lambda now: Q(status=Status.SUBMITTED),
        frozenset({Role.ONE_STOP}),
    ),
    Worklist(
        "da-tiep-nhan",
        _("Chờ giải quyết"),
        lambda now: Q(status=Status.RECEIVED),
        frozenset({Role.JUSTICE}),
    ),
    Worklist(
        "dang-giai-quyet",
        _("Đang giải quyết"),
        lambda now: Q(status=Status.PROCESSING),
        frozenset({Role.JUSTICE}),
    ),
    Worklist(
        "cho-ky",
        _("Chờ ký"),
        lambda now: Q(status=Status.AWAITING_SIGNATURE),
        frozenset({Role.LEADER, Role.JUSTICE}),
    ),
    Worklist(
        "cho-tra",
        _("Chờ trả kết quả"),
        lambda now: Q(status=Status.RESULT_READY),
        frozenset({Role.ONE_STOP}),
    ),
    Worklist(
        "cho-bo-sung",
        _("Chờ bổ sung"),
        lambda now: Q(status=Status.NEEDS_SUPPLEMENT),
        frozenset({Role.ONE_STOP, Role.JUSTICE}),
    ),
    Worklist(
        "cho-lien-thong",
        _("Chờ liên thông"),
        lambda now: Q(status=Status.REGISTERED),
        frozenset({Role.ONE_STOP, Role.JUSTICE}),
    ),
    Worklist("qua-han", _("Quá hạn"), _overdue, COMMUNE_DESKS),
    Worklist("den-han-hom-nay", _("Đến hạn hôm nay"), _due_today, COMMUNE_DESKS),
    Worklist(
        "dang-nhap",
        _("Đang nhập tại quầy"),
        lambda now: Q(status=Status.DRAFT) & ~Q(channel=Channel.ONLINE_SELF),
        frozenset({Role.ONE_STOP}),
    ),
    Worklist("tat-ca", _("Tất cả"), lambda now: ~Q(status=Status.DRAFT), frozenset(), counted=False),
)
WORKLIST_BY_SLUG = {worklist.slug: worklist for worklist in WORKLISTS}

# The list an officer lands on.
DEFAULT_WORKLIST: dict[str, str] = {
    Role.ONE_STOP: "cho-tiep-nhan",
    Role.JUSTICE: "da-tiep-nhan",
    Role.LEADER: "cho-ky",
}


def default_worklist(user) -> str:
    """The list an officer lands on: their desk's work, or every dossier for one who reads history only."""
    if reads_history_only(user):
        return "tat-ca"
    return DEFAULT_WORKLIST.get(user.role, "tat-ca")


def _workspace_dossiers(user) -> QuerySet[Dossier]:
    """What an officer's lists are made of: the dossiers the officer may open (`dossiers_open_to`)."""
    return dossiers_open_to(user)


def worklist_counts(user, *, now: datetime | None = None) -> dict[str, int | None]:
    """How many dossiers each counted list holds for the officer (None for the others), in one query
    over the open dossiers only, so its cost follows the work in hand rather than the archive."""
    now = now or timezone.now()
    counted = [worklist for worklist in WORKLISTS if worklist.counted]
    aggregates = {worklist.slug: Count("pk", filter=worklist.condition(now)) for worklist in counted}
    # A positive list of states, so the (unit, status) index is used rather than a scan of the archive.
    open_statuses = [status for status in Status.values if status not in FINAL_STATUSES]
    open_dossiers = _workspace_dossiers(user).filter(status__in=open_statuses).order_by()
    counts: dict[str, int | None] = {worklist.slug: None for worklist in WORKLISTS}
    counts.update(open_dossiers.aggregate(**aggregates))
    return counts


@dataclass(frozen=True)
class WorklistQuery:
    """The search and filters of a list, as cleaned by the filter form."""

    text: str = ""
    procedure_id: int | None = None
    channel: str = ""
    status: str = ""
    date_from: date | None = None
    date_to: date | None = None


def _search(queryset: QuerySet[Dossier], text: str) -> QuerySet[Dossier]:
    text = text.strip()
    if not text:
        return queryset
    digits = "".join(ch for ch in text if ch.isdigit())
    condition = (
        Q(code__icontains=text)
        | Q(requester_name__icontains=text)
        | Q(applicant__full_name__icontains=text)
        | Q(contact_phone=text)
    )
    if len(digits) == 12 and digits == text.replace(" ", ""):
        # An ID number: the applicant's account or any ID number typed in the declaration.
        condition |= Q(applicant__id_number=digits) | Q(data__icontains=digits)
    return queryset.filter(condition)


def worklist_dossiers(user, slug: str, query: WorklistQuery, *, now: datetime | None = None) -> QuerySet[Dossier]:
    """The dossiers of one list for the officer, searched and filtered, the most urgent first."""
    now = now or timezone.now()
    queryset = _workspace_dossiers(user).filter(WORKLIST_BY_SLUG[slug].condition(now))
    queryset = _search(queryset, query.text)
    if query.procedure_id:
        queryset = queryset.filter(procedure_id=query.procedure_id)
    if query.channel:
        queryset = queryset.filter(channel=query.channel)
    if query.status:
        queryset = queryset.filter(status=query.status)
    if query.date_from:
        queryset = queryset.filter(submitted_at__date__gte=query.date_from)
    if query.date_to:
        queryset = queryset.filter(submitted_at__date__lte=query.date_to)
    queryset = queryset.select_related("unit", "procedure", "applicant", "assignee")
    if not WORKLIST_BY_SLUG[slug].counted:
        # The archive: newest first, which an index serves without sorting every dossier ever filed.
        return queryset.order_by("-submitted_at", "-pk")
    # Work in hand: due soonest first (dossiers without a due time after), then the oldest filed.
    return queryset.order_by("due_at", "submitted_at", "pk")


def dossier_for_officer(user, uuid) -> Dossier:
    """One dossier the officer may open (`dossiers_open_to`), with what the workspace page shows; else 404."""
    return get_object_or_404(dossiers_open_to(user).select_related("assignee", "unit__parent"), uuid=uuid)


def may_read_audit(user) -> bool:
    return audit_readers.admits(user)


def audit_accesses(user, *, text: str = "") -> QuerySet[DossierAccess]:
    """Who opened which dossier, newest first, within the reader's jurisdiction."""
    queryset = filter_to_jurisdiction(DossierAccess.objects.all(), user, unit_field="dossier__unit")
    if text:
        queryset = queryset.filter(Q(dossier__code__icontains=text) | Q(user__username__icontains=text))
    return queryset.select_related("dossier", "user").order_by("-at", "-pk")


def audit_events(user, *, text: str = "") -> QuerySet[DossierEvent]:
    """Who did what to which dossier, newest first, within the reader's jurisdiction."""
    queryset = filter_to_jurisdiction(DossierEvent.objects.all(), user, unit_field="dossier__unit")
    if text:
        queryset = queryset.filter(Q(dossier__code__icontains=text) | Q(actor__username__icontains=text))
    return queryset.select_related("dossier", "actor").order_by("-at", "-pk")
