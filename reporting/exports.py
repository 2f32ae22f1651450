"""Downloads of a dashboard table: CSV (UTF-8 with a BOM, so Excel reads Vietnamese) and XLSX (typed cells)."""

import csv
import io
import re
import unicodedata

from django.http import HttpResponse
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from egov.units.models import AdministrativeUnit
from procedures.models import Procedure

from .periods import Period
from .tables import Row, Table, plain

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
CELL_FORMATS = {"int": "#,##0", "pct": "0.0%", "days": "0.00", "date": "dd/mm/yyyy"}


def ascii_slug(text: str) -> str:
    """'Quận Ba Đình' -> 'quan-ba-dinh' (Đ has no decomposition, so it is mapped by hand)."""
    text = unicodedata.normalize("NFKD", text.replace("Đ", "D").replace("đ", "d"))
    text = text.encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def period_slug(period: Period) -> str:
    """'thang-10-2026', 'tuan-41-2026', 'quy-4-2026', 'tu-01-10-2026-den-15-10-2026'."""
    start = period.start
    if period.kind == "day":
        return f"ngay-{start:%d-%m-%Y}"
    if period.kind == "week":
        year, week, _ = start.isocalendar()
        return f"tuan-{week:02d}-{year}"
    if period.kind == "month":
        return f"thang-{start:%m-%Y}"
    if period.kind == "quarter":
        return f"quy-{(start.month - 1) // 3 + 1}-{start.year}"
    if period.kind == "year":
        return f"nam-{start.year}"
    return f"tu-{start:%d-%m-%Y}-den-{period.end:%d-%m-%Y}"


def file_name(*, unit: AdministrativeUnit, period: Period, table: Table, extension: str) -> str:
    return f"bao-cao-{ascii_slug(unit.name)}-{period_slug(period)}-{table.name}.{extension}"


def download_response(
    *, table: Table, unit: AdministrativeUnit, period: Period, procedure: Procedure | None, extension: str
) -> HttpResponse:
    """The table as a CSV or XLSX attachment named for the unit, the period and the table."""
    name = file_name(unit=unit, period=period, table=table, extension=extension)
    if extension == "csv":
        return csv_response(table=table, filename=name)
    title = _("%(unit)s – %(period)s") % {"unit": unit.name, "period": period.label}
    if procedure is not None:
        title += f" – {procedure.name}"
    return xlsx_response(table=table, title=title, filename=name)


def _all_rows(table: Table) -> list[Row]:
    return [*table.rows, *([table.total] if table.total else [])]


def csv_response(*, table: Table, filename: str) -> HttpResponse:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([str(table.label_header), *(c.full_header for c in table.columns)])
    for row in _all_rows(table):
        writer.writerow([row.label, *(plain(v, c.kind) for c, v in zip(table.columns, row.values, strict=True))])
    response = HttpResponse(("\ufeff" + buffer.getvalue()).encode("utf-8"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def xlsx_response(*, table: Table, title: str, filename: str) -> HttpResponse:
    """A sheet with the title (unit and period) on the first row, the headers on the third, numbers as numbers and
    rates as fractions shown with a % format."""
    workbook = Workbook()
    sheet = workbook.active
    # A sheet's name has at most 31 characters and none of []:*?/\ (a part's title has dates: 01/07/2025).
    sheet.title = SHEET_NAME_FORBIDDEN.sub("-", str(table.title))[:31]
    sheet.append([title])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append([str(table.title)])
    headers = [str(table.label_header), *(c.full_header for c in table.columns)]
    sheet.append(headers)
    for cell in sheet[3]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in _all_rows(table):
        sheet.append([row.label, *(_cell(v, c.kind) for c, v in zip(table.columns, row.values, strict=True))])
        for column, cell in zip(table.columns, sheet[sheet.max_row][1:], strict=True):
            if column.kind in CELL_FORMATS:
                cell.number_format = CELL_FORMATS[column.kind]
    if table.total:
        for cell in sheet[sheet.max_row]:
            cell.font = Font(bold=True)
    sheet.column_dimensions["A"].width = max([24, *(len(r.label) + 2 for r in _all_rows(table))])
    for index in range(2, len(headers) + 1):
        sheet.column_dimensions[get_column_letter(index)].width = 14
    sheet.freeze_panes = "B4"
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _cell(value, kind: str):
    if value is None:
        return None
    if kind == "pct":
        return float(value) / 100
    if kind == "days":
        return float(value)
    if kind == "text":
        return str(value)
    return value
