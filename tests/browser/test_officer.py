"""The officers' workspace in Chromium: a citizen's online birth dossier goes from the one-stop counter to the
justice officer, the leader's signature and back to the counter, with real logins through the login page; a
supplement request and a send-back carry their reasons; every officer page passes axe-core and, with
SCREENSHOTS=1, is pictured whole at a desk's width and a phone's."""

import datetime
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from selenium.webdriver.common.by import By

from egov.workcal.calendar import get_calendar
from interconnect.tasks import dossier_settle_if_ready
from onecounter.selectors import WORKLISTS
from procedures import services
from procedures.models import Channel, Dossier, RegisterEntry, Status
from procedures.services import dossier_create_draft
from tests.browser.helpers import (
    DESK,
    PHONE,
    PICTURES,
    act,
    button,
    check,
    log_in,
    log_out,
    open_dossier,
    sign_in,
    status_badge,
    viewport,
)
from tests.conftest import click_and_wait, wait_for_heading
from tests.procedures.helpers import advance, filed, procedure_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SUPPLEMENT_REASON = "Thiếu bản chụp giấy chứng sinh; đề nghị tải lên bản chụp rõ nét cả hai mặt."
SEND_BACK_REASON = "Sửa quê quán của trẻ theo tờ khai: xã Tản Lĩnh, huyện Ba Vì."


@pytest.fixture
def people(request) -> SimpleNamespace:
    """The citizen Nguyễn Văn An and the three officers of Phường Phúc Xá (commune A), by their fixtures' names."""
    names = ("citizen", "commune_a", "one_stop_a", "justice_a", "leader_a")
    people = SimpleNamespace(**{name: request.getfixturevalue(name) for name in names})
    people.officers = {"one_stop": people.one_stop_a, "justice": people.justice_a, "leader": people.leader_a}
    return people


@pytest.fixture
def birth(people):
    """Files another online birth dossier of the citizen at commune A (submitted, waiting at the counter)."""
    procedure = procedure_of("birth")
    return lambda: filed(procedure, unit=people.commune_a, applicant=people.citizen)


def main_text(browser) -> str:
    return browser.find_element(By.TAG_NAME, "main").text


def open_list(browser, slug: str, title: str) -> None:
    """Follow the list's tab (the tabs are on every workspace page)."""
    click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, f"main .portal-tabs a[href$='/danh-sach/{slug}/']"))
    wait_for_heading(browser, title)


def assert_printables_are_pdf(browser, *, including: tuple[str, ...]) -> None:
    """Fetch every printed document the page links to with the browser's own session, as a click would;
    `including` names documents (by the last part of their address) that must be among them."""
    links = browser.execute_script(
        "return [...document.querySelectorAll('main a[href*=\"/in/\"]')].map(a => new URL(a.href).pathname);"
    )
    kinds = {link.rstrip("/").rsplit("/", 1)[1] for link in links}
    assert set(including) <= kinds, f"printable documents linked: {sorted(kinds)}"
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = browser.get_cookie(settings.SESSION_COOKIE_NAME)["value"]
    for link in links:
        response = client.get(link)
        assert response.status_code == 200, link
        assert response["Content-Type"] == "application/pdf", link
        assert response.content.startswith(b"%PDF"), link


