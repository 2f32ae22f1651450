"""Due times through the dossier: the cut-off, weekends, Tết, urban and rural limits, supplement pauses,
the overdue flag and the apology-and-new-date slip."""

from datetime import date, datetime
from decimal import Decimal

import pytest

from egov.accounts.models import Role
from egov.workcal.calendar import get_calendar
from procedures.models import Channel, Dossier, DossierEvent, Procedure, Status
from procedures.services import (
    DossierActionError,
    dossier_apologize,
    dossier_approve,
    dossier_create_draft,
    dossier_deliver,
    dossier_propose,
    dossier_receive,
    dossier_refuse,
    dossier_request_supplement,
    dossier_resubmit,
    dossier_settle,
    dossier_start,
    dossier_submit,
)
from tests.personas import make_user
from tests.procedures.helpers import make_procedure
from tests.workcal.conftest import at

pytestmark = pytest.mark.django_db

# December 2026: Mon 7 … Fri 11, Sat 12, Sun 13, Mon 14 … Wed 16; no public holiday until 1 January.
MONDAY = (2026, 12, 7)


@pytest.fixture
def three_days(db) -> Procedure:
    return make_procedure("XNHN", form_kind="marital_status", days="3", name="Xác nhận tình trạng hôn nhân")


def filed(clock, procedure: Procedure, officer, *, moment: datetime, channel: str = Channel.COUNTER) -> Dossier:
    """A dossier handed in at `officer`'s counter at `moment` (or sent online then, by `officer` the citizen)."""
    clock.now = moment
    unit = officer.unit if channel != Channel.ONLINE_SELF else None
    draft = dossier_create_draft(procedure=procedure, unit=unit, applicant=officer, channel=channel)
    return dossier_submit(dossier=draft, actor=officer)


def received(clock, procedure: Procedure, one_stop, *, moment: datetime) -> Dossier:
    """A counter dossier handed in and received at `moment`."""
    dossier = filed(clock, procedure, one_stop, moment=moment)
    return dossier_receive(dossier=dossier, officer=one_stop)


def fresh(dossier: Dossier) -> Dossier:
    return Dossier.objects.get(pk=dossier.pk)


# --- receipt and the 15:00 cut-off ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("moment", "due"),
    [
        (at(2026, 12, 9, 14, 59), at(2026, 12, 9, 17)),
        (at(2026, 12, 9, 15), at(2026, 12, 9, 17)),
        (at(2026, 12, 9, 15, 1), at(2026, 12, 10, 17)),
        (at(2026, 12, 9, 12, 30), at(2026, 12, 9, 17)),
    ],
    ids=["14:59", "15:00", "15:01", "lunch"],
)
def test_a_same_day_dossier_received_at_the_counter(clock, birth_procedure, one_stop_a, moment, due):
    dossier = received(clock, birth_procedure, one_stop_a, moment=moment)

    assert (fresh(dossier).received_at, fresh(dossier).due_at) == (moment, due)


@pytest.mark.parametrize(
    ("sent", "opened", "due"),
    [
        # Sent before the cut-off, opened by the officer after it: still due the same day.
        (at(2026, 12, 9, 14, 50), at(2026, 12, 9, 16), at(2026, 12, 9, 17)),
        # Sent after the cut-off: due the next working day, whenever the officer opens it.
        (at(2026, 12, 9, 15, 5), at(2026, 12, 9, 15, 30), at(2026, 12, 10, 17)),
        (at(2026, 12, 9, 22), at(2026, 12, 10, 8, 5), at(2026, 12, 10, 17)),
    ],
    ids=["sent-before-opened-after", "sent-after-the-cut-off", "sent-at-night"],
)
def test_an_online_dossier_counts_from_when_it_was_sent(
    clock, birth_procedure, citizen, commune_a, one_stop_a, sent, opened, due
):
    clock.now = sent
    draft = dossier_create_draft(
        procedure=birth_procedure, unit=commune_a, applicant=citizen, channel=Channel.ONLINE_SELF
    )
    dossier = dossier_submit(dossier=draft, actor=citizen)
    clock.now = opened

    dossier = dossier_receive(dossier=dossier, officer=one_stop_a)

    assert (fresh(dossier).received_at, fresh(dossier).due_at) == (opened, due)


