"""The officers' interconnect queue: who may read it (commune desks; police and social insurance of a commune of today
read-only, for it and the old communes it holds; their district accounts of before the reform, the district's history;
not citizens), its filters, counts and late flag, a record's page with its attempts and the agency's answers, the
re-send of a failed record (who may, wrong method, second click), the dossier page's section, and the citizen's view
of the agencies' results."""

import re
import uuid
from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from egov.accounts.models import Role
from interconnect.models import LinkedRecord, RecordKind, RecordStatus
from interconnect.services import linked_record_answer
from procedures.models import Agency, DossierAccess
from procedures.services import dossier_approve
from tests.personas import make_user
from tests.procedures.helpers import advance, filed, procedure_of

pytestmark = pytest.mark.django_db

QUEUE = reverse("onecounter:interconnect")
HEALTH_CARD = {"card_number": "TE1010100012345", "valid_from": "2026-11-13", "valid_to": "2032-11-30"}
RESIDENCE = {"household_registration_number": "HK-001-0012345", "registered_on": "2026-12-08"}
REFUSAL = "Địa chỉ hộ khẩu không khớp cơ sở dữ liệu cư trú."
INVALID = {"error": "invalid", "fields": {"household.address": ["Không tìm thấy địa chỉ trong cơ sở dữ liệu cư trú."]}}


def record_url(record: LinkedRecord) -> str:
    return reverse("onecounter:interconnect-record", kwargs={"uuid": record.uuid})


def resend_url(record: LinkedRecord) -> str:
    return reverse("onecounter:interconnect-resend", kwargs={"uuid": record.uuid})


def record(dossier, kind: str = RecordKind.REGISTER_RESIDENCE) -> LinkedRecord:
    return LinkedRecord.objects.get(dossier=dossier, kind=kind)


def answer(record: LinkedRecord, status: str = "completed") -> None:
    linked_record_answer(
        agency=record.agency,
        record_uuid=record.uuid,
        event_id=uuid.uuid4(),
        status=status,
        result={RecordKind.HEALTH_CARD: HEALTH_CARD, RecordKind.REGISTER_RESIDENCE: RESIDENCE}[record.kind]
        if status == "completed"
        else {},
        reason=REFUSAL if status == "rejected" else "",
        body=f'{{"status": "{status}"}}',
    )


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def failed(agencies, clock, signing, approve, birth_3in1):
    """A 3-in-1 birth at commune A, signed: the police refused its residence record (failed), the health card
    record was sent and waits for social insurance."""
    agencies[Agency.POLICE].plan.append(("answer", 422, INVALID))
    dossier = approve(signing(birth_3in1))
    assert record(dossier).status == RecordStatus.FAILED
    return dossier


@pytest.fixture
def elsewhere(
    agencies, clock, birth_3in1, citizen, commune_b, one_stop_b, justice_b, leader_b, django_capture_on_commit_callbacks
):
    """A 3-in-1 birth signed at commune B, both records sent."""
    dossier = filed(birth_3in1, unit=commune_b, applicant=citizen)
    dossier = advance(dossier, "awaiting_signature", one_stop=one_stop_b, justice=justice_b, leader=leader_b)
    with django_capture_on_commit_callbacks(execute=True):
        return dossier_approve(dossier=dossier, leader=leader_b)


# --- who may read the queue ------------------------------------------------------------------------------------


def test_a_visitor_is_sent_to_the_login(client, failed):
    for url in (QUEUE, record_url(record(failed))):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("accounts:login"))


def test_a_citizen_gets_a_403(citizen, failed):
    client = logged_in(citizen)
    assert client.get(QUEUE).status_code == 403
    assert client.get(record_url(record(failed))).status_code == 403
    assert client.post(resend_url(record(failed))).status_code == 403


def shown(client: Client, **params) -> set[tuple[str, str]]:
    response = client.get(QUEUE, params)
    assert response.status_code == 200
    return {(record.dossier.code, record.kind) for record in response.context["page"].object_list}


def test_a_commune_officer_sees_the_communes_records_only(failed, elsewhere, one_stop_a, one_stop_b):
    mine = {(failed.code, RecordKind.REGISTER_RESIDENCE), (failed.code, RecordKind.HEALTH_CARD)}
    assert shown(logged_in(one_stop_a)) == mine
    assert {code for code, _kind in shown(logged_in(one_stop_b))} == {elsewhere.code}


