"""The service catalogue: loading and validating data/procedures.toml, and the public catalogue pages."""

from decimal import Decimal
from itertools import pairwise
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.http import HttpResponse
from django.urls import include, path, reverse
from django.utils import translation

from procedures.catalogue import DEFAULT_CATALOGUE, CatalogueError, catalogue_load, catalogue_read
from procedures.models import Agency, Procedure
from procedures.views import catalogue as catalogue_views
from procedures.views.catalogue import days_text, fee_text, processing_time_text
from tests.conftest import save_screenshot
from tests.procedures.helpers import make_procedure

SAME_DAY = "trong ngày; nếu nộp sau 15 giờ thì trả trong ngày làm việc tiếp theo"

# A URL configuration with a stand-in for the filing start page, which another area builds.
urlpatterns = [
    path(
        "",
        include(
            (
                [
                    *catalogue_views.urlpatterns,
                    path("nop/<slug:slug>/", lambda request, slug: HttpResponse(), name="file-start"),
                ],
                "procedures",
            )
        ),
    ),
    path("i18n/", include("django.conf.urls.i18n")),
    path("tai-khoan/", include("egov.accounts.urls")),
    path("", include("portal.urls")),
]

GOOD_ENTRY = """
[[procedure]]
code = "T-OK"
slug = "thu-tuc-dung"
name = "Thủ tục đúng"
level = 4
form_kind = "birth"
processing_days_urban = "2.5"
processing_days_rural = "3"
fee = { amount = 0 }
"""


def write(tmp_path: Path, text: str) -> Path:
    file = tmp_path / "procedures.toml"
    file.write_text(text, encoding="utf-8")
    return file


def snapshot() -> list[dict]:
    return list(Procedure.objects.order_by("code").values())


# --- loading ---------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_loading_twice_gives_the_seven_procedures_and_changes_nothing_the_second_time():
    first = catalogue_load()
    before = snapshot()

    second = catalogue_load()

    assert (first.created, first.updated, first.unchanged) == (7, 0, 0)
    assert (second.created, second.updated, second.unchanged) == (0, 0, 7)
    assert snapshot() == before
    assert list(Procedure.objects.values_list("code", flat=True)) == [
        "HT-KS",
        "HT-KS-LT",
        "HT-KT",
        "HT-KT-LT",
        "HT-KH",
        "HT-XNHN",
        "HT-BSTL",
    ]


@pytest.mark.django_db
def test_the_catalogue_holds_the_facts_of_design_section_3():
    catalogue_load()
    by_code = {p.code: p for p in Procedure.objects.all()}

    assert {code: p.level for code, p in by_code.items()} == {
        "HT-KS": 4,
        "HT-KS-LT": 3,
        "HT-KT": 4,
        "HT-KT-LT": 3,
        "HT-KH": 3,
        "HT-XNHN": 4,
        "HT-BSTL": 4,
    }
    assert by_code["HT-KS-LT"].agencies == [Agency.POLICE, Agency.SOCIAL_INSURANCE]
    assert by_code["HT-KT-LT"].agencies == [Agency.POLICE]
    assert [code for code, p in by_code.items() if p.interconnections] == ["HT-KS-LT", "HT-KT-LT"]
    assert (by_code["HT-KS"].deadline_days, by_code["HT-KT"].deadline_days) == (60, 15)
    assert by_code["HT-KS"].processing_days_urban == by_code["HT-KS"].processing_days_rural == 0
    assert by_code["HT-KS-LT"].processing_days_urban == 3
    assert "5 ngày làm việc" in by_code["HT-KS-LT"].processing_note
    assert by_code["HT-KS"].fee_rule["on_time"] == 0 and by_code["HT-KS"].fee_rule["late"] > 0
    assert by_code["HT-KH"].fee_rule["amount"] == 0
    assert by_code["HT-XNHN"].fee_rule["amount"] == 3000
    assert by_code["HT-BSTL"].fee_rule["per_copy"] == 8000
    assert any("Giấy chứng sinh" in d for d in by_code["HT-KS"].required_documents)
    assert any("bảo hiểm y tế" in d for d in by_code["HT-KS-LT"].required_documents)
    assert any("Giấy báo tử" in d for d in by_code["HT-KT"].required_documents)
    assert any("63/2024" in basis for basis in by_code["HT-KS-LT"].legal_basis)


