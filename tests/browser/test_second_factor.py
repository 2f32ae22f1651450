"""The second factor in Chromium: the city's administrator opens the admin, lands on the portal's login, enrols an
authenticator app by its key, and next time types its code; both pages pass axe-core at a phone's width and a
desk's, and with SCREENSHOTS=1 are pictured at both."""

import base64
import re

import pytest
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from egov.accounts.models import Role
from tests.browser.axe import axe_violations, describe
from tests.browser.helpers import DESK, snap, viewport
from tests.conftest import click_and_wait, wait_for_heading
from tests.factories import PASSWORD
from tests.personas import make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = 360


def code_from_key(key: str) -> str:
    """What an authenticator app shows for the key typed from the page."""
    secret = base64.b32decode(key.replace(" ", "") + "=" * (-len(key.replace(" ", "")) % 8))
    return f"{TOTP(secret).token():06d}"


def check_at_both_widths(browser, name: str) -> None:
    for width in (PHONE, DESK):
        viewport(browser, width)
        snap(browser, f"{name}-{width}")
        scroll_width, inner_width = browser.execute_script(
            "return [document.documentElement.scrollWidth, window.innerWidth];"
        )
        assert scroll_width <= inner_width, f"{name}: {scroll_width}px wide in a {inner_width}px window"
        violations = axe_violations(browser)
        assert not violations, f"{name} at {width}px:\n{describe(violations)}"
    viewport(browser, PHONE)


def submit_code(browser, code: str) -> None:
    field = browser.find_element(By.ID, "id_code")
    field.clear()
    field.send_keys(code)
    click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "main form button[type=submit]"))


def open_admin_and_sign_in(browser, live_server) -> None:
    browser.get(live_server.url + reverse("admin:index"))
    wait_for_heading(browser, "Đăng nhập")
    browser.find_element(By.ID, "id_username").send_keys("thanhpho")
    browser.find_element(By.ID, "id_password").send_keys(PASSWORD)
    click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "main form button[type=submit]"))


def at_admin_index(browser, live_server) -> None:
    WebDriverWait(browser, 10).until(lambda driver: driver.current_url == live_server.url + reverse("admin:index"))


def test_the_administrator_enrols_then_signs_in_with_the_code(browser, live_server, city):  # noqa: F811
    admin = make_user("thanhpho", Role.CITY, city, is_staff=True, is_superuser=True)
    viewport(browser, PHONE)

    open_admin_and_sign_in(browser, live_server)
    wait_for_heading(browser, "Bảo mật đăng nhập hai bước")
    image = browser.find_element(By.CSS_SELECTOR, "main img[src^='data:image/png;base64,']")
    assert image.size["width"] > 200 and image.get_attribute("alt")
    check_at_both_widths(browser, "enrol")
    key = browser.find_element(By.ID, "otp-key").text
    assert re.fullmatch(r"([A-Z2-7]{4} )+[A-Z2-7]{4}", key)
    submit_code(browser, code_from_key(key))
    at_admin_index(browser, live_server)

    # Next time: the code step. A code is accepted once, so the test lets its half minute pass.
    TOTPDevice.objects.filter(user=admin).update(last_t=-1)
    browser.delete_all_cookies()
    open_admin_and_sign_in(browser, live_server)
    wait_for_heading(browser, "Nhập mã xác thực")
    submit_code(browser, "000000" if code_from_key(key) != "000000" else "111111")
    wait_for_heading(browser, "Nhập mã xác thực")
    assert "Mã xác thực chưa đúng" in browser.find_element(By.CSS_SELECTOR, ".portal-error-summary").text
    check_at_both_widths(browser, "code")
    TOTPDevice.objects.filter(user=admin).update(throttling_failure_count=0, throttling_failure_timestamp=None)
    submit_code(browser, code_from_key(key))
    at_admin_index(browser, live_server)
