"""The city's weekly PDF report (Monday to Sunday): headline figures, the units below the city, the one-stop table,
lists, charts.

Before the reform of 1/7/2025 the units below the city are its districts (their communes listed by district in an
appendix); since then, its communes (126 in Hanoi), ranked in a compact table. A week across the reform is reported
on today's communes over the whole week, each with the history of the old communes it holds, and says so.

Every number comes from `selectors.unit_figures`, like the dashboards and `report_rates`, so the paper and the
screen cannot disagree. `weekly_report_generate` stores the PDF (one row per week, replaced on regeneration)
and e-mails it after commit to the city staff.
"""

import functools
import io
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.charts.piecharts import Pie
from reportlab.graphics.shapes import Drawing, Line, Rect, String
from reportlab.graphics.widgets.markers import makeMarker
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Spacer,
)

from egov.accounts.models import Role, User
from egov.core.pdf import (
    FONT,
    FONT_ITALIC,
    LEFT_MARGIN,
    RIGHT_MARGIN,
    TEXT_WIDTH,
    dmy,
    national_header,
    place_and_date,
    register_fonts,
    style,
    table,
    text,
)
from egov.notifications.gateway import EmailDeliveryError, send_email
from egov.units.models import AdministrativeUnit, UnitLevel
from egov.units.selectors import holders, official_starts

from .models import WeeklyReport
from .periods import Period, period_of
from .selectors import Figures, child_parts, unit_figures
from .tables import DASH, display

logger = logging.getLogger(__name__)

TREND_WEEKS = 8
ISSUER = gettext_lazy("Sở Thông tin và Truyền thông")
# As the header sets it: two lines, each within the left column.
ISSUER_LINES = gettext_lazy("Sở Thông tin\nvà Truyền thông")
PORTRAIT, LANDSCAPE = A4, landscape(A4)
TOP, BOTTOM = 20 * mm, 18 * mm
WIDE_TOP = 12 * mm
WIDE_MARGIN = 20 * mm
WIDE_WIDTH = LANDSCAPE[0] - 2 * WIDE_MARGIN
MINUS = "−"

BLUE = colors.HexColor("#1f4e79")
LIGHT_BLUE = colors.HexColor("#6fa8dc")
GREEN = colors.HexColor("#38761d")
AMBER = colors.HexColor("#e69138")
RED = colors.HexColor("#c00000")
GREY = colors.HexColor("#999999")
GRID = colors.HexColor("#dddddd")
HEADER_FILL = colors.HexColor("#eeeeee")
TOTAL_FILL = colors.HexColor("#f3f6fa")

STYLES = {
    "section": style("section", fontSize=12, leading=16, spaceBefore=8, spaceAfter=4, keepWithNext=1),
    "subsection": style("subsection", fontSize=11, leading=15, spaceBefore=5, spaceAfter=2, keepWithNext=1),
    "body": style("wbody", fontSize=11, leading=15, spaceAfter=3, firstLineIndent=8 * mm),
    "list": style("wlist", fontSize=10.5, leading=14, leftIndent=8 * mm, spaceAfter=2),
    "note": style("wnote", fontName=FONT_ITALIC, fontSize=9.5, leading=12.5, spaceAfter=2),
    "caption": style("caption", fontName=FONT_ITALIC, fontSize=9, leading=12, alignment=TA_CENTER, spaceAfter=4),
    "cell": style("wcell", fontSize=8.5, leading=10.5),
    "number": style("number", fontSize=8.5, leading=10.5, alignment=TA_RIGHT),
    "head": style("head", fontSize=8.5, leading=10.5, alignment=TA_CENTER),
    "small_head": style("small_head", fontSize=7.5, leading=9, alignment=TA_CENTER),
    "small": style("small", fontSize=7.5, leading=9, alignment=TA_RIGHT),
    "small_name": style("small_name", fontSize=7.5, leading=9),
    "title": style("wtitle", fontSize=15, leading=20, alignment=TA_CENTER),
    "subtitle": style("wsubtitle", fontSize=12.5, leading=17, alignment=TA_CENTER),
    "period": style("period", fontName=FONT_ITALIC, fontSize=12, leading=16, alignment=TA_CENTER),
    "receivers": style("receivers", fontSize=9, leading=11.5, alignment=TA_LEFT),
    "receivers_head": style("receivers_head", fontName=FONT_ITALIC, fontSize=10, leading=13),
}


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


def _difference(current, previous):
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


# --- the pieces of the page ----------------------------------------------------------------------------------


def _p(value: str, key: str = "body", *, bold: bool = False):
    return text(value, STYLES[key], bold=bold)


def _place(city: AdministrativeUnit) -> str:
    for prefix in ("Thành phố ", "Tỉnh "):
        if city.name.startswith(prefix):
            return city.name.removeprefix(prefix)
    return city.name


def _title(data: WeeklyData) -> list[Flowable]:
    header = national_header(
        issuer_parent=_("UBND %(unit)s") % {"unit": data.city.name},
        issuer=ISSUER_LINES,
        place_date=place_and_date(_place(data.city), data.made_at),
    )
    return [
        header,
        Spacer(1, 6 * mm),
        _p(_("BÁO CÁO"), "title", bold=True),
        _p(_("Tình hình tiếp nhận, giải quyết hồ sơ hộ tịch trực tuyến"), "subtitle", bold=True),
        _p(data.week.label, "period"),
        Spacer(1, 4 * mm),
    ]