@pytest.mark.django_db
def test_a_changed_entry_is_updated_in_place(tmp_path):
    catalogue_load()
    birth = Procedure.objects.get(code="HT-KS")
    changed = DEFAULT_CATALOGUE.read_text(encoding="utf-8").replace(
        'name = "Đăng ký khai sinh"', 'name = "Đăng ký khai sinh cho trẻ"'
    )

    counts = catalogue_load(path=write(tmp_path, changed))

    assert (counts.created, counts.updated, counts.unchanged) == (0, 1, 6)
    birth.refresh_from_db()
    assert birth.name == "Đăng ký khai sinh cho trẻ"
    assert Procedure.objects.count() == 7


@pytest.mark.django_db
def test_a_file_with_broken_entries_reports_each_one_and_writes_nothing(tmp_path):
    catalogue_load()
    before = snapshot()
    broken = (
        GOOD_ENTRY
        + GOOD_ENTRY.replace("T-OK", "T-NONAME")
        .replace('slug = "thu-tuc-dung"', 'slug = "a"')
        .replace('name = "Thủ tục đúng"\n', "")
        + GOOD_ENTRY.replace("T-OK", "T-KIND")
        .replace('slug = "thu-tuc-dung"', 'slug = "b"')
        .replace('"birth"', '"adoption"')
        + GOOD_ENTRY.replace("T-OK", "T-DAYS").replace('slug = "thu-tuc-dung"', 'slug = "c"').replace('"2.5"', '"-1"')
    )

    with pytest.raises(CatalogueError) as caught:
        catalogue_load(path=write(tmp_path, broken))

    errors = caught.value.errors
    assert len(errors) == 3, errors
    assert errors[0].startswith("thủ tục thứ 2 (T-NONAME)") and "thiếu “name”" in errors[0]
    assert errors[1].startswith("thủ tục thứ 3 (T-KIND)") and "form_kind “adoption”" in errors[1]
    assert errors[2].startswith("thủ tục thứ 4 (T-DAYS)") and "không được âm" in errors[2]
    assert snapshot() == before


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (('slug = "thu-tuc-dung"', 'slug = "Thủ tục"'), "chỉ được có chữ không dấu"),
        (("level = 4", "level = 5"), "level “5” phải là 3 hoặc 4"),
        (('"2.5"', '"2.555"'), "hai chữ số sau dấu phẩy"),
        (('"2.5"', '"hai"'), "không phải là số ngày làm việc"),
        (("fee = { amount = 0 }", "fee = { amount = 0, late = 8000 }"), "cần đúng một trong"),
        (("fee = { amount = 0 }", "fee = { amount = -1 }"), "số đồng không âm"),
        (("fee = { amount = 0 }", 'fee = { amount = 0, currency = "USD" }'), "chỉ có thể là VND"),
        (("level = 4", 'level = 4\ninterconnections = ["army"]'), "interconnections"),
        (("level = 4", "level = 4\ndeadline_days = 0"), "deadline_days"),
        (("level = 4", "level = 4\nprocesing_note = 'x'"), "khóa “procesing_note”"),
    ],
)
def test_each_kind_of_bad_value_is_named(tmp_path, change, message):
    with pytest.raises(CatalogueError) as caught:
        catalogue_read(path=write(tmp_path, GOOD_ENTRY.replace(*change)))

    assert len(caught.value.errors) == 1
    assert message in caught.value.errors[0]
    assert caught.value.errors[0].startswith("thủ tục thứ 1 (T-OK)")


def test_duplicate_codes_and_slugs_are_reported_with_the_first_entry(tmp_path):
    with pytest.raises(CatalogueError) as caught:
        catalogue_read(path=write(tmp_path, GOOD_ENTRY * 2))

    assert caught.value.errors == [
        "thủ tục thứ 2 (T-OK): code “T-OK” trùng với thủ tục thứ 1",
        "thủ tục thứ 2 (T-OK): slug “thu-tuc-dung” trùng với thủ tục thứ 1",
    ]


def test_a_file_that_is_not_toml_is_reported(tmp_path):
    with pytest.raises(CatalogueError, match="không đúng cú pháp TOML"):
        catalogue_read(path=write(tmp_path, "[[procedure]\ncode = "))