# --- weekends and Tết -----------------------------------------------------------------------------------


def test_after_the_cut_off_on_friday_a_same_day_dossier_is_due_on_monday(clock, birth_procedure, one_stop_a):
    dossier = received(clock, birth_procedure, one_stop_a, moment=at(2026, 12, 11, 15, 30))

    assert fresh(dossier).due_at == at(2026, 12, 14, 17)


def test_three_working_days_from_thursday_afternoon_skip_the_weekend(clock, three_days, one_stop_a):
    dossier = received(clock, three_days, one_stop_a, moment=at(2026, 12, 10, 14))

    # Thursday 3 h, Friday 8 h, Monday 8 h, Tuesday 5 h.
    assert fresh(dossier).due_at == at(2026, 12, 15, 14)


# Tết Bính Ngọ 2026: offices close from Saturday 14/02 to Sunday 22/02 (Monday 16 to Friday 20 are holidays).


def test_a_same_day_dossier_received_after_the_cut_off_before_tet_is_due_after_tet(clock, birth_procedure, one_stop_a):
    dossier = received(clock, birth_procedure, one_stop_a, moment=at(2026, 2, 13, 16))

    assert fresh(dossier).due_at == at(2026, 2, 23, 17)


def test_a_three_day_limit_running_into_tet_resumes_after_it(clock, three_days, one_stop_a, justice_a):
    dossier = received(clock, three_days, one_stop_a, moment=at(2026, 2, 13, 10))
    dossier = dossier_start(dossier=dossier, officer=justice_a)

    # Friday 6 h, Monday 23/02 8 h, Tuesday 8 h, Wednesday 2 h.
    assert fresh(dossier).due_at == at(2026, 2, 25, 10)
    # Eleven calendar days later it is still on time.
    assert not fresh(dossier).is_overdue(at(2026, 2, 24, 16))
    assert fresh(dossier).is_overdue(at(2026, 2, 25, 10, 1))


def test_an_online_dossier_sent_during_tet_is_due_the_first_working_day_after(
    clock, birth_procedure, citizen, commune_a, one_stop_a
):
    clock.now = at(2026, 2, 17, 20)  # Mùng 1 Tết, in the evening
    draft = dossier_create_draft(
        procedure=birth_procedure, unit=commune_a, applicant=citizen, channel=Channel.ONLINE_SELF
    )
    dossier = dossier_submit(dossier=draft, actor=citizen)
    assert dossier.code == "00097-260223-0001"
    clock.now = at(2026, 2, 23, 9)

    dossier = dossier_receive(dossier=dossier, officer=one_stop_a)

    assert fresh(dossier).due_at == at(2026, 2, 23, 17)


# --- urban and rural limits -----------------------------------------------------------------------------


def test_a_procedure_may_give_urban_and_rural_communes_different_limits(clock, one_stop_a, rural_commune):
    # Hanoi 2016: the health-insurance card takes 2.5 working days in urban districts and 3 in rural ones; since the
    # reform a phường (commune A) follows the urban limit and a xã the rural one.
    procedure = make_procedure("BHYT", form_kind="birth_3in1", days="2.5", rural_days="3", name="Liên thông")
    one_stop_rural = make_user("motcua.tanlinh", Role.ONE_STOP, rural_commune, full_name="Kiều Văn Sơn")

    urban = received(clock, procedure, one_stop_a, moment=at(*MONDAY, 8))
    rural = received(clock, procedure, one_stop_rural, moment=at(*MONDAY, 8))

    assert fresh(urban).due_at == at(2026, 12, 9, 12)
    assert fresh(rural).due_at == at(2026, 12, 9, 17)


