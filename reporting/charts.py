"""Charts drawn on the server as inline SVG: no script, no external file, each with a title and a description that
say in words what it shows.

Text keeps its size at any width (a phone or a wall screen): positions across are percentages of the chart's
width, and the bars are drawn in a nested SVG stretched only sideways. Colours pass 3:1 against white and
against each other's white separators; text is the page's ink.
"""

import math
from dataclasses import dataclass
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from .dashboards import Dashboard
from .periods import Period
from .selectors import Figures
from .tables import display, sort_figures

INK = "#0b0c0c"
MUTED = "#505a5f"
GRID = "#b1b4b6"
BLUE = "#0b4f9c"
LIGHT_BLUE = "#4f7fc0"
AMBER = "#b35c00"
RED = "#a4161a"
HALO = 'paint-order="stroke" stroke="#fff" stroke-width="3" stroke-linejoin="round"'
FONT = 'font-size="13"'
SMALL = 'font-size="12"'
# A rates chart shows every unit up to this many (the 30 districts of before); past it, the lowest LOWEST_BARS.
MOST_BARS = 30
LOWEST_BARS = 20


@dataclass(frozen=True)
class Part:
    label: str
    value: int
    colour: str


def _open(chart_id: str, title: str, description: str, height: int) -> list[str]:
    return [
        f'<svg class="report-chart" xmlns="http://www.w3.org/2000/svg" width="100%" height="{height}" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" fill="{INK}">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>',
    ]


def _stretched(top: int, height: int, width: float) -> str:
    """A drawing area spanning the chart's width, `width` user units across, 1 unit = 1 px down."""
    return (
        f'<svg y="{top}" width="100%" height="{height}" viewBox="0 0 {width:g} {height}" '
        f'preserveAspectRatio="none" aria-hidden="true">'
    )


def _pct(value: Decimal | None) -> str:
    return display(value, "pct")


def rate_bars(
    *,
    chart_id: str,
    title: str,
    items: list[tuple[str, Decimal | None]],
    reference: Decimal | None,
    reference_label: str,
) -> SafeString:
    """One horizontal bar per unit (0–100 %), the name above its bar and the rate at the right, with a dashed line
    at the reference rate (the city average)."""
    row, top, axis = 38, 24, 22
    plot = row * len(items)
    nothing = _("chưa có hồ sơ")
    description = "; ".join(f"{label}: {nothing if value is None else _pct(value)}" for label, value in items)
    if reference is not None:
        description += f". {reference_label}: {_pct(reference)}."
    parts = _open(chart_id, title, description, top + plot + axis)
    parts.append(_stretched(top, plot, 100))
    for tick in (0, 25, 50, 75, 100):
        parts.append(
            f'<line x1="{tick}" x2="{tick}" y1="0" y2="{plot}" stroke="{GRID}" vector-effect="non-scaling-stroke"/>'
        )
    for index, (_label, value) in enumerate(items):
        if value:
            parts.append(f'<rect x="0" y="{index * row + 21}" width="{value}" height="12" fill="{BLUE}"/>')
    if reference is not None:
        parts.append(
            f'<line x1="{reference}" x2="{reference}" y1="0" y2="{plot}" stroke="{RED}" stroke-width="2" '
            f'stroke-dasharray="5 3" vector-effect="non-scaling-stroke"/>'
        )
    parts.append("</svg>")
    for index, (label, value) in enumerate(items):
        y = top + index * row + 16
        parts.append(f'<text x="0" y="{y}" {FONT} {HALO}>{escape(label)}</text>')
        shown = _pct(value) if value is not None else "—"
        parts.append(f'<text x="100%" y="{y}" {FONT} text-anchor="end" font-weight="700" {HALO}>{shown}</text>')
    if reference is not None:
        # A legend line rather than a label at the line, which could run off a phone's screen.
        parts.append(
            f'<line x1="0" x2="22" y1="10" y2="10" stroke="{RED}" stroke-width="2" stroke-dasharray="5 3"/>'
            f'<text x="28" y="14" {SMALL} fill="{RED}" font-weight="700">'
            f"{escape(reference_label)}: {_pct(reference)}</text>"
        )
    baseline = top + plot + 16
    for tick, anchor in ((0, "start"), (50, "middle"), (100, "end")):
        parts.append(
            f'<text x="{tick}%" y="{baseline}" {SMALL} fill="{MUTED}" text-anchor="{anchor}">{tick}\u00a0%</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped or a number


def _scale(largest: int) -> tuple[int, int]:
    """(tick step, ticks): at most four round steps (1, 2 or 5 × 10^k) that reach `largest`."""
    rough = max(largest / 4, 1)
    power = 10 ** math.floor(math.log10(rough))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= rough)
    return int(step), max(1, math.ceil(largest / step))


