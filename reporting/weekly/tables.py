"""The weekly report's tables: the headline figures, the units below the city, the ranking of the communes, the
one-stop statistics and the communes to watch by district."""

from collections.abc import Callable

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from reportlab.lib import colors
from reportlab.platypus import Flowable

from egov.core.pdf import table

from ..selectors import Figures
from ..tables import DASH
from .figures import HALF, UnitWeek, WeeklyData, count, days, difference, name_and_rate, percent, points, signed
from .styles import HEADER_FILL, TOTAL_FILL, WIDE_WIDTH, paragraph


def headline_table(data: WeeklyData) -> Flowable:
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
            paragraph(_("Chỉ tiêu"), "head", bold=True),
            paragraph(_("Tuần %(week)s") % {"week": data.week.start.isocalendar()[1]}, "head", bold=True),
            paragraph(_("Tuần trước"), "head", bold=True),
            paragraph(_("Tăng (+), giảm (−)"), "head", bold=True),
        ]
    ]
    for label, current, previous, show in rows:
        change = signed(difference(current, previous), change_format[show])
        cells.append(
            [
                paragraph(label, "cell"),
                paragraph(show(current), "number"),
                paragraph(show(previous), "number"),
                paragraph(change, "number"),
            ]
        )
    return table(
        cells,
        [62, 24, 24, 30],
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        repeatRows=1,
    )


def district_table(data: WeeklyData) -> Flowable:
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
    cells = [[paragraph(value, "head", bold=True) for value in head]]
    for number, line in enumerate(data.units, start=1):
        name = line.unit.name if line.counted else f"{line.unit.name} (*)"
        cells.append(
            [paragraph(str(number), "head"), paragraph(name, "cell"), *_district_figures(line.figures, line.counted)]
        )
    cells.append(
        [paragraph(""), paragraph(_("Toàn thành phố"), "cell", bold=True), *_district_figures(data.current, True)]
    )
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
        return [paragraph(DASH, "number") for _ in range(6)]
    values = [
        count(figures.received),
        percent(figures.online_rate),
        count(figures.resolved),
        percent(figures.on_time_rate),
        count(figures.overdue),
        days(figures.average_processing_days),
    ]
    return [paragraph(value, "number") for value in values]


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


def one_stop_table(data: WeeklyData) -> Flowable:
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
    cells = [
        [paragraph(value, "small_head", bold=row < 2) for value in values] for row, values in enumerate([top, second])
    ]
    cells.append([paragraph(value, "small_head") for value in numbers])
    for number, line in enumerate(data.units, start=1):
        name = line.unit.name if line.counted else f"{line.unit.name} (*)"
        cells.append([paragraph(str(number), "small_head"), paragraph(name, "small_name"), *_one_stop_values(line)])
    # A hundred communes or more: thinner rows, so the table keeps to a few pages.
    padding = 0.6 if len(data.units) > 40 else 1.5
    cells.append(
        [
            paragraph(""),
            paragraph(_("Toàn thành phố"), "small_name", bold=True),
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
        return [paragraph(DASH, "small") for _ in ONE_STOP_COLUMNS]
    return [paragraph(value(line.figures), "small") for _group, _column, value in ONE_STOP_COLUMNS]


def commune_lists_table(data: WeeklyData) -> Flowable:
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
            paragraph(value, "small_head", bold=True)
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
            [name_and_rate(line) for line in rated if line.figures.online_rate < low],
            [name_and_rate(line) for line in rated if low <= line.figures.online_rate < high],
            [line.unit.name for line in mine if not line.figures.received],
        ]
        if not any(columns):
            continue
        number += 1
        cells.append(
            [paragraph(str(number), "small_head"), paragraph(district.unit.name, "small_name")]
            + [paragraph(", ".join(names) or DASH, "small_name") for names in columns]
        )
    if number == 0:
        return paragraph(_("Không có xã, phường, thị trấn nào trong các danh sách này."), "body")
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


RANKING_HEAD = (
    gettext_lazy("Hạng"),
    gettext_lazy("Xã, phường"),
    gettext_lazy("Tiếp nhận"),
    gettext_lazy("Tỷ lệ trực tuyến"),
    gettext_lazy("Tỷ lệ đúng hạn"),
    gettext_lazy("Quá hạn"),
)


def ranking_table(data: WeeklyData, ranked: list[tuple[str, UnitWeek]]) -> Flowable:
    """Two ranking columns side by side (ranks 1 to n/2 down the left, the rest down the right), in small type: the
    126 communes of Hanoi fit one page. The city's total closes it."""

    def cells(rank: str, line: UnitWeek | None) -> list[Flowable]:
        if line is None:
            return [paragraph("") for _ in RANKING_HEAD]
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
        return [
            paragraph(rank, "small"),
            paragraph(name, "small_name"),
            *(paragraph(value, "small") for value in values),
        ]

    half = (len(ranked) + 1) // 2
    left, right = ranked[:half], ranked[half:]
    head = [paragraph(str(value), "small_head", bold=True) for value in RANKING_HEAD]
    rows = [[*head, paragraph(""), *head]]
    for index, (rank, line) in enumerate(left):
        other = right[index] if index < len(right) else ("", None)
        rows.append([*cells(rank, line), paragraph(""), *cells(*other)])
    city = UnitWeek(data.city, data.current)
    rows.append(
        [
            paragraph(""),
            paragraph(_("Toàn thành phố"), "small_name", bold=True),
            *cells("", city)[2:],
            paragraph(""),
            *cells("", None),
        ]
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