def _scope_note(data: WeeklyData) -> Flowable:
    base = (
        _("tổng số hồ sơ tiếp nhận")
        if settings.REPORTING_ONLINE_RATE_BASE == "all"
        else _("số hồ sơ của các thủ tục có cung cấp trực tuyến")
    )
    units = _("từng xã, phường (theo quận, huyện trước đây)") if data.by_commune else _("từng quận, huyện")
    return _p(
        _(
            "Số liệu từ ngày %(start)s đến hết ngày %(end)s, chỉ tính từ ngày chính thức triển khai của %(units)s; "
            "tỷ lệ trực tuyến tính trên %(base)s; thời gian tính theo ngày làm việc. Lập lúc %(made)s."
        )
        % {
            "start": dmy(data.week.start),
            "end": dmy(data.week.end),
            "units": units,
            "base": base,
            "made": timezone.localtime(data.made_at).strftime("%H:%M %d/%m/%Y"),
        },
        "note",
    )


def _reaggregated_note(data: WeeklyData) -> list[Flowable]:
    """What a week across the reform reports: today's communes over the whole week."""
    if not data.reaggregated:
        return []
    first = min(line.unit.valid_from for line in data.units if line.unit.valid_from)
    return [
        _p(
            _(
                "Tuần này có ngày trước ngày %(day)s (sắp xếp đơn vị hành chính): số liệu cả tuần được tính theo các "
                "xã, phường hiện nay; hồ sơ của mỗi xã, phường, thị trấn cũ được tính cho xã, phường hiện nay giữ hồ "
                "sơ của đơn vị đó, mỗi hồ sơ chỉ tính một lần."
            )
            % {"day": dmy(first)},
            "note",
        )
    ]


def _summary(data: WeeklyData) -> list[Flowable]:
    now, before = data.current, data.previous
    if not now.received and not now.resolved:
        first = _("Trong tuần, %(communes)s của thành phố không tiếp nhận và không giải quyết hồ sơ nào.") % {
            "communes": data.communes_words
        }
    else:
        first = _(
            "Trong tuần, %(communes)s của thành phố tiếp nhận %(received)s hồ sơ hộ tịch, trong đó "
            "%(online)s hồ sơ nộp trực tuyến (tỷ lệ %(rate)s); đã giải quyết %(resolved)s hồ sơ, tỷ lệ đúng hạn "
            "%(on_time)s; cuối tuần còn %(overdue)s hồ sơ đang giải quyết quá hạn."
        ) % {
            "communes": data.communes_words,
            "received": count(now.received),
            "online": count(now.received_online),
            "rate": percent(now.online_rate),
            "resolved": count(now.resolved),
            "on_time": percent(now.on_time_rate),
            "overdue": count(now.overdue),
        }
    paragraphs = [_p(first)]
    if not (now.received or before.received or now.resolved or before.resolved):
        return paragraphs
    changes = [
        _change_words(_("số hồ sơ tiếp nhận"), now.received - before.received, pgettext("after a count", "hồ sơ"))
    ]
    rate_change = _difference(now.online_rate, before.online_rate)
    if rate_change is not None:
        changes.append(_change_words(_("tỷ lệ trực tuyến"), rate_change, _("điểm %"), decimals=1))
    on_time_change = _difference(now.on_time_rate, before.on_time_rate)
    if on_time_change is not None:
        changes.append(_change_words(_("tỷ lệ giải quyết đúng hạn"), on_time_change, _("điểm %"), decimals=1))
    paragraphs.append(_p(_("So với tuần trước: %(changes)s.") % {"changes": "; ".join(changes)}))
    return paragraphs


def _change_words(what: str, change, unit: str, *, decimals: int = 0) -> str:
    if not change:
        return _("%(what)s không đổi") % {"what": what}
    amount = number_format(abs(change), decimals, force_grouping=True)
    if change > 0:
        return _("%(what)s tăng %(amount)s %(unit)s") % {"what": what, "amount": amount, "unit": unit}
    return _("%(what)s giảm %(amount)s %(unit)s") % {"what": what, "amount": amount, "unit": unit}


def _headline_table(data: WeeklyData) -> Flowable:
    now, before = data.current, data.previous
    rows = [
        (_("Hồ sơ tiếp nhận"), now.received, before.received, count),
        (_("Trong đó nộp trực tuyến"), now.received_online, before.received_online, count),
        (_("Tỷ lệ trực tuyến"), now.online_rate, before.online_rate, percent),
        (_("Hồ sơ đã giải quyết"), now.resolved, before.resolved, count),
        (_("Tỷ lệ giải quyết đúng hạn"), now.on_time_rate, before.on_time_rate, percent),
        (_("Hồ sơ đang giải quyết quá hạn (cuối tuần)"), now.overdue, before.overdue, count),
        (
            _("Thời gian giải quyết trung bình (ngày làm việc)"),
            now.average_processing_days,
            before.average_processing_days,
            days,
        ),
        (
            _("Thời gian hoàn thành liên thông 3 trong 1 (ngày làm việc)"),
            now.interconnect_average_days,
            before.interconnect_average_days,
            days,
        ),
        (_("Tỷ lệ hồ sơ liên thông gửi lỗi"), now.linked_failure_rate, before.linked_failure_rate, percent),
    ]
    change_format = {count: count, percent: points, days: days}
    cells = [
        [
            _p(_("Chỉ tiêu"), "head", bold=True),
            _p(_("Tuần %(week)s") % {"week": data.week.start.isocalendar()[1]}, "head", bold=True),
            _p(_("Tuần trước"), "head", bold=True),
            _p(_("Tăng (+), giảm (−)"), "head", bold=True),
        ]
    ]
    for label, current, previous, show in rows:
        change = signed(_difference(current, previous), change_format[show])
        cells.append(
            [_p(label, "cell"), _p(show(current), "number"), _p(show(previous), "number"), _p(change, "number")]
        )
    return table(
        cells,
        [62, 24, 24, 30],
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        repeatRows=1,
    )


