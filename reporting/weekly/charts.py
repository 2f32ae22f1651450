"""The weekly report's charts: the online rate per unit, the city's last weeks, the channels."""

from collections.abc import Sequence
from decimal import Decimal

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.charts.piecharts import Pie
from reportlab.graphics.shapes import Drawing, Line, Rect, String
from reportlab.graphics.widgets.markers import makeMarker
from reportlab.lib import colors
from reportlab.lib.units import mm

from egov.core.pdf import FONT

from .figures import HALF, TREND_WEEKS, UnitWeek, WeeklyData, count, percent
from .styles import AMBER, BLUE, GREEN, GREY, GRID, LIGHT_BLUE, RED


def _label(x: float, y: float, value: str, *, size: float = 7.5, anchor: str = "start", color=colors.black) -> String:
    return String(x, y, value, fontName=FONT, fontSize=size, textAnchor=anchor, fillColor=color)


def rates_chart(rows: Sequence[UnitWeek], average: Decimal | None, width: float) -> Drawing:
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


def trend_chart(data: WeeklyData, width: float) -> Drawing:
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


def channel_chart(data: WeeklyData, width: float) -> Drawing:
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
