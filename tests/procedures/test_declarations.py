"""Declarations: each step's own checks, checks across steps, the late flag and the review summary."""

import datetime

import pytest
from django.utils import timezone

from procedures import declarations
from procedures.declarations.fields import parse_dmy
from procedures.declarations.steps import (
    ChildForm,
    DeathForm,
    DeceasedForm,
    ExtractForm,
    GroomForm,
    MaritalStatusForm,
    MotherForm,
)
from tests.procedures.helpers import make_procedure

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 23)


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: TODAY)


def child(**overrides) -> dict:
    return {
        "full_name": "Nguyễn Minh Anh",
        "sex": "female",
        "birth_date": "15/10/2026",
        "birth_place": "Bệnh viện Phụ sản Hà Nội",
        "hometown": "Xã Ba Vì, Hà Nội",
        "ethnicity": "Kinh",
        "nationality": "Việt Nam",
        **overrides,
    }


def mother(**overrides) -> dict:
    return {
        "full_name": "Trần Thị Bình",
        "birth_date": "03/04/1995",
        "ethnicity": "Kinh",
        "nationality": "Việt Nam",
        "residence": "Số 12 phố Phúc Xá, phường Hồng Hà, Hà Nội",
        "id_number": "001195000001",
        **overrides,
    }


def deceased(**overrides) -> dict:
    return {
        "full_name": "Nguyễn Văn Hùng",
        "sex": "male",
        "birth_date": "1940",
        "ethnicity": "Kinh",
        "nationality": "Việt Nam",
        "id_number": "001040000123",
        "last_residence": "Số 12 phố Phúc Xá, phường Hồng Hà, Hà Nội",
        **overrides,
    }


def death(**overrides) -> dict:
    return {
        "death_date": "10/11/2026",
        "death_time": "14:30",
        "death_place": "Bệnh viện Bạch Mai",
        "death_cause": "Bệnh già",
        "notice_number": "125/GBT",
        "notice_issuer": "Bệnh viện Bạch Mai",
        "notice_date": "10/11/2026",
        **overrides,
    }


def errors_of(form) -> dict:
    assert not form.is_valid()
    return form.errors


# --- Dates ----------------------------------------------------------------------------------------------


def test_month_fifteen_is_explained_with_an_example():
    form = ChildForm(data=child(birth_date="15/15/2016"))
    assert errors_of(form)["birth_date"] == [
        "Tháng phải từ 1 đến 12 (bạn nhập tháng 15). Nhập theo dạng ngày/tháng/năm, ví dụ 15/12/2016."
    ]


def test_a_day_the_month_does_not_have_is_explained():
    form = ChildForm(data=child(birth_date="30/02/2016"))
    assert "Tháng 2 năm 2016 không có ngày 30." in errors_of(form)["birth_date"][0]


def test_text_that_is_not_a_date_asks_for_the_format():
    form = ChildForm(data=child(birth_date="hôm qua"))
    assert errors_of(form)["birth_date"] == ["Nhập theo dạng ngày/tháng/năm, ví dụ 15/12/2016."]


def test_a_birth_in_the_future_is_refused():
    form = ChildForm(data=child(birth_date="24/11/2026"))
    assert errors_of(form)["birth_date"] == ["Ngày này ở tương lai (sau hôm nay). Kiểm tra lại ngày, tháng, năm."]


def test_a_birth_today_is_accepted_and_kept_as_iso():
    form = ChildForm(data=child(birth_date="23/11/2026"))
    assert form.is_valid(), form.errors
    assert form.to_stored()["birth_date"] == "2026-11-23"


@pytest.mark.parametrize("typed", ["5/1/2016", "05-01-2016", "05.01.2016", " 05/01/2016 ", "2016-01-05"])
def test_the_usual_ways_of_writing_a_day_are_understood(typed):
    assert parse_dmy(typed) == datetime.date(2016, 1, 5)


def test_a_parent_may_give_only_the_year():
    form = MotherForm(data=mother(birth_date="1995"))
    assert form.is_valid(), form.errors
    assert form.to_stored()["birth_date"] == "1995"


# --- ID numbers -----------------------------------------------------------------------------------------


def test_mother_id_number_of_a_man_is_refused():
    form = MotherForm(data=mother(id_number="001095000001"))
    assert "Số định danh không khớp với giới tính đã khai" in errors_of(form)["id_number"][0]


