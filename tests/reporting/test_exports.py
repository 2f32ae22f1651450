"""CSV and XLSX downloads of every table: read back, they hold the numbers the page shows."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from reporting.exports import ascii_slug, period_slug
from reporting.periods import Period
from tests.reporting.helpers import number, page_tables, unit_url


def csv_rows(response) -> list[list[str]]:
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to read UTF-8
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def xlsx_sheet(response):
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return load_workbook(io.BytesIO(response.content)).active


def as_number(value) -> Decimal | None:
    return None if value in ("", None) else Decimal(str(value))


UNITS_TABLES = ["tong-hop", "mot-cua", "theo-thoi-gian"]
COMMUNE_TABLES = ["mot-cua", "thu-tuc", "theo-thoi-gian"]
PARTS_TABLES = ["tong-hop-1", "mot-cua-1", "tong-hop-2", "mot-cua-2", "theo-thoi-gian"]
ACROSS = {"kind": "custom", "from": "01/06/2025", "to": "31/07/2025"}


@pytest.mark.parametrize(
    ("world", "unit_name", "params", "tables", "title"),
    [
        ("dashboard_world", "city", {}, UNITS_TABLES, "Tháng 12/2024"),
        ("dashboard_world", "district", {}, UNITS_TABLES, "Tháng 12/2024"),
        ("dashboard_world", "old_commune_a", {}, COMMUNE_TABLES, "Tháng 12/2024"),
        ("dashboard_world_2026", "city", {}, UNITS_TABLES, "Tháng 12/2026"),
        ("dashboard_world_2026", "commune_a", {}, COMMUNE_TABLES, "Tháng 12/2026"),
        ("dashboard_world_2026", "city", ACROSS, PARTS_TABLES, "Từ 01/06/2025 đến 31/07/2025"),
        ("dashboard_world_2026", "city", {**ACROSS, "current": "on"}, UNITS_TABLES, "Từ 01/06/2025 đến 31/07/2025"),
    ],
    ids=["2024-city", "2024-district", "2024-commune", "2026-city", "2026-commune", "across", "across-today"],
)
def test_every_table_downloads_as_csv_and_xlsx_with_the_numbers_of_the_page(
    client, city_staff, request, world, unit_name, params, tables, title
):
    request.getfixturevalue(world)
    unit = request.getfixturevalue(unit_name)
    client.force_login(city_staff)
    page = page_tables(client.get(unit_url(unit, sort="online_rate", dir="desc", **params)))
    assert sorted(page.tables) == sorted(tables)
    for name in tables:
        shown = page.tables[name]
        rows = csv_rows(client.get(unit_url(unit, sort="online_rate", dir="desc", format="csv", table=name, **params)))
        header, body = rows[0], rows[1:]
        assert header[0] in ("Đơn vị", "Thủ tục", "Kỳ")
        assert len(body) == len(shown)
        for csv_row, html_row in zip(body, shown, strict=True):
            assert csv_row[0] == html_row[0]
            for csv_cell, html_cell in zip(csv_row[1:], html_row[1:], strict=True):
                if html_cell in ("Chính thức", "Thử nghiệm", "Chưa triển khai") or "/" in html_cell:
                    assert csv_cell == html_cell
                else:
                    assert as_number(csv_cell) == number(html_cell), (name, csv_row[0], header)

        sheet = xlsx_sheet(
            client.get(unit_url(unit, sort="online_rate", dir="desc", format="xlsx", table=name, **params))
        )
        assert unit.name in sheet["A1"].value and title in sheet["A1"].value
        if name.endswith(("-1", "-2")):
            # A part's table says which days and which units it covers.
            days = "01/06/2025 – 30/06/2025, theo quận" if name.endswith("-1") else "01/07/2025 – 31/07/2025, theo xã"
            assert days in sheet["A2"].value and "/" not in sheet.title
        assert [c.value for c in sheet[3]] == header
        xlsx_rows = list(sheet.iter_rows(min_row=4, values_only=True))
        assert len(xlsx_rows) == len(shown)
        for xlsx_row, html_row in zip(xlsx_rows, shown, strict=True):
            assert xlsx_row[0] == html_row[0]
            for column, (value, html_cell) in enumerate(zip(xlsx_row[1:], html_row[1:], strict=True), start=1):
                kind = "pct" if html_cell.endswith("%") else None
                if isinstance(value, str):
                    assert value == html_cell
                elif hasattr(value, "strftime"):
                    assert f"{value:%d/%m/%Y}" == html_cell
                elif kind == "pct":
                    assert round(Decimal(str(value)) * 100, 1) == number(html_cell), (name, header[column])
                else:
                    assert as_number(value) == number(html_cell), (name, header[column])


def test_csv_headers_are_vietnamese_and_the_file_is_named_for_the_unit_and_period(
    client, dashboard_world, district_staff, district
):
    client.force_login(district_staff)
    response = client.get(unit_url(district, format="csv", table="mot-cua"))
    assert response["Content-Disposition"] == 'attachment; filename="bao-cao-quan-ba-dinh-thang-12-2024-mot-cua.csv"'
    header = csv_rows(response)[0]
    assert header[:3] == ["Đơn vị", "Kỳ trước chuyển sang", "Tiếp nhận trong kỳ – Trực tuyến"]
    assert header[-2:] == ["Tỷ lệ trễ hạn", "Tỷ lệ đúng hạn"]
    # A rate with nothing to divide by is an empty cell, not 0.
    quiet = next(row for row in csv_rows(response) if row[0] == "Phường Cống Vị")
    assert quiet[-2:] == ["", ""]


def test_xlsx_cells_are_typed(client, dashboard_world, district_staff, district):
    client.force_login(district_staff)
    response = client.get(unit_url(district, format="xlsx", table="tong-hop"))
    assert response["Content-Disposition"].endswith('bao-cao-quan-ba-dinh-thang-12-2024-tong-hop.xlsx"')
    sheet = xlsx_sheet(response)
    header = [c.value for c in sheet[3]]
    row = next(r for r in sheet.iter_rows(min_row=4) if r[0].value == "Phường Phúc Xá")
    received = row[header.index("Hồ sơ tiếp nhận")]
    rate = row[header.index("Tỷ lệ trực tuyến")]
    assert received.value == 3 and received.number_format == "#,##0"
    assert rate.value == pytest.approx(0.667) and rate.number_format == "0.0%"
    quiet = next(r for r in sheet.iter_rows(min_row=4) if r[0].value == "Phường Cống Vị")
    assert quiet[header.index("Tỷ lệ trực tuyến")].value is None


def test_an_unknown_table_is_not_found(client, dashboard_world, district_staff, district, old_commune_a):
    client.force_login(district_staff)
    assert client.get(unit_url(district, format="csv", table="mat-khau")).status_code == 404
    # A commune has no table of child units; a period in one part has no numbered tables.
    assert client.get(unit_url(old_commune_a, format="csv", table="tong-hop")).status_code == 404
    assert client.get(unit_url(district, format="csv", table="tong-hop-1")).status_code == 404


@pytest.mark.parametrize(
    ("period", "slug"),
    [
        (Period("day", date(2026, 10, 5), date(2026, 10, 5)), "ngay-05-10-2026"),
        (Period("week", date(2026, 10, 5), date(2026, 10, 11)), "tuan-41-2026"),
        (Period("month", date(2026, 10, 1), date(2026, 10, 31)), "thang-10-2026"),
        (Period("quarter", date(2026, 10, 1), date(2026, 12, 31)), "quy-4-2026"),
        (Period("year", date(2026, 1, 1), date(2026, 12, 31)), "nam-2026"),
        (Period("custom", date(2026, 10, 1), date(2026, 10, 15)), "tu-01-10-2026-den-15-10-2026"),
    ],
)
def test_file_names_are_ascii(period, slug):
    assert period_slug(period) == slug


def test_unit_names_lose_their_marks():
    assert ascii_slug("Quận Ba Đình") == "quan-ba-dinh"
    assert ascii_slug("Thị xã Sơn Tây") == "thi-xa-son-tay"
    assert ascii_slug("Huyện Ứng Hòa") == "huyen-ung-hoa"
