"""Filing online: the start page, every step of the seven declarations, drafts, review, submission, access."""

import datetime
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from egov.units.models import AdministrativeUnit, UnitKind, UnitLevel, UnitSuccession
from egov.workcal.calendar import get_calendar
from procedures import declarations
from procedures.models import Channel, Dossier, DossierEvent, FormKind, Status
from procedures.services import dossier_create_draft, dossier_request_supplement, dossier_submit
from tests.procedures import pdfs
from tests.procedures.helpers import (
    ANSWERS,
    PDF,
    TODAY,
    choices,
    post_step,
    procedure_of,
    start,
    start_url,
    walk,
)

pytestmark = pytest.mark.django_db


def day(days_ago: int) -> str:
    return (TODAY - datetime.timedelta(days=days_ago)).strftime("%d/%m/%Y")


@pytest.fixture
def citizen_client(client, citizen):
    client.force_login(citizen)
    return client


@pytest.mark.parametrize("kind", FormKind.values)
def test_a_citizen_files_every_kind_of_declaration(citizen_client, commune_a, kind):
    procedure = procedure_of(kind)
    dossier = start(citizen_client, procedure, commune_a)
    slugs = declarations.step_slugs(procedure)
    first = citizen_client.get(reverse("procedures:file-step", kwargs={"uuid": dossier.uuid, "step": slugs[0]}))
    assert f"Bước 1 / {len(slugs) + 1}" in first.content.decode()
    walk(citizen_client, dossier)

    review = citizen_client.get(reverse("procedures:file-review", kwargs={"uuid": dossier.uuid}))
    page = review.content.decode()
    assert review.status_code == 200
    assert f"Bước {len(slugs) + 1} / {len(slugs) + 1}" in page
    assert page.count("Thay đổi<span") == len(slugs)
    assert not review.context["problems"]

    done = citizen_client.post(reverse("procedures:file-submit", kwargs={"uuid": dossier.uuid}), follow=True)
    dossier.refresh_from_db()
    assert dossier.status == Status.SUBMITTED
    assert dossier.code.startswith("00097-")
    assert dossier.code in done.content.decode()
    assert not dossier.is_late
    assert set(dossier.data) == {slug for slug in slugs if slug != declarations.ATTACHMENTS_STEP}


# --- Where to file: today's communes, found by name, without script ------------------------------------


def hint_of(page: str, unit) -> str:
    """The hint under the radio button of `unit`, tied to it by aria-describedby."""
    radio = re.search(rf'<input type="radio" name="commune" value="{unit.pk}"[^>]*>', page)
    assert radio, f"no radio button for {unit}"
    hint_id = re.search(r'aria-describedby="[^"]*\b(id_commune_\d+_hint)"', radio[0])[1]
    return re.search(rf'<div id="{hint_id}"[^>]*>([^<]*)</div>', page)[1]


def test_the_start_page_offers_todays_communes_in_one_list(citizen_client, commune_a, commune_b, rural_commune):
    page = citizen_client.get(start_url(procedure_of(FormKind.BIRTH))).content.decode()
    # No district step: the communes of today in Vietnamese alphabetical order, none of before the reform.
    assert choices(page) == ["Phường Ba Đình", "Phường Hồng Hà", "Xã Ba Vì"]
    assert 'name="district"' not in page and "Phúc Xá" not in page and "Quận" not in page
    # A search is a plain GET form; choosing is a plain POST form: no script on the page.
    assert re.search(r'<form method="get" action="[^"]*" id="commune-search" role="search"', page)
    assert re.search(r'<form method="post" action="[^"]*" id="commune-form"', page)
    assert "<script" not in page and "Cần sửa" not in page


def test_a_commune_under_a_district_is_shown_with_its_district(citizen_client, city):
    # Today's Hanoi has no district level; were there one, each commune would be named with its district.
    district = AdministrativeUnit.objects.create(
        code="999", name="Quận Mới", kind=UnitKind.URBAN_DISTRICT, level=UnitLevel.DISTRICT, parent=city
    )
    AdministrativeUnit.objects.create(
        code="99999", name="Phường Mới", kind=UnitKind.WARD, level=UnitLevel.COMMUNE, parent=district
    )
    page = citizen_client.get(start_url(procedure_of(FormKind.BIRTH))).content.decode()
    assert choices(page) == ["Phường Mới, Quận Mới"]


