"""The one rule deciding which administrative units an officer may see; every officer selector uses it.

`visible_unit_ids(user)` returns None for "every unit" (city staff), an empty set for citizens and for
anyone without a unit, and otherwise the ids of the officer's own unit and of the communes under it.
Selectors filter with `filter_to_jurisdiction(queryset, user, unit_field=...)` instead of re-deriving it.
"""

from django.db.models import QuerySet

from egov.accounts.models import ROLE_UNIT_LEVEL, Role, User
from egov.units.models import AdministrativeUnit, UnitLevel

# Roles that see the communes of their district (police and social insurance read the linked records).
DISTRICT_ROLES = frozenset(role for role, level in ROLE_UNIT_LEVEL.items() if level == UnitLevel.DISTRICT)
COMMUNE_ROLES = frozenset(role for role, level in ROLE_UNIT_LEVEL.items() if level == UnitLevel.COMMUNE)


def visible_unit_ids(user: User) -> frozenset[int] | None:
    """Unit ids the user may see, or None meaning every unit.

    A district's communes are taken whatever their validity dates, so a district officer still sees the
    dossiers of a commune that was merged away.
    """
    if not user.is_authenticated or not user.is_active or user.role == Role.CITIZEN:
        return frozenset()
    if user.role == Role.CITY:
        return None
    if user.unit_id is None:
        return frozenset()
    if user.role in COMMUNE_ROLES:
        return frozenset({user.unit_id})
    if user.role in DISTRICT_ROLES:
        communes = AdministrativeUnit.objects.filter(parent_id=user.unit_id, level=UnitLevel.COMMUNE)
        return frozenset({user.unit_id, *communes.values_list("pk", flat=True)})
    return frozenset()


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
