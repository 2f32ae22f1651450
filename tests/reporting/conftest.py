"""Personas of tests/procedures and tests/onecounter, plus the rollout of the test district."""

from datetime import date

import pytest

from egov.units.models import UnitRollout
from tests.onecounter.conftest import *  # noqa: F403


@pytest.fixture
def rollout(district):
    """Ba Đình went online officially on 10/08/2016, like every urban district of Hanoi."""
    return UnitRollout.objects.create(unit=district, trial_start=date(2016, 8, 1), official_start=date(2016, 8, 10))


@pytest.fixture
def district_chief(district):
    """The head of Ba Đình's civil-status office, who watches the district's communes."""
    from tests.procedures.conftest import make_user

    return make_user("chanh.badinh", "district", district, full_name="Nguyễn Đức Chánh")


@pytest.fixture
def city_staff(city):
    from tests.procedures.conftest import make_user

    return make_user("so.tttt", "city", city, full_name="Lê Minh Thành")


@pytest.fixture
def rural_chief(rural_district):
    """District staff of Ba Vì: none of Ba Đình's business."""
    from tests.procedures.conftest import make_user

    return make_user("chanh.bavi", "district", rural_district, full_name="Đinh Văn Vì")


@pytest.fixture
def dashboard_world(rollout, clock, city, district, commune_a, commune_b, rural_commune, citizen, one_stop_a,
                    justice_a, leader_a, one_stop_b, justice_b, leader_b):  # fmt: skip
    """December 2026, seen on Thursday 10/12 09:00 (birth: due the same day at 17:00, the next working day when
    received after 15:00), every dossier received on Monday 07/12 at 09:00:

    - Phường Phúc Xá (commune A): a1 online, result 10:00 → on time; a2 paper, result Tue 08/12 09:00 → late;
      a3 online, still being processed → overdue;
    - Phường Trúc Bạch (commune B): b1 paper, result 07/12 10:00 → on time;
    - Phường Cống Vị, also in Ba Đình: no dossier;
    - Xã Tản Lĩnh in Huyện Ba Vì (official since 15/12/2016): r1 online, still received → overdue.

    Ba Đình: 4 received, 2 online (50,0 %), 3 resolved, 2 in time (66,7 %), 1 overdue.
    The city: 5 received, 3 online (60,0 %), 3 resolved (66,7 %), 2 overdue.
    """
    from egov.units.models import AdministrativeUnit, UnitKind, UnitLevel
    from procedures import services
    from procedures.models import Channel, Status
    from reporting.services import rollups_refresh
    from tests.onecounter.conftest import advance, filed
    from tests.procedures.conftest import make_user
    from tests.procedures.test_filing import procedure_of
    from tests.workcal.conftest import at

    UnitRollout.objects.create(
        district=rural_commune.parent, trial_start=date(2016, 12, 1), official_start=date(2016, 12, 15)
    )
    quiet = AdministrativeUnit.objects.create(
        code="00007", name="Phường Cống Vị", kind=UnitKind.WARD, level=UnitLevel.COMMUNE, parent=district
    )
    birth = procedure_of("birth")
    a = {"one_stop": one_stop_a, "justice": justice_a, "leader": leader_a}
    b = {"one_stop": one_stop_b, "justice": justice_b, "leader": leader_b}
    rural = {
        "one_stop": make_user("motcua.tanlinh", "one_stop", rural_commune),
        "justice": make_user("tuphap.tanlinh", "justice", rural_commune),
        "leader": make_user("lanhdao.tanlinh", "leader", rural_commune),
    }
    clock.set(at(2026, 12, 7, 9))
    a1 = advance(filed(birth, unit=commune_a, applicant=citizen), Status.AWAITING_SIGNATURE, **a)
    a2 = filed(birth, unit=commune_a, applicant=citizen, channel=Channel.COUNTER, actor=one_stop_a)
    a2 = advance(a2, Status.AWAITING_SIGNATURE, **a)
    a3 = advance(filed(birth, unit=commune_a, applicant=citizen), Status.PROCESSING, **a)
    b1 = filed(birth, unit=commune_b, applicant=citizen, channel=Channel.COUNTER, actor=one_stop_b)
    b1 = advance(b1, Status.AWAITING_SIGNATURE, **b)
    r1 = advance(filed(birth, unit=rural_commune, applicant=citizen), Status.RECEIVED, **rural)

    def sign(dossier, leader):
        dossier = services.dossier_approve(dossier=dossier, leader=leader)
        if dossier.status == Status.REGISTERED:
            dossier = services.dossier_settle(dossier=dossier)
        assert dossier.status == Status.RESULT_READY
        return dossier

    clock.set(at(2026, 12, 7, 10))
    a1, b1 = sign(a1, leader_a), sign(b1, leader_b)
    clock.set(at(2026, 12, 8, 9))
    a2 = sign(a2, leader_a)
    clock.set(at(2026, 12, 10, 9))
    rollups_refresh()
    return {"birth": birth, "quiet": quiet, "dossiers": {"a1": a1, "a2": a2, "a3": a3, "b1": b1, "r1": r1}}
