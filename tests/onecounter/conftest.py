"""The personas of tests/procedures (commune A with its officers, commune B, citizens), and filed dossiers."""

import datetime

import pytest

from procedures.declarations.samples import sample_data
from procedures.models import Channel, Dossier
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