def _district_table(data: WeeklyData) -> Flowable:
    head = [
        _("STT"),
        data.units_heading,
        _("Tiếp nhận"),
        _("Tỷ lệ trực tuyến"),
        _("Đã giải quyết"),
        _("Tỷ lệ đúng hạn"),
        _("Quá hạn đang giải quyết"),
        _("Thời gian giải quyết TB (ngày)"),
    ]
    cells = [[_p(value, "head", bold=True) for value in head]]
    for number, line in enumerate(data.units, start=1):
        name = line.unit.name if line.counted else f"{line.unit.name} (*)"
        cells.append([_p(str(number), "head"), _p(name, "cell"), *_district_figures(line.figures, line.counted)])
    cells.append([_p(""), _p(_("Toàn thành phố"), "cell", bold=True), *_district_figures(data.current, True)])
    total = len(cells) - 1
    return table(
        cells,
        [10, 44, 17, 19, 17, 19, 19, 20],
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
        ("BACKGROUND", (0, total), (-1, total), TOTAL_FILL),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 1), (-1, -1), 1.5),
        ("BOTTOMPADDING", (0, 1), (-1, -1), 1.5),
        repeatRows=1,
    )


def _district_figures(figures: Figures, counted: bool) -> list[Flowable]:
    if not counted:
        return [_p(DASH, "number") for _ in range(6)]
    values = [
        count(figures.received),
        percent(figures.online_rate),
        count(figures.resolved),
        percent(figures.on_time_rate),
        count(figures.overdue),
        days(figures.average_processing_days),
    ]
    return [_p(value, "number") for value in values]


# The one-stop statistics table: (header of the group, header of the column, value).
ONE_STOP_COLUMNS: tuple[tuple[str, str, Callable[[Figures], str]], ...] = (
    ("", gettext_lazy("Kỳ trước chuyển sang"), lambda f: count(f.carried_over)),
    (gettext_lazy("Tiếp nhận trong tuần"), gettext_lazy("Trực tuyến"), lambda f: count(f.received_online)),
    (gettext_lazy("Tiếp nhận trong tuần"), gettext_lazy("Trực tiếp"), lambda f: count(f.received_counter)),
    (gettext_lazy("Tiếp nhận trong tuần"), gettext_lazy("Bưu chính"), lambda f: count(f.received_post)),
    ("", gettext_lazy("Tổng số phải giải quyết"), lambda f: count(f.to_handle)),
    (gettext_lazy("Đã giải quyết"), gettext_lazy("Trước hạn"), lambda f: count(f.resolved_early)),
    (gettext_lazy("Đã giải quyết"), gettext_lazy("Đúng hạn"), lambda f: count(f.resolved_on_time)),
    (gettext_lazy("Đã giải quyết"), gettext_lazy("Quá hạn"), lambda f: count(f.resolved_late)),
    (gettext_lazy("Đang giải quyết"), gettext_lazy("Chưa đến hạn"), lambda f: count(f.not_yet_due)),
    (gettext_lazy("Đang giải quyết"), gettext_lazy("Quá hạn"), lambda f: count(f.overdue)),
    ("", gettext_lazy("Rút hồ sơ"), lambda f: count(f.withdrawn)),
    ("", gettext_lazy("Đã giải quyết, chưa trả kết quả"), lambda f: count(f.not_collected)),
    ("", gettext_lazy("Tỷ lệ trễ hạn"), lambda f: percent(f.late_rate)),
    ("", gettext_lazy("Tỷ lệ đúng hạn"), lambda f: percent(f.table_on_time_rate)),
)


def _one_stop_table(data: WeeklyData) -> Flowable:
    """Rows per district and the city's total; columns grouped under two header rows, then the column numbers."""
    groups = [str(group) for group, _column, _value in ONE_STOP_COLUMNS]
    names = [str(column) for _group, column, _value in ONE_STOP_COLUMNS]
    top = [_("STT"), data.units_heading]
    second = ["", ""]
    spans = [("SPAN", (0, 0), (0, 1)), ("SPAN", (1, 0), (1, 1))]
    index = 0
    while index < len(ONE_STOP_COLUMNS):
        column = index + 2
        if not groups[index]:
            top.append(names[index])
            second.append("")
            spans.append(("SPAN", (column, 0), (column, 1)))
            index += 1
            continue
        width = 1
        while index + width < len(groups) and groups[index + width] == groups[index]:
            width += 1
        top += [groups[index]] + [""] * (width - 1)
        second += names[index : index + width]
        spans.append(("SPAN", (column, 0), (column + width - 1, 0)))
        index += width
    numbers = ["A", "B", *(f"({n})" for n in range(1, len(ONE_STOP_COLUMNS) + 1))]
    cells = [[_p(value, "small_head", bold=row < 2) for value in values] for row, values in enumerate([top, second])]
    cells.append([_p(value, "small_head") for value in numbers])
    for number, line in enumerate(data.units, start=1):
        name = line.unit.name if line.counted else f"{line.unit.name} (*)"
        cells.append([_p(str(number), "small_head"), _p(name, "small_name"), *_one_stop_values(line)])
    # A hundred communes or more: thinner rows, so the table keeps to a few pages.
    padding = 0.6 if len(data.units) > 40 else 1.5
    cells.append(
        [
            _p(""),
            _p(_("Toàn thành phố"), "small_name", bold=True),
            *_one_stop_values(UnitWeek(data.city, data.current)),
        ]
    )
    total = len(cells) - 1
    return table(
        cells,
        [7, 36] + [14] * len(ONE_STOP_COLUMNS),
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("BACKGROUND", (0, 0), (-1, 2), HEADER_FILL),
        ("BACKGROUND", (0, total), (-1, total), TOTAL_FILL),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), 2.5),
        ("RIGHTPADDING", (0, 0), (-1, -1), 2.5),
        ("TOPPADDING", (0, 3), (-1, -1), padding),
        ("BOTTOMPADDING", (0, 3), (-1, -1), padding),
        *spans,
        repeatRows=3,
        width=WIDE_WIDTH,
    )


