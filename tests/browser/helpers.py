"""Helpers of the browser tests: a signed-in session, filling and pressing on a page, the window's size, the checks
every page must pass, and an officer's way through the login and a dossier's actions."""

import os

from django.conf import settings
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from selenium.webdriver.common.by import By

from egov.accounts.models import User
from procedures.models import Dossier
from tests.browser.axe import axe_violations, describe
from tests.conftest import click_and_wait, save_screenshot, wait_for_heading
from tests.factories import PASSWORD
from tests.procedures import pdfs

# A small valid PDF: the upload check parses it.
TINY_PDF = pdfs.CLEAN


def scroll_to(browser, element):
    # Bootstrap scrolls smoothly; chromedriver would click while the page is still moving.
    browser.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'})", element)
    return element


def click(browser, css: str) -> None:
    scroll_to(browser, browser.find_element(By.CSS_SELECTOR, css)).click()


def press(browser, text: str) -> None:
    """Click the button of the page's main form whose label is `text`."""
    buttons = browser.find_elements(By.CSS_SELECTOR, "main form button")
    scroll_to(browser, next(button for button in buttons if button.text.strip() == text)).click()


def fill(browser, field_id: str, value: str) -> None:
    element = scroll_to(browser, browser.find_element(By.ID, field_id))
    element.clear()
    element.send_keys(value)


HOME = "Số 12 phố Phúc Xá, phường Hồng Hà, Hà Nội"


def fill_mother(browser) -> None:
    """The mother's birth year, residence and ID number (her name is typed before)."""
    fill(browser, "id_birth_date", "1995")
    fill(browser, "id_residence", HOME)
    fill(browser, "id_id_number", "001195000001")


def fill_father(browser) -> None:
    """The father's page, whole: the citizen Nguyễn Văn An himself."""
    wait_for_heading(browser, "Thông tin người cha")
    fill(browser, "id_full_name", "Nguyễn Văn An")
    fill(browser, "id_birth_date", "12/05/1990")
    fill(browser, "id_residence", HOME)
    fill(browser, "id_id_number", "001090012345")
    press(browser, "Lưu và tiếp tục")


def check_page(browser, name: str) -> None:
    """Screenshot, then the checks every citizen page must pass on a 360 px phone."""
    save_screenshot(browser, f"filing-{name}")
    width, inner = browser.execute_script("return [document.documentElement.scrollWidth, window.innerWidth];")
    assert width <= inner, f"{name}: page is {width}px wide in a {inner}px window"
    violations = axe_violations(browser)
    assert not violations, describe(violations)


DESK = 1280


PHONE = 390


HEIGHT = 900


# Pictures for a person to look at; the extra pages they need are visited only then.
PICTURES = bool(os.environ.get("SCREENSHOTS"))


def viewport(browser, width: int, height: int = HEIGHT) -> None:
    """A desk's screen, or a true phone viewport (a desktop window cannot be made narrower than 500 px)."""
    browser.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600},
    )


def snap(browser, name: str) -> None:
    """A picture of the whole page, not only of the window, when SCREENSHOTS=1."""
    if not PICTURES:
        return
    width, height = browser.execute_script(
        "return [window.innerWidth, Math.max(document.documentElement.scrollHeight, window.innerHeight)];"
    )
    viewport(browser, width, height)
    save_screenshot(browser, f"officer-{name}")
    viewport(browser, width)


def check(browser, name: str, *, axe: bool = True) -> None:
    """Picture the page, then what every officer page must pass: no sideways scrolling, no serious axe finding
    (axe is left out where the same page was just checked at another width, to keep the test quick)."""
    snap(browser, name)
    scroll_width, inner_width = browser.execute_script(
        "return [document.documentElement.scrollWidth, window.innerWidth];"
    )
    assert scroll_width <= inner_width, f"{name}: the page is {scroll_width}px wide in a {inner_width}px window"
    # A table wider than the window scrolls inside its box; on a phone its rows must stack instead, so the due
    # time and the state are not hidden off the right edge.
    hidden = browser.execute_script(
        "return [...document.querySelectorAll('main td')].filter(td => td.getBoundingClientRect().right"
        " > window.innerWidth + 1).map(td => td.textContent.trim()).slice(0, 3);"
    )
    assert not hidden, f"{name}: table cells off the right edge: {hidden}"
    violations = axe_violations(browser) if axe else []
    assert not violations, f"{name}:\n{describe(violations)}"


def log_in(browser, live_server, identifier: str, landing: str, *, device: TOTPDevice | None = None) -> None:
    """Log in through the login page as a person does, and wait for the page the portal sends them to. An account
    with an authenticator app (`device`) types its current code on the second step, as city staff must."""
    browser.get(live_server.url + reverse("accounts:login"))
    wait_for_heading(browser, "Đăng nhập")
    browser.find_element(By.ID, "id_username").send_keys(identifier)
    browser.find_element(By.ID, "id_password").send_keys(PASSWORD)
    click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "main form button[type=submit]"))
    if device is not None:
        wait_for_heading(browser, "Nhập mã xác thực")
        browser.find_element(By.ID, "id_code").send_keys(f"{TOTP(device.bin_key).token():06d}")
        click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "main form button[type=submit]"))
    wait_for_heading(browser, landing)


def log_out(browser) -> None:
    click_and_wait(browser, browser.find_element(By.XPATH, "//header//button[normalize-space()='Đăng xuất']"))
    wait_for_heading(browser, "Dịch vụ công hộ tịch trực tuyến")


def open_dossier(browser, dossier: Dossier) -> None:
    """Follow the dossier's code in the list."""
    click_and_wait(browser, browser.find_element(By.LINK_TEXT, dossier.code))
    wait_for_heading(browser, dossier.code)


def button(browser, label: str):
    return browser.find_element(By.XPATH, f"//main//form//button[normalize-space()='{label}']")


def act(browser, dossier: Dossier, label: str, reason: str | None = None) -> None:
    """Press one of the dossier's action buttons (opening "Thao tác khác" when it is there), with a reason if given."""
    target = button(browser, label)
    form = target.find_element(By.XPATH, "./ancestor::form")
    if browser.execute_script("const d = arguments[0].closest('details'); return d !== null && !d.open;", form):
        form.find_element(By.XPATH, "./ancestor::details/summary").click()
    if reason is not None:
        textarea = form.find_element(By.TAG_NAME, "textarea")
        textarea.clear()
        textarea.send_keys(reason)
    click_and_wait(browser, target)
    wait_for_heading(browser, dossier.code)


def status_badge(browser) -> str:
    return browser.find_element(By.CSS_SELECTOR, "main h1 + .badge").text


def sign_in(browser, live_server, user: User) -> None:
    """Give the browser a logged-in session without going through the login form (tested elsewhere)."""
    client = Client()
    client.force_login(user)
    browser.get(live_server.url + "/healthz")  # any page of the origin, so the cookie can be set on it
    browser.add_cookie(
        {"name": settings.SESSION_COOKIE_NAME, "value": client.cookies[settings.SESSION_COOKIE_NAME].value, "path": "/"}
    )