def test_the_communes_police_read_its_police_records_and_those_of_the_old_commune_it_holds(
    failed, elsewhere, inherited, police_a
):
    client = logged_in(police_a)

    assert shown(client) == {
        (failed.code, RecordKind.REGISTER_RESIDENCE),
        (inherited.code, RecordKind.REGISTER_RESIDENCE),
    }
    page = client.get(QUEUE).content.decode()
    assert "từ Phường Hồng Hà, kể cả hồ sơ của Phường Phúc Xá mà Phường Hồng Hà đang giữ." in page
    assert "Trang này chỉ để xem" in page
    assert "quận, huyện" not in page
    assert "Tài khoản chỉ để xem hồ sơ trước đây" not in page
    assert reverse("onecounter:dossier", kwargs={"uuid": failed.uuid}) not in page, "no link to a page they cannot open"
    assert 'name="agency"' not in page, "one agency: no agency filter"
    assert client.get(record_url(record(failed, RecordKind.HEALTH_CARD))).status_code == 404
    assert client.get(record_url(record(inherited))).status_code == 200


def test_the_communes_social_insurance_reads_the_health_cards(failed, elsewhere, inherited, social_insurance_a):
    assert shown(logged_in(social_insurance_a)) == {
        (failed.code, RecordKind.HEALTH_CARD),
        (inherited.code, RecordKind.HEALTH_CARD),
    }


def test_another_communes_police_read_their_own_communes_records(failed, elsewhere, inherited, commune_b):
    police_b = make_user("congan.phuongbadinh", Role.POLICE, commune_b)

    assert shown(logged_in(police_b)) == {(elsewhere.code, RecordKind.REGISTER_RESIDENCE)}
    assert logged_in(police_b).get(record_url(record(inherited))).status_code == 404


def test_the_district_police_account_reads_the_districts_history_and_says_so(
    failed, elsewhere, inherited, district_police
):
    client = logged_in(district_police)

    assert shown(client) == {(inherited.code, RecordKind.REGISTER_RESIDENCE)}
    page = client.get(QUEUE).content.decode()
    assert "từ các xã, phường của Quận Ba Đình đến hết ngày 30/06/2025." in page
    assert "Tài khoản chỉ để xem hồ sơ trước đây" in page
    assert client.get(record_url(record(failed))).status_code == 404


def test_the_police_home_page_leads_to_the_queue(police_a):
    response = logged_in(police_a).get(reverse("core:officer-home"))

    assert f'href="{QUEUE}"' in response.content.decode()
    assert "Tài khoản chỉ để xem" not in response.content.decode()


def test_the_record_page_names_where_it_was_registered_and_filed(inherited, police_a, one_stop_a):
    page = logged_in(police_a).get(record_url(record(inherited))).content.decode()

    assert "Phường Phúc Xá, Quận Ba Đình" in page
    assert record(inherited).payload["unit_name"] == "Phường Phúc Xá"  # registered there, before the reform


# --- the list --------------------------------------------------------------------------------------------------


def test_filters_by_state_and_agency_with_counts(failed, one_stop_a):
    client = logged_in(one_stop_a)

    assert shown(client, state="gui-loi") == {(failed.code, RecordKind.REGISTER_RESIDENCE)}
    assert shown(client, state="da-gui") == {(failed.code, RecordKind.HEALTH_CARD)}
    assert shown(client, agency=Agency.SOCIAL_INSURANCE) == {(failed.code, RecordKind.HEALTH_CARD)}
    assert shown(client, state="gui-loi", agency=Agency.SOCIAL_INSURANCE) == set()
    assert shown(client, q=failed.code[-4:]) == shown(client)
    response = client.get(QUEUE, {"state": "gui-loi"})
    counts = {link["state"].slug: link["count"] for link in response.context["states"]}
    assert (counts["gui-loi"], counts["da-gui"], counts["qua-han"], counts["da-xong"]) == (1, 1, 0, None)
    assert [link["state"].slug for link in response.context["states"] if link["current"]] == ["gui-loi"]


def test_a_wrong_filter_value_is_ignored(failed, one_stop_a):
    assert len(shown(logged_in(one_stop_a), agency="bo-ngoai-giao")) == 2


def test_a_record_past_the_agencys_time_is_flagged_late(failed, clock, one_stop_a):
    card = record(failed, RecordKind.HEALTH_CARD)
    clock.now = card.due_at + timedelta(minutes=5)
    client = logged_in(one_stop_a)

    response = client.get(QUEUE, {"state": "qua-han"})

    assert {(row.kind, row.late) for row in response.context["page"].object_list} == {
        (RecordKind.REGISTER_RESIDENCE, True),
        (RecordKind.HEALTH_CARD, True),
    }
    assert "Quá hạn" in response.content.decode()
    answer(card)
    assert shown(client, state="qua-han") == {(failed.code, RecordKind.REGISTER_RESIDENCE)}


