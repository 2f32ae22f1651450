"""Reads of the unit trees across a reform: who holds an old unit's records, what a unit holds, the rollout as it
applies to each unit, and finding a commune by (part of) its name, today's or an old one."""

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Count, Min, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from egov.core.parsing import unaccented
from egov.units.models import AdministrativeUnit, UnitLevel, UnitRollout, UnitSuccession

# A reform is followed at most this many times over (Hanoi has had one since 2008); a guard against a cycle in data.
MAX_REFORMS = 5


def holder_on(unit: AdministrativeUnit, day: date) -> AdministrativeUnit:
    """The unit that holds `unit`'s dossiers and register books on `day`: the unit itself while it exists, then the
    successor that holds its records (and that one's, after a later reform)."""
    for _ in range(MAX_REFORMS):
        if unit.valid_to is None or day <= unit.valid_to:
            return unit
        link = (
            UnitSuccession.objects.select_related("new_unit__parent").filter(old_unit=unit, holds_records=True).first()
        )
        if link is None:
            return unit
        unit = link.new_unit
    return unit


def holders() -> dict[int, int]:
    """Old unit id → the id of the successor that holds its records, for every old unit (one query)."""
    return dict(UnitSuccession.objects.filter(holds_records=True).values_list("old_unit_id", "new_unit_id"))


def held_unit_ids(unit_id: int) -> frozenset[int]:
    """The unit and every unit whose records it holds (its predecessors through the holding links, and theirs), read
    a level at a time: one query when it holds none, two after one reform."""

    def predecessors(units: set[int]) -> set[int]:
        links = UnitSuccession.objects.filter(new_unit_id__in=units, holds_records=True)
        return set(links.values_list("old_unit_id", flat=True))

    return _closure(unit_id, predecessors)


def members_of(unit_ids: Iterable[int], *, links: dict[int, int] | None = None) -> dict[int, frozenset[int]]:
    """For each unit, the units whose history it carries in re-aggregated reports: itself and, through the holding
    links (`holders()`), every unit it holds. An old unit belongs to exactly one holder, so no dossier counts twice."""
    links = holders() if links is None else links
    held_by: dict[int, set[int]] = {}
    for old, new in links.items():
        held_by.setdefault(new, set()).add(old)
    return {
        unit_id: _closure(unit_id, lambda units: {old for new in units for old in held_by.get(new, ())})
        for unit_id in unit_ids
    }


def _closure(unit_id: int, predecessors: Callable[[set[int]], set[int]]) -> frozenset[int]:
    """The unit and what `predecessors` gives of it, of those, and so on, over at most MAX_REFORMS reforms."""
    members, frontier = {unit_id}, {unit_id}
    for _ in range(MAX_REFORMS):
        frontier = predecessors(frontier) - members
        if not frontier:
            break
        members |= frontier
    return frozenset(members)


def unit_is_current(unit: AdministrativeUnit, *, today: date | None = None) -> bool:
    """Whether the unit exists today (officers of an abolished unit read its history only)."""
    return unit.is_valid_on(today or timezone.localdate())


# --- rollout ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rollout:
    """The online-service dates that apply to a unit, its own or inherited, and where they come from."""

    trial_start: date | None
    official_start: date
    inherited: bool


def rollouts_effective() -> dict[int, Rollout]:
    """unit id → the rollout that applies to it, for every district and commune that has one (one query).

    A unit's own record wins; a commune under a district inherits the district's; a commune formed by a reform
    inherits the earliest dates among all its predecessors (each by its own record or its district's).
    """

    def inherited(column: str):
        own = UnitRollout.objects.filter(unit=OuterRef("pk")).values(column)
        district = UnitRollout.objects.filter(unit=OuterRef("parent"), unit__level=UnitLevel.DISTRICT).values(column)
        earliest = (
            UnitSuccession.objects.filter(new_unit=OuterRef("pk"))
            .annotate(start=Coalesce(f"old_unit__rollout__{column}", f"old_unit__parent__rollout__{column}"))
            .order_by()
            .values("new_unit")
            .annotate(first=Min("start"))
            .values("first")
        )
        return Subquery(own[:1]), Subquery(district[:1]), Subquery(earliest[:1])

    own_official, district_official, predecessors_official = inherited("official_start")
    own_trial, district_trial, predecessors_trial = inherited("trial_start")
    rows = (
        AdministrativeUnit.objects.exclude(level=UnitLevel.CITY)
        .annotate(
            own_official=own_official,
            district_official=district_official,
            predecessors_official=predecessors_official,
            own_trial=own_trial,
            district_trial=district_trial,
            predecessors_trial=predecessors_trial,
            has_own=Q(rollout__isnull=False),
        )
        .order_by()
        .values_list(
            "pk",
            "has_own",
            "own_official",
            "own_trial",
            "district_official",
            "district_trial",
            "predecessors_official",
            "predecessors_trial",
        )
    )
    result = {}
    for pk, has_own, official, trial, district_official, district_trial, first_official, first_trial in rows:
        if has_own:
            result[pk] = Rollout(trial, official, inherited=False)
        elif district_official is not None:
            result[pk] = Rollout(district_trial, district_official, inherited=True)
        elif first_official is not None:
            result[pk] = Rollout(first_trial, first_official, inherited=True)
    return result


