"""Realistic declarations for every kind of form, for the demo data and the tests.

The answers are written as a person types them and go through the real step forms, so a sample is always
valid against the current validation; dates of events are relative to `on` so nothing is ever late. Addresses are
written as they were on `on`: commune and city since the reform of 1/7/2025, commune, district and city before it;
the extract asked for is of a register entry made before it, at the commune of then.
"""

import datetime
from typing import Any

from procedures import declarations
from procedures.models import Procedure

# (days before `on`) for the event dates; everything else is typed as is.
_EVENT_DAYS_AGO = {"birth": 10, "death": 3, "notice": 2}
# The first day of Hanoi's communes directly under the city: addresses from then on name no district.
_REFORM = datetime.date(2025, 7, 1)
# The same houses, as their addresses were written before and since the reform.
_PLACES = {
    "home": ("Số 12 phố Phúc Xá, phường Phúc Xá, Ba Đình, Hà Nội", "Số 12 phố Phúc Xá, phường Hồng Hà, Hà Nội"),
    "ward": ("Phường Phúc Xá, Ba Đình, Hà Nội", "Phường Hồng Hà, Hà Nội"),
    "bride": ("Phường Trúc Bạch, Ba Đình, Hà Nội", "Phường Ba Đình, Hà Nội"),
    "clinic": ("Trạm y tế phường Phúc Xá", "Trạm y tế phường Hồng Hà"),
}


def sample_answers(*, on: datetime.date) -> dict[str, dict[str, str]]:
    """Valid answers for every step of every declaration, as a person would type them."""

    def day(kind: str) -> str:
        return (on - datetime.timedelta(days=_EVENT_DAYS_AGO[kind])).strftime("%d/%m/%Y")

    home, ward, bride, clinic = (_PLACES[key][on >= _REFORM] for key in ("home", "ward", "bride", "clinic"))

    return {
        "nguoi-yeu-cau": {
            "full_name": "Nguyễn Văn An",
            "id_number": "001090012345",
            "residence": home,
            "relationship": "cha",
        },
        "tre-em": {
            "full_name": "Nguyễn Minh Anh",
            "sex": "female",
            "birth_date": day("birth"),
            "birth_place": "Bệnh viện Phụ sản Hà Nội",
            "hometown": "Xã Ba Vì, Hà Nội",
            "ethnicity": "Kinh",
            "nationality": "Việt Nam",
        },
        "me": {
            "full_name": "Trần Thị Bình",
            "birth_date": "1995",
            "ethnicity": "Kinh",
            "nationality": "Việt Nam",
            "residence": home,
            "id_number": "001195000001",
        },
        "cha": {
            "full_name": "Nguyễn Văn An",
            "birth_date": "12/05/1990",
            "ethnicity": "Kinh",
            "nationality": "Việt Nam",
            "residence": home,
            "id_number": "001090012345",
        },
        "thuong-tru-bhyt": {
            "household_head": "Nguyễn Văn An",
            "household_address": home,
            "register_number": "",
            "relationship_to_head": "Con",
            "health_facility": clinic,
        },
        "nguoi-da-mat": {
            "full_name": "Nguyễn Văn Hùng",
            "sex": "male",
            "birth_date": "1940",
            "ethnicity": "Kinh",
            "nationality": "Việt Nam",
            "id_number": "001040000123",
            "last_residence": home,
        },
        "viec-tu": {
            "death_date": day("death"),
            "death_time": "14:30",
            "death_place": "Bệnh viện Bạch Mai",
            "death_cause": "Bệnh già",
            "notice_number": "125/GBT",
            "notice_issuer": "Bệnh viện Bạch Mai",
            "notice_date": day("notice"),
        },
        "xoa-thuong-tru": {
            "household_head": "Nguyễn Văn An",
            "household_address": home,
            "relationship_to_head": "Bố",
        },
        "ben-nam": {
            "full_name": "Nguyễn Văn An",
            "birth_date": "12/05/1990",
            "ethnicity": "Kinh",
            "nationality": "Việt Nam",
            "residence": ward,
            "id_number": "001090012345",
            "marital_status": "single",
        },
        "ben-nu": {
            "full_name": "Trần Thị Bình",
            "birth_date": "03/04/1995",
            "ethnicity": "Tày",
            "nationality": "Việt Nam",
            "residence": bride,
            "id_number": "001195000001",
            "marital_status": "divorced",
        },
        "xac-nhan": {"marital_status": "single", "purpose": "Để đăng ký kết hôn", "period_from": "01/01/2010"},
        "trich-luc": {
            "register_kind": "birth",
            "person_name": "Nguyễn Minh Anh",
            "registered_at": "UBND phường Phúc Xá, quận Ba Đình",
            "copies": "2",
        },
    }


def sample_data(procedure: Procedure, *, on: datetime.date, **overrides: dict[str, str]) -> dict[str, Any]:
    """The stored declaration of `procedure` (what a finished draft holds), built through the step forms.

    `overrides` replace answers per step, e.g. `sample_data(p, on=d, **{"tre-em": {"full_name": "Lê Hà"}})`.
    """
    answers = sample_answers(on=on)
    data: dict[str, Any] = {}
    for slug in declarations.step_slugs(procedure):
        if slug == declarations.ATTACHMENTS_STEP:
            continue
        form = declarations.step_form(procedure, slug)({**answers[slug], **overrides.get(slug, {})})
        if not form.is_valid():
            raise ValueError(f"sample answers of step {slug!r} are invalid: {form.errors.as_json()}")
        data[slug] = form.to_stored()
    return data