def test_a_birth_dossier_goes_from_the_counter_to_the_register_and_back_to_the_citizen(
    browser, live_server, people, birth
):
    dossier, another = birth(), birth()
    viewport(browser, DESK)

    # The one-stop officer finds the new online dossier by its code in "Chờ tiếp nhận" and receives it.
    log_in(browser, live_server, people.one_stop_a.username, "Trang cán bộ")
    check(browser, "home-one-stop")
    click_and_wait(browser, browser.find_element(By.LINK_TEXT, "Xử lý hồ sơ"))
    wait_for_heading(browser, "Chờ tiếp nhận")
    assert another.code in main_text(browser)
    search = browser.find_element(By.CSS_SELECTOR, "main input[name=q]")
    assert search.get_attribute("accesskey") == "t"
    search.send_keys(dossier.code)
    click_and_wait(browser, browser.find_element(By.XPATH, "//main//form[@role='search']//button[.='Tìm']"))
    wait_for_heading(browser, "Chờ tiếp nhận")
    rows = browser.find_elements(By.CSS_SELECTOR, "main table tbody tr")
    assert len(rows) == 1 and dossier.code in rows[0].text and "Nguyễn Văn An" in rows[0].text
    assert another.code not in main_text(browser)
    check(browser, "list-search")
    open_dossier(browser, dossier)
    assert status_badge(browser) == "Đã nộp, chờ tiếp nhận"
    assert button(browser, "Tiếp nhận hồ sơ").get_attribute("accesskey") == "x"
    check(browser, "flow-1-submitted-one-stop")
    act(browser, dossier, "Tiếp nhận hồ sơ")
    message = browser.find_element(By.CSS_SELECTOR, "main [role=status]").text
    assert message.startswith("Đã thực hiện") and dossier.code in message
    assert status_badge(browser) == "Đã tiếp nhận"
    assert_printables_are_pdf(browser, including=("giay-tiep-nhan",))
    log_out(browser)

    # The justice officer takes it from "Chờ giải quyết" and sends it up for signature.
    log_in(browser, live_server, people.justice_a.username, "Trang cán bộ")
    check(browser, "home-justice")
    click_and_wait(browser, browser.find_element(By.LINK_TEXT, "Xử lý hồ sơ"))
    wait_for_heading(browser, "Chờ giải quyết")
    open_dossier(browser, dossier)
    act(browser, dossier, "Nhận giải quyết")
    assert status_badge(browser) == "Đang giải quyết"
    assert "Phạm Văn Dũng" in browser.find_element(By.CSS_SELECTOR, "main .portal-facts").text  # the assignee
    act(browser, dossier, "Trình lãnh đạo ký")
    assert status_badge(browser) == "Chờ lãnh đạo ký"
    log_out(browser)

    # The leader signs: the register entry is numbered and shown on the page.
    log_in(browser, live_server, people.leader_a.username, "Trang cán bộ")
    check(browser, "home-leader")
    click_and_wait(browser, browser.find_element(By.LINK_TEXT, "Xử lý hồ sơ"))
    wait_for_heading(browser, "Chờ ký")
    open_dossier(browser, dossier)
    check(browser, "flow-2-awaiting-signature-leader")
    act(browser, dossier, "Ký duyệt và vào sổ")
    assert status_badge(browser) == "Đã đăng ký"
    entry = RegisterEntry.objects.get(dossier=dossier)
    assert f"Số {entry.number}, quyển số {entry.book_number}" in main_text(browser)
    check(browser, "flow-3-registered-leader")
    log_out(browser)

    # A birth without interconnections settles as soon as the approval commits, by a Celery task; no worker
    # runs here, so the test runs that task itself.
    dossier_settle_if_ready(dossier_id=dossier.pk)

    # Back at the counter: "Chờ trả kết quả", and the result is handed over.
    log_in(browser, live_server, people.one_stop_a.username, "Trang cán bộ")
    click_and_wait(browser, browser.find_element(By.LINK_TEXT, "Xử lý hồ sơ"))
    wait_for_heading(browser, "Chờ tiếp nhận")
    open_list(browser, "cho-tra", "Chờ trả kết quả")
    open_dossier(browser, dossier)
    assert_printables_are_pdf(browser, including=("giay-tiep-nhan", "giay-khai-sinh"))
    act(browser, dossier, "Xác nhận đã trả kết quả")
    assert status_badge(browser) == "Đã trả kết quả"
    check(browser, "flow-4-delivered-one-stop")
    log_out(browser)

    # The citizen, on a phone, sees the dossier finished.
    viewport(browser, PHONE)
    log_in(browser, live_server, people.citizen.username, "Dịch vụ công hộ tịch trực tuyến")
    click_and_wait(browser, browser.find_element(By.LINK_TEXT, "Hồ sơ của tôi"))
    wait_for_heading(browser, "Hồ sơ của tôi")
    click_and_wait(browser, browser.find_element(By.PARTIAL_LINK_TEXT, dossier.code))
    wait_for_heading(browser, dossier.code)
    assert "Đã trả kết quả" in main_text(browser)
    assert "Cán bộ một cửa đã trả kết quả" in main_text(browser)
    assert_printables_are_pdf(browser, including=("giay-tiep-nhan", "giay-khai-sinh"))
    check(browser, "flow-5-citizen-delivered-phone")


