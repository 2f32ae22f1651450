"""Report periods: a day, an ISO week, a month, a quarter, a year or a custom range, with Vietnamese labels."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.translation import gettext as _

KINDS = ("day", "week", "month", "quarter", "year", "custom")


@dataclass(frozen=True)
class Period:
    kind: str
    start: date
    end: date

    def __post_init__(self) -> None:
        if self.start > self.end:
            raise ValueError("a period cannot end before it starts")

    @property
    def label(self) -> str:
        if self.kind == "day":
            return _("Ngày %(day)s") % {"day": f"{self.start:%d/%m/%Y}"}
        if self.kind == "week":
            year, week, _weekday = self.start.isocalendar()
            return _("Tuần %(week)s/%(year)s (%(start)s – %(end)s)") % {
                "week": week,
                "year": year,
                "start": f"{self.start:%d/%m}",
                "end": f"{self.end:%d/%m/%Y}",
            }
        if self.kind == "month":
            return _("Tháng %(month)s/%(year)s") % {"month": f"{self.start:%m}", "year": self.start.year}
        if self.kind == "quarter":
            return _("Quý %(quarter)s/%(year)s") % {"quarter": (self.start.month - 1) // 3 + 1, "year": self.start.year}
        if self.kind == "year":
            return _("Năm %(year)s") % {"year": self.start.year}
        return _("Từ %(start)s đến %(end)s") % {"start": f"{self.start:%d/%m/%Y}", "end": f"{self.end:%d/%m/%Y}"}

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> "Period":
        if self.kind == "custom":
            return Period("custom", self.start - timedelta(days=self.days), self.start - timedelta(days=1))
        return period_of(self.kind, self.start - timedelta(days=1))

    def next(self) -> "Period":
        if self.kind == "custom":
            return Period("custom", self.end + timedelta(days=1), self.end + timedelta(days=self.days))
        return period_of(self.kind, self.end + timedelta(days=1))

    def steps(self) -> list["Period"]:
        """The period cut into the sub-periods of a trend chart: days up to a month, weeks up to a quarter,
        months beyond."""
        kind = "day" if self.days <= 31 else "week" if self.days <= 92 else "month"
        steps, day = [], self.start
        while day <= self.end:
            step = period_of(kind, day)
            steps.append(Period(kind, max(step.start, self.start), min(step.end, self.end)))
            day = step.end + timedelta(days=1)
        return steps


def period_of(kind: str, day: date) -> Period:
    """The period of `kind` that contains `day`."""
    if kind == "day":
        return Period(kind, day, day)
    if kind == "week":
        start = day - timedelta(days=day.weekday())
        return Period(kind, start, start + timedelta(days=6))
    if kind == "month":
        start = day.replace(day=1)
        return Period(kind, start, _month_end(start))
    if kind == "quarter":
        start = date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
        return Period(kind, start, _month_end(date(day.year, start.month + 2, 1)))
    if kind == "year":
        return Period(kind, date(day.year, 1, 1), date(day.year, 12, 31))
    raise ValueError(f"unknown period kind {kind!r}")


def _month_end(first: date) -> date:
    following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return following - timedelta(days=1)
