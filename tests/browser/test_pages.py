"""The base pages in a real headless Chromium: phone width, keyboard use and axe-core accessibility checks."""

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from egov.accounts.models import Role, User
from egov.units.models import AdministrativeUnit
from tests.browser.axe import axe_violations, describe
from tests.browser.helpers import sign_in
from tests.conftest import click_and_wait, save_screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SMALL_PHONE_WIDTH = 360
PHONE_WIDTH = 390


@pytest.fixture(autouse=True)
def _phone(browser) -> None:
    emulate_phone(browser, PHONE_WIDTH)


def emulate_phone(browser, width: int) -> None:
    """A true phone viewport: a desktop Chromium window cannot be made narrower than 500 px."""
    browser.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride", {"width": width, "height": 800, "deviceScaleFactor": 1, "mobile": True}
    )


@pytest.fixture
def units(request) -> dict[str, AdministrativeUnit]:
    """Phường Phúc Xá of Quận Ba Đình until 30/06/2025, and Phường Hồng Hà under the city since, holding its records."""
    return {"today": request.getfixturevalue("commune_a"), "before": request.getfixturevalue("old_commune_a")}


def one_stop_of(unit: AdministrativeUnit) -> User:
    return User.objects.create_user(
        f"motcua.{unit.code}", "mat-khau-dai-123", full_name="Nguyễn Thị Lan", role=Role.ONE_STOP, unit=unit
    )


def assert_no_horizontal_scroll(browser) -> None:
    scroll_width, inner_width = browser.execute_script(
        "return [document.documentElement.scrollWidth, window.innerWidth];"
    )
    assert scroll_width <= inner_width, f"page is {scroll_width}px wide in a {inner_width}px window"


def test_home_fits_a_360px_phone_without_horizontal_scroll(browser, live_server):
    emulate_phone(browser, SMALL_PHONE_WIDTH)
    browser.get(live_server.url + "/")

    assert browser.execute_script("return window.innerWidth;") == SMALL_PHONE_WIDTH
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "vi"
    assert browser.find_element(By.TAG_NAME, "h1").text == "Dịch vụ công hộ tịch trực tuyến"
    assert_no_horizontal_scroll(browser)


@pytest.mark.parametrize(
    ("when", "unit", "notice"),
    [("today", "Phường Hồng Hà, Thành phố Hà Nội", False), ("before", "Phường Phúc Xá, Quận Ba Đình", True)],
)
def test_officer_home_fits_a_360px_phone(browser, live_server, units, when, unit, notice):
    emulate_phone(browser, SMALL_PHONE_WIDTH)
    sign_in(browser, live_server, one_stop_of(units[when]))
    browser.get(live_server.url + "/can-bo/")

    main = browser.find_element(By.TAG_NAME, "main").text
    assert unit in main
    assert ("Tài khoản chỉ để xem hồ sơ trước đây" in main) is notice
    assert_no_horizontal_scroll(browser)


def test_first_tab_reaches_the_skip_link_and_it_moves_focus_to_main(browser, live_server):
    browser.get(live_server.url + "/")

    browser.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
    focused = browser.switch_to.active_element
    assert focused.get_attribute("href").endswith("#main")
    assert focused.text == "Chuyển đến nội dung chính"
    assert focused.is_displayed()  # visible once focused, not only to screen readers

    focused.send_keys(Keys.ENTER)
    assert browser.switch_to.active_element.get_attribute("id") == "main"


def test_navigation_targets_are_at_least_44px_tall(browser, live_server):
    browser.get(live_server.url + "/")

    heights = browser.execute_script(
        "return [...document.querySelectorAll('header a, header button, main .btn')]"
        ".map(el => [el.textContent.trim(), el.getBoundingClientRect().height]);"
    )
    assert heights
    small = [(text, height) for text, height in heights if height < 44]
    assert not small, f"touch targets under 44px: {small}"


def test_language_switch_works_without_javascript(browser, live_server):
    browser.get(live_server.url + "/")

    click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, ".portal-language button[value='en']"))

    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en"
    assert browser.find_element(By.CSS_SELECTOR, ".portal-language button[value='vi']")


@pytest.mark.parametrize(
    ("path", "name"),
    [("/", "home"), ("/tai-khoan/dang-nhap/", "login"), ("/khong-co-trang-nay/", "404")],
)
def test_public_pages_have_no_serious_accessibility_violations(browser, live_server, path, name):
    browser.get(live_server.url + path)
    save_screenshot(browser, name)

    violations = axe_violations(browser)

    assert not violations, describe(violations)


@pytest.mark.parametrize("when", ["today", "before"])
def test_officer_home_has_no_serious_accessibility_violations(browser, live_server, units, when):
    sign_in(browser, live_server, one_stop_of(units[when]))
    browser.get(live_server.url + "/can-bo/")
    save_screenshot(browser, "officer_home" if when == "today" else "officer_home_history_only")

    violations = axe_violations(browser)

    assert not violations, describe(violations)