@pytest.mark.parametrize("query", ["Hồng Hà", "hong ha", "HỒNG  hà", "Phường Hồng Hà", "phuong hong", "ồng H"])
def test_a_search_finds_a_commune_with_or_without_marks(citizen_client, commune_a, commune_b, query):
    page = citizen_client.get(start_url(procedure_of(FormKind.BIRTH)), {"q": query}).content.decode()
    assert choices(page) == ["Phường Hồng Hà"]
    assert f"Tìm thấy 1 xã, phường cho “{escape(query)}”." in page
    assert f'name="q" value="{escape(query)}"' in page  # the search box keeps what was typed


def test_an_old_name_finds_the_commune_that_took_it_over(citizen_client, commune_a, commune_b):
    page = citizen_client.get(start_url(procedure_of(FormKind.BIRTH)), {"q": "phuc xa"}).content.decode()
    assert choices(page) == ["Phường Hồng Hà"]
    assert hint_of(page, commune_a) == "Trước đây: Phường Phúc Xá, Quận Ba Đình"


def test_an_old_commune_split_between_several_lists_each_of_them(citizen_client, commune_a, commune_b, old_commune_b):
    # Part of Trúc Bạch went to Hồng Hà; Ba Đình holds its records.
    UnitSuccession.objects.create(old_unit=old_commune_b, new_unit=commune_a)
    page = citizen_client.get(start_url(procedure_of(FormKind.BIRTH)), {"q": "Truc Bach"}).content.decode()
    assert choices(page) == ["Phường Ba Đình", "Phường Hồng Hà"]
    for unit in (commune_a, commune_b):
        assert hint_of(page, unit) == "Gồm một phần Phường Trúc Bạch, Quận Ba Đình trước đây"
    assert "Phường Trúc Bạch, Quận Ba Đình trước đây nay thuộc về nhiều xã, phường." in page


def test_a_name_found_nowhere_says_so_and_offers_the_whole_list(citizen_client, commune_a, commune_b):
    page = citizen_client.get(start_url(procedure_of(FormKind.BIRTH)), {"q": "Hoàn Kiếm"}).content.decode()
    assert "Không tìm thấy xã, phường nào có tên chứa “Hoàn Kiếm”." in page
    assert choices(page) == ["Phường Ba Đình", "Phường Hồng Hà"]


def test_choosing_a_commune_found_by_search_opens_the_draft_there(citizen_client, commune_a):
    procedure = procedure_of(FormKind.BIRTH)
    response = citizen_client.post(start_url(procedure), {"q": "phuc xa", "commune": commune_a.pk})
    dossier = Dossier.objects.get()
    assert response.url == reverse("procedures:file-step", kwargs={"uuid": dossier.uuid, "step": "nguoi-yeu-cau"})
    assert (dossier.unit, dossier.status, dossier.applicant.username) == (commune_a, Status.DRAFT, "001090012345")


def test_a_commune_that_no_longer_exists_is_refused(citizen_client, commune_a, old_commune_a):
    response = citizen_client.post(start_url(procedure_of(FormKind.BIRTH)), {"commune": old_commune_a.pk})
    page = response.content.decode()
    assert response.status_code == 200
    assert page.count("Chọn lại xã, phường nhận hồ sơ trong danh sách các xã, phường hiện nay.") == 2
    assert not Dossier.objects.exists()