def test_the_dossier_code_leads_to_the_dossier_page_and_the_kind_to_the_record(failed, one_stop_a):
    page = logged_in(one_stop_a).get(QUEUE).content.decode()

    assert reverse("onecounter:dossier", kwargs={"uuid": failed.uuid}) in page
    assert record_url(record(failed)) in page


def test_the_worklists_lead_to_the_queue_and_back(failed, one_stop_a):
    client = logged_in(one_stop_a)
    worklist_url = reverse("onecounter:worklist", kwargs={"slug": "cho-tiep-nhan"})

    assert f'href="{QUEUE}"' in client.get(worklist_url).content.decode()
    assert f'href="{worklist_url}"' in client.get(QUEUE).content.decode(), "the workspace tabs"


def test_the_queue_is_get_only(one_stop_a):
    assert logged_in(one_stop_a).post(QUEUE).status_code == 405


# --- one record ------------------------------------------------------------------------------------------------


def test_the_record_page_shows_what_was_sent_every_attempt_and_the_reason(failed, one_stop_a):
    residence = record(failed)
    response = logged_in(one_stop_a).get(record_url(residence))
    page = response.content.decode()

    assert response.status_code == 200
    assert "POST /records (register_residence, attempt 1)" in page
    assert "422" in page
    assert "Không tìm thấy địa chỉ trong cơ sở dữ liệu cư trú." in page, "the agency's answer and the reason"
    assert " ms" in page
    assert "Hộ gia đình" in page and "Số 12 phố Phúc Xá, phường Hồng Hà, Hà Nội" in page, "the payload as rows"
    assert "Nguyễn Minh Anh" in page
    assert residence.due_at.astimezone().strftime("%d/%m/%Y") in page
    assert f'action="{resend_url(residence)}"' in page, "the commune's officer may re-send it"
    assert DossierAccess.objects.filter(dossier=failed, user=one_stop_a, detail__startswith="Hồ sơ liên thông").exists()


def test_the_record_page_shows_the_agencys_callbacks_and_result(failed, one_stop_a):
    card = record(failed, RecordKind.HEALTH_CARD)
    answer(card)

    page = logged_in(one_stop_a).get(record_url(card)).content.decode()

    assert "Kết quả của cơ quan" in page
    assert "TE1010100012345" in page and "30/11/2032" in page
    assert "Cơ quan báo kết quả" in page and "Đã ghi nhận" in page
    assert "Cơ quan đã giải quyết" in page, "the state"
    assert "Gửi lại" not in page


def test_a_leader_and_the_police_read_a_failed_record_without_the_resend_button(failed, leader_a, police_a):
    for user in (leader_a, police_a):
        page = logged_in(user).get(record_url(record(failed))).content.decode()
        assert resend_url(record(failed)) not in page
        assert "Cán bộ một cửa hoặc công chức tư pháp – hộ tịch của xã, phường sẽ gửi lại." in page


def test_another_communes_record_is_a_404(failed, one_stop_b):
    assert logged_in(one_stop_b).get(record_url(record(failed))).status_code == 404


def test_an_unknown_record_is_a_404(one_stop_a):
    url = reverse("onecounter:interconnect-record", kwargs={"uuid": uuid.uuid4()})
    assert logged_in(one_stop_a).get(url).status_code == 404


# --- re-send ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("desk", ["one_stop_a", "justice_a"])
def test_the_communes_officer_resends_a_failed_record(
    failed, clock, request, desk, agencies, django_capture_on_commit_callbacks
):
    officer = request.getfixturevalue(desk)
    residence = record(failed)
    clock.now += timedelta(minutes=20)

    with django_capture_on_commit_callbacks() as callbacks:
        response = logged_in(officer).post(resend_url(residence))

    assert response.status_code == 302 and response.url == record_url(residence)
    resent = record(failed)
    assert (resent.status, resent.attempts, resent.reason) == (RecordStatus.PENDING, 0, "")
    assert (resent.resent_by, resent.resent_at) == (officer, clock.now)
    assert len(callbacks) == 1, "one push scheduled after the commit"
    for callback in callbacks:
        callback()
    assert record(failed).status == RecordStatus.SENT
    assert len(agencies[Agency.POLICE].posts()) == 2


