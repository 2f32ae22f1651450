"""The audit: who opened which dossier and who did what, read by the commune leader and by city staff only."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from egov.accounts.models import Role
from procedures.attachments import attachment_add
from procedures.declarations.samples import sample_data
from procedures.models import DossierAccess
from procedures.services import dossier_receive, dossier_save_draft, dossier_submit
from tests.personas import make_user
from tests.procedures.helpers import PDF, filed

pytestmark = pytest.mark.django_db

AUDIT = reverse("onecounter:audit")


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_opening_a_dossier_is_written_down(submitted, one_stop_a):
    logged_in(one_stop_a).get(reverse("onecounter:dossier", kwargs={"uuid": submitted.uuid}))
    access = DossierAccess.objects.get()
    assert (access.dossier, access.user, access.what) == (submitted, one_stop_a, DossierAccess.What.DOSSIER)


def test_an_officers_download_is_written_down_the_owners_is_not(draft, one_stop_a, citizen):
    upload = SimpleUploadedFile("giấy chứng sinh.pdf", PDF, "application/pdf")
    attachment = attachment_add(dossier=draft, document="giay-chung-sinh", uploaded_file=upload, user=citizen)
    dossier_save_draft(dossier=draft, data=sample_data(draft.procedure, on=datetime.date.today()), step="kiem-tra")
    dossier_submit(dossier=draft, actor=citizen)
    url = reverse("procedures:attachment-download", kwargs={"uuid": draft.uuid, "pk": attachment.pk})
    assert logged_in(citizen).get(url).status_code == 200
    assert not DossierAccess.objects.exists()
    assert logged_in(one_stop_a).get(url).status_code == 200
    access = DossierAccess.objects.get()
    assert (access.user, access.what, access.detail) == (one_stop_a, "attachment", "giấy chứng sinh.pdf")


def open_each_view(who: str, *, sent_3in1, request) -> DossierAccess.What:
    """Open one officer or agency view of `sent_3in1` as `who`; the kind of look it should write down."""
    if who == "police_a":
        record = sent_3in1.linked_records.get(agency="police")
        url, what = reverse("onecounter:interconnect-record", args=(record.uuid,)), DossierAccess.What.DOSSIER
    elif who == "justice_a":
        url, what = (
            reverse("onecounter:document", args=(sent_3in1.uuid, "phieu-kiem-soat")),
            DossierAccess.What.DOCUMENT,
        )
    else:
        url, what = reverse("onecounter:dossier", args=(sent_3in1.uuid,)), DossierAccess.What.DOSSIER
    assert logged_in(request.getfixturevalue(who)).get(url).status_code == 200
    return what


@pytest.mark.parametrize("who", ["one_stop_a", "leader_a", "city_staff", "justice_a", "police_a"])
def test_each_officer_or_agency_view_writes_exactly_one_access(request, sent_3in1, who):
    """The dossier page, a printed document, a linked record's page: one look, one row (the attachment download is
    covered above)."""
    what = open_each_view(who, sent_3in1=sent_3in1, request=request)

    assert list(DossierAccess.objects.values_list("dossier", "user__username", "what")) == [
        (sent_3in1.pk, request.getfixturevalue(who).username, what)
    ]


def test_the_leader_reads_who_did_what_in_their_commune_only(submitted, one_stop_a, leader_a, citizen, commune_b):
    dossier_receive(dossier=submitted, officer=one_stop_a)
    elsewhere = filed(submitted.procedure, unit=commune_b, applicant=citizen)
    page = logged_in(leader_a).get(AUDIT)
    assert page.status_code == 200
    codes = {event.dossier.code for event in page.context["page"].object_list}
    assert codes == {submitted.code}
    assert elsewhere.code not in page.content.decode()
    assert "Lê Thị Cúc (motcua.a)" in page.content.decode()


def test_the_leader_reads_who_opened_which_dossier(submitted, one_stop_a, leader_a):
    logged_in(one_stop_a).get(reverse("onecounter:dossier", kwargs={"uuid": submitted.uuid}))
    page = logged_in(leader_a).get(AUDIT, {"xem": "luot-xem", "q": submitted.code})
    rows = list(page.context["page"].object_list)
    assert [(row.user, row.what) for row in rows] == [(one_stop_a, "dossier")]


def test_the_next_page_keeps_the_view_and_the_search(submitted, one_stop_a, leader_a):
    officer = logged_in(one_stop_a)
    for _ in range(51):  # one more than a page
        officer.get(reverse("onecounter:dossier", kwargs={"uuid": submitted.uuid}))
    page = logged_in(leader_a).get(AUDIT, {"xem": "luot-xem", "q": submitted.code})
    assert f'href="?xem=luot-xem&amp;q={submitted.code}&amp;trang=2"' in page.content.decode()
    second = logged_in(leader_a).get(AUDIT, {"xem": "luot-xem", "q": submitted.code, "trang": 2})
    assert len(second.context["page"].object_list) == 1
    assert f'href="?xem=luot-xem&amp;q={submitted.code}&amp;trang=1"' in second.content.decode()


def test_city_staff_read_every_commune(submitted, citizen, commune_b, city):
    elsewhere = filed(submitted.procedure, unit=commune_b, applicant=citizen)
    staff = make_user("thanhpho", Role.CITY, city)
    page = logged_in(staff).get(AUDIT)
    codes = {event.dossier.code for event in page.context["page"].object_list}
    assert codes == {submitted.code, elsewhere.code}


def test_the_dossier_page_shows_its_readers_to_the_leader_only(submitted, one_stop_a, leader_a):
    url = reverse("onecounter:dossier", kwargs={"uuid": submitted.uuid})
    assert "Ai đã xem hồ sơ" not in logged_in(one_stop_a).get(url).content.decode()
    page = logged_in(leader_a).get(url).content.decode()
    assert "Ai đã xem hồ sơ" in page
    assert "Lê Thị Cúc" in page


def test_others_may_not_read_the_audit(client, one_stop_a, justice_a, citizen, district_staff):
    assert client.get(AUDIT).status_code == 302
    for user in (one_stop_a, justice_a, citizen, district_staff):
        assert logged_in(user).get(AUDIT).status_code == 403


# --- an old commune's history: read at the commune that holds its records, and by its own accounts ---------------


def audited_codes(user) -> set[str]:
    return {event.dossier.code for event in logged_in(user).get(AUDIT).context["page"].object_list}


def test_the_holders_leader_reads_what_was_done_to_the_old_communes_dossiers(
    clock, from_before_reform, submitted, leader_a, leader_b
):
    old = from_before_reform("received")

    assert audited_codes(leader_a) == {old.code, submitted.code}
    assert "Đinh Thị Xuân (motcua.phucxa)" in logged_in(leader_a).get(AUDIT).content.decode()
    assert audited_codes(leader_b) == set()


def test_the_old_communes_leader_reads_its_own_history_only(clock, from_before_reform, submitted, old_officers):
    old = from_before_reform("received")

    response = logged_in(old_officers["leader"]).get(AUDIT)

    assert {event.dossier.code for event in response.context["page"].object_list} == {old.code}
    assert submitted.code not in response.content.decode()
