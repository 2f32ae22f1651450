"""The dashboards in Chromium. In December 2024, before the reform: city staff drill from the city to a district and
a commune and back up; the Ba Đình district chief logs in, lands on the district's report, picks a week, sorts,
drills to a commune and downloads its one-stop table as CSV, whose rows are the page's. At the real date, after the
reform: city staff read the city by today's communes in November 2026, the city by districts in November 2016, a
period across the reform in two parts, and Phường Hồng Hà's November 2026 against November 2024 (Phúc Xá's, whose
records it holds); the district chief lands on June 2025. Every page passes axe-core; with SCREENSHOTS=1 each is
pictured whole at a desk's width and a phone's."""

import csv
import io
import os
import time
from datetime import date

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from egov.units.models import UnitKind, UnitLevel, UnitRollout
from tests.browser.axe import axe_violations, describe
from tests.browser.helpers import DESK, PHONE, log_in, viewport
from tests.conftest import click_and_wait, save_screenshot, wait_for_heading
from tests.personas import old_unit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PICTURES = bool(os.environ.get("SCREENSHOTS"))


def enrolled(user) -> TOTPDevice:
    """City staff sign in with a code: their authenticator app, set up before the test."""
    return TOTPDevice.objects.create(user=user, name="Điện thoại", confirmed=True)


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
    late = old_unit("002", "Quận Hoàn Kiếm", UnitKind.URBAN_DISTRICT, UnitLevel.DISTRICT, city)
    UnitRollout.objects.create(unit=late, trial_start=date(2024, 12, 1), official_start=date(2025, 1, 6))
    viewport(browser, DESK)
    log_in(browser, live_server, city_staff.username, "Trang cán bộ", device=enrolled(city_staff))
    follow(browser, "Báo cáo", "Thành phố Hà Nội – Tháng 12/2024", within="header")
    rows = {row[0]: row for row in table_rows(browser, "tong-hop")}
    assert rows["Quận Ba Đình"][1:4] == ["4", "2", "50,0\xa0%"]
    assert rows["Huyện Ba Vì"][-2:] == ["Chính thức", "15/12/2016"]
    assert rows["Quận Hoàn Kiếm"][1:4] == ["—", "—", "—"]
    lists = browser.find_element(By.CLASS_NAME, "report-lists").text
    assert "Chưa chính thức triển khai trong kỳ (không tính)\nQuận Hoàn Kiếm" in lists
    assert "Tổng cộng" in rows
    check(browser, "city")

    follow(browser, "Quận Ba Đình", "Quận Ba Đình – Tháng 12/2024")
    assert "chính thức từ 10/08/2016" in browser.find_element(By.TAG_NAME, "main").text
    check(browser, "district")

    follow(browser, "Phường Phúc Xá", "Phường Phúc Xá – Tháng 12/2024")
    rows = {row[0]: row for row in table_rows(browser, "mot-cua")}
    assert rows["Đăng ký khai sinh"][5] == "3"  # to handle
    check(browser, "commune")

    # The breadcrumb leads back up.
    follow(browser, "Thành phố Hà Nội", "Thành phố Hà Nội – Tháng 12/2024", within="nav")


def test_a_district_chief_drills_to_a_commune_and_downloads_the_csv(
    browser, live_server, dashboard_world, district_staff, tmp_path
):
    browser.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(tmp_path)})
    viewport(browser, DESK)
    log_in(browser, live_server, district_staff.username, "Trang cán bộ")
    follow(browser, "Báo cáo", "Quận Ba Đình – Tháng 12/2024", within="header")
    # A district's staff have no city page to go up to.
    assert not browser.find_elements(By.XPATH, "//nav//a[normalize-space()='Thành phố Hà Nội']")

    # The week of 09/12 through the form, then the units by online rate, highest first.
    browser.find_element(By.XPATH, "//main//summary[normalize-space()='Chọn kỳ báo cáo, thủ tục khác']").click()
    Select(browser.find_element(By.ID, "id_kind")).select_by_visible_text("Tuần")
    day = browser.find_element(By.ID, "id_date")
    day.clear()
    day.send_keys("09/12/2024")
    click_and_wait(browser, browser.find_element(By.XPATH, "//main//button[normalize-space()='Xem báo cáo']"))
    wait_for_heading(browser, "Quận Ba Đình – Tuần 50/2024 (09/12 – 15/12/2024)")
    header = browser.find_element(By.XPATH, "//section[@id='bang-tong-hop']//th[.//a[contains(., 'Tỷ lệ trực tuyến')]]")
    click_and_wait(browser, header.find_element(By.TAG_NAME, "a"))
    header = browser.find_element(By.XPATH, "//section[@id='bang-tong-hop']//th[.//a[contains(., 'Tỷ lệ trực tuyến')]]")
    assert header.get_attribute("aria-sort") == "ascending"
    click_and_wait(browser, header.find_element(By.TAG_NAME, "a"))
    header = browser.find_element(By.XPATH, "//section[@id='bang-tong-hop']//th[.//a[contains(., 'Tỷ lệ trực tuyến')]]")
    assert header.get_attribute("aria-sort") == "descending"
    order = [row[0] for row in table_rows(browser, "tong-hop")]
    assert order == ["Phường Phúc Xá", "Phường Trúc Bạch", "Phường Cống Vị", "Tổng cộng"]

    follow(browser, "Phường Phúc Xá", "Phường Phúc Xá – Tuần 50/2024 (09/12 – 15/12/2024)")
    check(browser, "commune-week")
    shown = table_rows(browser, "mot-cua")
    link = browser.find_element(By.XPATH, "//section[@id='bang-mot-cua']//a[starts-with(normalize-space(), 'Tải CSV')]")
    link.click()
    path = tmp_path / "bao-cao-phuong-phuc-xa-tuan-50-2024-mot-cua.csv"
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