def test_a_second_click_does_nothing_and_says_so(failed, clock, justice_a, django_capture_on_commit_callbacks):
    client = logged_in(justice_a)
    residence = record(failed)
    client.post(resend_url(residence))
    first = record(failed)

    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(resend_url(residence), follow=True)

    assert response.status_code == 200
    assert callbacks == [], "nothing pushed again"
    again = record(failed)
    assert (again.status, again.resent_at, again.attempts) == (first.status, first.resent_at, first.attempts)
    texts = [str(message) for message in response.context["messages"]]
    assert any("đã được gửi lại lúc" in text for text in texts), texts


@pytest.mark.parametrize("who", ["leader_a", "police_a"])
def test_a_leader_or_the_police_may_not_resend(failed, request, who):
    response = logged_in(request.getfixturevalue(who)).post(resend_url(record(failed)))

    assert response.status_code == 403
    assert record(failed).status == RecordStatus.FAILED


def test_another_communes_officer_gets_a_404(failed, one_stop_b):
    assert logged_in(one_stop_b).post(resend_url(record(failed))).status_code == 404
    assert record(failed).status == RecordStatus.FAILED


def failing(dossier) -> LinkedRecord:
    """The dossier's police record, as it is after its last push failed."""
    LinkedRecord.objects.filter(dossier=dossier, agency=Agency.POLICE).update(status=RecordStatus.FAILED, reason="?")
    return record(dossier)


def test_the_holders_officer_resends_a_failed_record_of_an_old_communes_dossier(inherited, justice_a):
    residence = failing(inherited)

    assert resend_url(residence) in logged_in(justice_a).get(record_url(residence)).content.decode()
    assert logged_in(justice_a).post(resend_url(residence)).status_code == 302
    assert record(inherited).status == RecordStatus.PENDING


def test_the_old_communes_officer_may_not_resend_and_is_told_why(inherited, old_officers):
    residence = failing(inherited)
    client = logged_in(old_officers["justice"])

    page = client.get(record_url(residence)).content.decode()
    response = client.post(resend_url(residence))

    assert resend_url(residence) not in page
    assert "Tài khoản chỉ để xem hồ sơ trước đây" in page
    assert response.status_code == 403
    assert "chỉ xem hồ sơ trước đó" in response.content.decode()
    assert record(inherited).status == RecordStatus.FAILED


def test_a_get_on_resend_is_a_405(failed, one_stop_a):
    assert logged_in(one_stop_a).get(resend_url(record(failed))).status_code == 405


def test_a_record_that_did_not_fail_is_not_resent(failed, one_stop_a):
    card = record(failed, RecordKind.HEALTH_CARD)

    response = logged_in(one_stop_a).post(resend_url(card))

    assert response.status_code == 302
    assert record(failed, RecordKind.HEALTH_CARD).status == RecordStatus.SENT
    assert [str(message) for message in get_messages(response.wsgi_request)] == [
        "Hồ sơ liên thông này không ở trạng thái gửi không được, không cần gửi lại. Hãy tải lại trang."
    ]


# --- the dossier page ------------------------------------------------------------------------------------------


def test_the_dossier_page_lists_its_records_with_the_resend_button(failed, justice_a):
    client = logged_in(justice_a)
    dossier_url = reverse("onecounter:dossier", kwargs={"uuid": failed.uuid})

    page = client.get(dossier_url).content.decode()

    assert 'id="linked-heading"' in page
    assert record_url(record(failed)) in page and record_url(record(failed, RecordKind.HEALTH_CARD)) in page
    assert page.count(f'action="{resend_url(record(failed))}"') == 1
    assert resend_url(record(failed, RecordKind.HEALTH_CARD)) not in page
    response = client.post(resend_url(record(failed)), {"next": dossier_url})
    assert response.url == dossier_url


def next_action(client: Client, dossier) -> tuple[str, str]:
    """The "Việc tiếp theo" panel of the dossier page: (its HTML, its text with the tags and spacing removed)."""
    page = client.get(reverse("onecounter:dossier", kwargs={"uuid": dossier.uuid})).content.decode()
    start = page.index('aria-labelledby="next-heading"')
    panel = page[start : page.index("</section>", start)]
    return panel, " ".join(re.sub(r"<[^>]+>", " ", panel).split())


def test_the_next_action_of_a_registered_dossier_with_a_failed_record_is_to_resend_it(failed, justice_a):
    panel, text = next_action(logged_in(justice_a), failed)

    assert "Đã vào sổ hộ tịch. Việc liên thông cần cán bộ xử lý:" in text
    assert "Đăng ký thường trú cho trẻ – Công an (đăng ký cư trú): gửi không được, cần gửi lại. Xem và gửi lại" in text
    assert f'href="{record_url(record(failed))}"' in panel
    # The health card was sent and waits: nothing to do about it.
    assert record_url(record(failed, RecordKind.HEALTH_CARD)) not in panel
    assert "Bạn không có thao tác nào" not in text