def test_mother_id_number_with_another_birth_year_is_refused():
    form = MotherForm(data=mother(birth_date="03/04/1994"))
    assert "không khớp với năm sinh" in errors_of(form)["id_number"][0]


def test_deceased_id_number_is_checked_against_sex_and_birth_year():
    form = DeceasedForm(data=deceased(sex="female", birth_date="1941"))
    assert len(errors_of(form)["id_number"]) == 2
    assert DeceasedForm(data=deceased()).is_valid()


def test_a_malformed_id_number_says_how_many_digits():
    form = MotherForm(data=mother(id_number="0011950"))
    assert "12 chữ số" in errors_of(form)["id_number"][0]


def test_groom_under_twenty_is_refused():
    form = GroomForm(
        data={
            "full_name": "Lê Văn Nam",
            "birth_date": "01/01/2007",
            "ethnicity": "Kinh",
            "nationality": "Việt Nam",
            "residence": "Ba Đình, Hà Nội",
            "id_number": "001207000001",
            "marital_status": "single",
        }
    )
    assert "từ đủ 20 tuổi" in errors_of(form)["birth_date"][0]


# --- Within one step ------------------------------------------------------------------------------------


def test_death_notice_before_the_death_is_refused():
    form = DeathForm(data=death(notice_date="09/11/2026"))
    assert "trước ngày mất" in errors_of(form)["notice_date"][0]


def test_marital_status_period_must_end_after_it_starts():
    form = MaritalStatusForm(
        data={
            "marital_status": "single",
            "purpose": "Để kết hôn",
            "period_from": "01/01/2020",
            "period_to": "01/01/2019",
        }
    )
    assert "sau ngày bắt đầu" in errors_of(form)["period_to"][0]


def test_extract_copies_are_between_one_and_ten():
    form = ExtractForm(
        data={
            "register_kind": "birth",
            "person_name": "Nguyễn Minh Anh",
            "registered_at": "UBND phường Phúc Xá",
            "copies": "11",
        }
    )
    assert "tối đa 10 bản" in errors_of(form)["copies"][0]


# --- Across steps ---------------------------------------------------------------------------------------


def test_a_mother_born_after_the_child_is_flagged_on_her_birth_date():
    procedure = make_procedure(form_kind="birth")
    data = {"tre-em": {"birth_date": "2016-12-15"}, "me": {"birth_date": "2017"}, "cha": {"birth_date": "1990-01-01"}}
    errors = declarations.cross_check(procedure, data)
    assert list(errors) == ["me"]
    assert errors["me"]["birth_date"][0].startswith("Ngày sinh của người mẹ phải trước ngày sinh của trẻ")


def test_a_father_born_the_same_year_as_the_child_is_flagged():
    procedure = make_procedure(form_kind="birth_3in1")
    data = {"tre-em": {"birth_date": "2016-12-15"}, "cha": {"birth_date": "2016-01-01"}}
    assert "người cha" in declarations.cross_check(procedure, data)["cha"]["birth_date"][0]


def test_a_death_before_the_birth_is_flagged_on_the_death_date():
    procedure = make_procedure(form_kind="death")
    data = {"nguoi-da-mat": {"birth_date": "2016-05-01"}, "viec-tu": {"death_date": "2016-04-30"}}
    errors = declarations.cross_check(procedure, data)
    assert errors == {
        "viec-tu": {
            "death_date": ["Ngày mất không thể trước ngày sinh của người đã mất. Kiểm tra lại ngày mất hoặc ngày sinh."]
        }
    }


def test_a_death_in_a_later_year_than_a_bare_birth_year_is_fine():
    procedure = make_procedure(form_kind="death_residence")
    data = {"nguoi-da-mat": {"birth_date": "1940"}, "viec-tu": {"death_date": "2016-04-30"}}
    assert declarations.cross_check(procedure, data) == {}


# --- Late registration ----------------------------------------------------------------------------------


def test_birth_registered_61_days_after_is_late_60_is_not():
    procedure = make_procedure(form_kind="birth", deadline_days=60)
    data = {"tre-em": {"birth_date": "2016-10-01"}}
    assert not declarations.is_late(procedure, data, on=datetime.date(2016, 10, 1) + datetime.timedelta(days=60))
    assert declarations.is_late(procedure, data, on=datetime.date(2016, 10, 1) + datetime.timedelta(days=61))


