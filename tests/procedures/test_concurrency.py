"""Races on PostgreSQL: parallel submissions get distinct consecutive codes, of two clicks at once one wins, and
parallel approvals number the register without gaps or duplicates."""

import pytest
from django.db import connection

from egov.accounts.models import Role
from egov.notifications import gateway
from procedures.declarations.samples import sample_data
from procedures.models import Channel, Dossier, DossierEvent, RegisterBook, RegisterCounter, RegisterEntry, Status
from procedures.selectors import dossiers_filed_by
from procedures.services import (
    DossierActionError,
    dossier_approve,
    dossier_create_draft,
    dossier_file,
    dossier_propose,
    dossier_receive,
    dossier_save_draft,
    dossier_start,
    dossier_submit,
)
from tests.conftest import require_in_ci
from tests.personas import make_user
from tests.procedures.helpers import make_procedure, race
from tests.workcal.conftest import at

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _postgresql(settings, monkeypatch):
    if connection.vendor != "postgresql":
        require_in_ci("PostgreSQL")
    # Notifications run in the racing threads instead of going to a broker the test cannot see.
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.SMS_BACKEND = "locmem"
    monkeypatch.setattr("django.utils.timezone.now", lambda: at(2026, 12, 7, 9))
    yield
    gateway.sms_outbox.clear()


def test_twenty_parallel_submissions_get_twenty_consecutive_codes(citizen, commune_a, birth_procedure):
    drafts = [
        dossier_create_draft(procedure=birth_procedure, unit=commune_a, applicant=citizen, channel=Channel.ONLINE_SELF)
        for _ in range(20)
    ]

    results, errors = race([lambda draft=draft: dossier_submit(dossier=draft, actor=citizen) for draft in drafts])

    assert errors == []
    assert sorted(dossier.code for dossier in results) == [f"00097-261207-{n:04d}" for n in range(1, 21)]
    assert sorted(Dossier.objects.values_list("code", flat=True)) == [f"00097-261207-{n:04d}" for n in range(1, 21)]
    assert len(gateway.sms_outbox) == 20


def test_two_clicks_on_submit_at_once_file_the_dossier_once(citizen, commune_a):
    procedure = make_procedure("TL", form_kind="extract_copy", name="Cấp bản sao trích lục hộ tịch")
    draft = dossier_create_draft(procedure=procedure, unit=commune_a, applicant=citizen, channel=Channel.ONLINE_SELF)
    dossier_save_draft(dossier=draft, data=sample_data(procedure, on=draft.created_at.date()), step="kiem-tra")

    results, errors = race(
        [
            lambda: dossier_file(dossiers=dossiers_filed_by(citizen), uuid=draft.uuid, actor=citizen, at_counter=False)
            for _ in range(2)
        ]
    )

    # The second click waited for the first and got the filed dossier back, with the one code there is.
    assert errors == []
    assert [dossier.code for dossier in results] == ["00097-261207-0001"] * 2
    assert DossierEvent.objects.filter(dossier=draft, action="submit").count() == 1


def test_two_officers_receiving_at_once_one_wins(draft, citizen, one_stop_a, commune_a):
    colleague = make_user("motcua.a2", one_stop_a.role, commune_a, full_name="Trịnh Văn Phúc")
    dossier = dossier_submit(dossier=draft, actor=citizen)

    results, errors = race(
        [
            lambda officer=officer: dossier_receive(dossier=dossier, officer=officer)
            for officer in (one_stop_a, colleague)
        ]
    )

    assert len(results) == 1
    [error] = errors
    assert isinstance(error, DossierActionError)
    assert "Có thể một cán bộ khác vừa xử lý" in str(error)
    assert Dossier.objects.get(pk=dossier.pk).status == Status.RECEIVED
    [event] = DossierEvent.objects.filter(dossier=dossier, action="receive")
    assert event.actor == results[0].events.get(action="receive").actor


def test_two_leaders_approving_at_once_one_wins(draft, citizen, one_stop_a, justice_a, leader_a, commune_a):
    deputy = make_user("lanhdao.a2", leader_a.role, commune_a, full_name="Tạ Thị Quyên")
    dossier = dossier_submit(dossier=draft, actor=citizen)
    dossier = dossier_receive(dossier=dossier, officer=one_stop_a)
    dossier = dossier_start(dossier=dossier, officer=justice_a)
    dossier = dossier_propose(dossier=dossier, officer=justice_a)

    results, errors = race(
        [lambda leader=leader: dossier_approve(dossier=dossier, leader=leader) for leader in (leader_a, deputy)]
    )

    assert len(results) == 1
    [error] = errors
    assert isinstance(error, DossierActionError)
    assert "Có thể một cán bộ khác vừa xử lý" in str(error)
    # Registered, then settled as soon as the approval committed: a plain birth waits for no linked record.
    assert Dossier.objects.get(pk=dossier.pk).status == Status.RESULT_READY
    [event] = DossierEvent.objects.filter(dossier=dossier, action="approve")
    [entry] = RegisterEntry.objects.all()
    assert (entry.dossier_id, entry.number, entry.signed_by) == (dossier.pk, 1, event.actor)
    assert RegisterCounter.objects.get().last == 1


def test_parallel_approvals_number_each_register_one_to_n(commune_a, birth_procedure, one_stop_a, justice_a):
    death_procedure = make_procedure("KT", form_kind="death", name="Đăng ký khai tử")
    leaders = [make_user(f"lanhdao.a{n}", Role.LEADER, commune_a, full_name=f"Lãnh đạo {n}") for n in range(3)]
    dossiers = []
    for procedure in [birth_procedure] * 10 + [death_procedure] * 6:
        dossier = dossier_create_draft(
            procedure=procedure, unit=commune_a, applicant=one_stop_a, channel=Channel.COUNTER
        )
        dossier = dossier_submit(dossier=dossier, actor=one_stop_a)
        dossier = dossier_receive(dossier=dossier, officer=one_stop_a)
        dossier = dossier_start(dossier=dossier, officer=justice_a)
        dossiers.append(dossier_propose(dossier=dossier, officer=justice_a))

    results, errors = race(
        [
            lambda dossier=dossier, leader=leaders[n % 3]: dossier_approve(dossier=dossier, leader=leader)
            for n, dossier in enumerate(dossiers)
        ]
    )

    assert errors == []
    assert len(results) == 16
    numbers = {
        book: sorted(RegisterEntry.objects.filter(book=book).values_list("number", flat=True))
        for book in (RegisterBook.BIRTH, RegisterBook.DEATH)
    }
    assert numbers == {RegisterBook.BIRTH: list(range(1, 11)), RegisterBook.DEATH: list(range(1, 7))}
    assert dict(RegisterCounter.objects.values_list("book", "last")) == {RegisterBook.BIRTH: 10, RegisterBook.DEATH: 6}
    # Each dossier's event tells the number its own entry got.
    for entry in RegisterEntry.objects.all():
        details = DossierEvent.objects.get(dossier=entry.dossier_id, action="approve").details
        assert details == {"register_number": entry.number, "book_number": entry.book_number}
