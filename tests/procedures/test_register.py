"""The civil-status register: approval numbers one entry per dossier, per commune, book and year, without gaps."""

from datetime import date, datetime

import pytest
from django.core.exceptions import ValidationError

from procedures.declarations.samples import sample_data
from procedures.models import Channel, Dossier, DossierEvent, RegisterBook, RegisterCounter, RegisterEntry, Status
from procedures.numbering import register_book_number
from procedures.services import (
    DossierActionError,
    dossier_approve,
    dossier_create_draft,
    dossier_propose,
    dossier_receive,
    dossier_save_draft,
    dossier_start,
    dossier_submit,
)
from tests.procedures.helpers import make_procedure
from tests.workcal.conftest import at

pytestmark = pytest.mark.django_db

# Monday 7 December 2026, a working day.
MONDAY_9 = at(2026, 12, 7, 9)
# A girl born ten days before that Monday, as the sample declaration says.
GIRL_2026 = "001326000123"


@pytest.fixture
def death_procedure(db):
    return make_procedure("KT", form_kind="death", name="Đăng ký khai tử")


@pytest.fixture
def officers_a(one_stop_a, justice_a, leader_a):
    return one_stop_a, justice_a, leader_a


@pytest.fixture
def officers_b(one_stop_b, justice_b, leader_b):
    return one_stop_b, justice_b, leader_b


def to_signature(procedure, officers, *, data: dict | None = None) -> Dossier:
    """A counter dossier of `procedure` at the officers' commune, walked up to the leader's signature."""
    one_stop, justice, _leader = officers
    dossier = dossier_create_draft(procedure=procedure, unit=one_stop.unit, applicant=one_stop, channel=Channel.COUNTER)
    if data is not None:
        dossier = dossier_save_draft(dossier=dossier, data=data, step="")
    dossier = dossier_submit(dossier=dossier, actor=one_stop)
    dossier = dossier_receive(dossier=dossier, officer=one_stop)
    dossier = dossier_start(dossier=dossier, officer=justice)
    return dossier_propose(dossier=dossier, officer=justice)


def approved(procedure, officers, **kwargs) -> RegisterEntry:
    dossier = dossier_approve(dossier=to_signature(procedure, officers), leader=officers[2], **kwargs)
    return RegisterEntry.objects.get(dossier=dossier)


def series() -> list[tuple]:
    entries = RegisterEntry.objects.order_by("unit__code", "book", "year", "number")
    return list(entries.values_list("unit__code", "book", "year", "number", "book_number"))


def approve_event(dossier: Dossier) -> DossierEvent:
    return DossierEvent.objects.get(dossier=dossier, action="approve")


# --- numbering ----------------------------------------------------------------------------------------


def test_each_approval_writes_one_entry_numbered_in_turn(clock, birth_procedure, officers_a, leader_a, commune_a):
    dossiers = [to_signature(birth_procedure, officers_a) for _ in range(3)]

    for dossier in dossiers:
        dossier_approve(dossier=dossier, leader=leader_a)

    entries = [RegisterEntry.objects.get(dossier=dossier) for dossier in dossiers]
    assert [(e.unit, e.book, e.year, e.number, e.book_number) for e in entries] == [
        (commune_a, RegisterBook.BIRTH, 2026, n, "01/2026") for n in (1, 2, 3)
    ]
    assert {(e.signed_by, e.registered_at, e.personal_id_number) for e in entries} == {(leader_a, MONDAY_9, "")}
    assert RegisterEntry.objects.count() == 3
    assert RegisterCounter.objects.get(unit=commune_a, book=RegisterBook.BIRTH, year=2026).last == 3


def test_the_approve_event_carries_the_register_and_book_numbers(clock, birth_procedure, officers_a, leader_a):
    approved(birth_procedure, officers_a)
    dossier = dossier_approve(dossier=to_signature(birth_procedure, officers_a), leader=leader_a)

    event = approve_event(dossier)
    assert (event.from_status, event.to_status, event.actor) == (Status.AWAITING_SIGNATURE, Status.REGISTERED, leader_a)
    assert event.details == {"register_number": 2, "book_number": "01/2026"}