def official_starts() -> dict[int, date]:
    """unit id → the official start that applies to it (own or inherited), for every district and commune."""
    return {pk: rollout.official_start for pk, rollout in rollouts_effective().items()}


# --- finding a commune -----------------------------------------------------------------------------------------

KIND_WORDS = re.compile(r"^(phuong|xa|thi tran|dac khu|quan|huyen|thi xa|thanh pho)\s+")


def search_key(text: str) -> str:
    """How names are compared when searching: without marks, case or extra spaces ("Phúc  xá" → "phuc xa")."""
    return " ".join(unaccented(text).casefold().split())


def name_order(name: str) -> tuple[str, str]:
    """Vietnamese alphabetical order, near enough: letters without their marks first (Đ as D), then as written."""
    return search_key(name), name


def _bare(text: str) -> str:
    return KIND_WORDS.sub("", search_key(text))


@dataclass
class CommuneMatch:
    """A commune one can file at today, and the old communes (before a reform) that led to it, if they matched."""

    unit: AdministrativeUnit
    # Old communes whose name matched and whose territory is now (partly) this commune's: (old unit, partly?).
    old: list[tuple[AdministrativeUnit, bool]] = field(default_factory=list)


def communes_current(day: date) -> list[AdministrativeUnit]:
    """The communes valid on `day`, in Vietnamese alphabetical order (marks ignored first)."""
    communes = AdministrativeUnit.objects.communes().valid_on(day).select_related("parent")
    return sorted(communes, key=lambda unit: name_order(unit.name))


def communes_search(query: str, *, day: date) -> list[CommuneMatch]:
    """The communes valid on `day` whose name holds `query` (with or without marks; the kind word may be left out),
    then those that took over an old commune whose name holds it, said as such. All of them for an empty query."""
    current = communes_current(day)
    wanted = _bare(query)
    if not wanted:
        return [CommuneMatch(unit) for unit in current]
    matches = {unit.pk: CommuneMatch(unit) for unit in current if wanted in _bare(unit.name)}
    by_pk = {unit.pk: unit for unit in current}
    old_links = (
        UnitSuccession.objects.filter(new_unit_id__in=by_pk, old_unit__valid_to__lt=day)
        .select_related("old_unit__parent")
        .annotate(successors=Subquery(_successor_count()))
        .order_by("old_unit__name")
    )
    later: dict[int, CommuneMatch] = {}
    for link in old_links:
        if wanted not in _bare(link.old_unit.name):
            continue
        match = matches.get(link.new_unit_id) or later.setdefault(
            link.new_unit_id, CommuneMatch(by_pk[link.new_unit_id])
        )
        match.old.append((link.old_unit, link.successors > 1))
    ordered = sorted(later.values(), key=lambda match: name_order(match.unit.name))
    return [*matches.values(), *ordered]


def _successor_count():
    return (
        UnitSuccession.objects.filter(old_unit=OuterRef("old_unit"))
        .order_by()
        .values("old_unit")
        .annotate(n=Count("pk"))
        .values("n")
    )


def reform_day(units: Iterable[AdministrativeUnit]) -> date | None:
    """The first day after the last of `units` ended (e.g. 01/07/2025 for the districts), None if one still exists."""
    ends = [unit.valid_to for unit in units]
    if not ends or any(end is None for end in ends):
        return None
    return max(ends) + timedelta(days=1)
