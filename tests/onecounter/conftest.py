"""The personas of tests/procedures (commune A with its officers, commune B, citizens), and filed dossiers."""

import datetime

import pytest

from procedures.declarations.samples import sample_data
from procedures.models import Channel, Dossier, Status
from procedures.services import dossier_create_draft, dossier_save_draft, dossier_submit
from tests.procedures.conftest import *  # noqa: F403
from tests.procedures.test_filing import procedure_of


def filed(procedure, *, unit, applicant, channel: str = Channel.ONLINE_SELF, actor=None) -> Dossier:
    """A dossier of `procedure` with a complete sample declaration, submitted (status `submitted`)."""
    dossier = dossier_create_draft(procedure=procedure, unit=unit, applicant=applicant, channel=channel)
    dossier_save_draft(dossier=dossier, data=sample_data(procedure, on=datetime.date.today()), step="kiem-tra")
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
