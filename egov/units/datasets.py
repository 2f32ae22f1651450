"""The administrative-unit data sets of data/unit_datasets.toml, read from vietnam-provinces into plain records."""

import tomllib
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

import vietnam_provinces as current
from django.conf import settings
from django.utils.translation import gettext as _
from vietnam_provinces import legacy

from egov.units.models import UnitKind, UnitLevel

DATASETS_FILE = Path(settings.BASE_DIR) / "data" / "unit_datasets.toml"

# The level/code/validity triple the unit table is unique on; a reload finds its rows again by it.
type UnitKey = tuple[str, str, date | None]

LEGACY_KINDS = {
    legacy.VietNamDivisionType.THANH_PHO_TRUNG_UONG: UnitKind.CENTRAL_CITY,
    legacy.VietNamDivisionType.TINH: UnitKind.PROVINCE,
    legacy.VietNamDivisionType.QUAN: UnitKind.URBAN_DISTRICT,
    legacy.VietNamDivisionType.HUYEN: UnitKind.RURAL_DISTRICT,
    legacy.VietNamDivisionType.THI_XA: UnitKind.TOWN,
    legacy.VietNamDivisionType.THANH_PHO: UnitKind.PROVINCIAL_CITY,
    legacy.VietNamDivisionType.PHUONG: UnitKind.WARD,
    legacy.VietNamDivisionType.XA: UnitKind.COMMUNE,
    legacy.VietNamDivisionType.THI_TRAN: UnitKind.TOWNLET,
}
CURRENT_KINDS = {
    current.VietNamDivisionType.THANH_PHO_TRUNG_UONG: UnitKind.CENTRAL_CITY,
    current.VietNamDivisionType.TINH: UnitKind.PROVINCE,
    current.VietNamDivisionType.PHUONG: UnitKind.WARD,
    current.VietNamDivisionType.XA: UnitKind.COMMUNE,
    current.VietNamDivisionType.DAC_KHU: UnitKind.SPECIAL_ZONE,
}


class DatasetError(Exception):
    """The data set is unknown or its definition is unusable."""


@dataclass(frozen=True)
class UnitRecord:
    level: str
    code: str
    name: str
    kind: str
    parent: UnitKey | None
    valid_from: date | None
    valid_to: date | None

    @property
    def key(self) -> UnitKey:
        return (self.level, self.code, self.valid_from)


@dataclass(frozen=True)
class SuccessionRecord:
    """An old commune (by code, valid on the eve of the reform) whose territory went (partly) to a new unit."""

    old_code: str
    new_unit: UnitKey


@dataclass(frozen=True)
class Dataset:
    name: str
    description: str
    province: int
    structure: str
    valid_from: date | None = None
    valid_to: date | None = None
    includes: tuple[str, ...] = ()

    def units(self) -> list[UnitRecord]:
        """The city and its units, parents before children."""
        if self.structure == "legacy":
            return self._legacy_units()
        return self._current_units()

    def successions(self) -> list[SuccessionRecord]:
        """The old→new links into this data set's units (none for the legacy structure)."""
        if self.structure == "legacy":
            return []
        return [
            SuccessionRecord(old_code=_commune_code(old.code.value), new_unit=self._commune_key(ward.code.value))
            for ward in self._current_wards()
            for old in ward.get_legacy_sources()
        ]

    def _city(self, province: legacy.Province | current.Province, kinds: dict) -> UnitRecord:
        # The city outlives reforms, so it carries no validity period of its own.
        return UnitRecord(
            level=UnitLevel.CITY,
            code=f"{self.province:02d}",
            name=province.name,
            kind=kinds[province.division_type],
            parent=None,
            valid_from=None,
            valid_to=None,
        )

    def _legacy_units(self) -> list[UnitRecord]:
        try:
            province_code = legacy.ProvinceCode(self.province)
        except ValueError as e:
            raise DatasetError(_("Không có tỉnh/thành phố mã %(code)s.") % {"code": self.province}) from e
        city = self._city(legacy.Province.from_code(province_code), LEGACY_KINDS)
        records = [city]
        communes = []
        for district in sorted(legacy.District.iter_by_province(province_code), key=lambda d: d.code.value):
            district_record = UnitRecord(
                level=UnitLevel.DISTRICT,
                code=f"{district.code.value:03d}",
                name=district.name,
                kind=LEGACY_KINDS[district.division_type],
                parent=city.key,
                valid_from=self.valid_from,
                valid_to=self.valid_to,
            )
            records.append(district_record)
            communes += [
                UnitRecord(
                    level=UnitLevel.COMMUNE,
                    code=_commune_code(ward.code.value),
                    name=ward.name,
                    kind=LEGACY_KINDS[ward.division_type],
                    parent=district_record.key,
                    valid_from=self.valid_from,
                    valid_to=self.valid_to,
                )
                for ward in sorted(legacy.Ward.iter_by_district(district.code), key=lambda w: w.code.value)
            ]
        return records + communes

    def _current_units(self) -> list[UnitRecord]:
        city = self._city(current.Province.from_code(self._current_province_code()), CURRENT_KINDS)
        return [city] + [
            UnitRecord(
                level=UnitLevel.COMMUNE,
                code=_commune_code(ward.code.value),
                name=ward.name,
                kind=CURRENT_KINDS[ward.division_type],
                parent=city.key,
                valid_from=self.valid_from,
                valid_to=self.valid_to,
            )
            for ward in self._current_wards()
        ]

    def _current_province_code(self) -> current.ProvinceCode:
        try:
            return current.ProvinceCode(self.province)
        except ValueError as e:
            raise DatasetError(_("Không có tỉnh/thành phố mã %(code)s.") % {"code": self.province}) from e

    def _current_wards(self) -> list[current.Ward]:
        wards = current.Ward.iter_by_province(self._current_province_code())
        return sorted(wards, key=lambda w: w.code.value)

    def _commune_key(self, code: int) -> UnitKey:
        return (UnitLevel.COMMUNE, _commune_code(code), self.valid_from)


def _commune_code(code: int) -> str:
    return f"{code:05d}"


@cache
def _definitions() -> dict[str, dict]:
    with DATASETS_FILE.open("rb") as f:
        return tomllib.load(f)


def dataset_names() -> list[str]:
    """The names of the data sets that can be loaded."""
    return list(_definitions())


def dataset_get(name: str) -> Dataset:
    """The data set called `name`, as defined in data/unit_datasets.toml."""
    definition = _definitions().get(name)
    if definition is None:
        raise DatasetError(
            _("Không có bộ dữ liệu “%(name)s”; các bộ có sẵn: %(names)s.")
            % {"name": name, "names": ", ".join(dataset_names())}
        )
    if definition.get("structure") not in ("legacy", "2025"):
        raise DatasetError(_("Bộ dữ liệu “%(name)s” có cấu trúc không hợp lệ.") % {"name": name})
    # The old→new mapping finds the old units on the eve of the reform, so the reform needs its date.
    if definition["structure"] == "2025" and not isinstance(definition.get("valid_from"), date):
        raise DatasetError(_("Bộ dữ liệu “%(name)s” thiếu ngày hiệu lực valid_from.") % {"name": name})
    return Dataset(
        name=name,
        description=definition.get("description", ""),
        province=int(definition["province"]),
        structure=definition["structure"],
        valid_from=definition.get("valid_from"),
        valid_to=definition.get("valid_to"),
        includes=tuple(definition.get("includes", ())),
    )