def test_a_send_back_reaches_the_justice_officer_and_a_supplement_request_reaches_the_citizen(
    browser, live_server, people, birth
):
    officers = people.officers
    to_supplement = advance(birth(), Status.PROCESSING, **officers)
    to_send_back = advance(birth(), Status.AWAITING_SIGNATURE, **officers)
    viewport(browser, DESK)

    # The leader sends a dossier back with a note for the justice officer.
    log_in(browser, live_server, people.leader_a.username, "Trang cán bộ")
    click_and_wait(browser, browser.find_element(By.LINK_TEXT, "Xử lý hồ sơ"))
    wait_for_heading(browser, "Chờ ký")
    open_dossier(browser, to_send_back)
    browser.find_element(By.XPATH, "//main//details/summary[starts-with(normalize-space(), 'Thao tác khác')]").click()
    assert button(browser, "Từ chối giải quyết").is_displayed()
    check(browser, "other-actions-open-leader")
    act(browser, to_send_back, "Trả lại để sửa", reason=SEND_BACK_REASON)
    assert status_badge(browser) == "Đang giải quyết"
    log_out(browser)

    # The justice officer finds it among the dossiers in hand, with the leader's note.
    log_in(browser, live_server, people.justice_a.username, "Trang cán bộ")
    click_and_wait(browser, browser.find_element(By.LINK_TEXT, "Xử lý hồ sơ"))
    wait_for_heading(browser, "Chờ giải quyết")
    open_list(browser, "dang-giai-quyet", "Đang giải quyết")
    assert to_supplement.code in main_text(browser)
    open_dossier(browser, to_send_back)
    assert SEND_BACK_REASON in browser.find_element(By.CSS_SELECTOR, "main .portal-panel .portal-note").text
    check(browser, "flow-sent-back-justice")

    # It will be late: the apology slip, first without a reason, then for the next working day.
    browser.find_element(By.XPATH, "//main//section[@aria-labelledby='apology-heading']//summary").click()
    check(browser, "apology-form")
    click_and_wait(browser, button(browser, "Lập phiếu xin lỗi, hẹn lại"))
    wait_for_heading(browser, to_send_back.code)
    assert "Ghi rõ lý do chậm trễ" in browser.find_element(By.CSS_SELECTOR, "main .portal-error-summary").text
    check(browser, "apology-form-error")
    to_send_back.refresh_from_db()
    new_day = get_calendar().next_working_day(timezone.localtime(to_send_back.due_at).date())
    field = browser.find_element(By.ID, "id_apology-new_day")
    field.clear()
    field.send_keys(f"{new_day:%d/%m/%Y}")
    browser.find_element(By.ID, "id_apology-reason").send_keys("Chờ xác minh nơi sinh với bệnh viện.")
    click_and_wait(browser, button(browser, "Lập phiếu xin lỗi, hẹn lại"))
    wait_for_heading(browser, to_send_back.code)
    message = browser.find_element(By.CSS_SELECTOR, "main [role=status]").text
    assert "Đã lập phiếu xin lỗi và hẹn lại ngày trả kết quả" in message and f"{new_day:%d/%m/%Y}" in message
    assert_printables_are_pdf(browser, including=("phieu-xin-loi",))

    # On the other dossier a paper is missing: first the reason the citizen must read is forgotten.
    open_list(browser, "dang-giai-quyet", "Đang giải quyết")
    open_dossier(browser, to_supplement)
    act(browser, to_supplement, "Yêu cầu bổ sung", reason="")
    assert "Chưa thực hiện được: xem thông báo bên cạnh ô cần điền." in main_text(browser)
    error = browser.find_element(By.ID, "id_request_supplement-reason_error")
    assert "Ghi rõ lý do" in error.text and error.is_displayed()  # the "Thao tác khác" box is open
    check(browser, "action-reason-error")
    viewport(browser, PHONE)
    check(browser, "action-reason-error-phone")
    viewport(browser, DESK)
    act(browser, to_supplement, "Yêu cầu bổ sung", reason=SUPPLEMENT_REASON)
    assert status_badge(browser) == "Cần bổ sung"
    assert SUPPLEMENT_REASON in browser.find_element(By.CSS_SELECTOR, "main table").text
    log_out(browser)

    # The citizen reads what to add, on a phone.
    viewport(browser, PHONE)
    log_in(browser, live_server, people.citizen.phone, "Dịch vụ công hộ tịch trực tuyến")
    browser.get(live_server.url + reverse("procedures:dossier-detail", args=(to_supplement.uuid,)))
    wait_for_heading(browser, to_supplement.code)
    assert "Cần bổ sung" in main_text(browser)
    assert f"Cán bộ yêu cầu: {SUPPLEMENT_REASON}" in main_text(browser)
    assert_printables_are_pdf(browser, including=("phieu-bo-sung",))
    check(browser, "flow-citizen-supplement-phone")


