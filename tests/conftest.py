"""Shared fixtures: fast password hashing, named personas, a session verified by the second factor, and the headless
browser."""

import ast
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

# The fixtures every test may ask for, registered once here rather than star-imported from conftest to conftest.
pytest_plugins = ["tests.personas", "tests.dossiers", "tests.interconnect.agencies", "tests.reporting.worlds"]


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _empty_sms_outbox():
    """Every test starts with an empty test SMS outbox, whatever an earlier test (or its threads) left there."""
    from egov.notifications import gateway

    gateway.sms_outbox.clear()
    yield
    gateway.sms_outbox.clear()


@pytest.fixture(autouse=True)
def _no_agency_by_default(settings):
    """Nothing a test pushes reaches a simulator that `make run` may have left listening on its usual port;
    tests that talk to an agency start their own and point these settings at it."""
    settings.INTERCONNECT_POLICE_URL = "http://127.0.0.1:9"
    settings.INTERCONNECT_SOCIAL_INSURANCE_URL = "http://127.0.0.1:9"


def login_verified(client, user) -> None:
    """Sign `user` in as the login's code step does: force_login alone leaves the session unverified, and the admin
    admits only verified sessions (`user.is_verified()`)."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


@pytest.fixture
def admin_client(client, admin_user):
    """pytest-django's admin client, signed in with the second factor the admin asks."""
    login_verified(client, admin_user)
    return client


def absolute_imports(folder: Path) -> Iterator[tuple[Path, str]]:
    """Every absolute import in the Python files under `folder`, as (file, dotted module name): what the tests of
    which code may import what walk."""
    for path in folder.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                yield from ((path, alias.name) for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                yield path, node.module


def require_in_ci(what: str) -> None:
    """Skip locally when something is missing, but fail in CI, where nothing may be skipped."""
    if os.environ.get("CI"):
        pytest.fail(f"{what} is required in CI")
    pytest.skip(f"{what} is not available here")


@pytest.fixture(scope="session")
def chromium_paths() -> tuple[str, str]:
    browser = shutil.which("chromium") or "/usr/bin/chromium"
    driver = shutil.which("chromedriver") or "/usr/bin/chromedriver"
    if not (os.path.exists(browser) and os.path.exists(driver)):
        require_in_ci("Chromium and chromedriver (apt-get install chromium chromium-driver)")
    return browser, driver


@pytest.fixture
def browser(chromium_paths, live_server):
    """A headless Chromium at a phone-sized window, started with the offline flags this machine needs.

    Use `browser.get(live_server.url + path)`; screenshots go to ./screenshots when SCREENSHOTS=1. The test fails
    if the Content-Security-Policy refused anything on any page it loaded (Chromium says so in its console).
    """
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    os.environ.setdefault("SE_OFFLINE", "true")
    binary, driver_path = chromium_paths
    options = Options()
    options.binary_location = binary
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-quic",
        # Bootstrap scrolls smoothly; without this, clicks land while the page is still moving.
        "--force-prefers-reduced-motion",
        "--lang=vi",
        "--window-size=390,900",
    ):
        options.add_argument(flag)
    # Headless Chromium ignores --lang; the Accept-Language header comes from this preference.
    options.add_experimental_option("prefs", {"intl.accept_languages": "vi,en"})
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(driver_path))
    driver.implicitly_wait(3)
    # Headless Chromium may still send "en-US"; a Vietnamese phone or office PC sends "vi".
    user_agent = driver.execute_script("return navigator.userAgent;")
    driver.execute_cdp_cmd("Network.setUserAgentOverride", {"userAgent": user_agent, "acceptLanguage": "vi"})
    try:
        yield driver
        refused = [entry["message"] for entry in driver.get_log("browser") if CSP_REFUSAL in entry["message"]]
    finally:
        driver.quit()
    assert not refused, "the Content-Security-Policy refused:\n" + "\n".join(refused)


# How Chromium's console reports what the Content-Security-Policy refused, as a SEVERE message ("Applying inline
# style violates the following Content Security Policy directive …"; older versions: "Refused to …").
CSP_REFUSAL = "Content Security Policy"


def save_screenshot(driver, name: str) -> None:
    """Keep a picture of the page for a person to look at, when SCREENSHOTS=1."""
    if os.environ.get("SCREENSHOTS"):
        os.makedirs("screenshots", exist_ok=True)
        driver.save_screenshot(os.path.join("screenshots", f"{name}.png"))


# While the next page replaces the old one, Chromium sometimes answers a question about an element of the old
# page with this error instead of "stale element reference"; both mean the old page is gone.
OLD_DOCUMENT = "does not belong to the document"


def _replaced(element) -> bool:
    from selenium.common.exceptions import StaleElementReferenceException, WebDriverException

    try:
        element.is_enabled()
    except StaleElementReferenceException:
        return True
    except WebDriverException as exc:
        if OLD_DOCUMENT in str(exc.msg):
            return True
        raise
    return False


def click_and_wait(driver, element, timeout: float = 10) -> None:
    """Click something that loads a new page, and wait until the old page is gone.

    Without the wait, the next look-up can find an element of the old page just before it is replaced
    (a stale element), which makes browser tests fail at random.
    """
    from selenium.webdriver.support.ui import WebDriverWait

    old_page = driver.find_element("tag name", "html")
    # Bootstrap scrolls smoothly; an instant scroll makes sure the click lands on the element.
    driver.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'})", element)
    element.click()
    WebDriverWait(driver, timeout).until(lambda _driver: _replaced(old_page), message="the page did not change")


def wait_for_heading(driver, text: str, timeout: float = 10) -> None:
    """Wait until the page titled `text` has loaded: a click returns before the server has answered."""
    from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
    from selenium.webdriver.support.ui import WebDriverWait

    def shown(driver) -> bool:
        try:
            return driver.find_element("tag name", "h1").text == text
        except StaleElementReferenceException:
            return False
        except WebDriverException as exc:
            if OLD_DOCUMENT in str(exc.msg):
                return False
            raise

    WebDriverWait(driver, timeout).until(shown, message=f"expected a page titled {text!r}, got {driver.title!r}")