def test_books_communes_and_years_each_have_their_own_series(
    clock, birth_procedure, death_procedure, officers_a, officers_b
):
    death_3in1 = make_procedure("KT-LT", form_kind="death_residence", days="3", name="Khai tử – xóa thường trú")
    approved(birth_procedure, officers_a)
    approved(death_procedure, officers_a)
    approved(birth_procedure, officers_b)
    approved(birth_procedure, officers_a)
    # Both death procedures write in the one death register.
    approved(death_3in1, officers_a)
    clock.now = at(2027, 1, 4, 9)
    approved(death_procedure, officers_a)
    approved(birth_procedure, officers_a)

    assert series() == [
        ("00004", "birth", 2026, 1, "01/2026"),
        ("00097", "birth", 2026, 1, "01/2026"),
        ("00097", "birth", 2026, 2, "01/2026"),
        ("00097", "birth", 2027, 1, "01/2027"),
        ("00097", "death", 2026, 1, "01/2026"),
        ("00097", "death", 2026, 2, "01/2026"),
        ("00097", "death", 2027, 1, "01/2027"),
    ]


@pytest.mark.parametrize(
    ("moment", "year"),
    [(at(2026, 12, 31, 23, 30), 2026), (at(2027, 1, 1, 0, 30), 2027)],
    ids=["new-year-eve", "new-year-in-hanoi-still-2026-in-utc"],
)
def test_the_year_is_the_year_in_hanoi(clock, birth_procedure, officers_a, moment: datetime, year: int):
    dossier = to_signature(birth_procedure, officers_a)
    clock.now = moment

    entry = RegisterEntry.objects.get(dossier=dossier_approve(dossier=dossier, leader=officers_a[2]))

    assert (entry.year, entry.number, entry.book_number) == (year, 1, f"01/{year}")


def test_a_new_volume_starts_every_register_book_size_entries(clock, settings, birth_procedure, officers_a):
    settings.REGISTER_BOOK_SIZE = 2

    entries = [approved(birth_procedure, officers_a) for _ in range(5)]

    assert [(e.number, e.book_number) for e in entries] == [
        (1, "01/2026"),
        (2, "01/2026"),
        (3, "02/2026"),
        (4, "02/2026"),
        (5, "03/2026"),
    ]


@pytest.mark.parametrize(
    ("size", "number", "book"),
    [(500, 1, "01/2026"), (500, 500, "01/2026"), (500, 501, "02/2026"), (500, 5000, "10/2026"), (1, 12, "12/2026")],
)
def test_register_book_number(settings, size, number, book):
    settings.REGISTER_BOOK_SIZE = size

    assert register_book_number(number=number, year=2026) == book


# --- a failed approval leaves no trace ----------------------------------------------------------------


def register_state(dossier: Dossier) -> tuple:
    stored = Dossier.objects.get(pk=dossier.pk)
    return (
        stored.status,
        stored.events.count(),
        RegisterEntry.objects.count(),
        list(RegisterCounter.objects.values_list("book", "year", "last")),
    )


@pytest.mark.parametrize("persona", ["justice_a", "one_stop_a", "leader_b", "citizen"])
def test_a_refused_approval_writes_no_entry_and_leaves_no_gap(request, clock, birth_procedure, officers_a, persona):
    approved(birth_procedure, officers_a)
    dossier = to_signature(birth_procedure, officers_a)
    before = register_state(dossier)

    with pytest.raises(DossierActionError, match="Bạn không có quyền"):
        dossier_approve(dossier=dossier, leader=request.getfixturevalue(persona))

    assert register_state(dossier) == before
    entry = RegisterEntry.objects.get(dossier=dossier_approve(dossier=dossier, leader=officers_a[2]))
    assert entry.number == 2