def test_urban_or_rural_comes_from_the_district_before_the_reform_and_the_communes_kind_after(
    commune_a, rural_commune, old_commune_a, old_rural_commune
):
    procedure = make_procedure("BHYT", form_kind="birth_3in1", days="2.5", rural_days="3", name="Liên thông")
    limits = {
        unit.name: procedure.processing_days_for(unit)
        for unit in (commune_a, rural_commune, old_commune_a, old_rural_commune)
    }
    assert limits == {
        "Phường Hồng Hà": Decimal("2.5"),  # a phường directly under the city
        "Xã Ba Vì": Decimal("3"),  # a xã directly under the city
        "Phường Phúc Xá": Decimal("2.5"),  # as Quận Ba Đình did
        "Xã Minh Quang": Decimal("3"),  # as Huyện Ba Vì did
    }


# --- supplement: the clock pauses and resumes -----------------------------------------------------------


@pytest.fixture
def paused(clock, three_days, one_stop_a, justice_a) -> Dossier:
    """Received Wednesday 9/12 08:00 (due Friday 17:00); sent for a supplement on Thursday at 14:00."""
    dossier = received(clock, three_days, one_stop_a, moment=at(2026, 12, 9, 8))
    assert dossier.due_at == at(2026, 12, 11, 17)
    clock.now = at(2026, 12, 9, 8, 30)
    dossier = dossier_start(dossier=dossier, officer=justice_a)
    clock.now = at(2026, 12, 10, 14)
    return dossier_request_supplement(dossier=dossier, officer=justice_a, reason="Thiếu bản sao giấy ly hôn.")


def test_the_due_time_moves_by_the_working_time_the_dossier_was_paused(clock, paused, one_stop_a):
    clock.now = at(2026, 12, 15, 9)

    dossier = dossier_resubmit(dossier=paused, actor=one_stop_a)

    # 11 office hours were left on Thursday 14:00: Tuesday 09:00–17:00 and Wednesday until 12:00.
    assert fresh(dossier).due_at == at(2026, 12, 16, 12)
    calendar = get_calendar()
    was_paused = calendar.working_time_between(at(2026, 12, 10, 14), at(2026, 12, 15, 9))
    assert calendar.working_time_between(at(2026, 12, 11, 17), fresh(dossier).due_at) == was_paused == Decimal("2.5")


def test_a_supplement_handed_in_after_the_cut_off_resumes_the_clock_next_morning(clock, paused, one_stop_a):
    clock.now = at(2026, 12, 14, 16)

    dossier = dossier_resubmit(dossier=paused, actor=one_stop_a)

    # The 11 office hours left run from Tuesday 08:00, as for a dossier received after 15:00.
    assert fresh(dossier).due_at == at(2026, 12, 16, 11)


def test_a_pause_does_not_give_an_overdue_dossier_new_time(clock, three_days, one_stop_a, justice_a):
    dossier = received(clock, three_days, one_stop_a, moment=at(*MONDAY, 8))
    dossier = dossier_start(dossier=dossier, officer=justice_a)
    clock.now = at(2026, 12, 10, 9)  # a day after the due time
    dossier = dossier_request_supplement(dossier=dossier, officer=justice_a, reason="Thiếu bản sao giấy ly hôn.")
    clock.now = at(2026, 12, 14, 9)

    dossier = dossier_resubmit(dossier=dossier, actor=one_stop_a)

    assert fresh(dossier).due_at == at(2026, 12, 9, 17)
    assert fresh(dossier).is_overdue()


# --- the overdue flag -----------------------------------------------------------------------------------


def test_overdue_while_the_office_has_it_never_while_paused_or_once_done(
    clock, paused, one_stop_a, justice_a, leader_a
):
    # Past the first due time, but waiting for the citizen.
    assert fresh(paused).status == Status.NEEDS_SUPPLEMENT
    assert not fresh(paused).is_overdue(at(2026, 12, 11, 17, 30))
    assert not fresh(paused).is_overdue(at(2026, 12, 14, 16))
    clock.now = at(2026, 12, 15, 9)
    dossier = dossier_resubmit(dossier=paused, actor=one_stop_a)
    assert not fresh(dossier).is_overdue()
    # The new due time, Wednesday 16/12 12:00, is still in time; a minute later is not.
    assert not fresh(dossier).is_overdue(at(2026, 12, 16, 12))
    clock.now = at(2026, 12, 16, 12, 1)
    assert fresh(dossier).is_overdue()

    dossier = dossier_propose(dossier=dossier, officer=justice_a)
    assert fresh(dossier).is_overdue()
    dossier = dossier_approve(dossier=dossier, leader=leader_a)
    # Registered, but the result is not ready yet (linked records may still be open).
    assert fresh(dossier).is_overdue()
    dossier = dossier_settle(dossier=dossier)
    assert not fresh(dossier).is_overdue()
    dossier = dossier_deliver(dossier=dossier, officer=one_stop_a)
    assert fresh(dossier).status == Status.DELIVERED
    assert not fresh(dossier).is_overdue()


