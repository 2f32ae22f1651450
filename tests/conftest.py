"""Shared fixtures: fast password hashing, named personas, and the headless browser."""

import os
import shutil

import pytest


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


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
