"""A citizen files a 3-in-1 birth dossier on a phone: a mistake, a draft, resuming, a PDF, review, the code."""

import datetime

import pytest
from django.urls import reverse
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from egov.accounts.models import Role, User
from procedures.models import Dossier, Status
from procedures.services import dossier_create_draft
from tests.browser.helpers import TINY_PDF, check_page, click, fill, fill_father, fill_mother, press, sign_in
from tests.conftest import save_screenshot, wait_for_heading
from tests.procedures.helpers import make_procedure

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SMALL_PHONE_WIDTH = 360


@pytest.fixture(autouse=True)
def _vietnamese_phone(browser) -> None:
    # Headless Chromium sends "en-US" whatever --lang says; a Vietnamese phone sends "vi".
    user_agent = browser.execute_script("return navigator.userAgent;")
    browser.execute_cdp_cmd("Network.setUserAgentOverride", {"userAgent": user_agent, "acceptLanguage": "vi"})
    browser.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": SMALL_PHONE_WIDTH, "height": 800, "deviceScaleFactor": 1, "mobile": True},
    )


@pytest.fixture
def world(request):
    """Both trees (Phường Phúc Xá and Trúc Bạch of Quận Ba Đình before the reform; Phường Hồng Hà and Ba Đình
    today, by their fixtures), the 3-in-1 birth procedure and the citizen Nguyễn Văn An."""
    for unit in ("commune_a", "commune_b"):
        request.getfixturevalue(unit)
    procedure = make_procedure(
        code="HT-KS-LT",
        slug="lien-thong-khai-sinh-thuong-tru-bhyt",
        name="Đăng ký khai sinh, đăng ký thường trú và cấp thẻ bảo hiểm y tế cho trẻ dưới 6 tuổi",
        form_kind="birth_3in1",
        deadline_days=60,
        required_documents=[
            "Tờ khai đăng ký khai sinh (điền trực tuyến trên cổng)",
            "Giấy chứng sinh do bệnh viện, trạm y tế cấp",
        ],
    )
    citizen = User.objects.create_user(
        "001090012345",
        "mat-khau-dai-123",
        full_name="Nguyễn Văn An",
        role=Role.CITIZEN,
        id_number="001090012345",
        phone="0912345678",
        sex="male",
        birth_date=datetime.date(1990, 5, 12),
    )
    return procedure, citizen


