"""The tables of the dashboards, built once from Figures and written out as HTML, CSV and XLSX alike.

A table is columns (Vietnamese header, key, kind) and rows of raw values read from Figures; the page shows
each value through `display`, the CSV through `plain`, the XLSX as a typed cell. Since the three read the
same row values, a download cannot disagree with the page.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from egov.units.models import UnitLevel
from egov.units.selectors import name_order

from .dashboards import ChildPart, Dashboard
from .selectors import Figures

DASH = "—"


@dataclass(frozen=True)
class Column:
    """One column: `key` names the Figures attribute read (and the sort key); `kind` says how to show it."""

    key: str
    header: str
    kind: str = "int"  # text | int | pct | days | date
    group: str | None = None
    get: Callable[[Figures], object] | None = None

    def value(self, figures: Figures) -> object:
        return self.get(figures) if self.get else getattr(figures, self.key)

    @property
    def full_header(self) -> str:
        """The header on one line, for CSV and XLSX (which have no grouped headers)."""
        return f"{self.group} – {self.header}" if self.group else str(self.header)


def display(value: object, kind: str) -> str:
    """A value as the page shows it: Vietnamese digits (1.234; 12,5 %), dd/mm/yyyy, and a dash for none."""
    if value is None or value == "":
        return DASH
    if kind == "int":
        return number_format(value, use_l10n=True, force_grouping=True)
    if kind == "pct":
        return f"{number_format(value, 1, use_l10n=True)}\u00a0%"
    if kind == "days":
        return number_format(value, 2, use_l10n=True)
    if kind == "date":
        return f"{value:%d/%m/%Y}"
    return str(value)


def plain(value: object, kind: str) -> str:
    """A value as a CSV cell: digits a program reads back (12.5), dd/mm/yyyy, empty for none."""
    if value is None:
        return ""
    if isinstance(value, date):
        return f"{value:%d/%m/%Y}"
    return str(value)


@dataclass
class Row:
    """A row's raw values (for CSV and XLSX) and the same values as the page shows them, with their kinds."""

    label: str
    values: list
    cells: list[tuple[str, str]]
    href: str = ""


@dataclass
class Table:
    """`name` is the table's address in the export links (?table=…) and the end of its file names. A sortable
    table's headers link to the same page ordered by their column (`sort_href` makes those links)."""

    name: str
    title: str
    label_header: str
    columns: list[Column]
    rows: list[Row] = field(default_factory=list)
    total: Row | None = None
    sort_key: str | None = None
    descending: bool = False
    sort_href: Callable[[str, bool], str] | None = None
    csv_href: str = ""
    xlsx_href: str = ""

    @property
    def label_cell(self) -> dict:
        return self._header(Column("name", self.label_header, "text"), rowspan=2 if self.has_groups else 1)

    @property
    def header_rows(self) -> list[list[dict]]:
        """One header row, or two when columns are grouped (a group spans its columns; the others span both)."""
        if not self.has_groups:
            return [[self.label_cell, *(self._header(column) for column in self.columns)]]
        top, bottom = [self.label_cell], []
        for column in self.columns:
            if column.group is None:
                top.append(self._header(column, rowspan=2))
                continue
            if top[-1].get("group") == column.group:
                top[-1]["colspan"] += 1
            else:
                top.append({"group": column.group, "colspan": 1, "rowspan": 1})
            bottom.append(self._header(column))
        return [top, bottom]

    def _header(self, column: Column, rowspan: int = 1) -> dict:
        cell = {"column": column, "rowspan": rowspan, "colspan": 1}
        if self.sort_href is not None:
            active = column.key == self.sort_key
            if active:
                cell["aria_sort"] = "descending" if self.descending else "ascending"
            cell["href"] = self.sort_href(column.key, active and not self.descending)
        return cell

    @property
    def has_groups(self) -> bool:
        return any(column.group for column in self.columns)


