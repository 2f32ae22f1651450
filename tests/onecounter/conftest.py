"""The personas of tests/procedures (commune A with its officers, commune B, citizens), the officers of Phúc Xá
(the old commune whose records commune A holds since the reform), and filed dossiers of today and of before."""

import datetime

import pytest
from django.utils import timezone

from egov.accounts.models import Role
from interconnect.models import RecordStatus
from procedures.declarations.samples import sample_data
from procedures.models import Channel, Dossier, Procedure, Status
from procedures.services import dossier_create_draft, dossier_save_draft, dossier_submit
from tests.procedures.conftest import *  # noqa: F403
from tests.procedures.conftest import make_user
from tests.procedures.test_filing import procedure_of
from tests.workcal.conftest import at

# A working morning of Phúc Xá (Tuesday 12/03/2024), and the last days before the reform (Friday 27/06/2025).
BEFORE_REFORM = at(2024, 3, 12, 9)
REFORM_EVE_MORNING = at(2025, 6, 27, 9)


def filed(
    procedure, *, unit, applicant, channel: str = Channel.ONLINE_SELF, actor=None, on: datetime.date | None = None
) -> Dossier:
    """A dossier of `procedure` with a complete sample declaration dated from `on` (the real today by default),
    submitted (status `submitted`)."""
    dossier = dossier_create_draft(procedure=procedure, unit=unit, applicant=applicant, channel=channel)
    data = sample_data(procedure, on=on or datetime.date.today())
    dossier_save_draft(dossier=dossier, data=data, step="kiem-tra")
    return dossier_submit(dossier=dossier, actor=actor or applicant)


@pytest.fixture
def submitted(citizen, commune_a):
    """A citizen's online birth dossier at commune A, waiting for the one-stop officer."""
    return filed(procedure_of("birth"), unit=commune_a, applicant=citizen)


def advance(dossier: Dossier, to: str, *, one_stop, justice, leader) -> Dossier:
    """Walk a submitted dossier along the normal path through the real services until it reaches `to`."""
    from procedures import services

    steps = [
        (Status.RECEIVED, lambda d: services.dossier_receive(dossier=d, officer=one_stop)),
        (Status.PROCESSING, lambda d: services.dossier_start(dossier=d, officer=justice)),
        (Status.AWAITING_SIGNATURE, lambda d: services.dossier_propose(dossier=d, officer=justice)),
        (Status.REGISTERED, lambda d: services.dossier_approve(dossier=d, leader=leader)),
        (Status.RESULT_READY, lambda d: services.dossier_settle(dossier=d)),
        (Status.DELIVERED, lambda d: services.dossier_deliver(dossier=d, officer=one_stop)),
    ]
    for status, step in steps:
        if dossier.status == to:
            break
        dossier = step(dossier)
        if status == to:
            break
    assert dossier.status == to, f"cannot walk to {to}"
    return dossier


@pytest.fixture
def walk_to(submitted, one_stop_a, justice_a, leader_a):
    """`walk_to(status)`: the `submitted` dossier moved along the normal path to `status`."""
    return lambda to, dossier=None: advance(
        dossier or submitted, to, one_stop=one_stop_a, justice=justice_a, leader=leader_a
    )


@pytest.fixture
def sent_3in1(citizen, commune_a, one_stop_a, justice_a, leader_a):
    """A citizen's 3-in-1 birth signed at commune A, its police and social-insurance records sent and waiting."""
    procedure = procedure_of("birth_3in1", interconnections=["police", "social_insurance"])
    dossier = filed(procedure, unit=commune_a, applicant=citizen)
    dossier = advance(dossier, Status.REGISTERED, one_stop=one_stop_a, justice=justice_a, leader=leader_a)
    # The push runs after the commit, which a test transaction never reaches: the agencies have them all the same.
    dossier.linked_records.update(status=RecordStatus.SENT, sent_at=timezone.now())
    assert dossier.linked_records.count() == 2
    return dossier


@pytest.fixture
def old_officers(old_commune_a) -> dict:
    """The one-stop, justice and leader accounts of Phường Phúc Xá: they worked there until 30/06/2025 and read its
    history since."""
    return {
        "one_stop": make_user("motcua.phucxa", Role.ONE_STOP, old_commune_a, full_name="Đinh Thị Xuân"),
        "justice": make_user("tuphap.phucxa", Role.JUSTICE, old_commune_a, full_name="Mai Văn Yên"),
        "leader": make_user("lanhdao.phucxa", Role.LEADER, old_commune_a, full_name="Tạ Văn Long"),
    }


@pytest.fixture
def from_before_reform(clock, citizen, old_commune_a, commune_a, old_officers):
    """`from_before_reform(status, *, moment=REFORM_EVE_MORNING, kind="birth")`: a citizen's online dossier (of the
    test's procedure of that kind if there is one) filed
    at Phúc Xá at `moment`, walked there by Phúc Xá's officers to `status`; the clock then back at Monday
    7/12/2026 09:00, when Phường Hồng Hà (commune A) holds Phúc Xá's records."""
    today = clock.now

    def make(status: str, *, moment=REFORM_EVE_MORNING, kind: str = "birth") -> Dossier:
        clock.set(moment)
        procedure = Procedure.objects.filter(form_kind=kind).first() or procedure_of(kind)
        dossier = filed(procedure, unit=old_commune_a, applicant=citizen, on=timezone.localdate())
        dossier = advance(dossier, status, **old_officers)
        clock.set(today)
        return dossier

    return make