@pytest.mark.parametrize(
    ("sent", "message"),
    [
        ({}, "Chọn xã, phường nhận hồ sơ."),
        ({"commune": ""}, "Chọn xã, phường nhận hồ sơ."),
        ({"commune": "999999"}, "Chọn lại xã, phường nhận hồ sơ trong danh sách các xã, phường hiện nay."),
        ({"commune": "9" * 30}, "Chọn lại xã, phường nhận hồ sơ trong danh sách các xã, phường hiện nay."),
        ({"commune": "Hồng Hà"}, "Chọn lại xã, phường nhận hồ sơ trong danh sách các xã, phường hiện nay."),
    ],
    ids=["missing", "empty", "unknown-id", "huge-id", "not-an-id"],
)
def test_a_bad_choice_is_explained_beside_the_field_and_in_the_summary(citizen_client, commune_a, sent, message):
    response = citizen_client.post(start_url(procedure_of(FormKind.BIRTH)), sent)
    page = response.content.decode()
    assert response.status_code == 200
    assert page.count(message) == 2  # in the summary and beside the field
    assert 'href="#id_commune"' in page and 'aria-invalid="true"' in page
    assert "<title>Lỗi:" in page
    assert not Dossier.objects.exists()


def test_a_bad_choice_keeps_the_search(citizen_client, commune_a, commune_b):
    response = citizen_client.post(start_url(procedure_of(FormKind.BIRTH)), {"q": "phuc xa"})
    page = response.content.decode()
    assert page.count("Chọn xã, phường nhận hồ sơ.") == 2
    assert 'name="q" value="phuc xa"' in page and 'type="hidden" name="q" value="phuc xa"' in page
    assert choices(page) == ["Phường Hồng Hà"]
    assert 'href="#id_commune_0"' in page


def test_a_citizen_files_at_a_ward_of_today_on_the_real_date(citizen_client, commune_a, commune_b):
    """No frozen clock: whatever today is (after the reform), the ward found by name receives the dossier."""
    procedure = procedure_of(FormKind.EXTRACT_COPY)
    found = citizen_client.get(start_url(procedure), {"q": "hong ha"}).content.decode()
    assert choices(found) == ["Phường Hồng Hà"]
    dossier = start(citizen_client, procedure, commune_a)
    walk(citizen_client, dossier)
    citizen_client.post(reverse("procedures:file-submit", kwargs={"uuid": dossier.uuid}))

    dossier.refresh_from_db()
    received_on = get_calendar().receipt_start(dossier.submitted_at)
    assert dossier.status == Status.SUBMITTED and dossier.unit == commune_a
    assert dossier.unit.is_valid_on(timezone.localdate())
    assert dossier.code == f"00097-{timezone.localtime(received_on):%y%m%d}-0001"


def test_a_draft_begun_at_an_abolished_commune_says_where_it_goes_and_is_filed_there(
    citizen_client, citizen, old_commune_a, commune_a
):
    procedure = procedure_of(FormKind.EXTRACT_COPY)
    draft = dossier_create_draft(
        procedure=procedure, unit=old_commune_a, applicant=citizen, channel=Channel.ONLINE_SELF
    )
    moved = (
        "Phường Phúc Xá, Quận Ba Đình không còn sau khi sắp xếp đơn vị hành chính: "
        "hồ sơ sẽ được nộp tại Phường Hồng Hà."
    )
    assert moved in citizen_client.get(start_url(procedure)).content.decode()
    walk(citizen_client, draft)
    review = citizen_client.get(reverse("procedures:file-review", kwargs={"uuid": draft.uuid})).content.decode()
    assert "Phường Hồng Hà, Thành phố Hà Nội" in review and moved in review

    citizen_client.post(reverse("procedures:file-submit", kwargs={"uuid": draft.uuid}))

    draft.refresh_from_db()
    assert draft.status == Status.SUBMITTED and draft.unit == commune_a and draft.code.startswith("00097-")
    assert moved not in citizen_client.get(start_url(procedure)).content.decode()


def drafts_begun(count: int, *, procedure, citizen, unit) -> list[Dossier]:
    """`count` drafts of `procedure`, begun an hour apart, oldest first."""
    drafts = [
        dossier_create_draft(procedure=procedure, unit=unit, applicant=citizen, channel=Channel.ONLINE_SELF)
        for _ in range(count)
    ]
    now = timezone.now()
    for age, draft in enumerate(reversed(drafts)):
        Dossier.objects.filter(pk=draft.pk).update(created_at=now - datetime.timedelta(hours=age))
    return drafts