def test_an_approval_from_the_wrong_state_writes_no_entry(clock, birth_procedure, officers_a, leader_a):
    dossier = dossier_approve(dossier=to_signature(birth_procedure, officers_a), leader=leader_a)
    before = register_state(dossier)

    with pytest.raises(DossierActionError, match="không thể thực hiện thao tác này"):
        dossier_approve(dossier=dossier, leader=leader_a)

    assert register_state(dossier) == before


def test_a_failure_after_the_entry_is_written_rolls_the_number_back(
    clock, monkeypatch, birth_procedure, officers_a, leader_a
):
    dossier = to_signature(birth_procedure, officers_a)
    before = register_state(dossier)

    def lost_connection(**fields):
        raise RuntimeError("the database went away while writing the event")

    monkeypatch.setattr(DossierEvent.objects, "create", lost_connection)
    with pytest.raises(RuntimeError):
        dossier_approve(dossier=dossier, leader=leader_a)
    monkeypatch.undo()
    clock.now = MONDAY_9

    assert register_state(dossier) == before
    assert approved(birth_procedure, officers_a).number == 1


# --- the newborn's personal ID number -------------------------------------------------------------------


@pytest.fixture
def birth_at_signature(clock, birth_procedure, officers_a) -> Dossier:
    """A girl born on 27/11/2026, as the sample declaration has it, waiting for the leader's signature."""
    return to_signature(birth_procedure, officers_a, data=sample_data(birth_procedure, on=date(2026, 12, 7)))


def test_the_newborns_id_number_is_written_in_the_entry_and_the_event(birth_at_signature, leader_a):
    assert birth_at_signature.data["tre-em"]["sex"] == "female"
    assert birth_at_signature.data["tre-em"]["birth_date"] == "2026-11-27"

    dossier = dossier_approve(dossier=birth_at_signature, leader=leader_a, personal_id_number="001 326 000.123")

    assert RegisterEntry.objects.get(dossier=dossier).personal_id_number == GIRL_2026
    assert approve_event(dossier).details == {
        "personal_id_number": GIRL_2026,
        "register_number": 1,
        "book_number": "01/2026",
    }


def test_a_3in1_birth_also_takes_the_id_number(clock, officers_a, leader_a):
    procedure = make_procedure("KS-LT", form_kind="birth_3in1", days="3", name="Liên thông khai sinh")
    dossier = to_signature(procedure, officers_a, data=sample_data(procedure, on=date(2026, 12, 7)))

    dossier = dossier_approve(dossier=dossier, leader=leader_a, personal_id_number=GIRL_2026)

    assert RegisterEntry.objects.get(dossier=dossier).personal_id_number == GIRL_2026


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("001226000123", "không khớp với giới tính"),  # a boy born in 2026
        ("001325000123", "không khớp với năm sinh"),  # a girl born in 2025
        ("001026000123", "giới tính.*năm sinh"),  # a man born in 1926: both wrong
        ("00132600012", "Nhập đủ 12 chữ số"),
        ("999326000123", "mã tỉnh"),
    ],
    ids=["sex", "year", "sex-and-century", "length", "province"],
)
def test_an_id_number_that_cannot_be_the_childs_changes_nothing(birth_at_signature, leader_a, number, message):
    before = register_state(birth_at_signature)

    with pytest.raises(ValidationError, match=message):
        dossier_approve(dossier=birth_at_signature, leader=leader_a, personal_id_number=number)

    assert register_state(birth_at_signature) == before
    assert not RegisterCounter.objects.exists()


def test_a_death_dossier_takes_no_id_number(clock, death_procedure, officers_a, leader_a):
    dossier = to_signature(death_procedure, officers_a, data=sample_data(death_procedure, on=date(2026, 12, 7)))
    before = register_state(dossier)

    with pytest.raises(ValidationError, match="Chỉ hồ sơ khai sinh"):
        # The deceased's own (valid) number is no reason to write one in the death register.
        dossier_approve(dossier=dossier, leader=leader_a, personal_id_number="001040000123")

    assert register_state(dossier) == before
