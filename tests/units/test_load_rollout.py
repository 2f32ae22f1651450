"""load_rollout: the 2016 phases from data/rollout_hanoi_2016.csv, and files rejected whole with each bad line."""

from collections import defaultdict
from datetime import date

import pytest
from django.core.management.base import CommandError

from egov.units.models import UnitKind, UnitRollout
from egov.units.services import rollout_validate
from tests.units.conftest import run_command

BA_DINH = "001,Quận Ba Đình,,10/08/2016"
HOAN_KIEM = "002,Quận Hoàn Kiếm,,10/08/2016"


def test_the_2016_file_gives_the_three_phases(hanoi_legacy):
    output = run_command("load_rollout")

    phases = defaultdict(set)
    for rollout in UnitRollout.objects.select_related("unit"):
        phases[rollout.trial_start, rollout.official_start].add(rollout.unit.name)
    assert set(phases) == {
        (None, date(2016, 8, 10)),
        (date(2016, 11, 1), date(2016, 11, 10)),
        (date(2016, 12, 1), date(2016, 12, 15)),
    }
    urban = UnitRollout.objects.filter(official_start=date(2016, 8, 10))
    assert set(urban.values_list("unit__kind", flat=True)) == {UnitKind.URBAN_DISTRICT}
    assert urban.count() == 12
    assert phases[date(2016, 11, 1), date(2016, 11, 10)] == {
        "Huyện Đông Anh",
        "Huyện Sóc Sơn",
        "Huyện Hoài Đức",
        "Huyện Ba Vì",
        "Huyện Thanh Trì",
        "Huyện Gia Lâm",
    }
    assert len(phases[date(2016, 12, 1), date(2016, 12, 15)]) == 12
    assert "Thị xã Sơn Tây" in phases[date(2016, 12, 1), date(2016, 12, 15)]
    assert "30 mới" in output


def test_loading_the_file_again_changes_nothing(hanoi_legacy):
    run_command("load_rollout")
    before = list(UnitRollout.objects.values_list("pk", "unit_id", "trial_start", "official_start"))

    output = run_command("load_rollout")

    assert list(UnitRollout.objects.values_list("pk", "unit_id", "trial_start", "official_start")) == before
    assert "0 mới, 0 cập nhật, 30 không đổi" in output


def test_a_corrected_date_updates_the_district_in_place(hanoi_legacy, rollout_csv):
    run_command("load_rollout", str(rollout_csv(BA_DINH)))
    rollout = UnitRollout.objects.get()

    output = run_command("load_rollout", str(rollout_csv("001,Quận Ba Đình,01/08/2016,12/08/2016")))

    assert "0 mới, 1 cập nhật" in output
    assert UnitRollout.objects.values_list("pk", "trial_start", "official_start").get() == (
        rollout.pk,
        date(2016, 8, 1),
        date(2016, 8, 12),
    )


def test_an_impossible_date_rejects_the_whole_file_with_line_and_reason(hanoi_legacy, rollout_csv):
    path = rollout_csv(BA_DINH, HOAN_KIEM, "003,Quận Tây Hồ,,15/15/2016")

    with pytest.raises(CommandError) as error:
        run_command("load_rollout", str(path))

    assert "dòng 4: ngày chính thức “15/15/2016” không có thật: tháng phải từ 1 đến 12" in str(error.value)
    assert "dòng 2" not in str(error.value)
    assert not UnitRollout.objects.exists()


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("999,Quận Không Có,,10/08/2016", "không có đơn vị cấp huyện mã “999”"),
        ("017,Huyện Đông Anh,12/11/2016,10/11/2016", "ngày thử nghiệm 12/11/2016 sau ngày chính thức 10/11/2016"),
        ("001,Quận Ba Đình,,31/02/2016", "ngày chính thức “31/02/2016” không có thật: tháng 2/2016 có 29 ngày"),
        ("001,Quận Ba Đình,,2016-08-10", "ngày chính thức “2016-08-10” không đúng dạng ngày/tháng/năm"),
        ("001,Quận Ba Đình,1/13/2016,10/08/2016", "ngày thử nghiệm “1/13/2016” không có thật"),
        ("001,Quận Ba Đình,,", "thiếu ngày chính thức triển khai"),
        ("001,Quận Ba Đình,10/08/2016", "cần 4 cột"),
        ("002,Quận Ba Đình,,10/08/2016", "mã “002” là Quận Hoàn Kiếm, không phải “Quận Ba Đình”"),
    ],
)
def test_each_kind_of_bad_line_is_rejected(hanoi_legacy, rollout_csv, line, reason):
    path = rollout_csv(HOAN_KIEM, line)

    with pytest.raises(CommandError) as error:
        run_command("load_rollout", str(path))

    assert f"dòng 3: {reason}" in str(error.value)
    assert not UnitRollout.objects.exists()


def test_a_duplicate_district_is_rejected_pointing_at_the_first_line(hanoi_legacy, rollout_csv):
    path = rollout_csv(BA_DINH, HOAN_KIEM, "1,Quận Ba Đình,,11/08/2016")

    with pytest.raises(CommandError, match="dòng 4: đơn vị cấp huyện mã “001” đã có ở dòng 2"):
        run_command("load_rollout", str(path))
    assert not UnitRollout.objects.exists()


def test_every_bad_line_is_reported_at_once(hanoi_legacy, rollout_csv):
    lines = ["", "003,Quận Tây Hồ,,15/15/2016", BA_DINH, "999,X,,10/08/2016"]

    parsed = rollout_validate(lines=rollout_csv(*lines).read_text().splitlines())

    assert [str(e) for e in parsed.errors] == [
        "dòng 3: ngày chính thức “15/15/2016” không có thật: tháng phải từ 1 đến 12",
        "dòng 5: không có đơn vị cấp huyện mã “999”",
    ]
    assert [row.line for row in parsed.rows] == [4]


def test_a_missing_or_wrong_header_is_reported_as_line_1(hanoi_legacy):
    parsed = rollout_validate(lines=[BA_DINH])

    assert [e.line for e in parsed.errors] == [1]
    assert "dòng tiêu đề" in parsed.errors[0].reason


def test_spreadsheet_quirks_are_accepted(hanoi_legacy):
    # Excel drops leading zeros, adds a byte-order mark, and people type "Hoà" for "Hòa".
    lines = ["\ufeffdistrict_code,district_name,trial_start,official_start", "281,huyện ứng hoà,1/12/2016,15/12/2016"]

    parsed = rollout_validate(lines=lines)

    assert parsed.errors == []
    assert parsed.rows[0].district.code == "281"
    assert parsed.rows[0].trial_start == date(2016, 12, 1)


def test_a_missing_file_is_a_command_error(hanoi_legacy, tmp_path):
    with pytest.raises(CommandError, match="Không đọc được tệp"):
        run_command("load_rollout", str(tmp_path / "none.csv"))
