"""Dossiers of the personas, as fixtures every test may ask for (a pytest plugin of tests/conftest.py): a draft, a
submitted dossier and the walk along the normal path, a signed 3-in-1 whose records went to the agencies, and
dossiers filed at Phúc Xá before the reform."""

import pytest
from django.utils import timezone

from interconnect.models import RecordStatus
from procedures.models import Channel, Dossier, Procedure, Status
from tests.factories import DraftFactory
from tests.procedures.helpers import advance, filed, make_procedure, procedure_of
from tests.workcal.conftest import at

# A working morning of Phúc Xá (Tuesday 12/03/2024), and the last days before the reform (Friday 27/06/2025).
BEFORE_REFORM = at(2024, 3, 12, 9)
REFORM_EVE_MORNING = at(2025, 6, 27, 9)


@pytest.fixture
def birth_procedure(db):
    return make_procedure()


@pytest.fixture
def draft(citizen, commune_a, birth_procedure):
    """A citizen's online draft of a birth registration at commune A."""
    return DraftFactory(procedure=birth_procedure, unit=commune_a, applicant=citizen, channel=Channel.ONLINE_SELF)


@pytest.fixture
def submitted(citizen, commune_a):
    """A citizen's online birth dossier at commune A, waiting for the one-stop officer."""
    return filed(procedure_of("birth"), unit=commune_a, applicant=citizen)


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