def _one_stop_values(line: UnitWeek) -> list[Flowable]:
    if not line.counted:
        return [_p(DASH, "small") for _ in ONE_STOP_COLUMNS]
    return [_p(value(line.figures), "small") for _group, _column, value in ONE_STOP_COLUMNS]


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


def _rated(line: UnitWeek) -> str:
    return f"{line.unit.name} ({percent(line.figures.online_rate)})"


def _lists(data: WeeklyData) -> list[Flowable]:
    """Before the reform the districts by name, the communes by number (their names in the second appendix); since,
    the communes by name."""
    average = data.current.online_rate
    story: list[Flowable] = [
        _p(_("Tỷ lệ trực tuyến bình quân toàn thành phố trong tuần: %(rate)s.") % {"rate": percent(average)})
    ]
    if data.by_commune:
        return [*story, *_name_lists(unit_lists(data.units, average=average))]
    communes = unit_lists(data.communes, average=average)
    story += [
        _p(_("1. Quận, huyện, thị xã"), "subsection", bold=True),
        *_name_lists(unit_lists(data.units, average=average)),
        _p(_("2. Xã, phường, thị trấn"), "subsection", bold=True),
    ]
    for heading, found in (
        (_("Có tỷ lệ trực tuyến thấp hơn bình quân thành phố"), communes.below_average),
        (_("Có tỷ lệ trực tuyến dưới 50 %"), communes.under_half),
        (_("Không có hồ sơ trong tuần"), communes.without_dossiers),
    ):
        amount = _("%(count)s đơn vị") % {"count": count(len(found))} if found else _("không có")
        story.append(_p(_("– %(heading)s: %(amount)s.") % {"heading": heading, "amount": amount}, "list"))
    story.append(_p(_("Danh sách từng xã, phường, thị trấn theo quận, huyện, thị xã tại Phụ lục 2."), "list"))
    return story


def _name_lists(lists: UnitLists) -> list[Flowable]:
    """The units to watch, each by name (with its online rate where it has one)."""
    story = [
        _unit_list(_("Có tỷ lệ trực tuyến thấp hơn bình quân thành phố"), lists.below_average, _rated),
        _unit_list(_("Có tỷ lệ trực tuyến dưới 50 %"), lists.under_half, _rated),
        _unit_list(_("Không có hồ sơ trong tuần"), lists.without_dossiers, lambda line: line.unit.name),
    ]
    if lists.not_counted:
        story.append(
            _unit_list(_("Chưa chính thức triển khai (không tính)"), lists.not_counted, lambda line: line.unit.name)
        )
    return story


def _unit_list(heading: str, lines: Sequence[UnitWeek], name: Callable[[UnitWeek], str]) -> Flowable:
    """ "– heading (n đơn vị): A (12,5 %), B (…)." or "– heading: không có." """
    if not lines:
        return _p(_("– %(heading)s: không có.") % {"heading": heading}, "list")
    return _p(
        _("– %(heading)s (%(count)s đơn vị): %(units)s.")
        % {"heading": heading, "count": count(len(lines)), "units": ", ".join(name(line) for line in lines)},
        "list",
    )


def _commune_lists_table(data: WeeklyData) -> Flowable:
    """Per district, its communes under the lower of (city average, 50 %), between the two, and without dossiers:
    the two rate columns together are the communes below the higher of the two."""
    average = data.current.online_rate
    low, high = sorted((average, HALF)) if average is not None else (HALF, HALF)
    if average is None or average >= HALF:
        headers = [_("Dưới 50 %"), _("Từ 50 %% đến dưới bình quân (%(rate)s)") % {"rate": percent(average)}]
    else:
        headers = [_("Dưới bình quân (%(rate)s)") % {"rate": percent(average)}, _("Từ bình quân đến dưới 50 %")]
    cells = [
        [
            _p(value, "small_head", bold=True)
            for value in (_("STT"), _("Quận, huyện, thị xã"), *headers, _("Không có hồ sơ trong tuần"))
        ]
    ]
    number = 0
    for district in data.units:
        mine = [line for line in data.communes if line.unit.parent_id == district.unit.pk and line.counted]
        rated = sorted(
            (line for line in mine if line.figures.online_rate is not None),
            key=lambda line: (line.figures.online_rate, line.unit.code),
        )
        columns = [
            [_rated(line) for line in rated if line.figures.online_rate < low],
            [_rated(line) for line in rated if low <= line.figures.online_rate < high],
            [line.unit.name for line in mine if not line.figures.received],
        ]
        if not any(columns):
            continue
        number += 1
        cells.append(
            [_p(str(number), "small_head"), _p(district.unit.name, "small_name")]
            + [_p(", ".join(names) or DASH, "small_name") for names in columns]
        )
    if number == 0:
        return _p(_("Không có xã, phường, thị trấn nào trong các danh sách này."), "body")
    return table(
        cells,
        [7, 28, 75, 75, 55],
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
        ("LEFTPADDING", (0, 0), (-1, -1), 2.5),
        ("RIGHTPADDING", (0, 0), (-1, -1), 2.5),
        repeatRows=1,
        width=WIDE_WIDTH,
    )


# --- charts ----------------------------------------------------------------------------------------------------


def _label(x: float, y: float, value: str, *, size: float = 7.5, anchor: str = "start", color=colors.black) -> String:
    return String(x, y, value, fontName=FONT, fontSize=size, textAnchor=anchor, fillColor=color)


