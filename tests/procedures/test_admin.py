"""The procedures admin: the catalogue is edited there; dossiers and their access log are only looked at, the status
never set, an access never changed or removed."""

import pytest
from django.urls import reverse

from egov.accounts.models import User
from procedures.models import Dossier, DossierAccess, Status
from procedures.services import dossier_access_record, dossier_receive, dossier_submit
from tests.conftest import login_verified

DOSSIERS = reverse("admin:procedures_dossier_changelist")
PROCEDURES = reverse("admin:procedures_procedure_changelist")


@pytest.fixture
def city_admin(client, db):
    login_verified(client, User.objects.create_superuser("so.tttt", "x", full_name="Cán bộ Sở"))
    return client


@pytest.fixture
def received(draft, citizen, one_stop_a):
    return dossier_receive(dossier=dossier_submit(dossier=draft, actor=citizen), officer=one_stop_a)


def change_url(dossier: Dossier) -> str:
    return reverse("admin:procedures_dossier_change", args=[dossier.pk])


def test_the_procedure_list_and_search(city_admin, birth_procedure):
    response = city_admin.get(PROCEDURES, {"q": "khai sinh"})

    assert response.status_code == 200
    assert [p.code for p in response.context["cl"].result_list] == ["KS"]
    assert city_admin.get(reverse("admin:procedures_procedure_change", args=[birth_procedure.pk])).status_code == 200


def test_the_dossier_list_shows_and_finds_by_code(city_admin, received):
    response = city_admin.get(DOSSIERS, {"q": received.code})

    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [received]
    html = response.text
    for shown in (received.code, "Đăng ký khai sinh", "Phường Hồng Hà", "Đã tiếp nhận"):
        assert shown in html


def test_the_dossier_list_finds_by_requester_and_filters_by_status(city_admin, received, draft):
    assert list(city_admin.get(DOSSIERS, {"q": "Nguyễn Văn An"}).context["cl"].result_list) == [received]
    assert city_admin.get(DOSSIERS, {"status__exact": Status.SUBMITTED}).context["cl"].result_count == 0
    assert city_admin.get(DOSSIERS, {"status__exact": Status.RECEIVED}).context["cl"].result_count == 1


def test_the_dossier_page_shows_events_and_no_status_input(city_admin, received):
    response = city_admin.get(change_url(received))

    assert response.status_code == 200
    html = response.text
    assert 'name="status"' not in html
    assert "<select" not in html
    assert "Đã tiếp nhận" in html
    # The event log: the two earlier states appear only there.
    assert "Đang soạn" in html and "Đã nộp, chờ tiếp nhận" in html
    assert "Lê Thị Cúc" in html


def test_a_posted_status_is_refused_and_nothing_changes(city_admin, received):
    response = city_admin.post(change_url(received), {"status": Status.REGISTERED})

    assert response.status_code == 403
    stored = Dossier.objects.get(pk=received.pk)
    assert stored.status == Status.RECEIVED
    assert stored.events.count() == 2


def test_dossiers_are_neither_added_nor_deleted_here(city_admin, received):
    assert city_admin.get(reverse("admin:procedures_dossier_add")).status_code == 403
    assert (
        city_admin.post(reverse("admin:procedures_dossier_delete", args=[received.pk]), {"post": "yes"}).status_code
        == 403
    )
    assert Dossier.objects.filter(pk=received.pk).exists()


def test_the_access_log_is_read_and_never_changed_here(city_admin, received, one_stop_a):
    dossier_access_record(dossier=received, user=one_stop_a, what=DossierAccess.What.DOSSIER)
    access = DossierAccess.objects.get()
    change = reverse("admin:procedures_dossieraccess_change", args=[access.pk])

    listing = city_admin.get(reverse("admin:procedures_dossieraccess_changelist"), {"q": received.code})
    assert list(listing.context["cl"].result_list) == [access]
    assert city_admin.get(change).status_code == 200
    assert city_admin.post(change, {"detail": "sửa lại"}).status_code == 403
    assert city_admin.get(reverse("admin:procedures_dossieraccess_add")).status_code == 403
    delete = reverse("admin:procedures_dossieraccess_delete", args=[access.pk])
    assert city_admin.post(delete, {"post": "yes"}).status_code == 403
    assert DossierAccess.objects.get().detail == ""


def test_the_admin_needs_a_staff_login(client, db):
    response = client.get(DOSSIERS)

    assert response.status_code == 302
    assert "/login/" in response["Location"]
