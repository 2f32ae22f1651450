"""The one rule deciding which administrative units an officer may see and act for; every officer selector uses it.

`visible_unit_ids(user)` returns None for "every unit" (city staff), an empty set for citizens and for anyone
without a unit, and otherwise the ids of the officer's own unit and of the units whose records it holds or
oversees. `acting_unit_ids(user)` is the part of that an officer may change things in: none for a unit that no
longer exists (its accounts read history only). Selectors filter with `filter_to_jurisdiction(queryset, user,
unit_field=...)` instead of re-deriving it. See docs/adr/0006-jurisdiction.md and 0011.
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from egov.accounts.models import Role, User
from egov.units.models import AdministrativeUnit, UnitLevel
from egov.units.selectors import held_unit_ids, holder_on, unit_is_current

# Roles that act on dossiers of their commune.
COMMUNE_ROLES = frozenset({Role.ONE_STOP, Role.JUSTICE, Role.LEADER})
# Roles that read what reaches their agency (the linked records) and never act on a dossier.
AGENCY_ROLES = frozenset({Role.POLICE, Role.SOCIAL_INSURANCE})

# Cached on the user object: a request asks several times (permission checks, selectors), the answer is the same.
_VISIBLE = "_jurisdiction_visible"
_UNIT = "_jurisdiction_unit"


def _unit(user: User) -> AdministrativeUnit | None:
    if User._meta.get_field("unit").is_cached(user):
        return user.unit
    if not hasattr(user, _UNIT):
        setattr(user, _UNIT, AdministrativeUnit.objects.filter(pk=user.unit_id).first() if user.unit_id else None)
    return getattr(user, _UNIT)


def visible_unit_ids(user: User) -> frozenset[int] | None:
    """Unit ids the user may see, or None meaning every unit.

    - An officer of a commune that exists today sees it and every old commune whose records it holds (its
      predecessors' dossiers and register books, ADR 0011); of an abolished commune, that commune only.
    - An officer of a district (district staff; police and social insurance before the reform) sees the district
      and its communes, whatever their validity dates, so history stays visible after a reform.
    """
    if not user.is_authenticated or not user.is_active or user.role == Role.CITIZEN:
        return frozenset()
    if user.role == Role.CITY:
        return None
    if user.unit_id is None or user.role not in COMMUNE_ROLES | AGENCY_ROLES | {Role.DISTRICT}:
        return frozenset()
    if not hasattr(user, _VISIBLE):
        setattr(user, _VISIBLE, _visible(user))
    return getattr(user, _VISIBLE)


def _visible(user: User) -> frozenset[int]:
    unit = _unit(user)
    if unit is None:
        return frozenset()
    if unit.level == UnitLevel.DISTRICT:
        communes = AdministrativeUnit.objects.filter(parent_id=unit.pk, level=UnitLevel.COMMUNE)
        return frozenset({unit.pk, *communes.values_list("pk", flat=True)})
    if unit.level == UnitLevel.COMMUNE:
        return held_unit_ids(unit.pk) if unit_is_current(unit) else frozenset({unit.pk})
    return frozenset()


def acting_unit_ids(user: User) -> frozenset[int]:
    """The units whose dossiers the user may act on (receive, process, sign…): for an officer of a commune that
    exists today, the commune and the old communes whose records it holds; nothing for anyone else."""
    if not user.is_authenticated or not user.is_active or user.role not in COMMUNE_ROLES or user.unit_id is None:
        return frozenset()
    unit = _unit(user)
    if unit is None or unit.level != UnitLevel.COMMUNE or not unit_is_current(unit):
        return frozenset()
    return visible_unit_ids(user) or frozenset()


def reads_history_only(user: User) -> bool:
    """An officer whose unit no longer exists (a district, or a commune merged away): their account reads the
    records of before the reform and changes nothing."""
    if not user.is_authenticated or user.role in (Role.CITIZEN, Role.CITY) or user.unit_id is None:
        return False
    unit = _unit(user)
    return unit is not None and not unit_is_current(unit)


# What a refused action says to an account that reads history only; its pages say more (history_only()).
HISTORY_ONLY_MESSAGE = _(
    "Đơn vị của bạn không còn từ sau khi sắp xếp đơn vị hành chính; tài khoản chỉ xem hồ sơ trước đó, "
    "không tiếp nhận hay xử lý hồ sơ."
)


@dataclass(frozen=True)
class HistoryOnly:
    """Why an account reads history only: its unit, the unit's last day (None if it has not begun yet), and for
    a commune the successor that holds its dossiers and register books today."""

    unit: AdministrativeUnit
    last_day: date | None
    holder: AdministrativeUnit | None


def history_only(user: User) -> HistoryOnly | None:
    """What the pages of an account that reads history only tell it (None for everyone else)."""
    if not reads_history_only(user):
        return None
    unit = _unit(user)
    holder = None
    if unit.level == UnitLevel.COMMUNE:
        holder = holder_on(unit, timezone.localdate())
        holder = None if holder.pk == unit.pk else holder
    return HistoryOnly(unit=unit, last_day=unit.valid_to, holder=holder)


def in_jurisdiction(user: User, unit: AdministrativeUnit | int) -> bool:
    """Whether the user may see things of `unit` (a unit or its id)."""
    ids = visible_unit_ids(user)
    unit_id = unit if isinstance(unit, int) else unit.pk
    return ids is None or unit_id in ids


def filter_to_jurisdiction[Q: QuerySet](queryset: Q, user: User, *, unit_field: str = "unit") -> Q:
    """Restrict `queryset` to rows whose `unit_field` (a foreign key to a unit) the user may see."""
    ids = visible_unit_ids(user)
    if ids is None:
        return queryset
    if not ids:
        return queryset.none()
    return queryset.filter(**{f"{unit_field}__in": ids})


def communes_in_jurisdiction(user: User) -> QuerySet[AdministrativeUnit]:
    """The commune-level units the user may see (all communes for city staff, none for citizens)."""
    return filter_to_jurisdiction(AdministrativeUnit.objects.communes(), user, unit_field="pk")