def test_death_registered_16_days_after_is_late_15_is_not():
    procedure = make_procedure(form_kind="death", deadline_days=15)
    data = {"viec-tu": {"death_date": "2016-12-01"}}
    assert not declarations.is_late(procedure, data, on=datetime.date(2016, 12, 16))
    assert declarations.is_late(procedure, data, on=datetime.date(2016, 12, 17))


def test_late_notice_explains_that_the_dossier_is_still_accepted():
    procedure = make_procedure(form_kind="birth", deadline_days=60)
    notice = declarations.late_notice(procedure, {"tre-em": {"birth_date": "2016-10-01"}}, on=datetime.date(2017, 1, 1))
    assert "quá 60 ngày kể từ ngày 01/10/2016" in notice
    assert "vẫn nộp được" in notice


def test_no_deadline_or_no_event_is_never_late():
    assert not declarations.is_late(make_procedure(code="KH", form_kind="marriage"), {}, on=TODAY)
    procedure = make_procedure(code="KS2", form_kind="birth", deadline_days=None)
    assert not declarations.is_late(procedure, {"tre-em": {"birth_date": "2000-01-01"}}, on=TODAY)


# --- Steps and summary ----------------------------------------------------------------------------------


def test_three_in_one_is_birth_plus_the_household_step_and_uploads_last():
    procedure = make_procedure(
        form_kind="birth_3in1", required_documents=[{"code": "giay-chung-sinh", "name": "Giấy chứng sinh"}]
    )
    assert declarations.step_slugs(procedure) == ["nguoi-yeu-cau", "tre-em", "me", "cha", "thuong-tru-bhyt", "giay-to"]


def test_plain_document_names_get_ascii_slots():
    procedure = make_procedure(form_kind="death", required_documents=["Giấy báo tử hoặc giấy tờ thay thế"])
    assert declarations.documents_of(procedure)[0].slug == "giay-bao-tu-hoac-giay-to-thay-the"


def test_summary_shows_dates_as_dd_mm_yyyy_and_choices_by_label():
    procedure = make_procedure(form_kind="birth")
    # Written in 2016, before the reform: the summary shows the address as it was typed then.
    form = ChildForm(data=child(birth_date="05/01/2016", hometown="Xã Tản Lĩnh, huyện Ba Vì, Hà Nội"))
    assert form.is_valid(), form.errors
    sections = declarations.build_summary(procedure, {"tre-em": form.to_stored(), "me": {"birth_date": "1995"}})
    rows = dict(next(section for section in sections if section.slug == "tre-em").rows)
    assert rows["Ngày sinh"] == "05/01/2016"
    assert rows["Giới tính"] == "Nữ"
    assert rows["Họ, chữ đệm và tên của trẻ"] == "Nguyễn Minh Anh"
    assert rows["Quê quán"] == "Xã Tản Lĩnh, huyện Ba Vì, Hà Nội"
    mother_rows = dict(next(section for section in sections if section.slug == "me").rows)
    assert mother_rows["Ngày sinh"] == "1995"
    assert mother_rows["Số định danh cá nhân"] == "—"


def test_stored_answers_refill_the_form_as_typed():
    assert ChildForm.to_input({"birth_date": "2016-01-05", "sex": "male"}) == {
        "birth_date": "05/01/2016",
        "sex": "male",
    }


def test_ethnicity_list_has_the_54_groups_kinh_first():
    choices = [value for value, _ in ChildForm.base_fields["ethnicity"].choices]
    assert len(choices) == 54 and choices[0] == "Kinh"
    assert ChildForm.base_fields["nationality"].initial == "Việt Nam"


def test_catalogue_documents_skip_the_online_form_and_make_conditional_papers_optional():
    procedure = make_procedure(
        form_kind="marital_status",
        required_documents=[
            "Tờ khai cấp giấy xác nhận tình trạng hôn nhân (điền trực tuyến trên cổng)",
            "Nếu đã từng kết hôn: bản án, quyết định ly hôn đã có hiệu lực, hoặc trích lục khai tử của vợ, chồng",
            "Giấy chứng sinh do bệnh viện, trạm y tế cấp (nếu không có: văn bản của người làm chứng)",
        ],
    )
    documents = declarations.documents_of(procedure)
    assert [document.required for document in documents] == [False, True]
    assert [document.slug for document in declarations.missing_documents(procedure, set())] == [documents[1].slug]
    assert declarations.step_slugs(procedure)[-1] == "giay-to"
