"""The citizen's space: my dossiers, the detail page and its timeline, withdrawal, answering a supplement."""

import io
import re
from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from procedures import services
from procedures.attachments import attachment_add
from procedures.models import DossierAccess, Status
from procedures.services import (
    dossier_access_record,
    dossier_create_draft,
    dossier_receive,
    dossier_refuse,
    dossier_request_supplement,
    dossier_start,
    dossier_submit,
)
from tests.browser.axe import axe_violations, describe
from tests.conftest import save_screenshot
from tests.procedures import pdfs

SUPPLEMENT_REASON = "Ảnh giấy chứng sinh bị mờ, hãy chụp lại rõ hơn."


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def submitted(draft, citizen):
    return dossier_submit(dossier=draft, actor=citizen)


@pytest.fixture
def needs_supplement(submitted, one_stop_a):
    return dossier_request_supplement(dossier=submitted, officer=one_stop_a, reason=SUPPLEMENT_REASON)


@pytest.fixture
def logged_in(client, citizen):
    client.force_login(citizen)
    return client


def url(name: str, dossier) -> str:
    return reverse(f"procedures:{name}", args=(dossier.uuid,))


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def png_upload(name: str = "anh.png"):
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "green").save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


# --- my dossiers -------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_my_dossiers_lists_only_my_own(logged_in, submitted, other_citizen, commune_a, birth_procedure):
    theirs = dossier_create_draft(
        procedure=birth_procedure, unit=commune_a, applicant=other_citizen, channel="online_self"
    )
    theirs = dossier_submit(dossier=theirs, actor=other_citizen)

    html = logged_in.get(reverse("procedures:my-dossiers")).content.decode()

    assert submitted.code in html
    assert "Đã nộp, chờ tiếp nhận" in html
    assert theirs.code not in html


@pytest.mark.django_db
def test_my_dossiers_shows_the_due_time_and_drafts(
    logged_in, submitted, one_stop_a, citizen, commune_a, birth_procedure
):
    dossier_receive(dossier=submitted, officer=one_stop_a)
    submitted.refresh_from_db()
    started = dossier_create_draft(procedure=birth_procedure, unit=commune_a, applicant=citizen, channel="online_self")

    html = logged_in.get(reverse("procedures:my-dossiers")).content.decode()

    assert timezone.localtime(submitted.due_at).strftime("%d/%m/%Y %H:%M") in html
    assert "Nháp" in html
    assert reverse("procedures:file-resume", args=(started.uuid,)) in html


