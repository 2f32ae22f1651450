"""Writes to the unit tree: loading a data set, and validating and loading the district rollout dates."""

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import transaction
from django.utils.translation import gettext as _

from egov.core.parsing import impossible_date
from egov.units.datasets import Dataset, DatasetError, SuccessionRecord, UnitKey, UnitRecord, dataset_get
from egov.units.models import AdministrativeUnit, UnitLevel, UnitRollout, UnitSuccession
from egov.units.selectors import search_key

LEVEL_ORDER = (UnitLevel.CITY, UnitLevel.DISTRICT, UnitLevel.COMMUNE)
UNIT_FIELDS = ("name", "kind", "parent_id", "valid_to")


@dataclass
class LoadCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0


@dataclass
class DatasetLoadReport:
    dataset: Dataset
    units: dict[str, LoadCounts] = field(default_factory=dict)
    successions: LoadCounts = field(default_factory=LoadCounts)


def units_load(*, name: str) -> list[DatasetLoadReport]:
    """Load the data set `name` (and the ones it includes, first) in one transaction; safe to repeat.

    Units are matched on (level, code, valid_from) and updated in place, never deleted, because officers and
    dossiers point at them.
    """
    datasets = _with_includes(name)
    with transaction.atomic():
        return [_dataset_load(dataset) for dataset in datasets]


def _with_includes(name: str, seen: frozenset[str] = frozenset()) -> list[Dataset]:
    if name in seen:
        raise DatasetError(_("Bộ dữ liệu “%(name)s” tự bao gồm chính nó.") % {"name": name})
    dataset = dataset_get(name)
    ordered: list[Dataset] = []
    for included in dataset.includes:
        ordered += [d for d in _with_includes(included, seen | {name}) if d not in ordered]
    return [*ordered, dataset]


def _dataset_load(dataset: Dataset) -> DatasetLoadReport:
    report = DatasetLoadReport(dataset=dataset)
    report.units = _units_upsert(dataset.units())
    report.successions = _successions_replace(dataset, dataset.successions())
    return report


def _unit_key(unit: AdministrativeUnit) -> UnitKey:
    return (unit.level, unit.code, unit.valid_from)


def _units_upsert(records: list[UnitRecord]) -> dict[str, LoadCounts]:
    existing = {_unit_key(u): u for u in AdministrativeUnit.objects.filter(code__in={r.code for r in records})}
    counts: dict[str, LoadCounts] = {}
    # Level by level, so that every parent has its id before its children are written.
    for level in LEVEL_ORDER:
        level_counts = counts.setdefault(level, LoadCounts())
        to_create: list[AdministrativeUnit] = []
        to_update: list[AdministrativeUnit] = []
        for record in (r for r in records if r.level == level):
            values = {
                "name": record.name,
                "kind": record.kind,
                "parent_id": existing[record.parent].pk if record.parent else None,
                "valid_to": record.valid_to,
            }
            unit = existing.get(record.key)
            if unit is None:
                unit = AdministrativeUnit(level=level, code=record.code, valid_from=record.valid_from, **values)
                existing[record.key] = unit
                to_create.append(unit)
            elif any(getattr(unit, name) != value for name, value in values.items()):
                for name, value in values.items():
                    setattr(unit, name, value)
                to_update.append(unit)
            else:
                level_counts.unchanged += 1
        AdministrativeUnit.objects.bulk_create(to_create)
        AdministrativeUnit.objects.bulk_update(to_update, UNIT_FIELDS)
        level_counts.created += len(to_create)
        level_counts.updated += len(to_update)
    return {level: c for level, c in counts.items() if c.created or c.updated or c.unchanged}


