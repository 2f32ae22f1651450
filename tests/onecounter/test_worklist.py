"""The worklists: scoped to the officer's commune, counts in the tabs, search, filters, pagination, access."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from procedures.models import Channel, Dossier, Status
from procedures.services import dossier_create_draft, dossier_submit
from tests.procedures.helpers import filed, procedure_of
from tests.workcal.conftest import at

pytestmark = pytest.mark.django_db


def list_url(slug: str, **params) -> str:
    url = reverse("onecounter:worklist", kwargs={"slug": slug})
    if params:
        from urllib.parse import urlencode

        url += "?" + urlencode(params)
    return url


def shown(client: Client, slug: str, **params) -> list[str]:
    response = client.get(list_url(slug, **params))
    assert response.status_code == 200
    return [dossier.code for dossier in response.context["page"].object_list]


@pytest.fixture
def one_stop(client, one_stop_a):
    client.force_login(one_stop_a)
    return client


def test_each_desk_lands_on_its_own_list(client, one_stop_a, justice_a, leader_a):
    for user, slug in ((one_stop_a, "cho-tiep-nhan"), (justice_a, "da-tiep-nhan"), (leader_a, "cho-ky")):
        client.force_login(user)
        response = client.get(reverse("onecounter:workspace"))
        assert response.url == list_url(slug)


def test_the_list_holds_only_the_officers_commune(one_stop, submitted, citizen, commune_b):
    elsewhere = filed(submitted.procedure, unit=commune_b, applicant=citizen)
    codes = shown(one_stop, "cho-tiep-nhan")
    assert codes == [submitted.code]
    assert elsewhere.code not in shown(one_stop, "tat-ca")


def test_counts_in_the_tabs_follow_the_dossiers(one_stop, walk_to, citizen, commune_a):
    walk_to(Status.RECEIVED)
    filed(procedure_of("death"), unit=commune_a, applicant=citizen)
    response = one_stop.get(list_url("cho-tiep-nhan"))
    counts = {tab["worklist"].slug: tab["count"] for tab in response.context["tabs"]}
    assert counts["cho-tiep-nhan"] == 1
    assert counts["da-tiep-nhan"] == 1
    assert counts["tat-ca"] is None  # the archive is not counted
    assert counts["qua-han"] == 0
    # The one-stop officer's own lists come first.
    assert response.context["tabs"][0]["worklist"].slug == "cho-tiep-nhan"


def test_overdue_and_due_today(one_stop, walk_to):
    dossier = walk_to(Status.RECEIVED)
    now = timezone.now()
    Dossier.objects.filter(pk=dossier.pk).update(due_at=now - datetime.timedelta(hours=1))
    assert shown(one_stop, "qua-han") == [dossier.code]
    page = one_stop.get(list_url("qua-han")).content.decode()
    assert "portal-row-overdue" in page
    Dossier.objects.filter(pk=dossier.pk).update(due_at=now + datetime.timedelta(minutes=5))
    assert shown(one_stop, "qua-han") == []
    local_end_of_day = timezone.localtime(now).replace(hour=23, minute=59)
    if now + datetime.timedelta(minutes=5) < local_end_of_day:
        assert shown(one_stop, "den-han-hom-nay") == [dossier.code]


def test_a_paused_dossier_is_not_overdue(one_stop, walk_to, justice_a):
    from procedures.services import dossier_request_supplement

    dossier = walk_to(Status.PROCESSING)
    Dossier.objects.filter(pk=dossier.pk).update(due_at=timezone.now() - datetime.timedelta(hours=1))
    dossier_request_supplement(dossier=dossier, officer=justice_a, reason="Thiếu giấy chứng sinh.")
    assert shown(one_stop, "qua-han") == []
    assert shown(one_stop, "cho-bo-sung") == [dossier.code]


def test_search_by_code_name_and_id_number(one_stop, submitted):
    assert shown(one_stop, "tat-ca", q=submitted.code) == [submitted.code]
    assert shown(one_stop, "tat-ca", q=submitted.code[-4:]) == [submitted.code]
    assert shown(one_stop, "tat-ca", q="Văn An") == [submitted.code]
    assert shown(one_stop, "tat-ca", q="001090012345") == [submitted.code]
    # The mother's ID number, typed in the declaration only.
    assert shown(one_stop, "tat-ca", q="001195000001") == [submitted.code]
    assert shown(one_stop, "tat-ca", q="Không Có Ai") == []


def test_filters_by_procedure_channel_status_and_date(one_stop, submitted, citizen, commune_a):
    death = filed(procedure_of("death"), unit=commune_a, applicant=citizen)
    assert shown(one_stop, "tat-ca", procedure=death.procedure_id) == [death.code]
    assert shown(one_stop, "tat-ca", channel="counter") == []
    assert set(shown(one_stop, "tat-ca", channel="online_self")) == {submitted.code, death.code}
    assert shown(one_stop, "tat-ca", status="received") == []
    today = timezone.localdate().strftime("%d/%m/%Y")
    assert len(shown(one_stop, "tat-ca", date_from=today, date_to=today)) == 2
    # A wrong date is ignored with a message beside the field, not a server error.
    response = one_stop.get(list_url("tat-ca", date_from="15/15/2016"))
    assert response.status_code == 200
    assert response.context["form"].errors["date_from"]


def test_pagination_keeps_the_filters(one_stop, citizen, commune_a):
    procedure = procedure_of("death")
    for _ in range(27):
        filed(procedure, unit=commune_a, applicant=citizen)
    first = one_stop.get(list_url("tat-ca", channel="online_self"))
    assert len(first.context["page"].object_list) == 25
    assert "channel=online_self&amp;trang=2" in first.content.decode()
    second = one_stop.get(list_url("tat-ca", channel="online_self", trang=2))
    assert len(second.context["page"].object_list) == 2


def test_a_citizens_draft_is_not_on_any_list(one_stop, draft):
    assert shown(one_stop, "dang-nhap") == []
    assert shown(one_stop, "tat-ca") == []


def test_the_lists_are_for_officers_who_handle_dossiers(
    client, clock, citizen, old_commune_a, submitted, police_a, district_staff, city_staff
):
    # A dossier Phường Phúc Xá received before the reform; `submitted` is Phường Hồng Hà's of today.
    clock.set(at(2025, 6, 20, 9))
    draft = dossier_create_draft(
        procedure=submitted.procedure, unit=old_commune_a, applicant=citizen, channel=Channel.ONLINE_SELF
    )
    before = dossier_submit(dossier=draft, actor=citizen)
    clock.set(at(2026, 12, 7, 9))
    assert client.get(list_url("tat-ca")).status_code == 302
    client.force_login(citizen)
    assert client.get(list_url("tat-ca")).status_code == 403
    client.force_login(police_a)
    assert client.get(list_url("tat-ca")).status_code == 403
    # The staff of a district of before read its communes' history, not the communes of today.
    client.force_login(district_staff)
    assert shown(client, "tat-ca") == [before.code]
    client.force_login(city_staff)
    assert set(shown(client, "tat-ca")) == {submitted.code, before.code}


# --- the old communes a commune of today holds since the reform ---------------------------------------------------


def test_the_holder_lists_its_predecessors_open_dossiers_with_its_own(
    client, clock, from_before_reform, submitted, one_stop_a, one_stop_b
):
    old = from_before_reform(Status.SUBMITTED)
    client.force_login(one_stop_a)

    response = client.get(list_url("cho-tiep-nhan"))

    assert [dossier.code for dossier in response.context["page"].object_list] == [old.code, submitted.code]
    assert {tab["worklist"].slug: tab["count"] for tab in response.context["tabs"]}["cho-tiep-nhan"] == 2
    assert "Phường Phúc Xá</span>" in response.content.decode()  # the old commune is named in its row
    client.force_login(one_stop_b)
    assert shown(client, "tat-ca") == []


def test_the_holder_finds_an_old_communes_registered_dossier_by_the_requesters_id_number(
    client, clock, from_before_reform, justice_a
):
    from tests.dossiers import BEFORE_REFORM

    old = from_before_reform(Status.DELIVERED, moment=BEFORE_REFORM)
    client.force_login(justice_a)

    assert shown(client, "tat-ca", q="001090012345") == [old.code]
    assert shown(client, "tat-ca", q="Nguyễn Văn An") == [old.code]


@pytest.mark.parametrize("who", ["old_one_stop", "district_staff"])
def test_an_account_of_before_the_reform_lands_on_the_old_dossiers_and_is_told_it_reads_only(
    request, client, clock, from_before_reform, old_officers, submitted, who
):
    old = from_before_reform(Status.SUBMITTED)
    user = old_officers["one_stop"] if who == "old_one_stop" else request.getfixturevalue(who)
    client.force_login(user)

    assert client.get(reverse("onecounter:workspace")).url == list_url("tat-ca")
    response = client.get(list_url("tat-ca"))
    html = response.content.decode()
    assert [dossier.code for dossier in response.context["page"].object_list] == [old.code]
    assert "Tài khoản chỉ để xem hồ sơ trước đây" in html
    assert reverse("onecounter:intake") not in html, "no paper intake"
    assert submitted.code not in html


def test_a_one_stop_officer_of_today_is_offered_the_paper_intake(one_stop):
    html = one_stop.get(list_url("cho-tiep-nhan")).content.decode()

    assert reverse("onecounter:intake") in html
    assert "Tài khoản chỉ để xem hồ sơ trước đây" not in html


def test_an_unknown_list_is_not_found_and_post_is_refused(one_stop):
    assert one_stop.get(list_url("khong-co")).status_code == 404
    assert one_stop.post(list_url("tat-ca")).status_code == 405


def test_the_list_page_costs_a_fixed_number_of_queries(one_stop, citizen, commune_a, django_assert_max_num_queries):
    procedure = procedure_of("death")
    for _ in range(10):
        filed(procedure, unit=commune_a, applicant=citizen)
    with django_assert_max_num_queries(10):
        one_stop.get(list_url("tat-ca"))