@pytest.mark.parametrize("stage", ["received", "processing", "awaiting_signature"])
def test_a_same_day_dossier_left_until_the_next_morning_is_overdue(
    clock, birth_procedure, one_stop_a, justice_a, stage
):
    dossier = received(clock, birth_procedure, one_stop_a, moment=at(*MONDAY, 9))
    if stage != "received":
        dossier = dossier_start(dossier=dossier, officer=justice_a)
    if stage == "awaiting_signature":
        dossier = dossier_propose(dossier=dossier, officer=justice_a)

    assert fresh(dossier).status == stage
    assert not fresh(dossier).is_overdue(at(*MONDAY, 17))
    assert fresh(dossier).is_overdue(at(2026, 12, 8, 8))


def test_a_dossier_waiting_to_be_received_has_no_due_time_and_is_never_overdue(clock, birth_procedure, one_stop_a):
    dossier = filed(clock, birth_procedure, one_stop_a, moment=at(*MONDAY, 9))

    assert fresh(dossier).due_at is None
    assert not fresh(dossier).is_overdue(at(2027, 1, 4, 9))


# --- the apology-and-new-date slip ------------------------------------------------------------------------


@pytest.fixture
def late(clock, birth_procedure, one_stop_a, justice_a) -> Dossier:
    """A same-day birth dossier received Monday 09:00 (due Monday 17:00), still in processing on Tuesday 10:00."""
    dossier = received(clock, birth_procedure, one_stop_a, moment=at(*MONDAY, 9))
    clock.now = at(*MONDAY, 10)
    dossier = dossier_start(dossier=dossier, officer=justice_a)
    clock.now = at(2026, 12, 8, 10)
    assert dossier.is_overdue()
    return dossier


REASON = "Cần xác minh thông tin nơi sinh với bệnh viện."


def slip_state(dossier: Dossier) -> tuple:
    stored = fresh(dossier)
    return stored.status, stored.due_at, stored.apology_at, stored.events.count()


@pytest.mark.parametrize("persona", ["one_stop_a", "justice_a"])
def test_the_apology_moves_the_due_time_to_the_end_of_the_new_day(request, clock, late, persona):
    officer = request.getfixturevalue(persona)

    dossier = dossier_apologize(dossier=late, officer=officer, new_day=date(2026, 12, 10), reason=f"  {REASON}\n")

    stored = fresh(dossier)
    assert (stored.status, stored.due_at, stored.apology_at) == (Status.PROCESSING, at(2026, 12, 10, 17), clock.now)
    assert not stored.is_overdue()
    event = stored.events.order_by("-pk").first()
    assert (event.action, event.actor, event.at, event.from_status, event.to_status, event.reason) == (
        "apologize",
        officer,
        clock.now,
        Status.PROCESSING,
        Status.PROCESSING,
        REASON,
    )
    assert {key: datetime.fromisoformat(value) for key, value in event.details.items()} == {
        "old_due": at(*MONDAY, 17),
        "new_due": at(2026, 12, 10, 17),
    }


def test_a_dossier_gets_one_apology_only(clock, late, one_stop_a, justice_a):
    dossier_apologize(dossier=late, officer=one_stop_a, new_day=date(2026, 12, 10), reason=REASON)
    before = slip_state(late)

    with pytest.raises(DossierActionError, match="mỗi hồ sơ chỉ một lần"):
        dossier_apologize(dossier=late, officer=justice_a, new_day=date(2026, 12, 14), reason=REASON)

    assert slip_state(late) == before
    assert DossierEvent.objects.filter(dossier=late, action="apologize").count() == 1