def _rates_chart(rows: Sequence[UnitWeek], average: Decimal | None, width: float) -> Drawing:
    """Online rate per unit of `rows`, in their order, with the city average and the 50 % line."""
    bar = 5.2 * mm
    left, bottom, top = 38 * mm, 12 * mm, 4 * mm
    height = max(len(rows), 1) * bar + bottom + top
    drawing = _drawing(width, height)
    if not rows:
        drawing.add(_label(width / 2, height / 2, _("Không có số liệu trong tuần"), size=9, anchor="middle"))
        return drawing
    chart = HorizontalBarChart()
    chart.x, chart.y = left, bottom
    chart.width, chart.height = width - left - 14 * mm, len(rows) * bar
    chart.data = [[float(line.figures.online_rate) for line in rows]]
    chart.categoryAxis.categoryNames = [line.unit.name for line in rows]
    chart.categoryAxis.reverseDirection = 1
    chart.categoryAxis.labels.fontName = FONT
    chart.categoryAxis.labels.fontSize = 7.5
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.categoryAxis.labels.dx = -2
    chart.categoryAxis.strokeColor = GREY
    _percent_axis(chart.valueAxis, step=10)
    chart.barWidth = bar * 0.7
    chart.groupSpacing = bar * 0.3
    chart.bars.strokeColor = None
    chart.bars[0].fillColor = BLUE
    for index, line in enumerate(rows):
        rate = line.figures.online_rate
        if rate < HALF:
            chart.bars[(0, index)].fillColor = RED
        elif average is not None and rate < average:
            chart.bars[(0, index)].fillColor = AMBER
    chart.barLabelFormat = lambda value: percent(Decimal(str(value)))
    chart.barLabels.fontName = FONT
    chart.barLabels.fontSize = 7
    chart.barLabels.boxAnchor = "w"
    chart.barLabels.dx = 2
    chart.barLabels.boxFillColor = colors.white
    # The grid and the reference lines first: the bars and their labels (on white) stay readable across them.
    chart.valueAxis.visibleGrid = 0
    rules = [(Decimal(value), GRID, None) for value in range(10, 101, 10)]
    rules += [(average, BLUE, None), (HALF, RED, (3, 2))]
    for value, color, dash in rules:
        if value is None:
            continue
        x = chart.x + chart.width * float(value) / 100
        wide = 0.5 if color is GRID else 1
        drawing.add(
            Line(x, chart.y, x, chart.y + chart.height, strokeColor=color, strokeWidth=wide, strokeDashArray=dash)
        )
    drawing.add(chart)
    drawing.add(_label(chart.x + chart.width / 2, 2, _("Tỷ lệ hồ sơ nộp trực tuyến (%)"), size=7.5, anchor="middle"))
    return drawing


def _drawing(width: float, height: float, title: str = "") -> Drawing:
    drawing = Drawing(width, height)
    # The renderer otherwise starts every drawing in Helvetica, which would land in the PDF unembedded.
    drawing.initialFontName = FONT
    if title:
        drawing.add(_label(width / 2, height - 9, title, size=8.5, anchor="middle"))
    return drawing


def _legend(drawing: Drawing, items: Sequence[tuple[colors.Color, str]], *, x: float, top: float) -> None:
    """One row per item, a colour swatch and its words, the first row's baseline at `top`."""
    for index, (color, words) in enumerate(items):
        y = top - index * 11
        drawing.add(Rect(x, y - 0.5, 7, 7, fillColor=color, strokeColor=None))
        drawing.add(_label(x + 10, y, words))


def _trend_chart(data: WeeklyData, width: float) -> Drawing:
    """The city's online and on-time rates over the last eight weeks, the latest values written out."""
    drawing = _drawing(width, 66 * mm, _("Diễn biến %(weeks)s tuần gần nhất (%%)") % {"weeks": TREND_WEEKS})
    chart = HorizontalLineChart()
    chart.x, chart.y = 8 * mm, 27 * mm
    chart.width, chart.height = width - 12 * mm, 29 * mm
    rates = ("online_rate", "on_time_rate")
    chart.data = [[None if getattr(f, rate) is None else float(getattr(f, rate)) for f in data.trend] for rate in rates]
    chart.categoryAxis.categoryNames = [
        f"T{f.period.start.isocalendar()[1]}\n{f.period.start:%d/%m}" for f in data.trend
    ]
    chart.categoryAxis.labels.fontName = FONT
    chart.categoryAxis.labels.fontSize = 6.5
    chart.categoryAxis.labels.leading = 8
    chart.categoryAxis.labels.boxAnchor = "n"
    chart.categoryAxis.strokeColor = GREY
    _percent_axis(chart.valueAxis, step=20)
    # reportlab cannot join fewer than two points: weeks without dossiers leave only the markers.
    chart.joinedLines = int(all(sum(value is not None for value in series) >= 2 for series in chart.data))
    for index, color in enumerate((BLUE, GREEN)):
        chart.lines[index].strokeColor = color
        chart.lines[index].strokeWidth = 1.5
        chart.lines[index].symbol = makeMarker("FilledCircle", size=3, fillColor=color, strokeColor=color)
    drawing.add(chart)
    # The latest week's values, above their points (the lower one below, should the two lie close).
    latest = [series[-1] for series in chart.data]
    x = chart.x + chart.width * (len(data.trend) - 0.5) / len(data.trend)
    for index, value in enumerate(latest):
        if value is None:
            continue
        other = latest[1 - index]
        below = other is not None and value < other and other - value < 12
        y = chart.y + chart.height * value / 100 + (-9 if below else 4)
        drawing.add(
            _label(x, y, number_format(Decimal(str(value)), 1), size=7, anchor="middle", color=(BLUE, GREEN)[index])
        )
    _legend(drawing, [(BLUE, _("Tỷ lệ trực tuyến")), (GREEN, _("Tỷ lệ giải quyết đúng hạn"))], x=chart.x, top=11 * mm)
    return drawing


def _percent_axis(axis, *, step: int) -> None:
    axis.valueMin, axis.valueMax, axis.valueStep = 0, 100, step
    axis.labels.fontName = FONT
    axis.labels.fontSize = 7
    axis.labelTextFormat = lambda value: f"{value:.0f}"
    axis.visibleGrid = 1
    axis.gridStrokeColor = GRID
    axis.strokeColor = GREY