def _successions_replace(dataset: Dataset, records: list[SuccessionRecord]) -> LoadCounts:
    counts = LoadCounts()
    if not records:
        return counts
    new_units = {
        _unit_key(u): u.pk
        for u in AdministrativeUnit.objects.filter(
            level=UnitLevel.COMMUNE, valid_from=dataset.valid_from, code__in={r.new_unit[1] for r in records}
        )
    }
    # The old unit is the commune that carried the code on the eve of the reform.
    eve = dataset.valid_from - timedelta(days=1)
    old_units = dict(
        AdministrativeUnit.objects.communes()
        .valid_on(eve)
        .filter(code__in={r.old_code for r in records})
        .values_list("code", "pk")
    )
    missing = sorted({r.old_code for r in records} - old_units.keys())
    if missing:
        raise DatasetError(
            _("Thiếu %(count)d đơn vị cấp xã cũ (ví dụ mã %(codes)s): hãy nạp bộ dữ liệu trước cải cách.")
            % {"count": len(missing), "codes": ", ".join(missing[:5])}
        )
    wanted = {(old_units[r.old_code], new_units[r.new_unit]) for r in records}
    current = set(
        UnitSuccession.objects.filter(new_unit_id__in=new_units.values()).values_list("old_unit_id", "new_unit_id")
    )
    # Links the source no longer has are dropped: nothing refers to them, and stale ones would skew reports.
    stale = current - wanted
    for old_id, new_id in stale:
        UnitSuccession.objects.filter(old_unit_id=old_id, new_unit_id=new_id).delete()
    UnitSuccession.objects.bulk_create(
        [UnitSuccession(old_unit_id=old_id, new_unit_id=new_id) for old_id, new_id in sorted(wanted - current)]
    )
    _holders_complete(old_ids=set(old_units.values()), codes={pk: code for code, pk in old_units.items()})
    counts.created = len(wanted - current)
    counts.unchanged = len(wanted & current)
    counts.removed = len(stale)
    return counts


def _holders_complete(*, old_ids: set[int], codes: dict[int, str]) -> None:
    """Give every old unit without one the successor that holds its records (ADR 0011): the successor that kept its
    code, else the first successor by code. A holder chosen before (or set by the city in the admin) is kept."""
    held = set(
        UnitSuccession.objects.filter(old_unit_id__in=old_ids, holds_records=True).values_list("old_unit_id", flat=True)
    )
    links: dict[int, list[tuple[str, int, int]]] = {}
    for pk, old_id, new_code, new_id in UnitSuccession.objects.filter(old_unit_id__in=old_ids - held).values_list(
        "pk", "old_unit_id", "new_unit__code", "new_unit_id"
    ):
        links.setdefault(old_id, []).append((new_code, new_id, pk))
    chosen = []
    for old_id, candidates in links.items():
        same_code = [c for c in candidates if c[0] == codes[old_id]]
        chosen.append((same_code or sorted(candidates))[0][2])
    UnitSuccession.objects.filter(pk__in=chosen).update(holds_records=True)


# --- rollout ---------------------------------------------------------------------------------------------

ROLLOUT_COLUMNS = ("district_code", "district_name", "trial_start", "official_start")
DATE_PATTERN = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
KIND_PREFIX = re.compile(r"^(quận|huyện|thị xã|thành phố)\s+", re.IGNORECASE)


@dataclass(frozen=True)
class LineError:
    line: int
    reason: str

    def __str__(self) -> str:
        return _("dòng %(line)d: %(reason)s") % {"line": self.line, "reason": self.reason}


@dataclass(frozen=True)
class RolloutRow:
    line: int
    district: AdministrativeUnit
    trial_start: date | None
    official_start: date


@dataclass
class RolloutParse:
    rows: list[RolloutRow] = field(default_factory=list)
    errors: list[LineError] = field(default_factory=list)


