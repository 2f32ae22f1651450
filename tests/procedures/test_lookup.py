"""The public look-up: code + phone show the status only, a wrong pair says nothing more, and it is rate-limited."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from procedures.services import dossier_receive, dossier_submit

LOOKUP = reverse("procedures:dossier-lookup")
NOT_FOUND = "Không tìm thấy hồ sơ với mã và số điện thoại này."


@pytest.fixture(autouse=True)
def _clean_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def received(draft, citizen, one_stop_a):
    dossier = dossier_submit(dossier=draft, actor=citizen)
    return dossier_receive(dossier=dossier, officer=one_stop_a)


@pytest.mark.django_db
def test_the_form_is_public(client):
    response = client.get(LOOKUP)

    assert response.status_code == 200
    assert 'method="post"' in response.content.decode()


@pytest.mark.django_db
def test_the_right_pair_shows_the_status_and_nothing_personal(client, received, citizen):
    received.data = {"child": {"full_name": "Nguyễn Minh Khôi"}}
    received.save(update_fields=["data"])

    # The phone typed the way people write it still matches the stored form.
    response = client.post(LOOKUP, {"code": f" {received.code.lower()} ", "phone": "+84 912 345 678"})

    html = response.content.decode()
    assert response.status_code == 200
    assert "Đăng ký khai sinh" in html
    assert "Đã tiếp nhận" in html
    assert received.received_at.astimezone().strftime("%d/%m/%Y") in html
    for personal in (
        citizen.full_name,
        "0912345678",
        "0912 345 678",
        citizen.id_number,
        "Nguyễn Minh Khôi",
        "an@example.vn",
    ):
        assert personal not in html
    assert NOT_FOUND not in html


@pytest.mark.django_db
@pytest.mark.parametrize("phone", ["0987654321", "0912345679"])
def test_a_wrong_pair_gets_one_neutral_message(client, received, phone):
    response = client.post(LOOKUP, {"code": received.code, "phone": phone})

    html = response.content.decode()
    assert NOT_FOUND in html
    assert "Đã tiếp nhận" not in html


@pytest.mark.django_db
def test_an_unknown_code_gets_the_same_message(client, received):
    response = client.post(LOOKUP, {"code": "00001-990101-9999", "phone": "0912345678"})

    assert NOT_FOUND in response.content.decode()


@pytest.mark.django_db
def test_a_dossier_not_yet_received_says_so(client, draft, citizen):
    submitted = dossier_submit(dossier=draft, actor=citizen)

    html = client.post(LOOKUP, {"code": submitted.code, "phone": "0912345678"}).content.decode()

    assert "Đã nộp, chờ tiếp nhận" in html
    assert "chưa tiếp nhận" in html


@pytest.mark.django_db
def test_an_invalid_phone_is_explained(client):
    response = client.post(LOOKUP, {"code": "00001-261123-0001", "phone": "12345"})

    assert "Nhập số điện thoại di động gồm 10 chữ số" in response.content.decode()


@pytest.mark.django_db
def test_the_eleventh_attempt_from_one_address_is_refused(client, received):
    for n in range(10):
        response = client.post(LOOKUP, {"code": f"00001-261123-{n:04d}", "phone": "0912345678"})
        assert response.status_code == 200

    response = client.post(LOOKUP, {"code": received.code, "phone": "0912345678"})

    html = response.content.decode()
    assert response.status_code == 429
    assert "Bạn đã tra cứu quá nhiều lần. Hãy thử lại sau 10 phút." in html
    # Not even the right pair gets through while the limit holds.
    assert "Đã tiếp nhận" not in html


@pytest.mark.django_db
def test_the_eleventh_attempt_on_one_code_is_refused_from_any_address(client, received):
    for n in range(10):
        client.post(LOOKUP, {"code": received.code, "phone": "0900000000"}, REMOTE_ADDR=f"10.0.0.{n}")

    response = client.post(LOOKUP, {"code": received.code, "phone": "0912345678"}, REMOTE_ADDR="10.0.1.1")

    assert response.status_code == 429


@pytest.mark.django_db
def test_the_limit_ends_with_its_window(client, received):
    for n in range(11):
        client.post(LOOKUP, {"code": f"00001-261123-{n:04d}", "phone": "0912345678"})
    cache.clear()  # what the window's expiry does in the shared cache

    response = client.post(LOOKUP, {"code": received.code, "phone": "0912345678"})

    assert "Đã tiếp nhận" in response.content.decode()