def _channel_chart(data: WeeklyData, width: float) -> Drawing:
    """How the week's dossiers came in: online by the citizen, online at the counter, paper, post."""
    drawing = _drawing(width, 66 * mm, _("Hồ sơ tiếp nhận theo kênh nộp"))
    figures = data.current
    channels = [
        (BLUE, _("Trực tuyến, người dân tự nộp"), figures.received_online_self),
        (LIGHT_BLUE, _("Trực tuyến, có hỗ trợ tại bộ phận một cửa"), figures.received_online_assisted),
        (AMBER, _("Trực tiếp tại bộ phận một cửa"), figures.received_counter),
        (GREY, _("Qua bưu chính"), figures.received_post),
    ]
    if not figures.received:
        drawing.add(_label(width / 2, 33 * mm, _("Không có hồ sơ tiếp nhận trong tuần"), size=8.5, anchor="middle"))
        return drawing
    pie = Pie()
    size = 33 * mm
    pie.x, pie.y = (width - size) / 2, 22 * mm
    pie.width = pie.height = size
    pie.data = [amount for _color, _name, amount in channels]
    pie.labels = None
    pie.startAngle, pie.direction = 90, "clockwise"
    pie.slices.strokeColor = colors.white
    pie.slices.strokeWidth = 0.8
    for index, (color, _name, _amount) in enumerate(channels):
        pie.slices[index].fillColor = color
    drawing.add(pie)
    items = [
        (color, f"{name}: {count(amount)} ({percent(_share(amount, figures.received))})")
        for color, name, amount in channels
    ]
    _legend(drawing, items, x=2 * mm, top=17 * mm)
    return drawing


def _share(part: int, whole: int) -> Decimal:
    """A channel's share of the dossiers received, for the chart's legend only (the rates come from Figures)."""
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"))


# --- the document ----------------------------------------------------------------------------------------------