def test_the_apology_may_come_before_the_due_time(clock, three_days, one_stop_a):
    # The office foresees the delay: the slip is due before the time runs out, not only after.
    dossier = received(clock, three_days, one_stop_a, moment=at(*MONDAY, 8))

    dossier = dossier_apologize(dossier=dossier, officer=one_stop_a, new_day=date(2026, 12, 14), reason=REASON)

    assert fresh(dossier).due_at == at(2026, 12, 14, 17)


@pytest.mark.parametrize(
    ("new_day", "message"),
    [
        (date(2026, 12, 12), "phải là ngày làm việc"),  # Saturday
        (date(2027, 1, 1), "phải là ngày làm việc"),  # New Year's Day
        (date(2026, 12, 7), "phải sau ngày hẹn cũ"),  # the old due day itself (17:00 is the old due time)
        (date(2026, 12, 4), "phải sau ngày hẹn cũ"),  # before it
    ],
    ids=["saturday", "new-year", "the-old-due-day", "before-the-old-due"],
)
def test_the_new_day_must_be_a_working_day_after_the_old_due_time(clock, late, one_stop_a, new_day, message):
    before = slip_state(late)

    with pytest.raises(DossierActionError, match=message):
        dossier_apologize(dossier=late, officer=one_stop_a, new_day=new_day, reason=REASON)

    assert slip_state(late) == before


def test_the_new_day_must_not_be_already_past(clock, late, one_stop_a):
    clock.now = at(2026, 12, 9, 10)
    before = slip_state(late)

    with pytest.raises(DossierActionError, match="sau hôm nay"):
        # After the old due time (Monday), but Tuesday is over.
        dossier_apologize(dossier=late, officer=one_stop_a, new_day=date(2026, 12, 8), reason=REASON)

    assert slip_state(late) == before


@pytest.mark.parametrize("blank", ["", "  \n"])
def test_the_apology_needs_a_reason(clock, late, one_stop_a, blank):
    before = slip_state(late)

    with pytest.raises(DossierActionError, match="Hãy ghi rõ lý do chậm trễ"):
        dossier_apologize(dossier=late, officer=one_stop_a, new_day=date(2026, 12, 10), reason=blank)

    assert slip_state(late) == before


@pytest.mark.parametrize("persona", ["leader_a", "citizen", "one_stop_b", "justice_b"])
def test_only_the_communes_one_stop_or_justice_officer_apologizes(request, clock, late, persona):
    before = slip_state(late)

    with pytest.raises(DossierActionError, match="Không thể hẹn lại ngày trả"):
        dossier_apologize(
            dossier=late, officer=request.getfixturevalue(persona), new_day=date(2026, 12, 10), reason=REASON
        )

    assert slip_state(late) == before


@pytest.mark.parametrize("outcome", ["submitted", "refused", "delivered"])
def test_no_apology_for_a_dossier_the_office_does_not_hold(
    clock, birth_procedure, one_stop_a, justice_a, leader_a, outcome
):
    dossier = filed(clock, birth_procedure, one_stop_a, moment=at(*MONDAY, 9))
    if outcome == "refused":
        dossier = dossier_refuse(dossier=dossier, officer=one_stop_a, reason="Không thuộc thẩm quyền của phường.")
    elif outcome == "delivered":
        dossier = dossier_receive(dossier=dossier, officer=one_stop_a)
        dossier = dossier_start(dossier=dossier, officer=justice_a)
        dossier = dossier_propose(dossier=dossier, officer=justice_a)
        dossier = dossier_approve(dossier=dossier, leader=leader_a)
        dossier = dossier_settle(dossier=dossier)
        dossier = dossier_deliver(dossier=dossier, officer=one_stop_a)
    clock.now = at(2026, 12, 8, 10)
    before = slip_state(dossier)

    with pytest.raises(DossierActionError, match="Không thể hẹn lại ngày trả"):
        dossier_apologize(dossier=dossier, officer=one_stop_a, new_day=date(2026, 12, 10), reason=REASON)

    assert slip_state(dossier) == before
