"""Today, with no frozen clock: a citizen finds the ward of today by its old name on a phone and files a birth
there; the ward's officers take the dossier from the counter to the register and hand the result over; the city
reads it in this month's report, under the ward, with no district above it."""

import datetime
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from interconnect.tasks import dossier_settle_if_ready
from procedures.models import Dossier, Procedure, Status
from reporting.services import rollups_refresh
from tests.browser.helpers import (
    DESK,
    HOME,
    PHONE,
    TINY_PDF,
    act,
    check,
    check_page,
    click,
    fill,
    fill_father,
    fill_mother,
    log_in,
    log_out,
    open_dossier,
    press,
    sign_in,
    status_badge,
    viewport,
)
from tests.conftest import click_and_wait, wait_for_heading
from tests.personas import make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def people(request) -> SimpleNamespace:
    """The real catalogue's birth registration; Phường Hồng Hà (which holds Phúc Xá's records, and Ba Đình's 2016
    rollout with them) and its three officers; the citizen Nguyễn Văn An; city staff."""
    names = ("citizen", "commune_a", "one_stop_a", "justice_a", "leader_a", "rollout")
    people = SimpleNamespace(**{name: request.getfixturevalue(name) for name in names})
    call_command("load_catalogue", verbosity=0)
    people.procedure = Procedure.objects.get(code="HT-KS")
    people.city_staff = make_user("so.tttt", "city", people.commune_a.parent)
    return people


def at_desk(browser, live_server, officer, worklist: str, dossier) -> None:
    """The officer logs in, opens their workspace (on the worklist their role starts with) and the dossier."""
    log_in(browser, live_server, officer.username, "Trang cán bộ")
    click_and_wait(browser, browser.find_element(By.LINK_TEXT, "Xử lý hồ sơ"))
    wait_for_heading(browser, worklist)
    open_dossier(browser, dossier)


def test_a_birth_filed_today_at_a_ward_of_today_is_registered_delivered_and_reported(
    browser, live_server, people, tmp_path
):
    procedure, ward = people.procedure, people.commune_a
    today = timezone.localdate()
    born = (today - datetime.timedelta(days=12)).strftime("%d/%m/%Y")
    scan = tmp_path / "giay-chung-sinh.pdf"
    scan.write_bytes(TINY_PDF)
    viewport(browser, PHONE)
    sign_in(browser, live_server, people.citizen)

    # The citizen still calls the ward by its old name, typed without marks.
    browser.get(f"{live_server.url}/thu-tuc/{procedure.slug}/nop/")
    fill(browser, "id_q", "phuc xa")
    press(browser, "Tìm")
    WebDriverWait(browser, 10).until(lambda driver: driver.find_elements(By.CSS_SELECTOR, "input[type=radio]"))
    assert browser.find_element(By.CSS_SELECTOR, "label[for='id_commune_0']").text == "Phường Hồng Hà"
    click(browser, "label[for='id_commune_0']")
    press(browser, "Bắt đầu khai")

    wait_for_heading(browser, "Người đi đăng ký")
    fill(browser, "id_residence", HOME)
    click(browser, "label[for='id_relationship_0']")
    press(browser, "Lưu và tiếp tục")
    wait_for_heading(browser, "Thông tin của trẻ")
    fill(browser, "id_full_name", "Nguyễn Minh Khang")
    click(browser, "label[for='id_sex_0']")
    fill(browser, "id_birth_date", born)
    fill(browser, "id_birth_place", "Bệnh viện Phụ sản Hà Nội")
    fill(browser, "id_hometown", "Xã Ba Vì, Hà Nội")
    press(browser, "Lưu và tiếp tục")
    wait_for_heading(browser, "Thông tin người mẹ")
    fill(browser, "id_full_name", "Trần Thị Bình")
    fill_mother(browser)
    press(browser, "Lưu và tiếp tục")
    fill_father(browser)
    wait_for_heading(browser, "Ảnh chụp, bản quét giấy tờ")
    browser.find_element(By.CSS_SELECTOR, "main form input[type=file]").send_keys(str(scan))
    press(browser, "Tải lên và tiếp tục")
    wait_for_heading(browser, "Kiểm tra lại trước khi nộp")
    review = browser.find_element(By.TAG_NAME, "main").text
    assert "Phường Hồng Hà" in review and "Quận" not in review
    press(browser, "Nộp hồ sơ")
    wait_for_heading(browser, "Đã nộp hồ sơ")
    check_page(browser, "today-01-filed")

    dossier = Dossier.objects.get()
    assert dossier.unit == ward
    assert dossier.code.startswith(f"00097-{timezone.localdate(dossier.submitted_at):%y}")
    assert browser.find_element(By.CSS_SELECTOR, "[data-testid=dossier-code]").text == dossier.code
    assert dossier.due_at is None  # not received yet: no due time

    # The ward's officers, each at their desk, take it to the register.
    log_out(browser)
    viewport(browser, DESK)
    at_desk(browser, live_server, people.one_stop_a, "Chờ tiếp nhận", dossier)
    act(browser, dossier, "Tiếp nhận hồ sơ")
    assert status_badge(browser) == "Đã tiếp nhận"
    check(browser, "today-02-received")
    log_out(browser)
    dossier.refresh_from_db()
    assert dossier.due_at > dossier.received_at  # same day, or the next working day after 15:00 or after hours

    at_desk(browser, live_server, people.justice_a, "Chờ giải quyết", dossier)
    act(browser, dossier, "Nhận giải quyết")
    act(browser, dossier, "Trình lãnh đạo ký")
    log_out(browser)

    at_desk(browser, live_server, people.leader_a, "Chờ ký", dossier)
    act(browser, dossier, "Ký duyệt và vào sổ")
    assert status_badge(browser) == "Đã đăng ký"
    log_out(browser)
    dossier.refresh_from_db()
    assert dossier.register_entry.unit == ward and dossier.register_entry.year == today.year

    # A birth without interconnections settles by a task as the approval commits; no worker runs here.
    dossier_settle_if_ready(dossier_id=dossier.pk)
    log_in(browser, live_server, people.one_stop_a.username, "Trang cán bộ")
    browser.get(live_server.url + reverse("onecounter:dossier", kwargs={"uuid": dossier.uuid}))
    wait_for_heading(browser, dossier.code)
    act(browser, dossier, "Xác nhận đã trả kết quả")
    assert status_badge(browser) == "Đã trả kết quả"
    check(browser, "today-03-delivered")
    log_out(browser)
    dossier.refresh_from_db()
    assert dossier.status == Status.DELIVERED

    # The city's report of this month counts it at the ward, with the city above and no district between.
    rollups_refresh()
    sign_in(browser, live_server, people.city_staff)
    browser.get(live_server.url + reverse("reporting:unit", args=[ward.pk]))
    WebDriverWait(browser, 10).until(lambda driver: driver.find_elements(By.CSS_SELECTOR, ".report-figures"))
    crumbs = browser.find_element(By.CSS_SELECTOR, ".report-crumbs").text
    assert "Thành phố Hà Nội" in crumbs and "Quận" not in crumbs
    headline = browser.find_element(By.CSS_SELECTOR, ".report-figures").text
    assert "Hồ sơ tiếp nhận\n1\n" in headline and "100,0 %" in headline
    check(browser, "today-04-report")
