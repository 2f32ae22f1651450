"""`manage.py report_rates` prints the figures of `unit_figures`, the dashboard's source, for every unit of a level."""

import csv
import io
import json
from datetime import date

import pytest
from django.core.management import CommandError, call_command

from reporting.periods import Period
from reporting.selectors import unit_figures
from tests.reporting.test_figures import world  # noqa: F401
from tests.workcal.conftest import at


def report(*args) -> str:
    out = io.StringIO()
    call_command("report_rates", *args, stdout=out)
    return out.getvalue()


def test_csv_per_commune_matches_the_hand_count(world, clock, commune_a, commune_b, rural_commune):  # noqa: F811
    clock.set(at(2027, 1, 5, 9))
    rows = list(csv.DictReader(io.StringIO(report("--level", "commune", "--from", "01/12/2026", "--to", "31/12/2026"))))
    assert [row["code"] for row in rows] == [commune_a.code, commune_b.code, rural_commune.code]
    a = rows[0]
    assert (a["name"], a["parent_code"]) == ("Phường Phúc Xá", commune_a.parent.code)
    assert (a["received"], a["received_online"], a["online_rate"]) == ("6", "5", "83.3")
    assert (a["resolved"], a["on_time_rate"], a["overdue"], a["late_rate"]) == ("4", "75.0", "1", "33.3")
    assert (rows[1]["received"], rows[1]["online_rate"], rows[1]["counted"]) == ("0", "", "1")
    # The rural commune's district is official only from 04/01/2027: not counted, its figures empty, not 0.
    assert (rows[2]["counted"], rows[2]["received"], rows[2]["overdue"]) == ("0", "", "")
    january = report("--level", "commune", "--from", "01/12/2026", "--to", "04/01/2027")
    assert list(csv.DictReader(io.StringIO(january)))[2]["counted"] == "1"


def test_json_per_district_equals_the_selector(world, clock, district, rural_district):  # noqa: F811
    clock.set(at(2027, 1, 5, 9))
    document = json.loads(
        report("--level", "district", "--from", "2026-12-01", "--to", "2026-12-31", "--format", "json")
    )
    assert (document["from"], document["to"], document["online_rate_base"]) == ("2026-12-01", "2026-12-31", "all")
    figures = unit_figures(units=[district], period=Period("custom", date(2026, 12, 1), date(2026, 12, 31)))
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


def test_one_procedure(world, clock):  # noqa: F811
    clock.set(at(2027, 1, 5, 9))
    rows = list(
        csv.DictReader(
            io.StringIO(
                report("--level", "city", "--from", "01/12/2026", "--to", "31/12/2026", "--procedure", "P-death")
            )
        )
    )
    assert [(row["received"], row["resolved_early"]) for row in rows] == [("1", "1")]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--from", "31/02/2026", "--to", "01/03/2026"), "31/02/2026"),
        (("--from", "02/03/2026", "--to", "01/03/2026"), "sau hoặc cùng ngày"),
        (("--from", "01/03/2026", "--to", "02/03/2026", "--procedure", "KHONG-CO"), "KHONG-CO"),
    ],
)
def test_bad_arguments_get_a_clear_message(db, args, message):
    with pytest.raises(CommandError, match=message):
        report("--level", "district", *args)