def test_fractional_days_are_kept_exact(tmp_path):
    (record,) = catalogue_read(path=write(tmp_path, GOOD_ENTRY))

    assert record["processing_days_urban"] == Decimal("2.5")
    assert record["processing_days_rural"] == Decimal("3")
    assert record["fee_rule"] == {"amount": 0, "currency": "VND"}
    assert record["position"] == 1


@pytest.mark.django_db
def test_the_command_loads_the_file_and_refuses_a_broken_one(tmp_path, capsys):
    call_command("load_catalogue")
    assert "7 mới, 0 cập nhật, 0 không đổi" in capsys.readouterr().out

    with pytest.raises(CommandError) as caught:
        call_command("load_catalogue", str(write(tmp_path, GOOD_ENTRY.replace("level = 4", "level = 9"))))

    assert "có 1 lỗi, chưa nạp thủ tục nào" in str(caught.value)
    assert "thủ tục thứ 1 (T-OK): level “9”" in str(caught.value)
    assert Procedure.objects.count() == 7


# --- plain words -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("days", "text"),
    [
        ("0", SAME_DAY),
        ("0.00", SAME_DAY),
        ("3.00", "3 ngày làm việc"),
        ("2.50", "2,5 ngày làm việc"),
        ("10", "10 ngày làm việc"),
    ],
)
def test_days_read_in_vietnamese_number_format(days, text):
    with translation.override("vi"):
        assert days_text(Decimal(days)) == text


def test_urban_and_rural_time_limits_are_both_given_when_they_differ():
    procedure = Procedure(processing_days_urban=Decimal("2.5"), processing_days_rural=Decimal("3"))

    with translation.override("vi"):
        text = processing_time_text(procedure)

    assert text == "2,5 ngày làm việc nếu nộp tại phường; 3 ngày làm việc nếu nộp tại xã"


@pytest.mark.parametrize(
    ("rule", "deadline", "text"),
    [
        ({"amount": 0}, None, "miễn phí"),
        ({"amount": 3000}, None, "3.000 đồng"),
        ({"per_copy": 8000}, None, "8.000 đồng cho mỗi bản sao"),
        (
            {"on_time": 0, "late": 8000},
            60,
            "miễn phí nếu đăng ký đúng hạn (trong 60 ngày); đăng ký muộn hơn: 8.000 đồng",
        ),
    ],
)
def test_fees_read_in_plain_words(rule, deadline, text):
    with translation.override("vi"):
        assert fee_text(Procedure(fee_rule=rule, deadline_days=deadline)) == text


# --- pages -----------------------------------------------------------------------------------------------


@pytest.fixture
def catalogue(db) -> dict[str, Procedure]:
    catalogue_load()
    return {p.code: p for p in Procedure.objects.all()}


def test_the_catalogue_lists_every_procedure_by_life_event_for_anonymous_visitors(client, catalogue):
    response = client.get(reverse("procedures:catalogue"))

    assert response.status_code == 200
    html = response.content.decode()
    for procedure in catalogue.values():
        assert f'href="{reverse("procedures:procedure-detail", args=[procedure.slug])}"' in html
        assert procedure.name in html
    for heading in ("Khi có trẻ mới sinh", "Khi có người mất", "Kết hôn", "Xin bản sao giấy tờ hộ tịch"):
        assert heading in html
    assert SAME_DAY in html
    assert "3.000 đồng" in html
    assert "8.000 đồng cho mỗi bản sao" in html
    assert f'<li class="breadcrumb-item"><a href="{reverse("core:home")}">Trang chủ</a></li>' in html


def test_the_birth_page_says_what_to_bring_how_long_and_what_it_costs(client, catalogue):
    birth = catalogue["HT-KS"]

    response = client.get(reverse("procedures:procedure-detail", args=[birth.slug]))

    assert response.status_code == 200
    html = response.content.decode()
    assert f"<h1>{birth.name}</h1>" in html
    for document in birth.required_documents + birth.documents_to_show:
        assert document in html
    assert SAME_DAY.capitalize() in html
    assert "Miễn phí nếu đăng ký đúng hạn (trong 60 ngày); đăng ký muộn hơn: 8.000 đồng" in html
    assert "Hãy đăng ký trong 60 ngày kể từ ngày trẻ được sinh ra." in html
    assert "Làm hoàn toàn trực tuyến" in html
    assert "Luật Hộ tịch số 60/2014/QH13" in html
    assert "Bạn không cần đến" not in html
    assert f'<li class="breadcrumb-item"><a href="{reverse("procedures:catalogue")}">Thủ tục hộ tịch</a></li>' in html