@pytest.fixture
def novembers(reform_world, clock, citizen, old_commune_a, old_rural_commune, commune_a, commune_b, rural_commune,
              quiet, old_commune_officers, new_officers):  # fmt: skip
    """Dossiers of three Novembers, then the clock at the real date:

    - 2016, while Hanoi rolled out: at Phúc Xá (Ba Đình, official since 10/08/2016) an online birth resolved on
      time and a paper one resolved late; at Minh Quang (Ba Vì, official only from 15/12/2016) one not counted;
    - 2024: at Phúc Xá three births, two online (one resolved late);
    - 2026: at Hồng Hà four births, three online; at Phường Ba Đình two on paper; at Xã Ba Vì one online.
    """
    from procedures.models import Channel, Status
    from reporting.services import rollups_refresh
    from tests.reporting.helpers import filed, walk
    from tests.workcal.conftest import at

    birth = reform_world["birth"]

    def dossier(unit, officers, channel, to, moment):
        clock.set(moment)
        actor = citizen if channel == Channel.ONLINE_SELF else officers["one_stop"]
        return walk(filed(birth, unit=unit, applicant=citizen, channel=channel, actor=actor), to, **officers)

    online, paper = Channel.ONLINE_SELF, Channel.COUNTER
    a_then, rural_then = old_commune_officers["a"], old_commune_officers["rural"]
    dossier(old_commune_a, a_then, online, Status.RESULT_READY, at(2016, 11, 15, 9))
    late_2016 = dossier(old_commune_a, a_then, paper, Status.PROCESSING, at(2016, 11, 15, 9))
    clock.set(at(2016, 11, 16, 9))
    walk(late_2016, Status.RESULT_READY, **a_then)
    dossier(old_rural_commune, rural_then, online, Status.RECEIVED, at(2016, 11, 15, 9))
    dossier(old_commune_a, a_then, online, Status.RESULT_READY, at(2024, 11, 11, 9))
    late = dossier(old_commune_a, a_then, online, Status.PROCESSING, at(2024, 11, 11, 9))
    clock.set(at(2024, 11, 12, 9))
    walk(late, Status.RESULT_READY, **a_then)
    dossier(old_commune_a, a_then, paper, Status.RESULT_READY, at(2024, 11, 11, 9))
    for channel in (online, online, online, paper):
        dossier(commune_a, new_officers["a"], channel, Status.RESULT_READY, at(2026, 11, 16, 9))
    for _ in range(2):
        dossier(commune_b, new_officers["b"], paper, Status.RESULT_READY, at(2026, 11, 17, 9))
    dossier(rural_commune, new_officers["rural"], online, Status.RECEIVED, at(2026, 11, 18, 9))
    rollups_refresh()
    # The real date: the main flows are tested at it, not only at a pinned one (DESIGN §2).
    from datetime import UTC
    from datetime import datetime as real_datetime

    clock.set(real_datetime.now(UTC))
    return reform_world