def test_a_citizen_files_a_three_in_one_birth_dossier_with_a_draft_and_a_pdf(browser, live_server, world, tmp_path):
    procedure, citizen = world
    pdf = tmp_path / "giay-chung-sinh.pdf"
    pdf.write_bytes(TINY_PDF)
    birth = (datetime.date.today() - datetime.timedelta(days=20)).strftime("%d/%m/%Y")
    sign_in(browser, live_server, citizen)

    # Start: what to prepare, then where to file (today's communes in one list: no district, no script needed).
    browser.get(f"{live_server.url}/thu-tuc/{procedure.slug}/nop/")
    assert "Giấy chứng sinh" in browser.find_element(By.TAG_NAME, "main").text
    assert "Tờ khai đăng ký khai sinh" not in browser.find_element(By.TAG_NAME, "main").text
    check_page(browser, "01-start")
    Select(browser.find_element(By.ID, "id_commune")).select_by_visible_text("Phường Hồng Hà")
    check_page(browser, "02-start-commune")
    click(browser, "#commune-form button")

    # Step 1: the requester, prefilled from the account.
    wait_for_heading(browser, "Người đi đăng ký")
    assert "Bước 1 / 7" in browser.find_element(By.TAG_NAME, "main").text
    assert browser.find_element(By.ID, "id_full_name").get_attribute("value") == "Nguyễn Văn An"
    fill(browser, "id_residence", "Số 12 phố Phúc Xá, phường Hồng Hà, Hà Nội")
    click(browser, "label[for='id_relationship_0']")
    check_page(browser, "03-requester")
    press(browser, "Lưu và tiếp tục")

    # Step 2: the child, first with an impossible date.
    wait_for_heading(browser, "Thông tin của trẻ")
    fill(browser, "id_full_name", "Nguyễn Minh Anh")
    click(browser, "label[for='id_sex_1']")
    fill(browser, "id_birth_date", "15/15/2016")
    fill(browser, "id_birth_place", "Bệnh viện Phụ sản Hà Nội")
    fill(browser, "id_hometown", "Xã Ba Vì, Hà Nội")
    press(browser, "Lưu và tiếp tục")
    WebDriverWait(browser, 10).until(lambda driver: driver.title.startswith("Lỗi:"))
    summary = browser.find_element(By.CSS_SELECTOR, ".portal-error-summary")
    assert "Tháng phải từ 1 đến 12" in summary.text
    assert browser.title.startswith("Lỗi:")
    check_page(browser, "04-child-error")
    summary.find_element(By.TAG_NAME, "a").click()
    assert browser.switch_to.active_element.get_attribute("id") == "id_birth_date"
    fill(browser, "id_birth_date", birth)
    press(browser, "Lưu và tiếp tục")

    # Step 3: the mother, half done, then "save and continue later".
    wait_for_heading(browser, "Thông tin người mẹ")
    fill(browser, "id_full_name", "Trần Thị Bình")
    press(browser, "Lưu nháp, làm tiếp sau")
    wait_for_heading(browser, procedure.name)
    assert "Đã lưu nháp" in browser.find_element(By.TAG_NAME, "main").text
    check_page(browser, "05-draft-saved")
    dossier = Dossier.objects.get()
    assert dossier.draft_step == "me"

    # Later: back to the procedure page, "Làm tiếp" resumes at the mother's page with what was typed.
    browser.get(f"{live_server.url}/thu-tuc/{procedure.slug}/nop/")
    click(browser, f"a[href$='/ho-so/{dossier.uuid}/tiep-tuc/']")
    wait_for_heading(browser, "Thông tin người mẹ")
    assert browser.find_element(By.ID, "id_full_name").get_attribute("value") == "Trần Thị Bình"
    fill_mother(browser)
    check_page(browser, "06-mother-resumed")
    press(browser, "Lưu và tiếp tục")

    # Step 4: the father.
    fill_father(browser)

    # Step 5: residence and health card.
    wait_for_heading(browser, "Đăng ký thường trú và thẻ bảo hiểm y tế")
    fill(browser, "id_household_head", "Nguyễn Văn An")
    fill(browser, "id_household_address", "Số 12 phố Phúc Xá, phường Hồng Hà, Hà Nội")
    fill(browser, "id_relationship_to_head", "Con")
    fill(browser, "id_health_facility", "Trạm y tế phường Hồng Hà")
    check_page(browser, "07-household")
    press(browser, "Lưu và tiếp tục")

    # Step 6: the birth certificate scan.
    wait_for_heading(browser, "Ảnh chụp, bản quét giấy tờ")
    check_page(browser, "08-attachments")
    file_input = browser.find_element(By.CSS_SELECTOR, "main form input[type=file]")
    file_input.send_keys(str(pdf))
    press(browser, "Tải lên và tiếp tục")

    # Step 7: check your answers, with a change link per section.
    wait_for_heading(browser, "Kiểm tra lại trước khi nộp")
    main = browser.find_element(By.TAG_NAME, "main").text
    assert "Bước 7 / 7" in main
    assert birth in main and "Phường Hồng Hà" in main and "giay-chung-sinh.pdf" in main
    assert len(browser.find_elements(By.LINK_TEXT, "Thay đổi")) == 0  # the hidden part makes each link unique
    assert len(browser.find_elements(By.PARTIAL_LINK_TEXT, "Thay đổi")) == 6
    check_page(browser, "09-review")
    press(browser, "Nộp hồ sơ")

    # Confirmation: the code in large type, what happens next.
    wait_for_heading(browser, "Đã nộp hồ sơ")
    dossier.refresh_from_db()
    assert dossier.status == Status.SUBMITTED
    assert browser.find_element(By.CSS_SELECTOR, "[data-testid=dossier-code]").text == dossier.code
    check_page(browser, "10-done")

    browser.get(live_server.url + reverse("procedures:my-dossiers"))
    WebDriverWait(browser, 10).until(lambda driver: dossier.code in driver.find_element(By.TAG_NAME, "main").text)
    assert dossier.code in browser.find_element(By.TAG_NAME, "main").text
    save_screenshot(browser, "filing-11-my-dossiers")