def rollout_validate(*, lines: Iterable[str]) -> RolloutParse:
    """Check every line of a rollout CSV (header, then code, name, trial dd/mm/yyyy or empty, official dd/mm/yyyy).

    Returns the valid rows and one error per bad line; the caller writes nothing unless `errors` is empty.
    """
    result = RolloutParse()
    districts: dict[str, list[AdministrativeUnit]] = {}
    for unit in AdministrativeUnit.objects.districts():
        districts.setdefault(unit.code, []).append(unit)
    first_line_of: dict[int, int] = {}
    header_seen = False
    reader = csv.reader(lines)
    for cells in reader:
        line = reader.line_num
        cells = [cell.strip() for cell in cells]
        if not any(cells):
            continue
        if not header_seen:
            header_seen = True
            # An upload saved by Excel starts with a byte-order mark.
            if tuple(c.lstrip("\ufeff").lower() for c in cells) != ROLLOUT_COLUMNS:
                result.errors.append(
                    LineError(line, _("dòng tiêu đề phải là “%(header)s”") % {"header": ",".join(ROLLOUT_COLUMNS)})
                )
            continue
        row, reason = _rollout_line(line, cells, districts)
        if row is not None and row.district.pk in first_line_of:
            reason = _("đơn vị cấp huyện mã “%(code)s” đã có ở dòng %(first)d") % {
                "code": row.district.code,
                "first": first_line_of[row.district.pk],
            }
        if reason:
            result.errors.append(LineError(line, reason))
            continue
        first_line_of[row.district.pk] = line
        result.rows.append(row)
    return result


def _rollout_line(
    line: int, cells: list[str], districts: dict[str, list[AdministrativeUnit]]
) -> tuple[RolloutRow | None, str]:
    if len(cells) != len(ROLLOUT_COLUMNS):
        return None, _("cần %(expected)d cột (mã, tên đơn vị, ngày thử nghiệm, ngày chính thức), có %(count)d") % {
            "expected": len(ROLLOUT_COLUMNS),
            "count": len(cells),
        }
    code, name, trial_text, official_text = cells
    if not official_text:
        return None, _("thiếu ngày chính thức triển khai")
    trial_start, reason = _date_parse(trial_text, _("ngày thử nghiệm")) if trial_text else (None, "")
    if reason:
        return None, reason
    official_start, reason = _date_parse(official_text, _("ngày chính thức"))
    if reason:
        return None, reason
    # Spreadsheets drop the leading zeros of "001".
    code = code.zfill(3) if code.isdigit() else code
    candidates = districts.get(code, [])
    district = next((d for d in candidates if d.is_valid_on(official_start)), None)
    if district is None:
        return None, _("không có đơn vị cấp huyện mã “%(code)s”") % {"code": code}
    # Compared without diacritics: typists differ on "Hoà"/"Hòa" and on composed/decomposed characters, and the check
    # only has to catch a code that points at another district.
    if name and search_key(name) not in {search_key(district.name), search_key(KIND_PREFIX.sub("", district.name))}:
        return None, _("mã “%(code)s” là %(unit)s, không phải “%(name)s”") % {
            "code": code,
            "unit": district.name,
            "name": name,
        }
    if trial_start and trial_start > official_start:
        return None, _("ngày thử nghiệm %(trial)s sau ngày chính thức %(official)s") % {
            "trial": trial_text,
            "official": official_text,
        }
    return RolloutRow(line, district, trial_start, official_start), ""


def _date_parse(text: str, label: str) -> tuple[date | None, str]:
    match = DATE_PATTERN.fullmatch(text)
    if not match:
        return None, _("%(label)s “%(value)s” không đúng dạng ngày/tháng/năm, ví dụ 15/12/2016") % {
            "label": label,
            "value": text,
        }
    day, month, year = (int(part) for part in match.groups())
    if problem := impossible_date(label, text, day=day, month=month, year=year):
        return None, problem
    return date(year, month, day), ""


def rollout_load(*, rows: Iterable[RolloutRow]) -> LoadCounts:
    """Write validated rollout rows (one per district), updating the districts that already have one."""
    counts = LoadCounts()
    with transaction.atomic():
        for row in rows:
            rollout, created = UnitRollout.objects.get_or_create(
                unit=row.district,
                defaults={"trial_start": row.trial_start, "official_start": row.official_start},
            )
            if created:
                counts.created += 1
            elif (rollout.trial_start, rollout.official_start) != (row.trial_start, row.official_start):
                rollout.trial_start, rollout.official_start = row.trial_start, row.official_start
                rollout.save(update_fields=["trial_start", "official_start"])
                counts.updated += 1
            else:
                counts.unchanged += 1
    return counts