# Every state a commune's dossier can be in, in the order of the normal path, then the ends.
STATES = [
    Status.SUBMITTED,
    Status.RECEIVED,
    Status.PROCESSING,
    Status.NEEDS_SUPPLEMENT,
    Status.AWAITING_SIGNATURE,
    Status.REGISTERED,
    Status.RESULT_READY,
    Status.DELIVERED,
    Status.REFUSED,
    Status.REJECTED,
    Status.WITHDRAWN,
]
# Who acts on a dossier in each state (and so sees it most); the others see it too.
ACTOR = {
    Status.SUBMITTED: "one_stop",
    Status.RECEIVED: "justice",
    Status.PROCESSING: "justice",
    Status.NEEDS_SUPPLEMENT: "one_stop",
    Status.AWAITING_SIGNATURE: "leader",
    Status.REGISTERED: "leader",
    Status.RESULT_READY: "one_stop",
}


def dossier_in(state: str, new, officers: dict) -> Dossier:
    """A new dossier walked through the real services to `state`."""
    one_stop, justice, leader = officers["one_stop"], officers["justice"], officers["leader"]
    reason = "Giấy chứng sinh không đọc được; đề nghị chụp lại."
    detours = {
        Status.NEEDS_SUPPLEMENT: (
            Status.PROCESSING,
            lambda d: services.dossier_request_supplement(dossier=d, officer=justice, reason=reason),
        ),
        Status.REFUSED: (
            Status.SUBMITTED,
            lambda d: services.dossier_refuse(dossier=d, officer=one_stop, reason="Hồ sơ nộp nhầm nơi giải quyết."),
        ),
        Status.REJECTED: (
            Status.AWAITING_SIGNATURE,
            lambda d: services.dossier_reject(
                dossier=d, leader=leader, reason="Người đi đăng ký không có quyền yêu cầu."
            ),
        ),
        Status.WITHDRAWN: (
            Status.RECEIVED,
            lambda d: services.dossier_withdraw(dossier=d, actor=d.applicant, reason="Gia đình đăng ký ở nơi khác."),
        ),
    }
    if state in detours:
        before, step = detours[state]
        return step(advance(new(), before, **officers))
    return advance(new(), state, **officers)


def test_every_officer_page_at_a_desk_and_on_a_phone(browser, live_server, people, birth):
    """Every list and the dossier in every state pass axe at a desk as the officer who acts on them; with
    SCREENSHOTS=1 the rest is pictured too: each state as each role sees it, and the phone width."""
    officers = people.officers
    dossiers = {state: dossier_in(state, birth, officers) for state in STATES}
    # So that no list is empty: an overdue dossier, one due later today, a paper dossier being typed at the counter.
    overdue = advance(birth(), Status.RECEIVED, **officers)
    Dossier.objects.filter(pk=overdue.pk).update(due_at=timezone.now() - datetime.timedelta(days=2))
    due_today = advance(birth(), Status.PROCESSING, **officers)
    end_of_day = timezone.localtime().replace(hour=23, minute=59, second=0)
    Dossier.objects.filter(pk=due_today.pk).update(
        due_at=max(end_of_day, timezone.now() + datetime.timedelta(minutes=5))
    )
    dossier_create_draft(procedure=overdue.procedure, unit=people.commune_a, applicant=None, channel=Channel.COUNTER)

    for role, officer in officers.items():
        who = role.replace("_", "-")
        browser.delete_all_cookies()
        sign_in(browser, live_server, officer)  # logging in through the form is the other tests' business
        viewport(browser, DESK)
        browser.get(live_server.url + reverse("onecounter:workspace"))
        tabs = browser.execute_script(
            "return [...document.querySelectorAll('main .portal-tabs a')]"
            ".map(a => [a.pathname, a.firstChild.textContent.trim()]);"
        )
        assert len(tabs) == len(WORKLISTS)
        # Every list as the one-stop officer (they hold a dossier in each); the others' first list in pictures.
        for path, title in tabs if role == "one_stop" else tabs[:1] if PICTURES else []:
            browser.get(live_server.url + path)
            wait_for_heading(browser, title)
            name = f"list-{path.rstrip('/').rsplit('/', 1)[1]}-{who}"
            check(browser, name, axe=role == "one_stop")
            if PICTURES:
                viewport(browser, PHONE)
                check(browser, f"{name}-phone", axe=False)
                viewport(browser, DESK)

        for number, state in enumerate(STATES, start=1):
            acting = ACTOR.get(state, "one_stop") == role
            if not (acting or PICTURES):
                continue
            dossier = dossiers[state]
            browser.get(live_server.url + reverse("onecounter:dossier", args=(dossier.uuid,)))
            wait_for_heading(browser, dossier.code)
            name = f"dossier-{number:02d}-{state.replace('_', '-')}-{who}"
            check(browser, name, axe=acting)
            if acting and PICTURES:
                viewport(browser, PHONE)
                check(browser, f"{name}-phone", axe=False)
                viewport(browser, DESK)

        if PICTURES:
            browser.get(live_server.url + reverse("core:officer-home"))
            wait_for_heading(browser, "Trang cán bộ")
            viewport(browser, PHONE)
            check(browser, f"home-{who}-phone", axe=False)

    # The leader's audit log, both views.
    viewport(browser, DESK)
    browser.get(live_server.url + reverse("onecounter:audit"))
    wait_for_heading(browser, "Nhật ký hồ sơ")
    assert dossiers[Status.REGISTERED].code in main_text(browser)
    check(browser, "audit-actions-leader")
    click_and_wait(browser, browser.find_element(By.LINK_TEXT, "Ai đã xem hồ sơ nào"))
    wait_for_heading(browser, "Nhật ký hồ sơ")
    check(browser, "audit-views-leader")
    viewport(browser, PHONE)
    check(browser, "audit-views-leader-phone", axe=False)