def resume_url(draft: Dossier) -> str:
    return reverse("procedures:file-resume", kwargs={"uuid": draft.uuid})


def test_the_start_page_shows_the_five_newest_drafts_and_links_to_all_of_them(citizen_client, citizen, commune_a):
    procedure = procedure_of(FormKind.BIRTH)
    drafts = drafts_begun(12, procedure=procedure, citizen=citizen, unit=commune_a)

    page = citizen_client.get(start_url(procedure)).content.decode()

    shown = sorted((page.index(resume_url(draft)), draft) for draft in drafts if resume_url(draft) in page)
    assert [draft for _, draft in shown] == drafts[:-6:-1]
    see_all = f"{reverse('procedures:my-dossiers')}?lam-do={procedure.slug}"
    assert f'href="{see_all}">Xem tất cả 12 hồ sơ đang làm dở</a>' in page

    listed = citizen_client.get(see_all).content.decode()
    assert all(resume_url(draft) in listed for draft in drafts)
    assert "Hồ sơ đang làm dở" in listed and procedure.name in listed


def test_the_start_page_has_no_see_all_link_when_every_draft_is_shown(citizen_client, citizen, commune_a):
    procedure = procedure_of(FormKind.BIRTH)
    drafts = drafts_begun(5, procedure=procedure, citizen=citizen, unit=commune_a)

    page = citizen_client.get(start_url(procedure)).content.decode()

    assert all(resume_url(draft) in page for draft in drafts)
    assert "Xem tất cả" not in page.split('id="drafts-heading"', 1)[1].split("</section>", 1)[0]


def test_the_start_page_reads_as_many_queries_for_12_drafts_as_for_6(citizen_client, citizen, commune_a):
    procedure = procedure_of(FormKind.BIRTH)
    drafts_begun(6, procedure=procedure, citizen=citizen, unit=commune_a)
    citizen_client.get(start_url(procedure))  # the session, the catalogue: whatever a first request caches
    with CaptureQueriesContext(connection) as six:
        citizen_client.get(start_url(procedure))
    drafts_begun(6, procedure=procedure, citizen=citizen, unit=commune_a)
    with CaptureQueriesContext(connection) as twelve:
        citizen_client.get(start_url(procedure))

    assert len(twelve) == len(six)


def test_all_drafts_of_a_procedure_are_the_citizens_own_and_of_that_procedure(
    citizen_client, citizen, other_citizen, commune_a
):
    procedure, other_procedure = procedure_of(FormKind.BIRTH), procedure_of(FormKind.DEATH)
    mine = drafts_begun(1, procedure=procedure, citizen=citizen, unit=commune_a)
    others = [
        *drafts_begun(1, procedure=procedure, citizen=other_citizen, unit=commune_a),
        *drafts_begun(1, procedure=other_procedure, citizen=citizen, unit=commune_a),
    ]

    listed = citizen_client.get(reverse("procedures:my-dossiers"), {"lam-do": procedure.slug}).content.decode()

    assert resume_url(mine[0]) in listed
    assert not any(resume_url(draft) in listed for draft in others)
    assert citizen_client.get(reverse("procedures:my-dossiers"), {"lam-do": "khong-co"}).status_code == 404


def test_the_requester_is_prefilled_from_the_account(citizen_client, commune_a):
    dossier = start(citizen_client, procedure_of(FormKind.BIRTH), commune_a)
    page = citizen_client.get(reverse("procedures:file-step", kwargs={"uuid": dossier.uuid, "step": "nguoi-yeu-cau"}))
    assert 'value="Nguyễn Văn An"' in page.content.decode()


def test_a_wrong_date_is_explained_beside_the_field_and_in_the_summary(citizen_client, commune_a):
    dossier = start(citizen_client, procedure_of(FormKind.BIRTH), commune_a)
    response = post_step(citizen_client, dossier, "tre-em", birth_date="15/15/2016")
    page = response.content.decode()
    assert response.status_code == 200
    assert page.count("Tháng phải từ 1 đến 12 (bạn nhập tháng 15).") == 2
    assert 'href="#id_birth_date"' in page
    assert 'value="Nguyễn Minh Anh"' in page  # the other answers are kept
    assert "tre-em" not in Dossier.objects.get(pk=dossier.pk).data