class _NumberedCanvas(Canvas):
    """Holds the pages back until the end, to write the footer and "Trang n/N" on each."""

    def __init__(self, *args, footer_text: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.footer_text = footer_text
        self._pages: list[dict] = []

    def showPage(self) -> None:  # noqa: N802 - reportlab's name
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for page in self._pages:
            self.__dict__.update(page)
            self._footer(total)
            super().showPage()
        super().save()

    def _footer(self, total: int) -> None:
        width, _height = self._pagesize
        left = LEFT_MARGIN if width < LANDSCAPE[0] else WIDE_MARGIN
        right = width - (RIGHT_MARGIN if width < LANDSCAPE[0] else WIDE_MARGIN)
        self.saveState()
        self.setFont(FONT, 8)
        self.setFillColor(GREY)
        self.drawString(left, 9 * mm, self.footer_text)
        self.drawRightString(right, 9 * mm, _("Trang %(page)s/%(total)s") % {"page": self._pageNumber, "total": total})
        self.restoreState()


def _frames() -> list[PageTemplate]:
    def frame(page, left, right, top) -> Frame:
        width = page[0] - left - right
        return Frame(
            left, BOTTOM, width, page[1] - top - BOTTOM, leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0
        )

    # The appendix tables in landscape get a narrower top margin, so the district table and its note share a page.
    return [
        PageTemplate(id="portrait", frames=[frame(PORTRAIT, LEFT_MARGIN, RIGHT_MARGIN, TOP)], pagesize=PORTRAIT),
        PageTemplate(id="landscape", frames=[frame(LANDSCAPE, WIDE_MARGIN, WIDE_MARGIN, WIDE_TOP)], pagesize=LANDSCAPE),
    ]


def _receivers(data: WeeklyData) -> Flowable:
    receivers = [
        _p(_("Nơi nhận:"), "receivers_head", bold=True),
        _p(_("- Lãnh đạo UBND Thành phố (để báo cáo);"), "receivers"),
        _p(_("- Sở Tư pháp;"), "receivers"),
        _p(_("- UBND các xã, phường;") if data.by_commune else _("- UBND các quận, huyện, thị xã;"), "receivers"),
        _p(_("- Lưu: VT."), "receivers"),
    ]
    signer = [
        _p(ISSUER.upper(), "subtitle", bold=True),
        _p(_("(Báo cáo lập tự động trên Cổng dịch vụ công hộ tịch)"), "caption"),
    ]
    return KeepTogether([Spacer(1, 6 * mm), table([[receivers, signer]], [45, 55])])


def weekly_report_pdf(data: WeeklyData) -> bytes:
    """The report as an A4 PDF: the body in portrait, the one-stop statistics table in landscape."""
    register_fonts()
    with translation.override("vi"):
        buffer = io.BytesIO()
        document = BaseDocTemplate(
            buffer,
            pagesize=PORTRAIT,
            pageTemplates=_frames(),
            title=data.title,
            author=f"{ISSUER} – {data.city.name}",
            creator=_("Cổng dịch vụ công hộ tịch"),
            initialFontName=FONT,
        )
        half = TEXT_WIDTH / 2
        story: list[Flowable] = [
            *_title(data),
            _scope_note(data),
            _p(_("I. KẾT QUẢ CHUNG TOÀN THÀNH PHỐ"), "section", bold=True),
            *_summary(data),
            Spacer(1, 2 * mm),
            _headline_table(data),
            Spacer(1, 3 * mm),
            KeepTogether(
                table(
                    [[_trend_chart(data, half - 2 * mm), _channel_chart(data, half - 2 * mm)]],
                    [1, 1],
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                )
            ),
            *(_commune_section(data) if data.by_commune else _district_section(data)),
            CondPageBreak(40 * mm),
            _p(_("III. CÁC ĐƠN VỊ CẦN LƯU Ý"), "section", bold=True),
            *_lists(data),
            _receivers(data),
            NextPageTemplate("landscape"),
            PageBreak(),
            *_appendix(_("PHỤ LỤC 1"), _("Tình hình tiếp nhận, giải quyết hồ sơ hộ tịch trực tuyến %(week)s"), data),
            _one_stop_table(data),
            _p(
                _(
                    "Ghi chú: (5) = (1) + (2) + (3) + (4) = (6) + (7) + (8) + (9) + (10) + (11); (12): hồ sơ đã giải "
                    "quyết nhưng người dân chưa nhận kết quả. Tỷ lệ trễ hạn = [(8) + (10)] / (5); tỷ lệ đúng hạn = "
                    "100 % − tỷ lệ trễ hạn."
                ),
                "note",
            ),
            *_not_counted_note(data),
        ]
        if not data.by_commune:
            # Since the reform the communes are the units of the report: its lists name them already.
            story += [
                PageBreak(),
                *_appendix(_("PHỤ LỤC 2"), _("Xã, phường, thị trấn cần lưu ý %(week)s"), data),
                _commune_lists_table(data),
            ]
        footer = _("Báo cáo %(week)s – %(issuer)s") % {"week": data.week_words, "issuer": ISSUER}
        document.build(story, canvasmaker=functools.partial(_NumberedCanvas, footer_text=footer))
        return buffer.getvalue()


RATES_CAPTION = gettext_lazy(
    "Đường liền: bình quân thành phố; đường đứt: mức 50 %. Màu cam: thấp hơn bình quân; màu đỏ: dưới 50 %."
)
# Since the reform the chart shows the communes furthest behind, not all of them (126 bars would fill two pages).
LOWEST = 20


def _rated_lines(data: WeeklyData) -> list[UnitWeek]:
    return [line for line in data.units if line.counted and line.figures.online_rate is not None]


def _district_section(data: WeeklyData) -> list[Flowable]:
    """Every district in a table, and their online rates in a chart, highest first."""
    rows = sorted(_rated_lines(data), key=lambda line: (-line.figures.online_rate, line.unit.code))
    caption = _("Hình: tỷ lệ trực tuyến theo quận, huyện, thị xã (không gồm đơn vị không có hồ sơ).")
    return [
        CondPageBreak(60 * mm),
        _p(_("II. KẾT QUẢ THEO QUẬN, HUYỆN, THỊ XÃ"), "section", bold=True),
        _district_table(data),
        *_not_counted_note(data),
        Spacer(1, 3 * mm),
        KeepTogether(
            [
                _rates_chart(rows, data.current.online_rate, TEXT_WIDTH),
                _p(f"{caption} {RATES_CAPTION}", "caption"),
            ]
        ),
    ]


def _commune_section(data: WeeklyData) -> list[Flowable]:
    """The communes ranked by online rate in a compact table on a page of its own, then the lowest in a chart."""
    ranked = _ranked(data)
    lowest = sorted(_rated_lines(data), key=lambda line: (line.figures.online_rate, line.unit.code))[:LOWEST]
    caption = _("Hình: %(count)s xã, phường có tỷ lệ trực tuyến thấp nhất trong tuần (trong số %(all)s có hồ sơ).") % {
        "count": count(len(lowest)),
        "all": count(len(_rated_lines(data))),
    }
    return [
        PageBreak(),
        _p(_("II. KẾT QUẢ THEO XÃ, PHƯỜNG"), "section", bold=True),
        *_reaggregated_note(data),
        _p(
            _(
                "Xếp hạng theo tỷ lệ hồ sơ nộp trực tuyến (cao xuống thấp; cùng tỷ lệ thì nhiều hồ sơ hơn đứng trước); "
                "đơn vị không có hồ sơ hoặc chưa tính đứng cuối, không xếp hạng."
            ),
            "note",
        ),
        _ranking_table(data, ranked),
        *_not_counted_note(data),
        Spacer(1, 3 * mm),
        KeepTogether(
            [_rates_chart(lowest, data.current.online_rate, TEXT_WIDTH), _p(f"{caption} {RATES_CAPTION}", "caption")]
        ),
    ]


def _ranked(data: WeeklyData) -> list[tuple[str, UnitWeek]]:
    """(rank, unit) by online rate, highest first; units without a rate (no dossiers, or not counted) last, unranked."""
    rated = sorted(
        _rated_lines(data), key=lambda line: (-line.figures.online_rate, -line.figures.received, line.unit.code)
    )
    rest = [line for line in data.units if line not in rated]
    rest.sort(key=lambda line: (not line.counted, line.unit.code))
    return [(str(rank), line) for rank, line in enumerate(rated, start=1)] + [("", line) for line in rest]


RANKING_HEAD = (
    gettext_lazy("Hạng"),
    gettext_lazy("Xã, phường"),
    gettext_lazy("Tiếp nhận"),
    gettext_lazy("Tỷ lệ trực tuyến"),
    gettext_lazy("Tỷ lệ đúng hạn"),
    gettext_lazy("Quá hạn"),
)


def _ranking_table(data: WeeklyData, ranked: list[tuple[str, UnitWeek]]) -> Flowable:
    """Two ranking columns side by side (ranks 1 to n/2 down the left, the rest down the right), in small type: the
    126 communes of Hanoi fit one page. The city's total closes it."""

    def cells(rank: str, line: UnitWeek | None) -> list[Flowable]:
        if line is None:
            return [_p("") for _ in RANKING_HEAD]
        name = line.unit.name if line.counted else f"{line.unit.name} (*)"
        figures = line.figures
        values = (
            [
                count(figures.received),
                percent(figures.online_rate),
                percent(figures.on_time_rate),
                count(figures.overdue),
            ]
            if line.counted
            else [DASH] * 4
        )
        return [_p(rank, "small"), _p(name, "small_name"), *(_p(value, "small") for value in values)]

    half = (len(ranked) + 1) // 2
    left, right = ranked[:half], ranked[half:]
    head = [_p(str(value), "small_head", bold=True) for value in RANKING_HEAD]
    rows = [[*head, _p(""), *head]]
    for index, (rank, line) in enumerate(left):
        other = right[index] if index < len(right) else ("", None)
        rows.append([*cells(rank, line), _p(""), *cells(*other)])
    city = UnitWeek(data.city, data.current)
    rows.append(
        [_p(""), _p(_("Toàn thành phố"), "small_name", bold=True), *cells("", city)[2:], _p(""), *cells("", None)]
    )
    widths = [10, 30, 10, 12, 12, 9]
    last = len(rows) - 1
    return table(
        rows,
        [*widths, 2, *widths],
        ("GRID", (0, 0), (5, -1), 0.4, colors.black),
        ("GRID", (7, 0), (-1, -2), 0.4, colors.black),
        ("BACKGROUND", (0, 0), (5, 0), HEADER_FILL),
        ("BACKGROUND", (7, 0), (-1, 0), HEADER_FILL),
        ("BACKGROUND", (0, last), (5, last), TOTAL_FILL),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), 1.5),
        ("RIGHTPADDING", (0, 0), (-1, -1), 1.5),
        ("TOPPADDING", (0, 1), (-1, -1), 0.1),
        ("BOTTOMPADDING", (0, 1), (-1, -1), 0.3),
        repeatRows=1,
    )