@pytest.mark.django_db
def test_my_dossiers_needs_a_login(client):
    response = client.get(reverse("procedures:my-dossiers"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


# --- detail ------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_detail_timeline_reads_in_plain_vietnamese_with_reasons(logged_in, needs_supplement):
    html = logged_in.get(url("dossier-detail", needs_supplement)).content.decode()

    assert "Bạn đã nộp hồ sơ" in html
    assert "Cán bộ yêu cầu bạn bổ sung hồ sơ" in html
    assert SUPPLEMENT_REASON in html
    assert url("dossier-supplement", needs_supplement) in html
    assert "Giấy tiếp nhận và kết quả sẽ có ở đây khi hồ sơ được tiếp nhận" in html


@pytest.mark.django_db
def test_detail_shows_the_refusal_reason_and_no_withdraw_button(logged_in, submitted, one_stop_a):
    dossier_refuse(dossier=submitted, officer=one_stop_a, reason="Hồ sơ nộp nhầm xã.")

    html = logged_in.get(url("dossier-detail", submitted)).content.decode()

    assert "Bộ phận một cửa từ chối tiếp nhận hồ sơ" in html
    assert "Hồ sơ nộp nhầm xã." in html
    assert url("dossier-withdraw", submitted) not in html


@pytest.mark.django_db
def test_detail_of_someone_else_is_a_404(client, submitted, other_citizen):
    client.force_login(other_citizen)
    assert client.get(url("dossier-detail", submitted)).status_code == 404


def test_the_citizens_space_is_closed_to_officers(client, submitted, one_stop_a):
    # The officer's own page of the dossier is in the workspace; here the role is refused before any dossier.
    client.force_login(one_stop_a)
    response = client.get(url("dossier-detail", submitted))
    assert response.status_code == 403
    assert "Trang này dành cho tài khoản công dân." in response.content.decode()


# --- withdraw ----------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_detail_shows_who_opened_the_dossier_newest_first(logged_in, submitted, clock, one_stop_a, police_a):
    """When, which office and who, and what was opened; the ten latest, then how many more."""
    for _ in range(11):
        clock.set(clock.now + timedelta(minutes=1))
        dossier_access_record(dossier=submitted, user=one_stop_a, what=DossierAccess.What.DOSSIER)
    clock.set(clock.now + timedelta(minutes=1))
    dossier_access_record(dossier=submitted, user=police_a, what=DossierAccess.What.ATTACHMENT, detail="anh.png")

    page = logged_in.get(url("dossier-detail", submitted)).content.decode()

    assert "Ai đã xem hồ sơ của bạn" in page
    newest = "07/12/2026 09:12</span> — Xem tệp đính kèm: anh.png"
    assert newest in page
    assert "Trịnh Văn Công · Cán bộ công an, Phường Hồng Hà" in page
    assert page.index(newest) < page.index("07/12/2026 09:11</span> — Xem hồ sơ")
    assert "07/12/2026 09:02</span>" not in page
    assert "Và 2 lượt xem trước đó." in page


def test_detail_says_when_no_officer_has_opened_it(logged_in, submitted):
    assert "Chưa có cán bộ nào mở hồ sơ của bạn." in logged_in.get(url("dossier-detail", submitted)).content.decode()


def test_withdraw_asks_for_confirmation_first(logged_in, submitted):
    detail = logged_in.get(url("dossier-detail", submitted)).content.decode()
    response = logged_in.get(url("dossier-withdraw", submitted))

    assert url("dossier-withdraw", submitted) in detail
    assert response.status_code == 200
    assert "Bạn chắc chắn muốn rút hồ sơ?" in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.status == Status.SUBMITTED


@pytest.mark.django_db
def test_withdraw_post_withdraws_and_records_the_reason(logged_in, submitted):
    response = logged_in.post(url("dossier-withdraw", submitted), {"reason": "Nộp nhầm thủ tục."})

    assert response.status_code == 302
    assert response.url == url("dossier-detail", submitted)
    submitted.refresh_from_db()
    assert submitted.status == Status.WITHDRAWN
    assert submitted.events.last().reason == "Nộp nhầm thủ tục."
    assert f"Bạn đã rút hồ sơ {submitted.code}." in messages_of(response)


@pytest.mark.django_db
def test_withdraw_in_the_wrong_state_says_why(logged_in, submitted, one_stop_a, justice_a):
    dossier_receive(dossier=submitted, officer=one_stop_a)
    dossier_start(dossier=submitted, officer=justice_a)

    response = logged_in.post(url("dossier-withdraw", submitted))

    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == Status.PROCESSING
    assert any("không rút được nữa" in m for m in messages_of(response))


@pytest.mark.django_db
def test_withdraw_needs_the_csrf_token(citizen, submitted):
    client = Client(enforce_csrf_checks=True)
    client.force_login(citizen)

    response = client.post(url("dossier-withdraw", submitted))

    assert response.status_code == 403
    submitted.refresh_from_db()
    assert submitted.status == Status.SUBMITTED


@pytest.mark.django_db
def test_withdraw_of_someone_elses_dossier_is_a_404(client, submitted, other_citizen):
    client.force_login(other_citizen)

    assert client.post(url("dossier-withdraw", submitted)).status_code == 404


# --- supplement --------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_supplement_page_shows_the_officers_request(logged_in, needs_supplement):
    response = logged_in.get(url("dossier-supplement", needs_supplement))

    assert response.status_code == 200
    assert SUPPLEMENT_REASON in response.content.decode()
    assert f'href="{reverse("procedures:file-resume", args=(needs_supplement.uuid,))}"' in response.content.decode()


@pytest.mark.django_db
def test_supplement_upload_adds_a_file(logged_in, needs_supplement):
    response = logged_in.post(
        url("dossier-supplement", needs_supplement), {"document": "giay-to-khac", "file": png_upload()}
    )

    assert response.status_code == 302
    assert needs_supplement.attachments.get().original_name == "anh.png"


@pytest.mark.django_db
def test_supplement_upload_of_a_fake_file_explains_and_keeps_the_choice(logged_in, needs_supplement):
    fake = SimpleUploadedFile("giay.jpg", b"chi la van ban", content_type="image/jpeg")

    response = logged_in.post(url("dossier-supplement", needs_supplement), {"document": "giay-to-khac", "file": fake})

    html = response.content.decode()
    assert response.status_code == 200
    assert "Tệp “giay.jpg” không phải PDF, JPEG hay PNG thật." in html
    assert 'value="giay-to-khac" selected' in html
    assert not needs_supplement.attachments.exists()


@pytest.mark.django_db
def test_supplement_upload_of_a_pdf_with_a_script_is_explained_beside_the_field(logged_in, needs_supplement, citizen):
    kept = attachment_add(dossier=needs_supplement, document="a", uploaded_file=png_upload(), user=citizen)
    hostile = SimpleUploadedFile("giay.pdf", pdfs.HOSTILE["openaction-javascript"], content_type="application/pdf")

    supplement = url("dossier-supplement", needs_supplement)

    response = logged_in.post(supplement, {"document": "giay-to-khac", "file": hostile})

    html = response.content.decode()
    beside_field = re.search(r'<p id="id_file_error"[^>]*>(.*?)</p>', html, re.S)
    assert response.status_code == 200
    assert beside_field and "Tệp “giay.pdf” có chứa mã chạy tự động" in beside_field.group(1)
    assert 'value="giay-to-khac" selected' in html
    assert list(needs_supplement.attachments.all()) == [kept]


@pytest.mark.django_db
def test_resubmit_sends_the_dossier_back(logged_in, needs_supplement):
    response = logged_in.post(url("dossier-resubmit", needs_supplement))

    assert response.status_code == 302
    needs_supplement.refresh_from_db()
    assert needs_supplement.status == Status.SUBMITTED
    assert needs_supplement.events.last().action == "resubmit"


@pytest.mark.django_db
def test_resubmit_is_post_only_and_refused_when_nothing_was_asked(logged_in, submitted):
    assert logged_in.get(url("dossier-resubmit", submitted)).status_code == 405

    response = logged_in.post(url("dossier-resubmit", submitted))

    assert response.status_code == 302
    assert messages_of(response) == [f"Hồ sơ {submitted.code} không cần bổ sung."]


@pytest.mark.django_db
def test_supplement_page_sends_back_when_nothing_is_asked(logged_in, submitted):
    response = logged_in.get(url("dossier-supplement", submitted))

    assert response.status_code == 302
    assert response.url == url("dossier-detail", submitted)


@pytest.mark.django_db
def test_remove_a_file_while_answering(logged_in, needs_supplement, citizen):
    attachment = attachment_add(dossier=needs_supplement, document="a", uploaded_file=png_upload(), user=citizen)
    remove = reverse("procedures:attachment-remove", args=(needs_supplement.uuid, attachment.pk))

    assert logged_in.get(remove).status_code == 405
    response = logged_in.post(remove)

    assert response.status_code == 302
    assert not needs_supplement.attachments.exists()


# --- in a real browser at phone width: accessibility, and pictures for a person to look at ----------------------


@pytest.fixture
def _no_notifications(monkeypatch):
    # Transactional tests run the on-commit hooks; the SMS and e-mail are not what is shown here.
    monkeypatch.setattr(services, "dossier_notifications_queue", lambda **kwargs: [])


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_pages_at_phone_width_are_accessible(
    _no_notifications, browser, live_server, needs_supplement, citizen, client, one_stop_a, justice_a
):
    for officer in (one_stop_a, justice_a):
        dossier_access_record(dossier=needs_supplement, user=officer, what=DossierAccess.What.DOSSIER)
    dossier_access_record(dossier=needs_supplement, user=one_stop_a, what=DossierAccess.What.DOCUMENT, detail="x")
    client.force_login(citizen)
    cookie = client.cookies["sessionid"]
    browser.get(live_server.url + "/favicon.ico")
    browser.add_cookie({"name": "sessionid", "value": cookie.value, "path": "/"})

    browser.get(live_server.url + reverse("procedures:my-dossiers"))
    assert needs_supplement.code in browser.page_source
    save_screenshot(browser, "citizen-my-dossiers")
    assert not (violations := axe_violations(browser)), describe(violations)

    browser.get(live_server.url + url("dossier-detail", needs_supplement))
    assert SUPPLEMENT_REASON in browser.page_source
    assert "Phạm Văn Dũng · Công chức tư pháp – hộ tịch, Phường Hồng Hà" in browser.page_source
    browser.set_window_size(390, 2400)
    save_screenshot(browser, "citizen-dossier-detail")
    assert not (violations := axe_violations(browser)), describe(violations)
    browser.set_window_size(390, 900)

    browser.get(live_server.url + url("dossier-supplement", needs_supplement))
    save_screenshot(browser, "citizen-dossier-supplement")
    assert not (violations := axe_violations(browser)), describe(violations)

    browser.get(live_server.url + reverse("procedures:dossier-lookup"))
    browser.find_element("id", "id_code").send_keys(needs_supplement.code)
    browser.find_element("id", "id_phone").send_keys("0912 345 678")
    browser.find_element("css selector", "form button[type=submit].btn-primary").click()
    # find_element waits for the answer page; page_source alone could still be the form.
    assert "Cần bổ sung" in browser.find_element("id", "result-heading").find_element("xpath", "..").text
    save_screenshot(browser, "citizen-lookup")
    assert not (violations := axe_violations(browser)), describe(violations)
