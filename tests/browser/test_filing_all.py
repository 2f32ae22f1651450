"""A citizen files each of the other six procedures of the catalogue end to end in a real browser.

The 3-in-1 birth procedure has its own, more detailed walk in test_filing.py. Here one driver function types
the valid answers of tests/procedures/helpers.py into the real inputs of every step, uploads a tiny PDF or
PNG for every paper, reviews and files, for each kind of declaration.
"""

import re

import pytest
from django.core.management import call_command
from PIL import Image
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from procedures import declarations
from procedures.models import Dossier, FormKind, Procedure, Status
from tests.browser.helpers import TINY_PDF, sign_in
from tests.conftest import click_and_wait, save_screenshot, wait_for_heading
from tests.procedures.helpers import ANSWERS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CODE = re.compile(r"^\d{5}-\d{6}-\d{4}$")
KINDS = [kind for kind in FormKind.values if kind != FormKind.BIRTH_3IN1]


@pytest.fixture
def world(request) -> tuple:
    """The real catalogue, Phường Hồng Hà (which took over Phường Phúc Xá of Quận Ba Đình), and the citizen Nguyễn
    Văn An (their fixtures)."""
    call_command("load_catalogue", verbosity=0)
    return request.getfixturevalue("citizen"), request.getfixturevalue("commune_a")


@pytest.fixture
def papers(tmp_path) -> list:
    """A tiny genuine PDF and PNG, used in turn for the papers to upload."""
    pdf = tmp_path / "giay-to.pdf"
    pdf.write_bytes(TINY_PDF)
    png = tmp_path / "anh-chup.png"
    Image.new("RGB", (8, 8), "white").save(png)
    return [pdf, png]


def scroll_to(browser, element):
    browser.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'})", element)
    return element


def main_text(browser) -> str:
    return browser.find_element(By.TAG_NAME, "main").text


def no_errors(browser, where: str) -> None:
    # A script, not find_elements: the driver's implicit wait would spend 3 s proving there is none.
    summary = browser.execute_script("return document.querySelector('main .portal-error-summary')?.innerText;")
    assert not summary, f"{where}: {summary}"


def answer(browser, name: str, value: str) -> None:
    """Give one answer the way a person would: type it, choose it in a list, or tap its label."""
    inputs = browser.find_elements(By.CSS_SELECTOR, f"main form [name='{name}']")
    assert inputs, f"no input named {name!r}"
    first = inputs[0]
    kind = first.get_attribute("type")
    if first.tag_name == "select":
        Select(scroll_to(browser, first)).select_by_value(value)
    elif kind in ("radio", "checkbox"):
        choice = next(element for element in inputs if element.get_attribute("value") == value)
        if not choice.is_selected():
            label = browser.find_element(By.CSS_SELECTOR, f"main form label[for='{choice.get_attribute('id')}']")
            scroll_to(browser, label).click()
        assert choice.is_selected(), f"{name}={value!r} was not chosen"
    else:
        scroll_to(browser, first).clear()
        if value:
            first.send_keys(value)
        assert first.get_attribute("value") == value, f"{name}: typed {value!r}"


def go(browser, css: str) -> None:
    """Click what `css` finds and wait for the page it loads."""
    click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, css))


def press_continue(browser) -> None:
    go(browser, "main form button[name='continue']")


def file_online(browser, live_server, procedure: Procedure, commune, papers: list) -> str:
    """Find and pick the commune, fill every step, upload every paper, review and file; the code shown at the end."""
    browser.get(f"{live_server.url}/thu-tuc/{procedure.slug}/nop/")
    wait_for_heading(browser, procedure.name)
    # Found by its name typed with marks (the picker's own test types an old name without them).
    answer(browser, "q", "Hồng Hà")
    go(browser, "main form#commune-search button")
    answer(browser, "commune", str(commune.pk))
    go(browser, "main form#commune-form button")

    slugs = declarations.step_slugs(procedure)
    total = len(slugs) + 1
    for number, slug in enumerate(slugs, start=1):
        wait_for_heading(browser, declarations.step_title(procedure, slug))
        assert f"Bước {number} / {total}" in main_text(browser)
        if slug == declarations.ATTACHMENTS_STEP:
            for position, document in enumerate(declarations.documents_of(procedure)):
                file_input = browser.find_element(
                    By.CSS_SELECTOR, f"main form input[type=file][name='{document.slug}']"
                )
                file_input.send_keys(str(papers[position % len(papers)]))
        else:
            form_class = declarations.step_form(procedure, slug)
            for name, value in ANSWERS[slug].items():
                if name in form_class.base_fields:
                    answer(browser, name, value)
        save_screenshot(browser, f"filing-all-{procedure.form_kind}-{number:02d}-{slug}")
        press_continue(browser)
        no_errors(browser, slug)

    wait_for_heading(browser, "Kiểm tra lại trước khi nộp")
    review = main_text(browser)
    assert f"Bước {total} / {total}" in review
    assert "Phường Hồng Hà" in review
    for position, _document in enumerate(declarations.documents_of(procedure)):
        assert papers[position % len(papers)].name in review
    no_errors(browser, "review")
    save_screenshot(browser, f"filing-all-{procedure.form_kind}-{total:02d}-review")
    go(browser, "main form[action$='/nop/'] button[type=submit]")

    wait_for_heading(browser, "Đã nộp hồ sơ")
    save_screenshot(browser, f"filing-all-{procedure.form_kind}-done")
    return browser.find_element(By.CSS_SELECTOR, "main [data-testid=dossier-code]").text


@pytest.mark.parametrize("kind", KINDS)
def test_a_citizen_files_the_procedure_in_a_browser(browser, live_server, world, papers, kind):
    person, commune = world
    procedure = Procedure.objects.get(form_kind=kind)
    sign_in(browser, live_server, person)

    code = file_online(browser, live_server, procedure, commune, papers)

    assert CODE.match(code), code
    dossier = Dossier.objects.get(procedure=procedure, applicant=person)
    assert dossier.status == Status.SUBMITTED
    assert dossier.code == code
    assert dossier.unit == commune
    expected = {slug for slug in declarations.step_slugs(procedure) if slug != declarations.ATTACHMENTS_STEP}
    assert set(dossier.data) == expected
    assert dossier.attachments.count() == len(declarations.documents_of(procedure))
