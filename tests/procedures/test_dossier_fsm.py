"""The dossier state machine of DESIGN §4: every state × transition, and who may fire each transition."""

import pytest
from django_fsm import can_proceed, has_transition_perm

from egov.accounts.models import User
from procedures.models import Channel, Dossier, Status
from procedures.services import dossier_create_draft
from tests.procedures.helpers import SOURCES, TARGETS

pytestmark = pytest.mark.django_db


def in_state(dossier: Dossier, status: str, **fields) -> Dossier:
    """The dossier put straight into `status` (the field is protected, so through the database)."""
    Dossier.objects.filter(pk=dossier.pk).update(status=status, **fields)
    return Dossier.objects.get(pk=dossier.pk)


@pytest.fixture
def city_admin(db):
    return User.objects.create_superuser("so.tttt", "x", full_name="Cán bộ Sở")


PERSONAS = (
    "citizen",
    "other_citizen",
    "one_stop_a",
    "justice_a",
    "leader_a",
    "one_stop_b",
    "justice_b",
    "leader_b",
    "district_police",
    "district_staff",
    "city_admin",
    "system",
)


@pytest.fixture
def personas(request) -> dict:
    people = {name: request.getfixturevalue(name) for name in PERSONAS if name != "system"}
    return {**people, "system": None}


@pytest.fixture
def counter_draft(one_stop_a, commune_a, birth_procedure):
    """A paper dossier entered by the one-stop officer of commune A (no citizen account)."""
    return dossier_create_draft(
        procedure=birth_procedure, unit=commune_a, applicant=one_stop_a, channel=Channel.COUNTER
    )


def test_the_table_covers_every_state_and_every_transition():
    declared = {t.name for t in Dossier._meta.get_field("status").get_all_transitions(Dossier)}

    assert declared == set(SOURCES)
    assert set().union(*SOURCES.values()) | set(TARGETS.values()) == set(Status)


@pytest.mark.parametrize("status", list(Status))
@pytest.mark.parametrize("action", list(SOURCES))
def test_state_by_transition(draft, status, action):
    dossier = in_state(draft, status)

    assert can_proceed(getattr(dossier, action)) is (status in SOURCES[action])


@pytest.mark.parametrize(("action", "target"), TARGETS.items())
def test_each_transition_reaches_its_target(draft, action, target):
    dossier = in_state(draft, min(SOURCES[action]))

    getattr(dossier, action)()

    assert dossier.status == target


@pytest.mark.parametrize("asked_from", [Status.SUBMITTED, Status.PROCESSING])
def test_resubmit_goes_back_to_the_desk_that_asked(draft, asked_from):
    dossier = in_state(draft, asked_from)

    dossier.request_supplement()
    assert (dossier.status, dossier.supplement_from) == (Status.NEEDS_SUPPLEMENT, asked_from)
    dossier.resubmit()

    assert (dossier.status, dossier.supplement_from) == (asked_from, "")


def test_the_status_cannot_be_assigned(draft):
    with pytest.raises(AttributeError):
        draft.status = Status.REGISTERED
    fetched = Dossier.objects.get(pk=draft.pk)
    with pytest.raises(AttributeError):
        fetched.status = Status.REGISTERED
    assert Dossier.objects.get(pk=draft.pk).status == Status.DRAFT


# Transition, the state it is tried from, the dossier's channel, and the only personas that may fire it.
ROLE_TABLE = [
    ("submit", Status.DRAFT, Channel.ONLINE_SELF, {"citizen"}),
    ("submit", Status.DRAFT, Channel.ONLINE_ASSISTED, {"one_stop_a"}),
    ("submit", Status.DRAFT, Channel.COUNTER, {"one_stop_a"}),
    ("receive", Status.SUBMITTED, Channel.ONLINE_SELF, {"one_stop_a"}),
    ("start", Status.RECEIVED, Channel.ONLINE_SELF, {"justice_a"}),
    ("propose", Status.PROCESSING, Channel.ONLINE_SELF, {"justice_a"}),
    ("request_supplement", Status.SUBMITTED, Channel.ONLINE_SELF, {"one_stop_a"}),
    ("request_supplement", Status.PROCESSING, Channel.ONLINE_SELF, {"justice_a"}),
    ("resubmit", Status.NEEDS_SUPPLEMENT, Channel.ONLINE_SELF, {"citizen"}),
    ("resubmit", Status.NEEDS_SUPPLEMENT, Channel.COUNTER, {"one_stop_a"}),
    ("refuse", Status.SUBMITTED, Channel.ONLINE_SELF, {"one_stop_a"}),
    ("send_back", Status.AWAITING_SIGNATURE, Channel.ONLINE_SELF, {"leader_a"}),
    ("approve", Status.AWAITING_SIGNATURE, Channel.ONLINE_SELF, {"leader_a"}),
    ("reject", Status.AWAITING_SIGNATURE, Channel.ONLINE_SELF, {"leader_a"}),
    ("settle", Status.REGISTERED, Channel.ONLINE_SELF, {"system"}),
    ("deliver", Status.RESULT_READY, Channel.ONLINE_SELF, {"one_stop_a"}),
    ("withdraw", Status.SUBMITTED, Channel.ONLINE_SELF, {"citizen"}),
    ("withdraw", Status.NEEDS_SUPPLEMENT, Channel.ONLINE_SELF, {"citizen"}),
    ("withdraw", Status.RECEIVED, Channel.ONLINE_SELF, {"citizen"}),
    ("withdraw", Status.SUBMITTED, Channel.COUNTER, {"one_stop_a"}),
]


@pytest.mark.parametrize(
    ("action", "status", "channel", "allowed"),
    ROLE_TABLE,
    ids=[f"{action}-{status}-{channel}" for action, status, channel, _ in ROLE_TABLE],
)
def test_who_may_fire_each_transition(draft, counter_draft, personas, action, status, channel, allowed):
    base = draft if channel == Channel.ONLINE_SELF else counter_draft
    dossier = in_state(base, status, channel=channel)

    may = {name for name, user in personas.items() if has_transition_perm(getattr(dossier, action), user)}

    assert may == allowed


def test_the_role_table_lists_every_transition():
    assert {action for action, *_ in ROLE_TABLE} == set(SOURCES)


def test_a_deactivated_officer_may_fire_nothing(draft, one_stop_a):
    one_stop_a.is_active = False
    one_stop_a.save(update_fields=["is_active"])
    dossier = in_state(draft, Status.SUBMITTED)

    assert not has_transition_perm(dossier.receive, one_stop_a)


def test_a_citizen_cannot_act_on_someone_elses_counter_dossier_even_in_the_right_state(counter_draft, citizen):
    dossier = in_state(counter_draft, Status.NEEDS_SUPPLEMENT)

    assert not has_transition_perm(dossier.resubmit, citizen)
    assert not has_transition_perm(dossier.withdraw, citizen)
