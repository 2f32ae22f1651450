"""`manage.py import_dossiers`: the old one-stop software's dossiers feed the same rollups, bad rows are reported
with their line and reason, and importing the same file again changes nothing."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Sum

from procedures.models import Channel, Dossier, DossierCodeCounter, DossierEvent, Status
from reporting.flows import COLUMNS
from reporting.imports import dossiers_import
from reporting.models import Rollup
from reporting.periods import Period
from reporting.selectors import unit_figures
from tests.procedures.helpers import filed, make_procedure, procedure_of
from tests.workcal.conftest import at

pytestmark = pytest.mark.django_db

HEADER = "code,procedure_code,commune_code,channel,received_at,due_at,finished_at,status\n"
# November 2026 at Phúc Xá (00097) and Trúc Bạch (00004), written the ways an old export writes them.
GOOD = HEADER + (
    "00097-261102-0001,HT-KS,00097,online_self,02/11/2026 08:30,02/11/2026 17:00,02/11/2026 10:00,delivered\n"
    "00097-261103-0001,HT-KS,00097,Trực tiếp,03/11/2026 09:00,03/11/2026 17:00,05/11/2026 10:00,Đã trả kết quả\n"
    "00097-261104-0001,HT-XNHN,97,truc_tuyen,2026-11-04T08:00,2026-11-09T08:00,2026-11-05T16:00,co_ket_qua\n"
    "00097-261110-0001,HT-KS,00097,post,10/11/2026 08:00,10/11/2026 17:00,,processing\n"
    "00097-261111-0001,HT-KS,00097,online_assisted,11/11/2026 08:00,11/11/2026 17:00,11/11/2026 09:00,rejected\n"
    "00004-261112-0001,HT-KS,00004,online_self,12/11/2026 08:00,12/11/2026 17:00,12/11/2026 08:30,Đã rút hồ sơ\n"
    "00004-261113-0001,HT-KS,00004,online_self,13/11/2026 08:00,,13/11/2026 08:10,tu_choi_tiep_nhan\n"
    "00004-261116-0001,HT-KS,00004,counter,16/11/2026 08:00,16/11/2026 17:00,,Chờ bổ sung\n"
)
NOVEMBER = Period("month", date(2026, 11, 1), date(2026, 11, 30))


@pytest.fixture
def world(clock, rollout, commune_a, commune_b):
    make_procedure("HT-KS")
    make_procedure("HT-XNHN", form_kind="marital_status", days="3", slug="xnhn")
    return commune_a, commune_b


def run(tmp_path, text: str, *, encoding: str = "utf-8") -> str:
    path = tmp_path / "ho_so.csv"
    path.write_text(text, encoding=encoding)
    call_command("import_dossiers", str(path), verbosity=0)
    return str(path)


def rollup_sums() -> dict:
    return Rollup.objects.aggregate(**{c: Sum(c) for c in COLUMNS})


# --- a good file ---------------------------------------------------------------------------------------------


def test_a_good_file_gives_the_figures_counted_by_hand(world, tmp_path, city):
    commune_a, commune_b = world
    run(tmp_path, GOOD)

    figures = unit_figures(units=[commune_a, commune_b, city], period=NOVEMBER)
    a, b, total = figures[commune_a.pk], figures[commune_b.pk], figures[city.pk]
    # Hồng Hà: five received (three online), four resolved: on time, late, early, on time (the rejection).
    assert (a.received, a.received_online, a.received_counter, a.received_post) == (5, 3, 1, 1)
    assert (a.resolved_early, a.resolved_on_time, a.resolved_late, a.rejected) == (1, 2, 1, 1)
    assert a.on_time_rate == 75
    assert (a.in_progress, a.overdue, a.delivered, a.not_collected) == (1, 1, 2, 1)
    # Phường Ba Đình: one withdrawn, one waiting for a supplement (no due time while paused), one refused at receipt.
    assert (b.received, b.received_online, b.refused, b.withdrawn, b.resolved) == (2, 1, 1, 1, 0)
    assert (b.in_progress, b.overdue) == (1, 0)
    assert (total.received, total.received_online, total.online_rate) == (7, 4, Decimal("57.1"))


def test_a_file_of_before_the_reform_counts_at_the_old_communes_and_their_district(
    world, tmp_path, district, old_commune_a, old_commune_b
):
    # November 2024: 00001 was Phường Phúc Xá and 00004 Phường Trúc Bạch, both in Quận Ba Đình.
    text = HEADER + (
        "00001-241104-0001,HT-KS,00001,online_self,04/11/2024 08:30,04/11/2024 17:00,04/11/2024 10:00,delivered\n"
        "00004-241105-0001,HT-KS,4,counter,05/11/2024 09:00,05/11/2024 17:00,06/11/2024 10:00,delivered\n"
    )
    report = dossiers_import(lines=text.splitlines(keepends=True))

    assert (report.imported, report.bad) == (2, 0)
    assert set(Dossier.objects.values_list("unit", flat=True)) == {old_commune_a.pk, old_commune_b.pk}
    commune_b = world[1]
    november = Period("month", date(2024, 11, 1), date(2024, 11, 30))
    figures = unit_figures(units=[district, old_commune_b, commune_b], period=november)
    assert (figures[district.pk].received, figures[district.pk].resolved_late) == (2, 1)
    # Today's Phường Ba Đình holds Trúc Bạch's records: its November 2024, re-aggregated, is Trúc Bạch's.
    assert figures[commune_b.pk].received == figures[old_commune_b.pk].received == 1


def test_the_date_decides_between_an_old_code_and_a_new_one(world, tmp_path, old_commune_a):
    text = HEADER + (
        # Phúc Xá's code after the reform, Hồng Hà's before it: both refused, with the unit that had the code.
        "R-1,HT-KS,00001,counter,02/11/2026 08:30,02/11/2026 17:00,,received\n"
        "R-2,HT-KS,00097,counter,04/11/2024 08:30,04/11/2024 17:00,,received\n"
        # The eve and the first day of the reform: 00001 on 30/06/2025, 00097 on 01/07/2025.
        "R-3,HT-KS,00001,counter,30/06/2025 08:30,30/06/2025 17:00,30/06/2025 09:00,delivered\n"
        "R-4,HT-KS,00097,counter,01/07/2025 08:30,01/07/2025 17:00,01/07/2025 09:00,delivered\n"
    )
    report = dossiers_import(lines=text.splitlines(keepends=True))

    assert [str(e) for e in report.errors] == [
        "dòng 2: mã “00001” là Phường Phúc Xá, không còn từ ngày 01/07/2025, trước ngày tiếp nhận 02/11/2026 "
        "(hồ sơ từ ngày đó thuộc Phường Hồng Hà, mã 00097)",
        "dòng 3: mã “00097” là Phường Hồng Hà, chỉ có từ ngày 01/07/2025, sau ngày tiếp nhận 04/11/2024",
    ]
    assert dict(Dossier.objects.values_list("code", "unit__name")) == {
        "R-3": "Phường Phúc Xá",
        "R-4": "Phường Hồng Hà",
    }


def test_imported_dossiers_carry_their_status_and_the_events_it_implies(world, tmp_path):
    run(tmp_path, GOOD)

    def actions(code):
        return list(Dossier.objects.get(code=code).events.values_list("action", flat=True))

    assert actions("00097-261102-0001") == ["receive", "settle", "deliver"]
    assert actions("00097-261104-0001") == ["receive", "settle"]
    assert actions("00097-261110-0001") == ["receive"]
    assert actions("00097-261111-0001") == ["receive", "reject"]
    assert actions("00004-261112-0001") == ["receive", "withdraw"]
    assert actions("00004-261113-0001") == ["refuse"]
    delivered = Dossier.objects.get(code="00097-261103-0001")
    assert (delivered.status, delivered.channel, delivered.unit.code) == (Status.DELIVERED, Channel.COUNTER, "00097")
    assert (delivered.received_at, delivered.due_at) == (at(2026, 11, 3, 9), at(2026, 11, 3, 17))
    assert delivered.finished_at == at(2026, 11, 5, 10)
    refused = Dossier.objects.get(code="00004-261113-0001")
    assert (refused.received_at, refused.submitted_at, refused.due_at) == (None, at(2026, 11, 13, 8), None)
    # Every event says where it came from; the first one keeps the line and what the file said.
    assert set(DossierEvent.objects.values_list("details__source", flat=True)) == {"import"}
    first = delivered.events.first()
    assert first.details["line"] == 3 and first.details["row"]["status"] == Status.DELIVERED


def test_the_summary_counts_imported_unchanged_and_bad(world, tmp_path, capsys):
    report = dossiers_import(lines=GOOD.splitlines(keepends=True))
    assert (report.imported, report.unchanged, report.bad) == (8, 0, 0)

    path = tmp_path / "ho_so.csv"
    path.write_text(GOOD, encoding="utf-8")
    call_command("import_dossiers", str(path))
    assert "Đã nhập 0 hồ sơ, 8 không đổi (đã nhập trước đây), 0 dòng sai." in capsys.readouterr().out


# --- bad rows ------------------------------------------------------------------------------------------------

BAD = HEADER + (
    "B-1,HT-KS,00097,counter,02/11/2026 08:30,02/11/2026 17:00,02/11/2026 10:00,delivered\n"
    "B-2,XX,00097,counter,02/11/2026 08:30,02/11/2026 17:00,02/11/2026 10:00,delivered\n"
    "B-3,HT-KS,99999,counter,02/11/2026 08:30,02/11/2026 17:00,02/11/2026 10:00,delivered\n"
    "B-4,HT-KS,00097,fax,02/11/2026 08:30,02/11/2026 17:00,02/11/2026 10:00,delivered\n"
    "B-5,HT-KS,00097,counter,31/02/2026 08:30,02/11/2026 17:00,02/11/2026 10:00,delivered\n"
    "B-6,HT-KS,00097,counter,02/11/2026 08:30,01/11/2026 17:00,02/11/2026 10:00,delivered\n"
    "B-7,HT-KS,00097,counter,02/11/2026 08:30,02/11/2026 17:00,01/11/2026 10:00,delivered\n"
    "B-8,HT-KS,00097,counter,02/11/2026 08:30,02/11/2026 17:00,,delivered\n"
    "B-9,HT-KS,00097,counter,02/11/2026 08:30,02/11/2026 17:00,02/11/2026 10:00,processing\n"
    "\n"
    "B-1,HT-KS,00097,counter,03/11/2026 08:30,03/11/2026 17:00,03/11/2026 10:00,delivered\n"
    "B-11,HT-KS,00097,counter,2026/11/02 08:30,02/11/2026 17:00,02/11/2026 10:00,delivered\n"
    "B-12,HT-KS,00097,counter,02/11/2026 08:30\n"
    "B-13,HT-KS,00097,counter,02/11/2026 08:30,02/11/2026 17:00,02/11/2026 10:00,lost\n"
    "B-14,HT-KS,00097,counter,02/11/2026 25:30,02/11/2026 17:00,02/11/2026 10:00,delivered\n"
    "B-15,HT-KS,00097,counter,08/12/2026 08:30,08/12/2026 17:00,,received\n"
    ",HT-KS,00097,counter,02/11/2026 08:30,,,received\n"
)


def test_bad_rows_are_reported_with_their_line_and_reason_and_the_good_ones_imported(world, tmp_path, capsys):
    path = tmp_path / "ho_so.csv"
    path.write_text(BAD, encoding="utf-8")

    with pytest.raises(CommandError) as raised:
        call_command("import_dossiers", str(path))

    assert raised.value.returncode == 1
    assert capsys.readouterr().err.splitlines() == [
        "dòng 3: không có thủ tục mã “XX”",
        "dòng 4: không có đơn vị cấp xã mã “99999”",
        "dòng 5: hình thức nộp “fax” không hợp lệ; dùng một trong: online_self, online_assisted, counter, post",
        "dòng 6: ngày tiếp nhận “31/02/2026 08:30” không có thật: tháng 2/2026 có 28 ngày",
        "dòng 7: hạn trả kết quả trước ngày tiếp nhận",
        "dòng 8: ngày hoàn thành trước ngày tiếp nhận",
        "dòng 9: hồ sơ có trạng thái “delivered” phải có ngày hoàn thành",
        "dòng 10: hồ sơ có trạng thái “processing” (chưa xong) không được có ngày hoàn thành",
        "dòng 12: mã hồ sơ “B-1” đã có ở dòng 2",
        "dòng 13: ngày tiếp nhận “2026/11/02 08:30” không đúng dạng ngày/tháng/năm giờ:phút, ví dụ 05/03/2024 08:30",
        "dòng 14: cần 8 cột, có 5",
        "dòng 15: trạng thái “lost” không hợp lệ; dùng một trong: awaiting_signature, delivered, needs_supplement, "
        "processing, received, refused, registered, rejected, result_ready, withdrawn",
        "dòng 16: ngày tiếp nhận “02/11/2026 25:30” không có thật: giờ phải từ 00:00 đến 23:59",
        "dòng 17: ngày tiếp nhận “08/12/2026 08:30” chưa tới",
        "dòng 18: thiếu mã hồ sơ; thiếu hạn trả kết quả",
    ]
    assert list(Dossier.objects.values_list("code", flat=True)) == ["B-1"]


def test_a_code_the_portal_gave_is_reported_not_overwritten(world, tmp_path, walk_to):
    portal = walk_to(Status.RECEIVED)
    text = HEADER + f"{portal.code},HT-KS,00097,counter,02/11/2026 08:30,02/11/2026 17:00,02/11/2026 10:00,delivered\n"

    report = dossiers_import(lines=text.splitlines(keepends=True))

    assert [str(e) for e in report.errors] == [f"dòng 2: mã hồ sơ “{portal.code}” là hồ sơ của cổng, không ghi đè"]
    portal.refresh_from_db()
    assert portal.status == Status.RECEIVED and portal.events.count() == 2


def test_a_code_imported_before_with_other_content_is_reported(world):
    dossiers_import(lines=GOOD.splitlines(keepends=True))
    changed = GOOD.replace("10/11/2026 08:00,10/11/2026 17:00,,processing", "10/11/2026 08:00,10/11/2026 17:00,,cho_ky")

    report = dossiers_import(lines=changed.splitlines(keepends=True))

    assert (report.imported, report.unchanged) == (0, 7)
    assert [str(e) for e in report.errors] == [
        "dòng 5: hồ sơ “00097-261110-0001” đã nhập trước đây với nội dung khác, không ghi đè"
    ]
    assert Dossier.objects.get(code="00097-261110-0001").status == Status.PROCESSING


# --- idempotence ---------------------------------------------------------------------------------------------


def test_importing_the_same_file_again_changes_nothing(world, tmp_path):
    path = run(tmp_path, GOOD)
    before = (Dossier.objects.count(), DossierEvent.objects.count(), Rollup.objects.count(), rollup_sums())

    call_command("import_dossiers", path, verbosity=0)

    assert (Dossier.objects.count(), DossierEvent.objects.count(), Rollup.objects.count(), rollup_sums()) == before
    assert before[0] == 8 and before[1] == 15


def test_imported_codes_of_today_move_the_portal_counter_on(world, commune_a, citizen):
    # Today is Monday 07/12/2026 in the clock; the old software numbered three dossiers of the day already.
    text = HEADER + "00097-261207-0003,HT-KS,00097,counter,07/12/2026 08:10,07/12/2026 17:00,,received\n"
    dossiers_import(lines=text.splitlines(keepends=True))

    assert DossierCodeCounter.objects.get(unit=commune_a, day=date(2026, 12, 7)).last == 3
    assert filed(procedure_of("birth"), unit=commune_a, applicant=citizen).code == "00097-261207-0004"


# --- the file itself -----------------------------------------------------------------------------------------


def test_a_file_saved_with_a_byte_order_mark_and_semicolons_is_read(world, tmp_path):
    run(tmp_path, GOOD.replace(",", ";"), encoding="utf-8-sig")
    assert Dossier.objects.count() == 8


def test_vietnamese_headers_in_another_order_are_read(world):
    text = "Mã hồ sơ,Trạng thái,Mã thủ tục,Mã xã,Hình thức nộp,Ngày tiếp nhận,Hạn trả kết quả,Ngày hoàn thành\n"
    text += "V-1,Đang giải quyết,HT-KS,00097,Trực tuyến,02/11/2026 08:30,02/11/2026 17:00,\n"

    report = dossiers_import(lines=text.splitlines(keepends=True))

    assert (report.imported, report.bad) == (1, 0)
    assert Dossier.objects.get(code="V-1").status == Status.PROCESSING


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Tệp trống: cần dòng tiêu đề “code,procedure_code,commune_code,channel,received_at,due_at,finished_at,"),
        ("\n \n", "Tệp trống"),
        ("code,procedure,commune\n", "Dòng tiêu đề phải gồm đúng 8 cột"),
    ],
    ids=["empty", "blank-lines", "wrong-header"],
)
def test_an_empty_file_or_a_wrong_header_imports_nothing_with_a_clear_message(world, tmp_path, text, message):
    path = tmp_path / "ho_so.csv"
    path.write_text(text, encoding="utf-8")

    with pytest.raises(CommandError, match=message) as raised:
        call_command("import_dossiers", str(path))

    assert raised.value.returncode == 2
    assert not Dossier.objects.exists()


def test_a_file_that_is_not_utf8_is_refused(world, tmp_path):
    path = tmp_path / "ho_so.csv"
    path.write_bytes(GOOD.encode("utf-16"))

    with pytest.raises(CommandError, match="cần tệp CSV mã UTF-8") as raised:
        call_command("import_dossiers", str(path))

    assert raised.value.returncode == 2
