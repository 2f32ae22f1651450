"""procedures.bulk: histories walked through the model's own transitions, written in bulk, the code counters."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django_fsm import can_proceed

from procedures.bulk import (
    DossierHistory,
    HistoryError,
    Step,
    code_counters_advance,
    dossiers_bulk_create,
    status_path,
)
from procedures.models import Dossier, DossierCodeCounter, Status
from tests.procedures.helpers import SOURCES, TARGETS, make_procedure

pytestmark = pytest.mark.django_db

MONDAY = datetime(2026, 11, 30, 8, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
ACTIONS = sorted(SOURCES)


def history(*steps: Step, unit=None, **fields) -> DossierHistory:
    return DossierHistory(
        code=fields.pop("code", "00097-261130-0001"),
        procedure_id=fields.pop("procedure_id", 1),
        unit_id=unit.pk if unit else 1,
        channel="counter",
        submitted_at=MONDAY,
        due_at=MONDAY + timedelta(hours=8),
        steps=steps,
        **fields,
    )


def at(hours: float) -> datetime:
    return MONDAY + timedelta(hours=hours)


def walked_to(status: str) -> tuple[Step, ...]:
    """Unlogged steps from the filing to `status` (a resubmission goes back to processing)."""
    return tuple(
        Step(action, to=Status.PROCESSING if action == "resubmit" else "")
        for action in status_path(source=Status.SUBMITTED, target=status)
    )


@pytest.mark.parametrize("status", sorted(set(Status) - {Status.DRAFT}))
@pytest.mark.parametrize("action", ACTIONS)
def test_a_step_is_allowed_exactly_where_the_models_transition_may_fire(status, action):
    """State × transition: the bulk walk agrees with django-fsm's can_proceed on a dossier in that state."""
    allowed = can_proceed(getattr(Dossier(status=status), action))
    target = Status.PROCESSING if action == "resubmit" else ""
    steps = (*walked_to(status), Step(action, to=target))

    if allowed:
        assert history(*steps).status == TARGETS.get(action, target)
    else:
        with pytest.raises(HistoryError, match=f"{action} is not a transition from {status}"):
            history(*steps)


def test_withdrawal_is_allowed_from_every_state_the_model_allows_it_from():
    """The copy of the machine reporting kept allowed it only from `received`."""
    for source in (Status.SUBMITTED, Status.RECEIVED, Status.NEEDS_SUPPLEMENT):
        walked = history(*walked_to(source), Step("withdraw", at=at(2)))
        assert walked.status == Status.WITHDRAWN
        assert [(e.from_status, e.to_status) for e in walked.events] == [(source, Status.WITHDRAWN)]
        assert walked.finished_at == at(2)


def test_a_walk_that_skips_a_step_is_refused():
    with pytest.raises(HistoryError, match="approve is not a transition from received"):
        history(Step("receive", at=at(1)), Step("approve", at=at(2)))
    with pytest.raises(HistoryError, match="withdraw is not a transition from registered"):
        history(*walked_to(Status.REGISTERED), Step("withdraw", at=at(2)))


def test_a_transition_with_several_targets_must_say_which():
    with pytest.raises(HistoryError, match="resubmit from needs_supplement goes to one of"):
        history(Step("request_supplement"), Step("resubmit"))

    walked = history(Step("request_supplement", at=at(1)), Step("resubmit", at=at(2), to=Status.SUBMITTED))
    assert walked.status == Status.SUBMITTED and walked.supplement_from == ""


def test_logged_moments_must_not_go_back():
    with pytest.raises(HistoryError, match="is before the step logged earlier"):
        history(Step("receive", at=at(3)), Step("withdraw", at=at(2)))


def test_the_shortest_walks_come_from_the_model():
    assert status_path(source=Status.RECEIVED, target=Status.DELIVERED) == (
        "start",
        "propose",
        "approve",
        "settle",
        "deliver",
    )
    assert status_path(source=Status.RECEIVED, target=Status.NEEDS_SUPPLEMENT) == ("start", "request_supplement")
    assert status_path(source=Status.SUBMITTED, target=Status.REFUSED) == ("refuse",)
    with pytest.raises(HistoryError):
        status_path(source=Status.DELIVERED, target=Status.RECEIVED)


def test_the_writer_logs_the_steps_with_a_moment_and_sets_what_the_walk_implies(commune_a):
    procedure = make_procedure()
    delivered = history(
        Step("receive", at=at(1)),
        *(Step(action) for action in ("start", "propose")),
        Step("approve", at=at(3)),
        Step("settle", at=at(4)),
        Step("deliver", at=at(5)),
        unit=commune_a,
        procedure_id=procedure.pk,
        details={"line": 2},
    )
    waiting = history(
        Step("receive", at=at(1)),
        Step("start"),
        Step("request_supplement"),
        unit=commune_a,
        procedure_id=procedure.pk,
        code="00097-261130-0002",
        paused_at=at(1),
    )
    refused = history(
        Step("refuse", at=at(1), reason="Hồ sơ không thuộc thẩm quyền."),
        unit=commune_a,
        procedure_id=procedure.pk,
        code="00097-261130-0003",
    )

    ids = dossiers_bulk_create(histories=[delivered, waiting, refused], source="import")

    first, second, third = (Dossier.objects.get(pk=pk) for pk in ids)
    assert (first.status, first.received_at, first.finished_at) == (Status.DELIVERED, at(1), at(5))
    assert [(e.action, e.from_status, e.to_status, e.details) for e in first.events.all()] == [
        ("receive", Status.SUBMITTED, Status.RECEIVED, {"source": "import", "line": 2}),
        ("approve", Status.AWAITING_SIGNATURE, Status.REGISTERED, {"source": "import"}),
        ("settle", Status.REGISTERED, Status.RESULT_READY, {"source": "import"}),
        ("deliver", Status.RESULT_READY, Status.DELIVERED, {"source": "import"}),
    ]
    assert (second.status, second.supplement_from, second.paused_at) == (
        Status.NEEDS_SUPPLEMENT,
        Status.PROCESSING,
        at(1),
    )
    assert second.finished_at is None and second.events.count() == 1
    assert (third.status, third.received_at, third.finished_at) == (Status.REFUSED, None, at(1))
    assert third.decision_reason == third.events.get().reason == "Hồ sơ không thuộc thẩm quyền."


def test_code_counters_of_today_and_later_move_on_never_back(clock, commune_a, commune_b):
    today = date(2026, 12, 7)
    DossierCodeCounter.objects.create(unit=commune_a, day=today, last=9)

    code_counters_advance(
        numbers={(commune_a.pk, today): 4, (commune_b.pk, today): 3, (commune_b.pk, today - timedelta(days=1)): 8}
    )

    assert set(DossierCodeCounter.objects.values_list("unit__code", "day", "last")) == {
        ("00097", today, 9),
        ("00004", today, 3),
    }
