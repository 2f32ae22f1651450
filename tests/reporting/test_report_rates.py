"""`manage.py report_rates` prints the figures of `unit_figures`, the dashboard's source, for every unit of a level:
the units of the period's structure, in parts across the reform, or re-aggregated onto today's communes."""

import csv
import io
import json
from collections import defaultdict
from datetime import date

import pytest
from django.core.management import CommandError, call_command

from egov.units.models import AdministrativeUnit, UnitLevel
from reporting.periods import Period
from reporting.selectors import unit_figures
from tests.workcal.conftest import at

# Every additive count report_rates prints (its rates are ratios of these).
COUNTS = ("received", "received_online", "resolved", "resolved_late", "carried_over", "in_progress", "overdue",
          "withdrawn", "refused", "not_collected", "linked_opened", "linked_failed")  # fmt: skip


def report(*args) -> str:
    out = io.StringIO()
    call_command("report_rates", *args, stdout=out)
    return out.getvalue()


def report_with_errors(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("report_rates", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def rows_of(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


def test_csv_per_commune_matches_the_hand_count(december_world, clock):
    """The communes of the month's structure: in 2024 those of the districts, in 2026 today's."""
    clock.set(december_world["era"]["after"])
    month = december_world["month"]
    span = ("--from", f"{month.start:%d/%m/%Y}", "--to", f"{month.end:%d/%m/%Y}")
    rows = rows_of(report("--level", "commune", *span))
    expected = AdministrativeUnit.objects.communes().valid_on(month.start).order_by("code")
    assert [row["code"] for row in rows] == [unit.code for unit in expected]
    assert {(row["from"], row["to"]) for row in rows} == {(month.start.isoformat(), month.end.isoformat())}
    commune = december_world["commune"]
    a = next(row for row in rows if row["code"] == commune.code)
    assert (a["name"], a["parent_code"]) == (commune.name, commune.parent.code)
    assert (a["received"], a["received_online"], a["online_rate"]) == ("6", "5", "83.3")
    assert (a["resolved"], a["on_time_rate"], a["overdue"], a["late_rate"]) == ("4", "75.0", "1", "33.3")
    quiet = next(row for row in rows if row["name"] in ("Phường Trúc Bạch", "Phường Ba Đình"))
    assert (quiet["received"], quiet["online_rate"], quiet["counted"]) == ("0", "", "1")
    # The rural commune's district is official only from January: not counted, its figures empty, not 0.
    rural = next(row for row in rows if row["code"] == december_world["rural"][0].code)
    assert (rural["counted"], rural["received"], rural["overdue"]) == ("0", "", "")
    start = december_world["era"]["rural_start"]
    later = rows_of(report("--level", "commune", span[0], span[1], "--to", f"{start:%d/%m/%Y}"))
    assert next(row for row in later if row["code"] == december_world["rural"][0].code)["counted"] == "1"


@pytest.mark.parametrize("december_world", ["2024"], indirect=True)
def test_json_per_district_equals_the_selector(december_world, clock, district, rural_district):
    clock.set(at(2025, 1, 7, 9))
    document = json.loads(
        report("--level", "district", "--from", "2024-12-01", "--to", "2024-12-31", "--format", "json")
    )
    assert (document["from"], document["to"], document["online_rate_base"]) == ("2024-12-01", "2024-12-31", "all")
    figures = unit_figures(units=[district], period=Period("custom", date(2024, 12, 1), date(2024, 12, 31)))
    expected = figures[district.pk]
    row = document["units"][0]
    assert row["code"] == district.code
    assert row["received"] == expected.received == 6
    assert row["on_time_rate"] == str(expected.on_time_rate)
    assert row["average_processing_days"] == str(expected.average_processing_days)
    assert row["counted"] is True
    rural = document["units"][1]
    assert (rural["code"], rural["counted"], rural["received"], rural["online_rate"]) == (
        rural_district.code,
        False,
        None,
        None,
    )


def test_one_procedure(december_world, clock):
    clock.set(december_world["era"]["after"])
    month = december_world["month"]
    span = ("--from", f"{month.start:%d/%m/%Y}", "--to", f"{month.end:%d/%m/%Y}")
    rows = rows_of(report("--level", "city", *span, "--procedure", "P-death"))
    assert [(row["received"], row["resolved_early"]) for row in rows] == [("1", "1")]


# Across the reform


def test_no_district_level_after_the_reform_is_said_once_on_stderr(dashboard_world_2026):
    out, err = report_with_errors("--level", "district", "--from", "01/11/2026", "--to", "30/11/2026")
    assert rows_of(out) == []
    assert err.strip().splitlines() == [
        "Không có đơn vị cấp huyện từ ngày 01/07/2025 (sắp xếp đơn vị hành chính): từ đó chỉ có cấp xã."
    ]
    out, err = report_with_errors("--level", "district", "--from", "01/06/2025", "--to", "31/07/2025")
    assert [(row["name"], row["from"], row["to"]) for row in rows_of(out)] == [
        ("Quận Ba Đình", "2025-06-01", "2025-06-30"),
        ("Huyện Ba Vì", "2025-06-01", "2025-06-30"),
    ]
    assert err.strip().splitlines() == [
        "Không có đơn vị cấp huyện từ ngày 01/07/2025 (sắp xếp đơn vị hành chính): từ đó chỉ có cấp xã."
    ]
    # Before the reform nothing is said.
    assert report_with_errors("--level", "district", "--from", "01/12/2024", "--to", "31/12/2024")[1] == ""


def city_row(first: str, last: str) -> dict:
    [row] = rows_of(report("--level", "city", "--from", first, "--to", last))
    return row


def test_communes_across_the_reform_come_in_two_parts_each_adding_up_to_the_city(dashboard_world_2026):
    rows = rows_of(report("--level", "commune", "--from", "01/06/2025", "--to", "31/07/2025"))
    parts = defaultdict(list)
    for row in rows:
        parts[row["from"], row["to"]].append(row)
    assert list(parts) == [("2025-06-01", "2025-06-30"), ("2025-07-01", "2025-07-31")]
    assert [row["name"] for row in parts["2025-06-01", "2025-06-30"]] == [
        "Phường Phúc Xá", "Phường Trúc Bạch", "Phường Cống Vị", "Xã Minh Quang"
    ]  # fmt: skip
    assert [row["name"] for row in parts["2025-07-01", "2025-07-31"]] == [
        "Phường Ba Đình", "Phường Giảng Võ", "Phường Hồng Hà", "Xã Ba Vì"
    ]  # fmt: skip
    for (first, last), part in parts.items():
        city = city_row(first, last)
        for column in COUNTS:
            assert sum(int(row[column]) for row in part) == int(city[column]), (first, column)
    # Onto today's communes: one row each over the whole range, Trúc Bạch's June at Phường Ba Đình.
    current = rows_of(report("--level", "commune", "--from", "01/06/2025", "--to", "31/07/2025", "--onto-current"))
    assert [(row["name"], row["from"], row["to"]) for row in current] == [
        (name, "2025-06-01", "2025-07-31")
        for name in ("Phường Ba Đình", "Phường Giảng Võ", "Phường Hồng Hà", "Xã Ba Vì")
    ]
    city = city_row("01/06/2025", "31/07/2025")
    for column in COUNTS:
        assert sum(int(row[column]) for row in current) == int(city[column]), column
    assert next(row for row in current if row["name"] == "Phường Ba Đình")["received"] == "1"  # c1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--from", "31/02/2026", "--to", "01/03/2026"), "31/02/2026"),
        (("--from", "02/03/2026", "--to", "01/03/2026"), "sau hoặc cùng ngày"),
        (("--from", "01/03/2026", "--to", "02/03/2026", "--procedure", "KHONG-CO"), "KHONG-CO"),
        (("--from", "01/03/2026", "--to", "02/03/2026", "--onto-current"), "--level commune"),
    ],
)
def test_bad_arguments_get_a_clear_message(db, args, message):
    with pytest.raises(CommandError, match=message):
        report("--level", "district", *args)


@pytest.mark.django_db
def test_the_126_communes_of_hanoi_add_up_to_the_city(clock):
    """The real data set: both trees, the 2016 rollout file, the catalogue, and generated dossiers at the old
    communes before the reform and at today's after it."""
    from reporting.generator import dossiers_generate
    from tests.units.conftest import run_command

    run_command("load_units", "--dataset", "hanoi-2025")
    run_command("load_rollout")
    call_command("load_catalogue", verbosity=0)
    clock.set(at(2025, 7, 18, 18))
    # Until Friday 27/06: a dossier sent that evening is received on Monday 30/06, not under a code of July, which
    # the generator would give twice (a commune of today took its predecessor's code).
    dossiers_generate(count=400, since=date(2025, 6, 16), until=date(2025, 6, 27), seed=5)
    today = list(AdministrativeUnit.objects.communes().filter(parent__level=UnitLevel.CITY).order_by("code"))
    dossiers_generate(count=400, since=date(2025, 7, 1), until=date(2025, 7, 17), seed=6, units=today)
    rows = rows_of(report("--level", "commune", "--from", "01/07/2025", "--to", "17/07/2025"))
    assert len(rows) == len(today) == 126
    assert {row["parent_code"] for row in rows} == {"01"}
    city = city_row("01/07/2025", "17/07/2025")
    # Some of the 400 were refused at the counter or received after the range.
    assert 300 < int(city["received"]) == sum(int(row["received"]) for row in rows) <= 400
    for column in COUNTS:
        assert sum(int(row[column]) for row in rows) == int(city[column]), column
    # The old communes' dossiers still in progress on 30/06 are carried over at the communes that hold them.
    assert int(city["carried_over"]) > 0
