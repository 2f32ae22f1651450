"""The dashboards in Chromium: city staff drill from the city to a district and a commune and back up; the Ba Đình
district chief logs in, lands on the district's report, picks a week, sorts, drills to a commune and downloads its
one-stop table as CSV, whose rows are the page's. Every page passes axe-core; with SCREENSHOTS=1 the city,
district and commune pages are pictured whole at a desk's width and a phone's."""

import csv
import io
import os
import time
from datetime import date

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from egov.units.models import AdministrativeUnit, UnitKind, UnitLevel, UnitRollout
from tests.browser.axe import axe_violations, describe
from tests.browser.test_officer import DESK, PHONE, log_in, viewport
from tests.conftest import click_and_wait, save_screenshot, wait_for_heading
from tests.reporting.conftest import *  # noqa: F403

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PICTURES = bool(os.environ.get("SCREENSHOTS"))


def check(browser, name: str) -> None:
    """No sideways scrolling of the page (wide tables scroll in their own box), no serious axe finding, and with
    SCREENSHOTS=1 a picture of the whole page at a desk's width and a phone's."""
    scroll_width, inner_width = browser.execute_script(
        "return [document.documentElement.scrollWidth, window.innerWidth];"
    )
    assert scroll_width <= inner_width, f"{name}: the page is {scroll_width}px wide in a {inner_width}px window"
    violations = axe_violations(browser)
    assert not violations, f"{name}:\n{describe(violations)}"
    if PICTURES:
        for label, width in (("desk", DESK), ("phone", PHONE)):
            viewport(browser, width)
            height = browser.execute_script("return document.documentElement.scrollHeight;")
            viewport(browser, width, height)
            save_screenshot(browser, f"reporting-{name}-{label}")
        viewport(browser, DESK)


def follow(browser, text: str, heading: str, within: str = "main") -> None:
    link = browser.find_element(By.XPATH, f"//{within}//a[normalize-space()='{text}']")
    click_and_wait(browser, link)
    wait_for_heading(browser, heading)


def table_rows(browser, name: str) -> list[list[str]]:
    """The body and total rows of one report table, as the page shows them."""
    return browser.execute_script(
        "return [...document.querySelectorAll(`#bang-${arguments[0]} tbody tr, #bang-${arguments[0]} tfoot tr`)]"
        ".map(tr => [...tr.children].map(cell => cell.textContent.trim()));",
        name,
    )


def test_city_staff_drill_from_the_city_to_a_commune(browser, live_server, dashboard_world, city_staff, city):
    # A district on trial in December, official from January: listed apart, its figures not counted.
    late = AdministrativeUnit.objects.create(
        code="002", name="Quận Hoàn Kiếm", kind=UnitKind.URBAN_DISTRICT, level=UnitLevel.DISTRICT, parent=city
    )
    UnitRollout.objects.create(unit=late, trial_start=date(2026, 12, 1), official_start=date(2027, 1, 4))
    viewport(browser, DESK)
    log_in(browser, live_server, city_staff.username, "Trang cán bộ")
    follow(browser, "Báo cáo", "Thành phố Hà Nội – Tháng 12/2026", within="header")
    rows = {row[0]: row for row in table_rows(browser, "tong-hop")}
    assert rows["Quận Ba Đình"][1:4] == ["4", "2", "50,0\xa0%"]
    assert rows["Huyện Ba Vì"][-2:] == ["Chính thức", "15/12/2016"]
    assert rows["Quận Hoàn Kiếm"][1:4] == ["—", "—", "—"]
    lists = browser.find_element(By.CLASS_NAME, "report-lists").text
    assert "Chưa chính thức triển khai trong kỳ (không tính)\nQuận Hoàn Kiếm" in lists
    assert "Tổng cộng" in rows
    check(browser, "city")

    follow(browser, "Quận Ba Đình", "Quận Ba Đình – Tháng 12/2026")
    assert "chính thức từ 10/08/2016" in browser.find_element(By.TAG_NAME, "main").text
    check(browser, "district")

    follow(browser, "Phường Phúc Xá", "Phường Phúc Xá – Tháng 12/2026")
    rows = {row[0]: row for row in table_rows(browser, "mot-cua")}
    assert rows["Đăng ký khai sinh"][5] == "3"  # to handle
    check(browser, "commune")

    # The breadcrumb leads back up.
    follow(browser, "Thành phố Hà Nội", "Thành phố Hà Nội – Tháng 12/2026", within="nav")