def test_a_dossier_of_an_old_commune_is_taken_up_by_its_holder_and_read_by_the_old_account(
    browser, live_server, people, request
):
    """Filed at Phường Phúc Xá in June 2025 and not yet received: Phường Hồng Hà's one-stop officer finds it in "Chờ
    tiếp nhận" and receives it; Phúc Xá's own account reads it, with no button and a notice that says why."""
    # The clock is pinned (Monday 7/12/2026) for the filing in 2025; the pages are then shown at that Monday.
    request.getfixturevalue("clock")
    dossier = request.getfixturevalue("from_before_reform")(Status.SUBMITTED)
    phuc_xa = request.getfixturevalue("old_officers")
    viewport(browser, DESK)

    log_in(browser, live_server, people.one_stop_a.username, "Trang cán bộ")
    click_and_wait(browser, browser.find_element(By.LINK_TEXT, "Xử lý hồ sơ"))
    wait_for_heading(browser, "Chờ tiếp nhận")
    row = browser.find_element(By.XPATH, f"//main//tr[.//a[normalize-space()='{dossier.code}']]")
    assert "Phường Phúc Xá" in row.text
    open_dossier(browser, dossier)
    assert "Nay do Phường Hồng Hà giữ hồ sơ và giải quyết." in main_text(browser)
    check(browser, "predecessor-submitted-holder")
    act(browser, dossier, "Tiếp nhận hồ sơ")
    assert status_badge(browser) == "Đã tiếp nhận"
    assert_printables_are_pdf(browser, including=("giay-tiep-nhan",))
    log_out(browser)

    log_in(browser, live_server, phuc_xa["one_stop"].username, "Trang cán bộ")
    notice = browser.find_element(By.CSS_SELECTOR, "main .portal-history-notice").text
    assert "Hồ sơ và sổ hộ tịch của Phường Phúc Xá nay do Phường Hồng Hà giữ" in notice
    check(browser, "home-history-only")
    click_and_wait(browser, browser.find_element(By.LINK_TEXT, "Hồ sơ trước đây của đơn vị"))
    wait_for_heading(browser, "Tất cả")
    assert browser.find_elements(By.CSS_SELECTOR, "main .portal-history-notice")
    check(browser, "list-history-only")
    open_dossier(browser, dossier)
    assert not browser.find_elements(By.CSS_SELECTOR, "main form button[type=submit]")
    assert "Tài khoản chỉ để xem hồ sơ trước đây" in main_text(browser)
    check(browser, "dossier-history-only")
    viewport(browser, PHONE)
    check(browser, "dossier-history-only-phone", axe=False)
