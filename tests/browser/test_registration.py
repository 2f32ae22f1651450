"""A citizen registers, logs out, and logs back in with the phone number, in a real headless Chromium."""

import pytest
from selenium.webdriver.common.by import By

from tests.browser.axe import axe_violations, describe
from tests.conftest import click_and_wait, save_screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def click(browser, by: str, selector: str) -> None:
    """Click a link or submit button and wait for the page it loads."""
    click_and_wait(browser, browser.find_element(by, selector))


def assert_accessible(browser) -> None:
    violations = axe_violations(browser)
    assert not violations, describe(violations)


def fill(browser, field_id: str, value: str) -> None:
    element = browser.find_element(By.ID, field_id)
    browser.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'})", element)
    element.clear()
    element.send_keys(value)


def test_a_citizen_registers_logs_out_and_logs_in_with_the_phone(browser, live_server):
    browser.get(live_server.url + "/tai-khoan/dang-nhap/")
    save_screenshot(browser, "accounts-01-login")
    assert_accessible(browser)
    click(browser, By.LINK_TEXT, "Đăng ký tài khoản công dân")
    assert browser.find_element(By.TAG_NAME, "h1").text == "Đăng ký tài khoản"
    save_screenshot(browser, "accounts-02-register-empty")
    assert_accessible(browser)

    # First a mistake: a woman's birth year that does not match her ID number.
    fill(browser, "id_full_name", "Trần Thị Bình")
    fill(browser, "id_id_number", "001192000123")
    label = browser.find_element(By.CSS_SELECTOR, "label[for='id_sex_1']")
    browser.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'})", label)
    label.click()
    fill(browser, "id_birth_date", "03/04/1993")
    fill(browser, "id_phone", "0987 654 321")
    fill(browser, "id_password1", "Hoa-sen-2016")
    fill(browser, "id_password2", "Hoa-sen-2016")
    click(browser, By.CSS_SELECTOR, "main form button[type=submit]")
    summary = browser.find_element(By.CSS_SELECTOR, ".portal-error-summary")
    assert "Số định danh không khớp với năm sinh đã khai" in summary.text
    assert browser.title.startswith("Lỗi:")
    save_screenshot(browser, "accounts-03-register-error")
    assert_accessible(browser)
    summary.find_element(By.TAG_NAME, "a").click()  # an in-page link: no new page to wait for
    assert browser.switch_to.active_element.get_attribute("id") == "id_id_number"

    fill(browser, "id_birth_date", "03/04/1992")
    # Password inputs are not refilled after an error, on purpose.
    fill(browser, "id_password1", "Hoa-sen-2016")
    fill(browser, "id_password2", "Hoa-sen-2016")
    click(browser, By.CSS_SELECTOR, "main form button[type=submit]")
    assert "Đã tạo tài khoản. Chào Trần Thị Bình!" in browser.find_element(By.TAG_NAME, "main").text
    save_screenshot(browser, "accounts-04-registered")

    click(browser, By.XPATH, "//button[normalize-space()='Đăng xuất']")
    assert browser.find_elements(By.LINK_TEXT, "Đăng nhập")

    browser.get(live_server.url + "/tai-khoan/dang-nhap/")
    fill(browser, "id_username", "+84987654321")
    fill(browser, "id_password", "Hoa-sen-2016")
    click(browser, By.CSS_SELECTOR, "main form button[type=submit]")
    assert browser.find_elements(By.XPATH, "//button[normalize-space()='Đăng xuất']")
    assert "Trần Thị Bình" in browser.page_source
    save_screenshot(browser, "accounts-05-logged-in")


def test_the_password_reset_pages_read_well_and_do_not_reveal_accounts(browser, live_server):
    browser.get(live_server.url + "/tai-khoan/dang-nhap/")
    click(browser, By.LINK_TEXT, "Quên mật khẩu?")
    assert browser.find_element(By.TAG_NAME, "h1").text == "Quên mật khẩu"
    save_screenshot(browser, "accounts-06-reset-request")
    assert_accessible(browser)
    fill(browser, "id_identifier", "0999999999")
    click(browser, By.CSS_SELECTOR, "main form button[type=submit]")
    assert browser.find_element(By.TAG_NAME, "h1").text == "Đặt mật khẩu mới"
    assert "Nếu thông tin bạn nhập khớp với một tài khoản" in browser.find_element(By.TAG_NAME, "main").text
    fill(browser, "id_code", "123456")
    click(browser, By.CSS_SELECTOR, "main form button[type=submit]")
    assert (
        "Mã xác nhận không đúng hoặc đã hết hạn" in browser.find_element(By.CSS_SELECTOR, ".portal-error-summary").text
    )
    save_screenshot(browser, "accounts-07-reset-code-error")
    assert_accessible(browser)