def _not_counted_note(data: WeeklyData) -> list[Flowable]:
    if all(line.counted for line in data.units):
        return []
    return [_p(_("(*) Chưa chính thức triển khai dịch vụ trực tuyến trong tuần: số liệu không tính."), "note")]


def _appendix(number: str, title: str, data: WeeklyData) -> list[Flowable]:
    return [
        _p(number, "subtitle", bold=True),
        _p(title % {"week": data.week_words}, "period"),
        Spacer(1, 3 * mm),
    ]


# --- the service -------------------------------------------------------------------------------------------------


def weekly_report_generate(*, week_start: date | None = None) -> WeeklyReport:
    """Write the PDF of the week starting on `week_start` (by default the week before this one) into its
    WeeklyReport row, replacing the file of an earlier run, and e-mail it to the city staff after commit."""
    now = timezone.now()
    week = period_of("week", week_start) if week_start else week_before(timezone.localdate(now))
    data = weekly_data(week=week, now=now)
    pdf = weekly_report_pdf(data)
    with transaction.atomic():
        report, created = WeeklyReport.objects.select_for_update().get_or_create(week_start=week.start)
        replaced = report.pdf.name
        report.pdf.save(file_name(week), ContentFile(pdf), save=False)
        report.save()
        if replaced:
            # The old file goes once the row points at the new one for good.
            transaction.on_commit(lambda: report.pdf.storage.delete(replaced))
        transaction.on_commit(lambda: weekly_report_send(data=data, pdf=pdf, update=not created))
    return report


def weekly_report_recipients() -> list[str]:
    """The e-mail addresses of the active city staff, then REPORTING_WEEKLY_EXTRA_RECIPIENTS, each once."""
    staff = User.objects.filter(role=Role.CITY, is_active=True).exclude(email="").order_by("pk")
    addresses, seen = [], set()
    for address in [*staff.values_list("email", flat=True), *settings.REPORTING_WEEKLY_EXTRA_RECIPIENTS]:
        if address.lower() not in seen:
            seen.add(address.lower())
            addresses.append(address)
    return addresses


def weekly_report_send(*, data: WeeklyData, pdf: bytes, update: bool = False) -> int:
    """E-mail the report to each recipient; a refused address is logged and the others still get it."""
    with translation.override("vi"):
        subject = _("Báo cáo %(week)s: tình hình tiếp nhận, giải quyết hồ sơ hộ tịch trực tuyến") % {
            "week": data.week_words
        }
        if update:
            subject = _("[Cập nhật] %(subject)s") % {"subject": subject}
        body = _weekly_mail_text(data)
    attachment = (file_name(data.week), pdf, "application/pdf")
    sent = 0
    for address in weekly_report_recipients():
        try:
            send_email(to=address, subject=subject, text=body, attachments=[attachment])
        except EmailDeliveryError:
            logger.exception("weekly report %s not sent to %s", data.week.start, address)
        else:
            sent += 1
    return sent


def file_name(week: Period) -> str:
    """bao-cao-tuan-2026-49.pdf: the ISO year and week."""
    year, number, _weekday = week.start.isocalendar()
    return f"bao-cao-tuan-{year}-{number:02d}.pdf"


def _weekly_mail_text(data: WeeklyData) -> str:
    figures = data.current
    return _(
        "Kính gửi Quý cán bộ,\n\n"
        "Cổng dịch vụ công hộ tịch gửi kèm theo thư này báo cáo tình hình tiếp nhận, giải quyết hồ sơ hộ tịch trực "
        "tuyến %(week)s của %(city)s.\n\n"
        "Tóm tắt: tiếp nhận %(received)s hồ sơ, tỷ lệ trực tuyến %(online)s; đã giải quyết %(resolved)s hồ sơ, "
        "tỷ lệ đúng hạn %(on_time)s; còn %(overdue)s hồ sơ đang giải quyết quá hạn.\n\n"
        "Các báo cáo tuần đã lập được lưu tại %(url)s\n\n"
        "Thư này được gửi tự động, xin không trả lời."
    ) % {
        "week": data.week_words,
        "city": data.city.name,
        "received": count(figures.received),
        "online": percent(figures.online_rate),
        "resolved": count(figures.resolved),
        "on_time": percent(figures.on_time_rate),
        "overdue": count(figures.overdue),
        "url": settings.SITE_URL.rstrip("/") + reverse("weekly_reports:list"),
    }