def test_a_citizen_finds_the_ward_by_its_old_name_typed_without_marks(browser, live_server, world):
    """The picker on a 390 px phone: "phuc xa" finds Phường Hồng Hà, said to have been Phúc Xá; a missing choice
    is explained and keeps the search; the chosen ward opens the declaration."""
    procedure, citizen = world
    browser.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride", {"width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": True}
    )
    sign_in(browser, live_server, citizen)
    browser.get(f"{live_server.url}/thu-tuc/{procedure.slug}/nop/")
    fill(browser, "id_q", "phuc xa")
    press(browser, "Tìm")
    WebDriverWait(browser, 10).until(lambda driver: driver.find_elements(By.CSS_SELECTOR, "input[type=radio]"))

    main = browser.find_element(By.TAG_NAME, "main").text
    assert "Tìm thấy 1 xã, phường cho “phuc xa”." in main
    label = browser.find_element(By.CSS_SELECTOR, "label[for='id_commune_0']")
    assert label.text == "Phường Hồng Hà"
    assert browser.find_element(By.ID, "id_commune_0_hint").text == "Trước đây: Phường Phúc Xá, Quận Ba Đình"
    search_label, search_hint, search_box = (
        browser.find_element(By.CSS_SELECTOR, "label[for='id_q']"),
        browser.find_element(By.ID, "id_q_hint"),
        browser.find_element(By.ID, "id_q"),
    )
    # Label above the field, hint under the label; every target at least 44 px high.
    assert search_label.rect["y"] < search_hint.rect["y"] < search_box.rect["y"]
    for element in (search_box, label, *browser.find_elements(By.CSS_SELECTOR, "main form button")):
        assert element.rect["height"] >= 44, (element.tag_name, element.text, element.rect)
    check_page(browser, "picker-01-found")

    press(browser, "Bắt đầu khai")
    WebDriverWait(browser, 10).until(lambda driver: driver.title.startswith("Lỗi:"))
    summary = browser.find_element(By.CSS_SELECTOR, ".portal-error-summary")
    assert "Chọn xã, phường nhận hồ sơ." in summary.text
    assert browser.find_element(By.ID, "id_q").get_attribute("value") == "phuc xa"
    summary.find_element(By.TAG_NAME, "a").click()  # to the first radio button, beside the message
    assert browser.switch_to.active_element.get_attribute("id") == "id_commune_0"
    assert "Chọn xã, phường nhận hồ sơ." in browser.find_element(By.ID, "id_commune_error").text
    check_page(browser, "picker-02-nothing-chosen")

    click(browser, "label[for='id_commune_0']")
    assert browser.find_element(By.ID, "id_commune_0").is_selected()
    press(browser, "Bắt đầu khai")
    wait_for_heading(browser, "Người đi đăng ký")
    assert Dossier.objects.get().unit.code == "00097"  # Phường Hồng Hà
    check_page(browser, "picker-03-first-step")


def test_the_procedure_page_shows_five_of_twelve_drafts_on_a_small_phone(browser, live_server, world, request):
    procedure, citizen = world
    hong_ha = request.getfixturevalue("commune_a")
    for _ in range(12):
        dossier_create_draft(procedure=procedure, unit=hong_ha, applicant=citizen, channel="online_self")
    sign_in(browser, live_server, citizen)

    browser.get(live_server.url + reverse("procedures:file-start", kwargs={"slug": procedure.slug}))

    drafts = browser.find_element(By.CSS_SELECTOR, "[aria-labelledby=drafts-heading]")
    assert len(drafts.find_elements(By.LINK_TEXT, "Làm tiếp")) == 5
    see_all = drafts.find_element(By.LINK_TEXT, "Xem tất cả 12 hồ sơ đang làm dở")
    assert see_all.size["height"] >= 44
    check_page(browser, "drafts-1-procedure-page")
    see_all.click()
    wait_for_heading(browser, "Hồ sơ đang làm dở")
    assert len(browser.find_elements(By.LINK_TEXT, "Điền tiếp hồ sơ")) == 12
    check_page(browser, "drafts-2-all")