def table_build(
    *,
    name: str,
    title: str,
    label_header: str,
    columns: list[Column],
    rows: list[tuple[str, Figures, str]],
    total: Figures | None = None,
    total_label: str = "",
) -> Table:
    """A table of `columns` with one row per (label, figures, link) and an optional total row."""

    def row(label: str, figures: Figures, href: str = "") -> Row:
        # A unit not counted in the period shows dashes (empty cells in CSV), not zeros; its rollout stays shown.
        values = [c.value(figures) if figures.counted or c.get else None for c in columns]
        cells = [(c.kind, display(v, c.kind)) for c, v in zip(columns, values, strict=True)]
        return Row(label=str(label), values=values, cells=cells, href=href)

    return Table(
        name=name,
        title=title,
        label_header=label_header,
        columns=columns,
        rows=[row(*item) for item in rows],
        total=row(total_label, total) if total is not None else None,
    )


def _extra(key: str) -> Callable[[Figures], object]:
    return lambda figures: figures.extra.get(key)


SUMMARY_COLUMNS = [
    Column("received", _("Hồ sơ tiếp nhận")),
    Column("received_online", _("Nộp trực tuyến")),
    Column("online_rate", _("Tỷ lệ trực tuyến"), "pct"),
    Column("resolved", _("Đã giải quyết")),
    Column("on_time_rate", _("Tỷ lệ đúng hạn"), "pct"),
    Column("overdue", _("Đang quá hạn")),
    Column("average_processing_days", _("Số ngày giải quyết bình quân"), "days"),
    Column("interconnect_average_days", _("Số ngày liên thông 3 trong 1 bình quân"), "days"),
    Column("linked_failure_rate", _("Tỷ lệ lỗi liên thông"), "pct"),
]
ROLLOUT_COLUMNS = [
    Column("rollout_phase", _("Giai đoạn triển khai"), "text", get=_extra("rollout_phase")),
    Column("official_start", _("Chính thức từ"), "date", get=_extra("official_start")),
]
_RECEIVED = _("Tiếp nhận trong kỳ")
_RESOLVED = _("Đã giải quyết")
_IN_PROGRESS = _("Đang giải quyết")
ONESTOP_COLUMNS = [
    Column("carried_over", _("Kỳ trước chuyển sang")),
    Column("received_online", _("Trực tuyến"), group=_RECEIVED),
    Column("received_counter", _("Trực tiếp"), group=_RECEIVED),
    Column("received_post", _("Bưu chính"), group=_RECEIVED),
    Column("to_handle", _("Tổng số phải giải quyết")),
    Column("resolved_early", _("Trước hạn"), group=_RESOLVED),
    Column("resolved_on_time", _("Đúng hạn"), group=_RESOLVED),
    Column("resolved_late", _("Quá hạn"), group=_RESOLVED),
    Column("not_yet_due", _("Chưa đến hạn"), group=_IN_PROGRESS),
    Column("overdue", _("Quá hạn"), group=_IN_PROGRESS),
    Column("withdrawn", _("Đã rút")),
    Column("not_collected", _("Có kết quả, chưa trả")),
    Column("late_rate", _("Tỷ lệ trễ hạn"), "pct"),
    Column("table_on_time_rate", _("Tỷ lệ đúng hạn"), "pct"),
]
# The trend has only flows: the summary's columns up to the on-time rate.
TREND_COLUMNS = SUMMARY_COLUMNS[:5]
# What the rows of a sortable table may be ordered by: the label, or any column of those tables.
SORT_KEYS = frozenset({"name"} | {c.key for c in (*SUMMARY_COLUMNS, *ROLLOUT_COLUMNS, *ONESTOP_COLUMNS)})


def sort_figures(items: list[Figures], *, key: str, descending: bool, label: Callable[[Figures], str]) -> list[Figures]:
    """Figures ordered by one column (or by `label` for "name"); those without a value (a rate with nothing to
    divide) come last whichever the direction."""
    column = next((c for c in (*SUMMARY_COLUMNS, *ROLLOUT_COLUMNS, *ONESTOP_COLUMNS) if c.key == key), None)
    if column is None:
        return sorted(items, key=label, reverse=descending)
    present = [item for item in items if column.value(item) is not None]
    missing = [item for item in items if column.value(item) is None]
    present.sort(key=column.value, reverse=descending)
    return present + missing