def test_a_mother_younger_than_the_child_is_refused_on_her_step(citizen_client, commune_a):
    dossier = start(citizen_client, procedure_of(FormKind.BIRTH), commune_a)
    post_step(citizen_client, dossier, "nguoi-yeu-cau")
    post_step(citizen_client, dossier, "tre-em", birth_date="15/12/2016")
    response = post_step(citizen_client, dossier, "me", birth_date="2017", id_number="")
    assert "Ngày sinh của người mẹ phải trước ngày sinh của trẻ" in response.content.decode()


def test_a_late_birth_is_flagged_not_refused(citizen_client, commune_a):
    dossier = start(citizen_client, procedure_of(FormKind.BIRTH), commune_a)
    ANSWERS_LATE = {"tre-em": {"birth_date": day(61)}}
    for step in declarations.step_slugs(dossier.procedure):
        post_step(citizen_client, dossier, step, **ANSWERS_LATE.get(step, {}))
    review = citizen_client.get(reverse("procedures:file-review", kwargs={"uuid": dossier.uuid}))
    assert "đăng ký quá hạn" in review.content.decode()
    citizen_client.post(reverse("procedures:file-submit", kwargs={"uuid": dossier.uuid}))
    dossier.refresh_from_db()
    assert dossier.status == Status.SUBMITTED and dossier.is_late


def test_a_draft_is_saved_midway_and_resumed_where_it_stopped(citizen_client, commune_a):
    procedure = procedure_of(FormKind.BIRTH_3IN1)
    dossier = start(citizen_client, procedure, commune_a)
    post_step(citizen_client, dossier, "nguoi-yeu-cau")
    # Half of the child's page, then "save and continue later".
    response = post_step(citizen_client, dossier, "tre-em", birth_date="", save_draft="1")
    assert response.status_code == 302
    assert response.url == reverse("procedures:file-start", kwargs={"slug": procedure.slug})
    dossier.refresh_from_db()
    assert dossier.draft_step == "tre-em"
    assert dossier.data["tre-em"]["full_name"] == "Nguyễn Minh Anh"
    assert "birth_date" not in dossier.data["tre-em"]

    start_page = citizen_client.get(response.url)
    assert "Đã lưu nháp" in start_page.content.decode()
    resume_url = reverse("procedures:file-resume", kwargs={"uuid": dossier.uuid})
    assert resume_url in start_page.content.decode()
    resumed = citizen_client.get(resume_url, follow=True)
    assert resumed.redirect_chain[-1][0].endswith("/buoc/tre-em/")
    assert 'value="Nguyễn Minh Anh"' in resumed.content.decode()


def test_review_lists_unfinished_steps_and_submit_refuses_them(citizen_client, commune_a):
    dossier = start(citizen_client, procedure_of(FormKind.DEATH), commune_a)
    post_step(citizen_client, dossier, "nguoi-yeu-cau")
    review = citizen_client.get(reverse("procedures:file-review", kwargs={"uuid": dossier.uuid}))
    page = review.content.decode()
    assert "Phần “Thông tin người đã mất” chưa khai đủ hoặc cần sửa." in page
    assert "Chưa tải lên “Giấy báo tử”." in page
    citizen_client.post(reverse("procedures:file-submit", kwargs={"uuid": dossier.uuid}))
    dossier.refresh_from_db()
    assert dossier.status == Status.DRAFT and dossier.code is None


def test_change_link_goes_back_to_the_review(citizen_client, commune_a):
    dossier = start(citizen_client, procedure_of(FormKind.MARITAL_STATUS), commune_a)
    walk(citizen_client, dossier)
    url = reverse("procedures:file-step", kwargs={"uuid": dossier.uuid, "step": "xac-nhan"})
    page = citizen_client.get(url + "?kiem-tra=1").content.decode()
    assert "Lưu và quay lại trang kiểm tra" in page
    response = citizen_client.post(url, {**ANSWERS["xac-nhan"], "purpose": "Mua nhà", "kiem-tra": "1"})
    assert response.url == reverse("procedures:file-review", kwargs={"uuid": dossier.uuid})


