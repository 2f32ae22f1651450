"""Citizen registration: the happy path logs the citizen in, and every refusal says what to do."""

import pytest
from django.test import Client
from django.urls import reverse

from egov.accounts.models import Role, User
from tests.accounts.conftest import CITIZEN_ID, CITIZEN_PHONE

URL = reverse("accounts:register")


def form_data(**overrides) -> dict[str, str]:
    data = {
        "full_name": "Trần Thị Bình",
        "id_number": "001192000123",
        "sex": "female",
        "birth_date": "03/04/1992",
        "phone": "+84 987 654 321",
        "email": "binh@example.com",
        "password1": "Hoa-sen-2016",
        "password2": "Hoa-sen-2016",
    }
    return {**data, **overrides}


def test_the_page_has_labels_hints_and_no_required_html_validation(client, db):
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<label class="form-label fw-semibold mb-1" for="id_id_number">' in html
    assert 'id="id_id_number_hint"' in html
    assert 'aria-describedby="id_id_number_hint"' in html
    assert "<legend" in html  # sex is a group of radios with a legend


@pytest.mark.django_db
def test_a_citizen_registers_is_logged_in_and_sent_home():
    client = Client(enforce_csrf_checks=True)
    client.get(URL)
    response = client.post(URL, {**form_data(), "csrfmiddlewaretoken": client.cookies["csrftoken"].value})
    assert response.status_code == 302
    assert response.url == reverse("core:home")
    user = User.objects.get(id_number="001192000123")
    assert (user.username, user.phone, user.role, user.sex) == ("001192000123", "0987654321", Role.CITIZEN, "female")
    assert user.birth_date.isoformat() == "1992-04-03"
    assert user.unit is None
    assert user.check_password("Hoa-sen-2016")
    assert int(client.session["_auth_user_id"]) == user.pk


@pytest.mark.django_db
def test_registration_without_the_csrf_token_is_refused():
    client = Client(enforce_csrf_checks=True)
    response = client.post(URL, form_data())
    assert response.status_code == 403
    assert not User.objects.exists()


def test_the_e_mail_is_optional(client, db):
    response = client.post(URL, form_data(email=""))
    assert response.status_code == 302
    assert User.objects.get().email == ""


def errors_of(response) -> dict[str, list[str]]:
    assert response.status_code == 200, "the form should have been shown again"
    return response.context["form"].errors


def test_a_number_of_another_sex_is_refused_beside_the_field(client, db):
    errors = errors_of(client.post(URL, form_data(sex="male")))
    assert errors["id_number"] == [
        "Số định danh không khớp với giới tính đã khai. Kiểm tra lại số định danh hoặc giới tính."
    ]
    assert not User.objects.exists()


def test_a_number_of_another_birth_year_is_refused(client, db):
    errors = errors_of(client.post(URL, form_data(birth_date="03/04/1993")))
    assert errors["id_number"][0].startswith("Số định danh không khớp với năm sinh đã khai")


def test_a_malformed_number_is_refused(client, db):
    errors = errors_of(client.post(URL, form_data(id_number="12345")))
    assert "12 chữ số" in errors["id_number"][0]


def test_a_duplicate_id_number_is_refused_with_a_way_forward(client, citizen):
    errors = errors_of(client.post(URL, form_data(id_number=CITIZEN_ID, sex="male", birth_date="17/05/1990")))
    assert "đã có tài khoản" in errors["id_number"][0]
    assert "Quên mật khẩu" in errors["id_number"][0]


def test_a_duplicate_phone_is_refused_whatever_its_spelling(client, citizen):
    errors = errors_of(client.post(URL, form_data(phone="+84" + CITIZEN_PHONE[1:])))
    assert "đã được dùng" in errors["phone"][0]


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("birth_date", "1992-13-45", "Nhập ngày sinh theo dạng ngày/tháng/năm, ví dụ 15/12/1990."),
        ("birth_date", "01/01/2090", "Ngày sinh không thể sau hôm nay. Kiểm tra lại ngày sinh."),
        ("phone", "024 3825 3536", "Nhập số điện thoại di động gồm 10 chữ số, bắt đầu bằng số 0, ví dụ 0912345678."),
        ("email", "binh@", "Nhập địa chỉ thư điện tử đúng dạng, ví dụ ten@example.com, hoặc bỏ trống."),
        ("full_name", "", "Nhập họ và tên của bạn."),
    ],
)
def test_each_field_says_what_to_do(client, db, field, value, expected):
    assert errors_of(client.post(URL, form_data(**{field: value})))[field] == [expected]


def test_the_two_passwords_must_agree(client, db):
    errors = errors_of(client.post(URL, form_data(password2="Hoa-sen-2017")))
    assert errors["password2"] == ["Hai lần nhập mật khẩu chưa giống nhau. Nhập lại cho giống."]


def test_a_weak_password_is_refused(client, db):
    errors = errors_of(client.post(URL, form_data(password1="12345678", password2="12345678")))
    assert errors["password1"]


def test_the_error_summary_links_to_each_field(client, db):
    response = client.post(URL, form_data(phone="123", sex=""))
    html = response.content.decode()
    assert 'class="alert alert-danger portal-error-summary"' in html
    assert 'href="#id_phone"' in html
    assert 'href="#id_sex_0"' in html
    assert 'aria-invalid="true"' in html
    assert "<title>Lỗi:" in html


def test_a_logged_in_user_is_sent_on(client, citizen):
    client.force_login(citizen)
    assert client.get(URL).status_code == 302


def test_registration_accepts_only_get_and_post(client, db):
    assert client.put(URL).status_code == 405