def step_label(step: Period, steps: list[Period]) -> str:
    """A short name under a bar: 05/10 for a day or a week (its Monday), T10 for a month (10/26 across years)."""
    if step.kind == "month":
        if len({s.start.year for s in steps}) == 1:
            return f"T{step.start.month}"
        return f"{step.start:%m/%y}"
    return f"{step.start:%d/%m}"


def trend_bars(*, chart_id: str, title: str, trend: list[Figures]) -> SafeString:
    """Dossiers received in each step of the period, the online ones at the bottom of each bar."""
    steps = [f.period for f in trend]
    series = [(_("Nộp trực tuyến"), BLUE), (_("Trực tiếp, bưu chính"), AMBER)]
    top, plot, axis = 44, 170, 24
    totals = [f.received for f in trend]
    total = sum(totals)
    description = _trend_description(trend)
    parts = _open(chart_id, title, description, top + plot + axis)
    x = 0
    for label, colour in series:
        parts.append(f'<rect x="{x}" y="4" width="14" height="14" fill="{colour}"/>')
        parts.append(f'<text x="{x + 20}" y="16" {SMALL}>{escape(label)}</text>')
        x += 30 + 8 * len(label)
    step, ticks = _scale(max(totals, default=0))
    ceiling = step * ticks
    for tick in range(ticks + 1):
        y = top + plot - plot * tick // ticks
        parts.append(f'<line x1="0" x2="100%" y1="{y}" y2="{y}" stroke="{GRID}"/>')
    width = 10 * max(len(trend), 1)
    parts.append(_stretched(top, plot, width))
    for index, figures in enumerate(trend):
        parts += _stacked_bar(index, figures, plot=plot, ceiling=ceiling)
    parts.append("</svg>")
    for tick in range(1, ticks + 1):
        y = top + plot - plot * tick // ticks
        parts.append(f'<text x="0" y="{y - 4}" {SMALL} fill="{MUTED}" {HALO}>{display(step * tick, "int")}</text>')
    if not total:
        parts.append(
            f'<text x="50%" y="{top + plot // 2}" {FONT} text-anchor="middle" fill="{MUTED}">'
            f"{escape(description)}</text>"
        )
    every = math.ceil(len(steps) / (12 if steps and steps[0].kind == "month" else 8))
    for index, period in enumerate(steps):
        if index % every == 0:
            x = (index + 0.5) * 100 / len(steps)
            # Labels near an edge are anchored inside the chart, so a phone does not cut them.
            anchor = "start" if x < 5 else "end" if x > 95 else "middle"
            x = 0 if anchor == "start" else 100 if anchor == "end" else x
            parts.append(
                f'<text x="{x:.2f}%" y="{top + plot + 17}" {SMALL} text-anchor="{anchor}">'
                f"{escape(step_label(period, steps))}</text>"
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped or a number


def _trend_description(trend: list[Figures]) -> str:
    """The chart in words, for screen readers: the total, the online share, the busiest step."""
    totals = [f.received for f in trend]
    total, online = sum(totals), sum(f.received_online for f in trend)
    if not total:
        return _("Không có hồ sơ tiếp nhận trong kỳ.")
    busiest = max(range(len(trend)), key=totals.__getitem__)
    return _(
        "%(total)s hồ sơ tiếp nhận trong %(count)s kỳ, trong đó %(online)s nộp trực tuyến; nhiều nhất %(label)s "
        "với %(most)s hồ sơ."
    ) % {
        "total": display(total, "int"),
        "count": len(trend),
        "online": display(online, "int"),
        "label": trend[busiest].period.label,
        "most": display(totals[busiest], "int"),
    }


def _stacked_bar(index: int, figures: Figures, *, plot: int, ceiling: int) -> list[str]:
    """The step's bar: its online dossiers at the bottom, the others above them, a one-unit gap between the two."""
    low = plot * figures.received_online / ceiling
    high = plot * figures.received / ceiling
    rects = []
    if low:
        rects.append(f'<rect x="{index * 10 + 2}" y="{plot - low:.2f}" width="6" height="{low:.2f}" fill="{BLUE}"/>')
    if high > low:
        gap = 1 if low else 0
        rects.append(
            f'<rect x="{index * 10 + 2}" y="{plot - high:.2f}" width="6" height="{max(high - low - gap, 0.5):.2f}" '
            f'fill="{AMBER}"/>'
        )
    return rects


def channel_mix(*, chart_id: str, title: str, figures: Figures) -> SafeString:
    """One bar split by channel (100 % = dossiers received), with a legend line per channel: count and share."""
    parts_ = [
        Part(_("Trực tuyến – công dân tự nộp"), figures.received_online_self, BLUE),
        Part(_("Trực tuyến – nộp tại bộ phận một cửa"), figures.received_online_assisted, LIGHT_BLUE),
        Part(_("Trực tiếp tại bộ phận một cửa"), figures.received_counter, AMBER),
        Part(_("Qua bưu chính"), figures.received_post, MUTED),
    ]
    total = figures.received
    lines = [f"{p.label}: {display(p.value, 'int')} ({_pct(_share(p.value, total)) if total else '—'})" for p in parts_]
    description = "; ".join(lines) if total else _("Không có hồ sơ tiếp nhận trong kỳ.")
    bar, row = 30, 24
    height = bar + 12 + row * len(parts_)
    svg = _open(chart_id, title, description, height)
    if total:
        svg.append(_stretched(0, bar, 100))
        x = Decimal(0)
        for part in parts_:
            share = Decimal(part.value) * 100 / total
            if share:
                svg.append(
                    f'<rect x="{x:.3f}" y="0" width="{share:.3f}" height="{bar}" fill="{part.colour}" stroke="#fff" '
                    f'stroke-width="2" vector-effect="non-scaling-stroke"/>'
                )
            x += share
        svg.append("</svg>")
    else:
        svg.append(f'<rect x="0" y="0" width="100%" height="{bar}" fill="#fff" stroke="{GRID}"/>')
        svg.append(f'<text x="50%" y="20" {FONT} text-anchor="middle" fill="{MUTED}">{escape(description)}</text>')
    for index, (part, line) in enumerate(zip(parts_, lines, strict=True)):
        y = bar + 12 + index * row
        svg.append(f'<rect x="0" y="{y + 3}" width="14" height="14" fill="{part.colour}"/>')
        svg.append(f'<text x="22" y="{y + 15}" {FONT}>{escape(line)}</text>')
    svg.append("</svg>")
    return mark_safe("".join(svg))  # noqa: S308 - every text above is escaped or a number


def _share(part: int, whole: int) -> Decimal:
    return (Decimal(part) * 100 / whole).quantize(Decimal("0.1"))


def dashboard_charts(dashboard: Dashboard, *, reference_label: str) -> dict[str, SafeString]:
    """The page's charts: online rate per child unit (for each part of the period, with a note when only the units
    furthest behind are drawn), the trend, the channel mix."""
    charts = {
        "trend": trend_bars(
            chart_id="chart-trend",
            title=_("Hồ sơ tiếp nhận theo thời gian"),
            trend=dashboard.trend,
        ),
        "channels": channel_mix(
            chart_id="chart-channels", title=_("Hồ sơ tiếp nhận theo hình thức nộp"), figures=dashboard.figures
        ),
    }
    for number, part in enumerate(dashboard.parts, start=1):
        # Ranked, highest first, units without dossiers last: the chart answers "who is behind".
        ranked = sort_figures(part.children, key="online_rate", descending=True, label=lambda f: f.unit.name)
        title = _("Tỷ lệ nộp trực tuyến theo %(units)s") % {"units": part.units_label}
        shortened = len(ranked) > MOST_BARS
        if shortened:
            # Today's 126 communes would make a chart five screens long: the ones furthest behind answer the question.
            rated = [f for f in ranked if f.online_rate is not None]
            ranked = rated[-LOWEST_BARS:]
            title = _("Tỷ lệ nộp trực tuyến: %(count)s %(units)s thấp nhất trong %(all)s có hồ sơ") % {
                "count": len(ranked),
                "units": part.units_label,
                "all": len(rated),
            }
        if dashboard.parts_labelled:
            title += f" ({part.days_label})"
        # Said under the heading too when the chart shows only some of the units, for those who read no SVG title.
        charts[f"rates-{number}-note"] = title if shortened else ""
        charts[f"rates-{number}"] = rate_bars(
            chart_id=f"chart-rates-{number}",
            title=title,
            items=[(f.unit.name, f.online_rate) for f in ranked],
            reference=part.city.online_rate if part.city else None,
            reference_label=reference_label,
        )
    return charts
