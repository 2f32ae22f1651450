"""What the weekly report shows, all read through `selectors.unit_figures`, and how it writes a number."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from egov.units.models import AdministrativeUnit, UnitLevel
from egov.units.selectors import holders, official_starts

from ..periods import Period, period_of
from ..selectors import Figures, child_parts, unit_figures
from ..tables import DASH, display

TREND_WEEKS = 8
MINUS = "−"


# --- numbers, the way Vietnamese reports write them ----------------------------------------------------------


def count(value: int) -> str:
    """1234 → "1.234", as the dashboards show it."""
    return display(value, "int")


def percent(value: Decimal | None) -> str:
    """87.5 → "87,5 %" (a non-breaking space before the sign); nothing to divide by → "—"."""
    return display(value, "pct")


def days(value: Decimal | None) -> str:
    return display(value, "days")


def signed(value: int | Decimal | None, show: Callable[[int | Decimal], str]) -> str:
    """A change with its sign: "+12", "−3", "0"."""
    if value is None:
        return DASH
    sign = "+" if value > 0 else MINUS if value < 0 else ""
    return sign + show(abs(value))


def difference(current, previous):
    return None if current is None or previous is None else current - previous


def points(value: Decimal) -> str:
    """A change of a rate: "1,2 điểm %" (percentage points)."""
    return _("%(value)s điểm %%") % {"value": number_format(value, 1)}


# --- what the report shows ---------------------------------------------------------------------------------


@dataclass
class UnitWeek:
    """One unit's figures in the week, and whether the unit was officially online then."""

    unit: AdministrativeUnit
    figures: Figures

    @property
    def counted(self) -> bool:
        return self.figures.counted


@dataclass
class WeeklyData:
    week: Period
    city: AdministrativeUnit
    current: Figures
    previous: Figures
    # The rows of the report's tables: the districts before the reform, the communes since.
    units: list[UnitWeek]
    # The districts' communes (before the reform), listed by district in the second appendix; none since.
    communes: list[UnitWeek]
    trend: list[Figures]
    made_at: datetime
    # The week runs across a reform: its units are today's communes over the whole week, each with the history of
    # the old communes it holds.
    reaggregated: bool = False

    @property
    def by_commune(self) -> bool:
        """Whether the units below the city are communes (since the reform) rather than districts."""
        return any(line.unit.level == UnitLevel.COMMUNE for line in self.units)

    @property
    def units_heading(self) -> str:
        return _("Xã, phường") if self.by_commune else _("Quận, huyện, thị xã")

    @property
    def communes_words(self) -> str:
        """The city's commune-level units as a sentence names them: no thị trấn is left since the reform."""
        return _("các xã, phường") if self.by_commune else _("các xã, phường, thị trấn")

    @property
    def week_words(self) -> str:
        """The week as a sentence writes it: "tuần 47/2026 (16/11 – 22/11/2026)"."""
        return self.week.label[:1].lower() + self.week.label[1:]

    @property
    def title(self) -> str:
        return _("Báo cáo tình hình tiếp nhận, giải quyết hồ sơ hộ tịch trực tuyến — %(week)s") % {
            "week": self.week.label
        }


def week_before(day: date) -> Period:
    """The week (Monday to Sunday) before the one containing `day`."""
    return period_of("week", day).previous()


def report_city() -> AdministrativeUnit:
    """The city the portal serves (the one city-level unit)."""
    return AdministrativeUnit.objects.filter(level=UnitLevel.CITY).order_by("code").first()


def weekly_data(*, week: Period, now: datetime | None = None) -> WeeklyData:
    """The figures the report prints, all read through `unit_figures`."""
    now = now or timezone.now()
    city = report_city()
    # The units below the city in the week, as the dashboards show them. A week across a reform has two parts: the
    # report takes the structure at its end (today's communes) over the whole week, which re-aggregates its first
    # days onto the communes that hold the old ones' records; each old commune counts at exactly one of them.
    parts = child_parts(city, week)
    units = parts[-1].units if parts else []
    reaggregated = len(parts) > 1
    districts = [unit for unit in units if unit.level == UnitLevel.DISTRICT]
    communes = list(
        AdministrativeUnit.objects.communes().filter(parent__in=districts).select_related("parent").order_by("code")
    )
    reads = {"now": now, "links": holders(), "starts": official_starts()}
    figures = unit_figures(units=[city, *units, *communes], period=week, **reads)
    trend_weeks = [week]
    while len(trend_weeks) < TREND_WEEKS:
        trend_weeks.insert(0, trend_weeks[0].previous())
    trend = [unit_figures(units=[city], period=step, **reads)[city.pk] for step in trend_weeks[:-1]]
    return WeeklyData(
        week=week,
        city=city,
        current=figures[city.pk],
        previous=trend[-1],
        units=[UnitWeek(unit, figures[unit.pk]) for unit in units],
        communes=[UnitWeek(c, figures[c.pk]) for c in communes],
        trend=[*trend, figures[city.pk]],
        made_at=now,
        reaggregated=reaggregated,
    )


# --- the lists -----------------------------------------------------------------------------------------------


HALF = Decimal(50)


@dataclass
class UnitLists:
    """The units to watch among `lines`: below the city's online rate, under 50 %, without dossiers; and the units
    not counted yet (before their district's official start), which are in none of the three."""

    below_average: list[UnitWeek]
    under_half: list[UnitWeek]
    without_dossiers: list[UnitWeek]
    not_counted: list[UnitWeek]


def unit_lists(lines: Sequence[UnitWeek], *, average: Decimal | None) -> UnitLists:
    counted = [line for line in lines if line.counted]
    rated = sorted(
        (line for line in counted if line.figures.online_rate is not None),
        key=lambda line: (line.figures.online_rate, line.unit.code),
    )
    return UnitLists(
        below_average=[line for line in rated if average is not None and line.figures.online_rate < average],
        under_half=[line for line in rated if line.figures.online_rate < HALF],
        without_dossiers=[line for line in counted if not line.figures.received],
        not_counted=[line for line in lines if not line.counted],
    )


def name_and_rate(line: UnitWeek) -> str:
    """A unit as the lists name it: "Phường Hồng Hà (50,0 %)"."""
    return f"{line.unit.name} ({percent(line.figures.online_rate)})"