def part_label(part: ChildPart) -> str:
    """What a part of the page covers, for its tables' titles: "01/01/2025 – 30/06/2025, theo quận, huyện"."""
    return _("%(days)s, theo %(units)s") % {"days": part.days_label, "units": part.units_label}


def dashboard_tables(
    dashboard: Dashboard,
    *,
    sort_key: str,
    descending: bool,
    sort_href: Callable[[str, bool], str] | None = None,
    unit_href: Callable[[Figures], str] = lambda figures: "",
    procedure_href: Callable[[Figures], str] = lambda figures: "",
) -> dict[str, Table]:
    """The page's tables by name: by child unit (summary and one-stop, for each part of the period), by procedure,
    by step of the period.

    A commune has no child units: its one-stop table is by procedure. Rows of the unit and procedure tables
    follow `sort_key` (their code order when empty); each total row is the unit's own figures over the part. A
    period across a reform has a pair of unit tables per part, named with the part's number (tong-hop-1, …).
    """
    figures = dashboard.figures
    total_label = _("Tổng cộng")

    def ordered(items: list[Figures], label: Callable[[Figures], str]) -> list[Figures]:
        return sort_figures(items, key=sort_key, descending=descending, label=label) if sort_key else items

    procedures = ordered(dashboard.procedures, lambda f: name_order(f.extra["procedure"].name))
    procedure_rows = [(f.extra["procedure"].name, f, procedure_href(f)) for f in procedures]
    unit_header = _("Đơn vị")
    tables = {}
    several = len(dashboard.parts) > 1
    for number, part in enumerate(dashboard.parts, start=1):
        children = ordered(part.children, lambda f: name_order(f.unit.name))
        unit_rows = [(f.unit.name, f, unit_href(f)) for f in children]
        suffix = f"-{number}" if several else ""
        during = f" ({part_label(part)})" if dashboard.parts_labelled else ""
        rollout = ROLLOUT_COLUMNS if dashboard.unit.level == UnitLevel.CITY else []
        tables[f"tong-hop{suffix}"] = table_build(
            name=f"tong-hop{suffix}",
            title=_("Tổng hợp theo đơn vị") + during,
            label_header=unit_header,
            columns=[*SUMMARY_COLUMNS, *rollout],
            rows=unit_rows,
            total=part.total,
            total_label=total_label,
        )
        tables[f"mot-cua{suffix}"] = table_build(
            name=f"mot-cua{suffix}",
            title=_("Thống kê tiếp nhận và giải quyết hồ sơ (mẫu một cửa)") + during,
            label_header=unit_header,
            columns=ONESTOP_COLUMNS,
            rows=unit_rows,
            total=part.total,
            total_label=total_label,
        )
    if not dashboard.parts:
        tables["mot-cua"] = table_build(
            name="mot-cua",
            title=_("Thống kê tiếp nhận và giải quyết hồ sơ (mẫu một cửa)"),
            label_header=_("Thủ tục"),
            columns=ONESTOP_COLUMNS,
            rows=procedure_rows,
            total=figures,
            total_label=total_label,
        )
    if procedure_rows:
        tables["thu-tuc"] = table_build(
            name="thu-tuc",
            title=_("Tổng hợp theo thủ tục"),
            label_header=_("Thủ tục"),
            columns=SUMMARY_COLUMNS,
            rows=procedure_rows,
            total=figures,
            total_label=total_label,
        )
    for table in tables.values():
        table.sort_key, table.descending, table.sort_href = sort_key, descending, sort_href
    tables["theo-thoi-gian"] = table_build(
        name="theo-thoi-gian",
        title=_("Diễn biến theo thời gian"),
        label_header=_("Kỳ"),
        columns=TREND_COLUMNS,
        rows=[(step.period.label, step, "") for step in dashboard.trend],
        total=figures,
        total_label=total_label,
    )
    return tables