def test_city_staff_read_both_sides_of_the_reform_at_the_real_date(browser, live_server, novembers, city_staff, city,
                                                                    commune_a):  # fmt: skip
    from tests.reporting.helpers import unit_url

    viewport(browser, DESK)
    log_in(browser, live_server, city_staff.username, "Trang cán bộ", device=enrolled(city_staff))

    # November 2026: today's communes under the city, their rollout inherited from the old districts.
    browser.get(live_server.url + unit_url(city, kind="month", date="01/11/2026"))
    wait_for_heading(browser, "Thành phố Hà Nội – Tháng 11/2026")
    rows = {row[0]: row for row in table_rows(browser, "tong-hop")}
    assert list(rows) == ["Phường Ba Đình", "Phường Giảng Võ", "Phường Hồng Hà", "Xã Ba Vì", "Tổng cộng"]
    assert rows["Phường Hồng Hà"][1:4] == ["4", "3", "75,0\xa0%"]
    assert rows["Phường Hồng Hà"][-2:] == ["Chính thức", "10/08/2016"]
    assert rows["Tổng cộng"][1:4] == ["7", "4", "57,1\xa0%"]
    assert "Tỷ lệ nộp trực tuyến theo xã, phường" in browser.find_element(By.TAG_NAME, "main").text
    check(browser, "city-2026-11")

    # November 2016: the districts of then, Ba Vì on its way (trial from 01/12, official from 15/12/2016).
    browser.get(live_server.url + unit_url(city, kind="month", date="01/11/2016"))
    wait_for_heading(browser, "Thành phố Hà Nội – Tháng 11/2016")
    rows = {row[0]: row for row in table_rows(browser, "tong-hop")}
    assert list(rows) == ["Quận Ba Đình", "Huyện Ba Vì", "Tổng cộng"]
    assert rows["Quận Ba Đình"][1:4] == ["2", "1", "50,0\xa0%"]
    assert rows["Huyện Ba Vì"][1:4] == ["—", "—", "—"]
    assert rows["Huyện Ba Vì"][-2:] == ["Chưa triển khai", "15/12/2016"]
    assert rows["Tổng cộng"][1:4] == ["2", "1", "50,0\xa0%"]
    lists = browser.find_element(By.CLASS_NAME, "report-lists").text
    assert "Chưa chính thức triển khai trong kỳ (không tính)\nHuyện Ba Vì" in lists
    check(browser, "city-2016-11")

    # June and July 2025: two parts, each labelled, and the way to today's communes for the whole period.
    browser.get(live_server.url + unit_url(city, kind="custom", **{"from": "01/06/2025", "to": "31/07/2025"}))
    wait_for_heading(browser, "Thành phố Hà Nội – Từ 01/06/2025 đến 31/07/2025")
    assert [row[0] for row in table_rows(browser, "tong-hop-1")] == ["Quận Ba Đình", "Huyện Ba Vì", "Tổng cộng"]
    assert table_rows(browser, "tong-hop-2")[0][0] == "Phường Ba Đình"
    check(browser, "city-across-the-reform")
    follow(browser, "Xem cả kỳ theo xã, phường hiện nay", "Thành phố Hà Nội – Từ 01/06/2025 đến 31/07/2025")
    assert table_rows(browser, "tong-hop")[-1][0] == "Tổng cộng"
    assert "Cả kỳ được gộp theo xã, phường hiện nay" in browser.find_element(By.TAG_NAME, "main").text

    # Hồng Hà's November 2026 against November 2024, which was Phúc Xá's (Hồng Hà holds its records).
    browser.get(live_server.url + unit_url(commune_a, kind="month", date="01/11/2026", compare="2024"))
    wait_for_heading(browser, "Phường Hồng Hà – Tháng 11/2026")
    compared = browser.find_element(By.CLASS_NAME, "report-compare").text
    assert "So sánh với cùng kỳ: Tháng 11/2024" in compared
    assert "Hồ sơ tiếp nhận 4 3" in compared and "Tỷ lệ nộp trực tuyến 75,0 % 66,7 %" in compared
    assert "của các đơn vị cũ nay do đơn vị này giữ hồ sơ" in browser.find_element(By.TAG_NAME, "main").text
    check(browser, "hong-ha-2026-11-vs-2024-11")


def test_the_district_chief_lands_on_june_2025_and_reads_history_only(browser, live_server, novembers,
                                                                      district_staff):  # fmt: skip
    viewport(browser, DESK)
    log_in(browser, live_server, district_staff.username, "Trang cán bộ")
    follow(browser, "Báo cáo", "Quận Ba Đình – Tháng 06/2025", within="header")
    main = browser.find_element(By.TAG_NAME, "main").text
    assert "Tài khoản của Quận Ba Đình, đơn vị không còn sau ngày 30/06/2025" in main
    assert [row[0] for row in table_rows(browser, "tong-hop")] == [
        "Phường Phúc Xá", "Phường Trúc Bạch", "Phường Cống Vị", "Tổng cộng"
    ]  # fmt: skip
    check(browser, "district-history-only")