def test_a_district_chief_drills_to_a_commune_and_downloads_the_csv(
    browser, live_server, dashboard_world, district_chief, tmp_path
):
    browser.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(tmp_path)})
    viewport(browser, DESK)
    log_in(browser, live_server, district_chief.username, "Trang cán bộ")
    follow(browser, "Báo cáo", "Quận Ba Đình – Tháng 12/2026", within="header")
    # A district's staff have no city page to go up to.
    assert not browser.find_elements(By.XPATH, "//nav//a[normalize-space()='Thành phố Hà Nội']")

    # The week of 07/12 through the form, then the units by online rate, highest first.
    browser.find_element(By.XPATH, "//main//summary[normalize-space()='Chọn kỳ báo cáo, thủ tục khác']").click()
    Select(browser.find_element(By.ID, "id_kind")).select_by_visible_text("Tuần")
    day = browser.find_element(By.ID, "id_date")
    day.clear()
    day.send_keys("07/12/2026")
    click_and_wait(browser, browser.find_element(By.XPATH, "//main//button[normalize-space()='Xem báo cáo']"))
    wait_for_heading(browser, "Quận Ba Đình – Tuần 50/2026 (07/12 – 13/12/2026)")
    header = browser.find_element(By.XPATH, "//section[@id='bang-tong-hop']//th[.//a[contains(., 'Tỷ lệ trực tuyến')]]")
    click_and_wait(browser, header.find_element(By.TAG_NAME, "a"))
    header = browser.find_element(By.XPATH, "//section[@id='bang-tong-hop']//th[.//a[contains(., 'Tỷ lệ trực tuyến')]]")
    assert header.get_attribute("aria-sort") == "ascending"
    click_and_wait(browser, header.find_element(By.TAG_NAME, "a"))
    header = browser.find_element(By.XPATH, "//section[@id='bang-tong-hop']//th[.//a[contains(., 'Tỷ lệ trực tuyến')]]")
    assert header.get_attribute("aria-sort") == "descending"
    order = [row[0] for row in table_rows(browser, "tong-hop")]
    assert order == ["Phường Phúc Xá", "Phường Trúc Bạch", "Phường Cống Vị", "Tổng cộng"]

    follow(browser, "Phường Phúc Xá", "Phường Phúc Xá – Tuần 50/2026 (07/12 – 13/12/2026)")
    check(browser, "commune-week")
    shown = table_rows(browser, "mot-cua")
    link = browser.find_element(By.XPATH, "//section[@id='bang-mot-cua']//a[starts-with(normalize-space(), 'Tải CSV')]")
    link.click()
    path = tmp_path / "bao-cao-phuong-phuc-xa-tuan-50-2026-mot-cua.csv"
    deadline = time.monotonic() + 10
    while not path.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert path.exists(), f"downloaded: {os.listdir(tmp_path)}"
    content = path.read_bytes()
    assert content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert rows[0][:2] == ["Thủ tục", "Kỳ trước chuyển sang"]
    assert [row[0] for row in rows[1:]] == [row[0] for row in shown]
    birth = next(row for row in rows if row[0] == "Đăng ký khai sinh")
    assert birth[1:6] == ["0", "2", "1", "0", "3"]
    assert birth[-2:] == ["66.7", "33.3"]
    assert next(row for row in shown if row[0] == "Đăng ký khai sinh")[-2:] == ["66,7\xa0%", "33,3\xa0%"]
