"""`manage.py report_rates`: the dashboard's figures of every unit of one level over a date range, as CSV or JSON.

A range across a reform is printed in parts, each row saying which days it covers (`from`, `to`): the communes
before the reform for the days before it, today's communes (with the history of the old ones they hold) after.
`--onto-current` re-aggregates the whole range onto today's communes instead (ADR 0011).
"""

import csv
import json
from datetime import date, datetime

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from egov.units.models import UnitLevel
from egov.units.selectors import reform_day
from procedures.models import Procedure
from reporting.periods import Period
from reporting.selectors import Part, current_parts, level_parts, unit_figures, units_of_level

# Machine-readable columns (the dashboard shows the same figures under Vietnamese headings).
COLUMNS = (
    "received",
    "received_online",
    "received_online_self",
    "received_online_assisted",
    "received_counter",
    "received_post",
    "online_rate",
    "resolved",
    "resolved_early",
    "resolved_on_time",
    "resolved_late",
    "on_time_rate",
    "average_processing_days",
    "carried_over",
    "to_handle",
    "in_progress",
    "overdue",
    "withdrawn",
    "refused",
    "not_collected",
    "late_rate",
    "settled_interconnect",
    "interconnect_average_days",
    "linked_opened",
    "linked_failed",
    "linked_failure_rate",
)


def parse_day(text: str) -> date:
    for pattern in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise CommandError(
        _("Ngày %(value)s không hợp lệ: nhập theo dạng ngày/tháng/năm, ví dụ 31/10/2026.") % {"value": text}
    )


class Command(BaseCommand):
    help = "Print the reporting figures of every commune, district or the city over a date range (CSV or JSON)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--level", choices=("commune", "district", "city"), required=True)
        parser.add_argument("--from", dest="start", required=True, help="first day, dd/mm/yyyy or yyyy-mm-dd")
        parser.add_argument("--to", dest="end", required=True, help="last day (included)")
        parser.add_argument("--procedure", help="procedure code (default: all procedures)")
        parser.add_argument("--format", choices=("csv", "json"), default="csv")
        parser.add_argument(
            "--onto-current",
            action="store_true",
            help="re-aggregate the whole range onto today's communes (each with the history of the old ones it holds)",
        )

    def handle(self, *args, level: str, start: str, end: str, procedure: str | None, format: str, **options):
        first, last = parse_day(start), parse_day(end)
        if last < first:
            raise CommandError(_("Ngày kết thúc phải sau hoặc cùng ngày bắt đầu."))
        chosen = None
        if procedure:
            chosen = Procedure.objects.filter(code=procedure).first()
            if chosen is None:
                raise CommandError(_("Không có thủ tục mã %(code)s.") % {"code": procedure})
        period = Period("custom", first, last)
        if options["onto_current"]:
            if level != UnitLevel.COMMUNE:
                raise CommandError(_("--onto-current chỉ dùng với --level commune."))
            parts = current_parts(period, today=timezone.localdate())
        else:
            parts = level_parts(level, period)
            self._say_missing_level(level, period, parts)
        rows = []
        for part in parts:
            figures = unit_figures(units=part.units, period=part.period, procedure=chosen)
            rows += [
                {
                    "code": unit.code,
                    "name": unit.name,
                    "parent_code": unit.parent.code if unit.parent_id else "",
                    "from": part.period.start.isoformat(),
                    "to": part.period.end.isoformat(),
                    # A unit not officially online in the period is not counted: empty figures.
                    "counted": figures[unit.pk].counted,
                    **{
                        column: _plain(getattr(figures[unit.pk], column)) if figures[unit.pk].counted else None
                        for column in COLUMNS
                    },
                }
                for unit in part.units
            ]
        if format == "json":
            document = {
                "level": level,
                "from": first.isoformat(),
                "to": last.isoformat(),
                "procedure": procedure or None,
                "online_rate_base": settings.REPORTING_ONLINE_RATE_BASE,
                "onto_current": options["onto_current"],
                "units": rows,
            }
            self.stdout.write(json.dumps(document, ensure_ascii=False, indent=1))
            return
        fieldnames = ["code", "name", "parent_code", "from", "to", "counted", *COLUMNS]
        writer = csv.DictWriter(self.stdout, fieldnames=fieldnames, lineterminator="\n")
        writer.writeheader()
        writer.writerows({**row, "counted": int(row["counted"])} for row in rows)

    def _say_missing_level(self, level: str, period: Period, parts: list[Part]) -> None:
        """One line on stderr when the level did not exist for (part of) the range: no district level after the
        2025 reform."""
        if level != UnitLevel.DISTRICT:
            return
        covered_to = max((part.period.end for part in parts), default=None)
        if covered_to is not None and covered_to >= period.end:
            return
        ended = reform_day(units_of_level(UnitLevel.DISTRICT, Period("custom", date.min, date.max)))
        self.stderr.write(
            _("Không có đơn vị cấp huyện từ ngày %(day)s (sắp xếp đơn vị hành chính): từ đó chỉ có cấp xã.")
            % {"day": f"{ended or period.start:%d/%m/%Y}"}
        )


def _plain(value):
    """Decimals as strings with a dot (exact in JSON and CSV); missing rates as empty/null."""
    if value is None or isinstance(value, int):
        return value
    return str(value)
