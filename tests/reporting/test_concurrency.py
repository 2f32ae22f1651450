"""Refreshes racing on PostgreSQL: several at once over the same dirty dossiers count each dossier once."""

import pytest
from django.db import connection

from procedures import services
from procedures.models import Channel
from reporting.models import DirtyDossier
from reporting.services import dossiers_mark_dirty, rollups_rebuild, rollups_refresh
from tests.conftest import require_in_ci
from tests.procedures.helpers import filed, procedure_of, race
from tests.reporting.helpers import rollup_cells
from tests.workcal.conftest import at

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _postgresql():
    if connection.vendor != "postgresql":
        require_in_ci("PostgreSQL")


def test_racing_refreshes_count_each_dossier_once(rollout, clock, citizen, commune_a, one_stop_a):
    clock.set(at(2026, 12, 7, 9))
    birth = procedure_of("birth")
    dossiers = []
    for index in range(12):
        channel = (Channel.ONLINE_SELF, Channel.COUNTER)[index % 2]
        actor = citizen if channel == Channel.ONLINE_SELF else one_stop_a
        dossier = filed(birth, unit=commune_a, applicant=citizen, channel=channel, actor=actor)
        dossiers.append(services.dossier_receive(dossier=dossier, officer=one_stop_a))
    # The same dossiers marked again and again, so that racing refreshes meet the same dossiers in different batches.
    for _ in range(3):
        dossiers_mark_dirty(dossier_ids=[d.pk for d in dossiers])
    results, errors = race([lambda: rollups_refresh(batch=5) for _ in range(4)])
    assert errors == []
    assert sum(results) >= len(dossiers)
    assert not DirtyDossier.objects.exists()
    raced = rollup_cells()
    assert raced[(commune_a.pk, birth.pk, "m", at(2026, 12, 1).date(), "received_online_self")] == 6
    rollups_rebuild()
    assert rollup_cells() == raced