def test_the_3in1_page_says_the_commune_deals_with_the_other_agencies(client, catalogue):
    html = client.get(reverse("procedures:procedure-detail", args=["lien-thong-khai-sinh-thuong-tru-bhyt"])).content
    html = html.decode()

    assert "Bạn không cần đến công an và bảo hiểm xã hội: xã, phường gửi hồ sơ giúp bạn." in html
    assert "3 ngày làm việc. Tối đa 5 ngày làm việc nếu cần xác minh thông tin." in html
    assert "Nộp trực tuyến, nhận kết quả tại xã, phường" in html
    assert "Công an đăng ký thường trú cho trẻ." in html


def test_the_death_and_residence_page_names_only_the_police(client, catalogue):
    html = client.get(reverse("procedures:procedure-detail", args=["lien-thong-khai-tu-xoa-thuong-tru"])).content
    html = html.decode()

    assert "Bạn không cần đến công an: xã, phường gửi hồ sơ giúp bạn." in html
    assert "Công an xóa đăng ký thường trú của người mất." in html
    assert "Hãy đăng ký trong 15 ngày kể từ ngày người thân mất." in html


def test_an_unknown_procedure_is_a_404(client, catalogue):
    assert client.get(reverse("procedures:procedure-detail", args=["khong-co"])).status_code == 404


def test_a_procedure_no_longer_offered_is_hidden_everywhere(client, catalogue):
    retired = catalogue["HT-BSTL"]
    retired.is_active = False
    retired.save(update_fields=["is_active"])

    listing = client.get(reverse("procedures:catalogue")).content.decode()
    detail = client.get(reverse("procedures:procedure-detail", args=[retired.slug]))

    assert retired.name not in listing
    assert "Xin bản sao giấy tờ hộ tịch" not in listing
    assert detail.status_code == 404


def test_the_pages_answer_get_only(client, catalogue):
    assert client.post(reverse("procedures:catalogue")).status_code == 405


@pytest.mark.urls("tests.procedures.test_catalogue")
def test_the_procedure_page_links_to_filing_once_it_exists(client, db):
    procedure = make_procedure(slug="dang-ky-khai-sinh", summary="Đăng ký cho trẻ mới sinh.")

    html = client.get(reverse("procedures:procedure-detail", args=[procedure.slug])).content.decode()

    assert f'href="{reverse("procedures:file-start", args=[procedure.slug])}">Nộp hồ sơ trực tuyến</a>' in html


# --- in a phone browser ----------------------------------------------------------------------------------


def phone_viewport(browser, width: int, height: int = 800) -> None:
    browser.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride", {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": True}
    )


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_catalogue_pages_fit_a_phone(browser, live_server):
    catalogue_load()
    user_agent = browser.execute_script("return navigator.userAgent;")
    browser.execute_cdp_cmd("Network.setUserAgentOverride", {"userAgent": user_agent, "acceptLanguage": "vi"})
    pages = {
        "catalogue": reverse("procedures:catalogue"),
        "procedure-birth": reverse("procedures:procedure-detail", args=["dang-ky-khai-sinh"]),
        "procedure-3in1": reverse("procedures:procedure-detail", args=["lien-thong-khai-sinh-thuong-tru-bhyt"]),
    }
    for width in (360, 390):
        for name, url in pages.items():
            phone_viewport(browser, width)
            browser.get(live_server.url + url)
            # Single column: nothing wider than the screen, so no sideways scrolling.
            assert browser.execute_script("return document.documentElement.scrollWidth;") <= width, (name, width)
            headings = browser.execute_script(
                "return [...document.querySelectorAll('h1,h2,h3,h4')].map(h => Number(h.tagName[1]));"
            )
            assert headings[0] == 1 and all(b - a <= 1 for a, b in pairwise(headings)), (name, headings)
            # The whole page in one picture, for a person to read.
            phone_viewport(browser, width, browser.execute_script("return document.documentElement.scrollHeight;"))
            save_screenshot(browser, f"catalogue-{name}-{width}")