def test_a_fake_file_is_explained_and_nothing_else_is_lost(citizen_client, commune_a):
    procedure = procedure_of(
        FormKind.BIRTH,
        required_documents=["Giấy chứng sinh", "Giấy chứng nhận kết hôn của cha mẹ"],
    )
    dossier = start(citizen_client, procedure, commune_a)
    url = reverse("procedures:file-step", kwargs={"uuid": dossier.uuid, "step": "giay-to"})
    response = citizen_client.post(
        url,
        {
            "giay-chung-sinh": SimpleUploadedFile("chung-sinh.pdf", PDF, "application/pdf"),
            "giay-chung-nhan-ket-hon-cua-cha-me": SimpleUploadedFile("ket-hon.pdf", b"MZ not a pdf", "application/pdf"),
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "không phải PDF, JPEG hay PNG thật" in page
    assert "chung-sinh.pdf" in page  # the good file was kept and is listed
    assert list(dossier.attachments.values_list("document", flat=True)) == ["giay-chung-sinh"]
    # Continuing without the second paper says which one is missing.
    again = citizen_client.post(url, {})
    assert "Tải lên ảnh chụp hoặc bản quét “Giấy chứng nhận kết hôn của cha mẹ”." in again.content.decode()


@pytest.mark.parametrize("hostile", [*pdfs.HOSTILE.values(), pdfs.TRUNCATED], ids=[*pdfs.HOSTILE, "truncated"])
def test_an_unsafe_pdf_is_explained_beside_its_field_and_nothing_else_is_lost(citizen_client, commune_a, hostile):
    procedure = procedure_of(
        FormKind.BIRTH,
        required_documents=["Giấy chứng sinh", "Giấy chứng nhận kết hôn của cha mẹ"],
    )
    dossier = start(citizen_client, procedure, commune_a)
    post_step(citizen_client, dossier, "nguoi-yeu-cau")
    answers = Dossier.objects.get(pk=dossier.pk).data
    url = reverse("procedures:file-step", kwargs={"uuid": dossier.uuid, "step": "giay-to"})

    response = citizen_client.post(
        url,
        {
            "giay-chung-sinh": SimpleUploadedFile("chung-sinh.pdf", PDF, "application/pdf"),
            "giay-chung-nhan-ket-hon-cua-cha-me": SimpleUploadedFile("ket-hon.pdf", hostile, "application/pdf"),
        },
    )

    page = response.content.decode()
    beside_field = re.search(r'<p id="id_giay-chung-nhan-ket-hon-cua-cha-me_error"[^>]*>(.*?)</p>', page, re.S)
    assert response.status_code == 200
    assert beside_field and "“ket-hon.pdf”" in beside_field.group(1)
    assert "mã chạy tự động" in beside_field.group(1) or "bị hỏng, có mật khẩu" in beside_field.group(1)
    assert "chung-sinh.pdf" in page  # the good file was kept and is listed
    dossier.refresh_from_db()
    assert list(dossier.attachments.values_list("document", flat=True)) == ["giay-chung-sinh"]
    assert dossier.data == answers and answers


def test_an_attachment_can_be_removed(citizen_client, commune_a):
    dossier = start(citizen_client, procedure_of(FormKind.DEATH), commune_a)
    post_step(citizen_client, dossier, "giay-to")
    attachment = dossier.attachments.get()
    url = reverse("procedures:file-attachment-remove", kwargs={"uuid": dossier.uuid, "pk": attachment.pk})
    assert citizen_client.get(url).status_code == 405
    citizen_client.post(url)
    assert not dossier.attachments.exists()


def test_double_submit_gives_one_code(citizen_client, commune_a):
    dossier = start(citizen_client, procedure_of(FormKind.EXTRACT_COPY), commune_a)
    walk(citizen_client, dossier)
    url = reverse("procedures:file-submit", kwargs={"uuid": dossier.uuid})
    first = citizen_client.post(url)
    dossier.refresh_from_db()
    code = dossier.code
    second = citizen_client.post(url)
    dossier.refresh_from_db()
    done = reverse("procedures:file-done", kwargs={"uuid": dossier.uuid})
    assert first.url == second.url == done
    assert dossier.code == code
    assert DossierEvent.objects.filter(dossier=dossier, action="submit").count() == 1
    assert code in citizen_client.get(done).content.decode()


# The final submit on its own: the session and the user (middleware), the one locked read of the dossier with its
# papers, the code counter (one upsert), the dossier, the event, the reporting mark, the notifications (one insert).
SUBMIT_STATEMENTS = 8


def test_the_final_submit_costs_a_fixed_number_of_statements(citizen_client, commune_a):
    dossier = start(citizen_client, procedure_of(FormKind.BIRTH), commune_a)
    walk(citizen_client, dossier)
    get_calendar()  # read once per process, not per request
    with CaptureQueriesContext(connection) as captured:
        response = citizen_client.post(reverse("procedures:file-submit", kwargs={"uuid": dossier.uuid}))
    # The test's own transaction turns the submit's into a savepoint; a request in production has none.
    statements = [query["sql"] for query in captured if "SAVEPOINT" not in query["sql"]]
    assert response.url == reverse("procedures:file-done", kwargs={"uuid": dossier.uuid})
    assert len(statements) == SUBMIT_STATEMENTS, "\n".join(statements)
    dossier.refresh_from_db()
    assert dossier.status == Status.SUBMITTED
    assert dossier.notifications.count() == 2


def test_a_draft_changed_after_its_review_is_not_filed(citizen_client, commune_a):
    dossier = start(citizen_client, procedure_of(FormKind.BIRTH), commune_a)
    walk(citizen_client, dossier)
    dossier.attachments.all().delete()  # in another tab, after the review page showed it complete
    response = citizen_client.post(reverse("procedures:file-submit", kwargs={"uuid": dossier.uuid}), follow=True)
    dossier.refresh_from_db()
    assert dossier.status == Status.DRAFT and not dossier.code
    assert "Hồ sơ chưa đủ để nộp" in response.content.decode()
    assert "Chưa tải lên “Giấy chứng sinh”" in response.content.decode()


def test_a_rolled_back_submission_leaves_no_gap_in_the_codes(citizen, commune_a, birth_procedure):
    drafts = [
        dossier_create_draft(procedure=birth_procedure, unit=commune_a, applicant=citizen, channel=Channel.ONLINE_SELF)
        for _ in range(2)
    ]
    with pytest.raises(RuntimeError), transaction.atomic():
        dossier_submit(dossier=drafts[0], actor=citizen)
        raise RuntimeError("the request failed after the code was taken")
    second = dossier_submit(dossier=drafts[1], actor=citizen)
    third = dossier_submit(dossier=drafts[0], actor=citizen)
    assert [second.code[-4:], third.code[-4:]] == ["0001", "0002"]


def test_a_filed_dossier_can_no_longer_be_edited(citizen_client, commune_a):
    dossier = start(citizen_client, procedure_of(FormKind.EXTRACT_COPY), commune_a)
    walk(citizen_client, dossier)
    citizen_client.post(reverse("procedures:file-submit", kwargs={"uuid": dossier.uuid}))
    step = reverse("procedures:file-step", kwargs={"uuid": dossier.uuid, "step": "trich-luc"})
    assert citizen_client.get(step).status_code == 404
    assert citizen_client.get(reverse("procedures:file-review", kwargs={"uuid": dossier.uuid})).status_code == 404


def test_a_dossier_needing_a_supplement_is_edited_and_resubmitted(citizen_client, citizen, commune_a, one_stop_a):
    dossier = start(citizen_client, procedure_of(FormKind.EXTRACT_COPY), commune_a)
    walk(citizen_client, dossier)
    dossier_submit(dossier=dossier, actor=citizen)
    dossier_request_supplement(dossier=dossier, officer=one_stop_a, reason="Ghi rõ số, quyển số.")
    post_step(citizen_client, dossier, "trich-luc", register_entry="Số 125, quyển 01/2016")
    review = citizen_client.get(reverse("procedures:file-review", kwargs={"uuid": dossier.uuid}))
    assert "Gửi hồ sơ đã bổ sung" in review.content.decode()
    citizen_client.post(reverse("procedures:file-submit", kwargs={"uuid": dossier.uuid}))
    dossier.refresh_from_db()
    assert dossier.status == Status.SUBMITTED
    assert dossier.data["trich-luc"]["register_entry"] == "Số 125, quyển 01/2016"
    assert DossierEvent.objects.filter(dossier=dossier, action="resubmit").count() == 1


# --- Who may do it --------------------------------------------------------------------------------------


def test_another_citizens_draft_is_not_found(client, other_citizen, draft):
    client.force_login(other_citizen)
    urls = [
        reverse("procedures:file-step", kwargs={"uuid": draft.uuid, "step": "tre-em"}),
        reverse("procedures:file-review", kwargs={"uuid": draft.uuid}),
        reverse("procedures:file-resume", kwargs={"uuid": draft.uuid}),
        reverse("procedures:file-done", kwargs={"uuid": draft.uuid}),
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("procedures:file-submit", kwargs={"uuid": draft.uuid})).status_code == 404
    assert client.post(urls[0], ANSWERS["tre-em"]).status_code == 404


def test_anonymous_people_are_sent_to_login(client, draft):
    step = reverse("procedures:file-step", kwargs={"uuid": draft.uuid, "step": "tre-em"})
    response = client.get(step)
    assert response.status_code == 302
    assert response.url == f"{reverse('accounts:login')}?next={step}"
    start_url = reverse("procedures:file-start", kwargs={"slug": draft.procedure.slug})
    assert "Đăng nhập để bắt đầu" in client.get(start_url).content.decode()
    posted = client.post(start_url, {})
    assert posted.url == f"{reverse('accounts:login')}?next={start_url}"
    assert client.post(reverse("procedures:file-submit", kwargs={"uuid": draft.uuid})).status_code == 302


def test_officers_do_not_file_here(client, one_stop_a, birth_procedure):
    client.force_login(one_stop_a)
    assert client.get(reverse("procedures:file-start", kwargs={"slug": birth_procedure.slug})).status_code == 403


def test_submit_is_post_only(citizen_client, draft):
    assert citizen_client.get(reverse("procedures:file-submit", kwargs={"uuid": draft.uuid})).status_code == 405


def test_csrf_is_enforced(citizen, draft):
    client = Client(enforce_csrf_checks=True)
    client.force_login(citizen)
    assert client.post(reverse("procedures:file-submit", kwargs={"uuid": draft.uuid})).status_code == 403
    step = reverse("procedures:file-step", kwargs={"uuid": draft.uuid, "step": "tre-em"})
    assert client.post(step, ANSWERS["tre-em"]).status_code == 403


def test_an_unknown_step_is_not_found(citizen_client, draft):
    url = reverse("procedures:file-step", kwargs={"uuid": draft.uuid, "step": "khong-co"})
    assert citizen_client.get(url).status_code == 404


def test_a_draft_left_at_the_review_resumes_there(citizen_client, commune_a):
    dossier = start(citizen_client, procedure_of(FormKind.MARRIAGE), commune_a)
    walk(citizen_client, dossier)
    dossier.refresh_from_db()
    assert dossier.draft_step == "kiem-tra"
    review = reverse("procedures:file-review", kwargs={"uuid": dossier.uuid})
    assert citizen_client.get(reverse("procedures:file-resume", kwargs={"uuid": dossier.uuid})).url == review
    # Links built from draft_step (the citizen space) land on the review too.
    step = reverse("procedures:file-step", kwargs={"uuid": dossier.uuid, "step": "kiem-tra"})
    assert citizen_client.get(step).url == review
