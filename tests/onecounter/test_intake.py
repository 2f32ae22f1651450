"""Counter intake: the officer opens a paper, post or assisted dossier and fills it in through the filing pages."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from egov.accounts.models import Role
from onecounter.views.intake import RECEIPT_DOCUMENT
from procedures import declarations
from procedures.models import Channel, Dossier, DossierEvent, FormKind, Status
from procedures.services import (
    dossier_compute_due,
    dossier_create_draft,
    dossier_request_supplement,
    dossier_start,
)
from tests.personas import make_user
from tests.procedures.helpers import ANSWERS, post_step, procedure_of, walk

pytestmark = pytest.mark.django_db

INTAKE = reverse("onecounter:intake")


def intake(client: Client, procedure, channel: str = Channel.COUNTER, **fields) -> Dossier:
    """Open a dossier on the intake page; it lands on the first step of the filing pages."""
    response = client.post(INTAKE, {"procedure": procedure.pk, "channel": channel, **fields})
    dossier = Dossier.objects.latest("pk")
    first = declarations.step_slugs(procedure)[0]
    assert response.status_code == 302, response.context and response.context["form"].errors
    assert response.url == reverse("procedures:file-step", kwargs={"uuid": dossier.uuid, "step": first})
    return dossier


def submit(client: Client, dossier: Dossier):
    return client.post(reverse("procedures:file-submit", kwargs={"uuid": dossier.uuid}))


def step_url(dossier: Dossier, step: str) -> str:
    return reverse("procedures:file-step", kwargs={"uuid": dossier.uuid, "step": step})


@pytest.fixture
def officer_client(client, one_stop_a):
    client.force_login(one_stop_a)
    return client


@pytest.fixture
def counter_draft(one_stop_a, commune_a, citizen):
    """A paper birth dossier the officer of commune A is entering for the citizen (whose account it names)."""
    return dossier_create_draft(
        procedure=procedure_of(FormKind.BIRTH), unit=commune_a, applicant=citizen, channel=Channel.COUNTER
    )


# --- End to end -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("channel", [Channel.COUNTER, Channel.POST, Channel.ONLINE_ASSISTED])
def test_an_officer_enters_a_dossier_for_each_channel(officer_client, one_stop_a, commune_a, citizen, channel):
    procedure = procedure_of(FormKind.BIRTH)
    dossier = intake(officer_client, procedure, channel, id_number=citizen.id_number, contact_phone="0912 345 678")
    assert dossier.channel == channel and dossier.unit == commune_a and dossier.applicant == citizen
    assert dossier.contact_phone == "0912345678"

    first = officer_client.get(step_url(dossier, "nguoi-yeu-cau")).content.decode()
    # Suggested from the citizen's account, never from the officer's.
    assert 'value="Nguyễn Văn An"' in first and "Lê Thị Cúc" not in first.split("</nav>")[1]
    assert "autofocus" in first
    walk(officer_client, dossier)
    review = officer_client.get(reverse("procedures:file-review", kwargs={"uuid": dossier.uuid}))
    assert review.status_code == 200 and not review.context["problems"]
    assert "Nộp và tiếp nhận hồ sơ" in review.content.decode()

    response = submit(officer_client, dossier)
    done = reverse("onecounter:intake-done", kwargs={"uuid": dossier.uuid})
    assert response.url == done
    dossier.refresh_from_db()
    assert dossier.status == Status.RECEIVED
    assert dossier.code.startswith("00097-")
    assert dossier.channel == channel and dossier.applicant == citizen
    assert dossier.requester_name == ANSWERS["nguoi-yeu-cau"]["full_name"]
    assert dossier.due_at == dossier_compute_due(dossier=dossier, received_at=dossier.received_at)
    events = list(dossier.events.values_list("action", "actor", "to_status"))
    assert events == [("submit", one_stop_a.pk, Status.SUBMITTED), ("receive", one_stop_a.pk, Status.RECEIVED)]
    assert dossier.attachments.count() == 1

    page = officer_client.get(done).content.decode()
    assert dossier.code in page
    assert timezone.localtime(dossier.due_at).strftime("%H:%M ngày %d/%m/%Y") in page
    assert f'href="{INTAKE}"' in page and "Tiếp nhận hồ sơ khác" in page
    assert f'href="{reverse("onecounter:document", args=(dossier.uuid, RECEIPT_DOCUMENT))}"' in page
    assert f'href="{reverse("onecounter:dossier", kwargs={"uuid": dossier.uuid})}"' in page


@pytest.mark.parametrize("kind", FormKind.values)
def test_every_declaration_can_be_entered_at_the_counter(officer_client, kind):
    procedure = procedure_of(kind)
    dossier = intake(officer_client, procedure)
    walk(officer_client, dossier)
    submit(officer_client, dossier)
    dossier.refresh_from_db()
    assert dossier.status == Status.RECEIVED and dossier.applicant is None
    # Marriage has no requester step: the first person declared stands for the requester.
    first = declarations.step_slugs(procedure)[0]
    assert dossier.requester_name == ANSWERS[first]["full_name"]


def test_the_filed_counter_dossier_shows_in_the_citizens_list(officer_client, client, citizen):
    dossier = intake(officer_client, procedure_of(FormKind.EXTRACT_COPY), id_number=citizen.id_number)
    citizen_client = Client()
    citizen_client.force_login(citizen)
    my_dossiers = reverse("procedures:my-dossiers")
    # While the officer is still typing, the draft is not the citizen's to see or to finish.
    assert str(dossier.uuid) not in citizen_client.get(my_dossiers).content.decode()
    walk(officer_client, dossier)
    submit(officer_client, dossier)
    dossier.refresh_from_db()
    assert dossier.code in citizen_client.get(my_dossiers).content.decode()


# --- Scans ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("channel", [Channel.COUNTER, Channel.POST])
def test_a_paper_dossier_is_received_without_scans(officer_client, channel):
    procedure = procedure_of(FormKind.DEATH)
    dossier = intake(officer_client, procedure, channel)
    for step in declarations.step_slugs(procedure)[:-1]:
        post_step(officer_client, dossier, step)
    attachments = officer_client.post(step_url(dossier, declarations.ATTACHMENTS_STEP), {})
    assert attachments.url == reverse("procedures:file-review", kwargs={"uuid": dossier.uuid})
    review = officer_client.get(attachments.url)
    assert not review.context["problems"]
    assert "giấy tờ chưa quét được đối chiếu trên bản giấy" in review.content.decode()
    submit(officer_client, dossier)
    dossier.refresh_from_db()
    assert dossier.status == Status.RECEIVED and not dossier.attachments.exists()


def test_an_assisted_online_dossier_still_needs_its_scans(officer_client):
    procedure = procedure_of(FormKind.DEATH)
    dossier = intake(officer_client, procedure, Channel.ONLINE_ASSISTED)
    for step in declarations.step_slugs(procedure)[:-1]:
        post_step(officer_client, dossier, step)
    attachments = officer_client.post(step_url(dossier, declarations.ATTACHMENTS_STEP), {})
    assert "Tải lên ảnh chụp hoặc bản quét “Giấy báo tử”." in attachments.content.decode()
    review = officer_client.get(reverse("procedures:file-review", kwargs={"uuid": dossier.uuid}))
    assert "Chưa tải lên “Giấy báo tử”." in review.content.decode()
    submit(officer_client, dossier)
    dossier.refresh_from_db()
    assert dossier.status == Status.DRAFT and dossier.code is None


def test_the_officer_uploads_and_removes_a_scan(officer_client):
    dossier = intake(officer_client, procedure_of(FormKind.DEATH))
    post_step(officer_client, dossier, declarations.ATTACHMENTS_STEP)
    attachment = dossier.attachments.get()
    assert attachment.uploaded_by.username == "motcua.a"
    url = reverse("procedures:file-attachment-remove", kwargs={"uuid": dossier.uuid, "pk": attachment.pk})
    officer_client.post(url)
    assert not dossier.attachments.exists()


# --- The intake page --------------------------------------------------------------------------------------


def test_the_intake_page_asks_procedure_channel_id_and_phone(officer_client, commune_a):
    procedure_of(FormKind.BIRTH)
    page = officer_client.get(INTAKE).content.decode()
    for text in ("Đăng ký khai sinh", "Trực tiếp tại quầy", "Qua bưu chính", "Nộp trực tuyến có hỗ trợ"):
        assert text in page
    assert 'name="id_number"' in page and 'name="contact_phone"' in page
    assert 'name="commune"' not in page and 'name="unit"' not in page
    # The officer's own commune of today receives it: no unit to pick.
    assert "Phường Hồng Hà" in page
    # The counter channel is preselected and the cursor starts on the first procedure.
    assert re.search(r'value="counter"[^>]*checked', page)
    assert page.count("autofocus") == 1


def test_intake_errors_are_explained_beside_each_field(officer_client):
    procedure_of(FormKind.BIRTH)
    response = officer_client.post(INTAKE, {"channel": "online_self", "id_number": "12345", "contact_phone": "123"})
    page = response.content.decode()
    assert response.status_code == 200
    for message in (
        "Chọn thủ tục của hồ sơ.",
        "Chọn lại hình thức nộp.",
        "Nhập số điện thoại di động gồm 10 chữ số",
    ):
        assert page.count(message) == 2, message  # in the summary and beside the field
    assert 'href="#id_id_number"' in page
    assert not Dossier.objects.exists()


def test_an_id_number_without_an_account_prefills_the_requester(officer_client, citizen):
    dossier = intake(officer_client, procedure_of(FormKind.BIRTH), id_number="001195000009")
    assert dossier.applicant is None
    page = officer_client.get(step_url(dossier, "nguoi-yeu-cau")).content.decode()
    assert "Số định danh 001195000009 chưa có tài khoản trên cổng." in page
    assert 'value="001195000009"' in page


def test_a_matching_account_is_named_to_the_officer(officer_client, citizen):
    dossier = intake(officer_client, procedure_of(FormKind.EXTRACT_COPY), id_number=citizen.id_number)
    page = officer_client.get(step_url(dossier, "nguoi-yeu-cau")).content.decode()
    assert "Hồ sơ được gắn với tài khoản của Nguyễn Văn An" in page
    # No phone typed: the account's phone is the contact.
    dossier.refresh_from_db()
    assert dossier.contact_phone == citizen.phone


def test_a_saved_draft_waits_on_the_intake_page(officer_client):
    dossier = intake(officer_client, procedure_of(FormKind.BIRTH_3IN1))
    post_step(officer_client, dossier, "nguoi-yeu-cau")
    response = post_step(officer_client, dossier, "tre-em", save_draft="1")
    assert response.url == INTAKE
    page = officer_client.get(INTAKE).content.decode()
    assert "Đã lưu nháp" in page
    resume = reverse("procedures:file-resume", kwargs={"uuid": dossier.uuid})
    assert resume in page
    assert officer_client.get(resume).url == step_url(dossier, "tre-em")
    # The first step's back link goes to the intake page, not the citizen's procedure page.
    assert f'href="{INTAKE}"' in officer_client.get(step_url(dossier, "nguoi-yeu-cau")).content.decode()


# --- Who may do it ----------------------------------------------------------------------------------------


def test_only_a_one_stop_officer_opens_the_intake_page(client, citizen, justice_a, leader_a):
    response = client.get(INTAKE)
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))
    for user in (citizen, justice_a, leader_a):
        client.force_login(user)
        assert client.get(INTAKE).status_code == 403, user
        assert client.post(INTAKE, {}).status_code == 403, user


def test_an_officer_of_a_commune_merged_away_is_refused_with_the_reason(client, old_commune_a, citizen):
    client.force_login(make_user("motcua.phucxa", Role.ONE_STOP, old_commune_a))
    procedure = procedure_of(FormKind.BIRTH)
    for response in (client.get(INTAKE), client.post(INTAKE, {"procedure": procedure.pk, "channel": "counter"})):
        assert response.status_code == 403
        assert "Đơn vị của bạn không còn từ sau khi sắp xếp đơn vị hành chính" in response.content.decode()
    assert not Dossier.objects.exists()


def test_an_officer_enters_a_dossier_on_the_real_date_at_the_commune_of_today(officer_client, commune_a):
    """No frozen clock: the counter's code carries the officer's commune of today, whatever today is."""
    dossier = intake(officer_client, procedure_of(FormKind.MARITAL_STATUS))
    walk(officer_client, dossier)
    submit(officer_client, dossier)
    dossier.refresh_from_db()
    assert dossier.unit == commune_a and dossier.unit.is_valid_on(timezone.localdate())
    assert re.fullmatch(r"00097-\d{6}-0001", dossier.code)


@pytest.mark.parametrize(("persona", "status"), [("one_stop_b", 404), ("justice_a", 403)])
def test_an_officer_of_another_commune_gets_404_and_another_desk_a_403(request, client, counter_draft, persona, status):
    urls = [
        step_url(counter_draft, "nguoi-yeu-cau"),
        reverse("procedures:file-review", kwargs={"uuid": counter_draft.uuid}),
        reverse("procedures:file-resume", kwargs={"uuid": counter_draft.uuid}),
        reverse("procedures:file-done", kwargs={"uuid": counter_draft.uuid}),
    ]
    client.force_login(request.getfixturevalue(persona))
    for url in urls:
        assert client.get(url).status_code == status, url
    assert client.post(urls[0], ANSWERS["nguoi-yeu-cau"]).status_code == status
    assert submit(client, counter_draft).status_code == status
    counter_draft.refresh_from_db()
    assert counter_draft.data == {} and counter_draft.status == Status.DRAFT
    client.force_login(request.getfixturevalue("one_stop_b"))
    done = reverse("onecounter:intake-done", kwargs={"uuid": counter_draft.uuid})
    assert client.get(done).status_code == 404


def test_a_citizen_cannot_edit_the_officers_counter_draft(client, citizen, counter_draft):
    client.force_login(citizen)
    assert client.get(step_url(counter_draft, "nguoi-yeu-cau")).status_code == 404
    assert client.post(step_url(counter_draft, "nguoi-yeu-cau"), ANSWERS["nguoi-yeu-cau"]).status_code == 404
    assert submit(client, counter_draft).status_code == 404
    counter_draft.refresh_from_db()
    assert counter_draft.data == {} and counter_draft.status == Status.DRAFT


def test_an_officer_does_not_edit_a_citizens_online_draft(officer_client, draft):
    assert officer_client.get(step_url(draft, "tre-em")).status_code == 404
    assert submit(officer_client, draft).status_code == 404


def test_submit_is_post_only(officer_client, counter_draft):
    url = reverse("procedures:file-submit", kwargs={"uuid": counter_draft.uuid})
    assert officer_client.get(url).status_code == 405


def test_csrf_is_enforced_on_every_post(one_stop_a, counter_draft):
    client = Client(enforce_csrf_checks=True)
    client.force_login(one_stop_a)
    procedure = counter_draft.procedure
    assert client.post(INTAKE, {"procedure": procedure.pk, "channel": Channel.COUNTER}).status_code == 403
    assert client.post(step_url(counter_draft, "nguoi-yeu-cau"), ANSWERS["nguoi-yeu-cau"]).status_code == 403
    assert submit(client, counter_draft).status_code == 403
    assert Dossier.objects.count() == 1 and Dossier.objects.get().data == {}


def test_double_submit_gives_one_code(officer_client):
    dossier = intake(officer_client, procedure_of(FormKind.MARITAL_STATUS))
    walk(officer_client, dossier)
    first = submit(officer_client, dossier)
    dossier.refresh_from_db()
    code = dossier.code
    second = submit(officer_client, dossier)
    dossier.refresh_from_db()
    assert first.url == second.url == reverse("onecounter:intake-done", kwargs={"uuid": dossier.uuid})
    assert dossier.code == code
    assert list(DossierEvent.objects.filter(dossier=dossier).values_list("action", flat=True)) == [
        "submit",
        "receive",
    ]
    # The citizens' confirmation URL sends the officer to the counter's.
    assert officer_client.get(reverse("procedures:file-done", kwargs={"uuid": dossier.uuid})).url == first.url


def test_the_officer_completes_a_counter_dossier_sent_back_for_a_supplement(officer_client, justice_a):
    dossier = intake(officer_client, procedure_of(FormKind.EXTRACT_COPY))
    walk(officer_client, dossier)
    submit(officer_client, dossier)
    dossier.refresh_from_db()
    dossier_start(dossier=dossier, officer=justice_a)
    dossier_request_supplement(dossier=dossier, officer=justice_a, reason="Ghi rõ số, quyển số.")
    post_step(officer_client, dossier, "trich-luc", register_entry="Số 125, quyển 01/2016")
    review = officer_client.get(reverse("procedures:file-review", kwargs={"uuid": dossier.uuid}))
    assert "Gửi hồ sơ đã bổ sung" in review.content.decode()
    submit(officer_client, dossier)
    dossier.refresh_from_db()
    # Back to the justice desk that asked; nothing is received a second time.
    assert dossier.status == Status.PROCESSING
    assert dossier.data["trich-luc"]["register_entry"] == "Số 125, quyển 01/2016"
    assert list(dossier.events.values_list("action", flat=True)) == [
        "submit",
        "receive",
        "start",
        "request_supplement",
        "resubmit",
    ]