def test_a_leader_reads_who_resends_the_failed_record(failed, leader_a):
    panel, text = next_action(logged_in(leader_a), failed)

    assert "gửi không được; cán bộ một cửa hoặc công chức tư pháp – hộ tịch của xã, phường sẽ gửi lại." in text
    assert "Xem hồ sơ liên thông" in text and f'href="{record_url(record(failed))}"' in panel


def test_the_next_action_of_a_registered_dossier_with_a_rejected_record_is_to_tell_the_requester(
    agencies, clock, signing, approve, birth_3in1, one_stop_a
):
    dossier = approve(signing(birth_3in1))
    answer(record(dossier), "rejected")
    assert dossier.linked_records.get(kind=RecordKind.HEALTH_CARD).status == RecordStatus.SENT

    panel, text = next_action(logged_in(one_stop_a), dossier)

    assert (
        "Đăng ký thường trú cho trẻ – Công an (đăng ký cư trú): cơ quan từ chối. "
        "Hãy báo người nộp lý do và hướng dẫn họ làm việc với cơ quan này. Xem lý do"
    ) in text
    assert f'href="{record_url(record(dossier))}"' in panel


def test_no_record_to_handle_while_the_agencies_work_nor_once_the_dossier_has_its_result(
    agencies, clock, signing, approve, birth_3in1, one_stop_a
):
    dossier = approve(signing(birth_3in1))
    client = logged_in(one_stop_a)

    panel, text = next_action(client, dossier)
    assert "Đã vào sổ hộ tịch. Hồ sơ tự chuyển sang" in text
    assert "Việc liên thông cần cán bộ xử lý" not in text and "lien-thong" not in panel

    answer(record(dossier), "rejected")
    answer(record(dossier, RecordKind.HEALTH_CARD))
    dossier.refresh_from_db()
    assert dossier.status == "result_ready"
    panel, text = next_action(client, dossier)
    assert "Việc liên thông cần cán bộ xử lý" not in text and "lien-thong" not in panel


def test_a_dossier_without_interconnection_has_no_section(submitted, walk_to, one_stop_a):
    dossier = walk_to("registered")
    page = logged_in(one_stop_a).get(reverse("onecounter:dossier", kwargs={"uuid": dossier.uuid})).content.decode()

    assert 'id="linked-heading"' not in page


# --- the citizen's page ----------------------------------------------------------------------------------------


def citizen_page(citizen, dossier) -> str:
    response = logged_in(citizen).get(reverse("procedures:dossier-detail", kwargs={"uuid": dossier.uuid}))
    assert response.status_code == 200
    return response.content.decode()


def test_the_citizen_reads_the_card_number_once_completed(failed, citizen):
    card = record(failed, RecordKind.HEALTH_CARD)
    page = citizen_page(citizen, failed)
    assert "Liên thông đăng ký thường trú, thẻ bảo hiểm y tế" in page
    assert "Đã gửi sang bảo hiểm xã hội, chờ cơ quan trả lời." in page
    assert "Đang gửi sang công an." in page, "a failed push is the office's business: the citizen reads 'being sent'"

    answer(card)

    page = citizen_page(citizen, failed)
    assert "Đã xong: thẻ BHYT số TE1010100012345, có giá trị từ 13/11/2026 đến 30/11/2032." in page


def test_the_citizen_reads_the_agencys_reason_after_a_rejection(agencies, clock, signing, approve, birth_3in1, citizen):
    dossier = approve(signing(birth_3in1))
    answer(record(dossier), "rejected")
    answer(record(dossier, RecordKind.HEALTH_CARD))

    page = citizen_page(citizen, dossier)

    assert "Cơ quan công an từ chối." in page and REFUSAL in page
    assert "Giấy tờ hộ tịch của bạn vẫn có giá trị." in page
    assert "Đã xong: số hộ khẩu" not in page


def test_before_signature_the_citizen_is_told_what_will_be_sent(citizen, commune_a):
    dossier = filed(
        procedure_of("birth_3in1", interconnections=["police", "social_insurance"]), unit=commune_a, applicant=citizen
    )

    page = citizen_page(citizen, dossier)

    assert "Sau khi hồ sơ được ký, xã, phường gửi tiếp sang công an, bảo hiểm xã hội." in page


def test_a_plain_birth_has_no_interconnect_section(citizen, submitted):
    assert 'id="linked-heading"' not in citizen_page(citizen, submitted)
