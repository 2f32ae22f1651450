"""Personas of tests/procedures and tests/onecounter, the rollout of the test districts, and the dashboards' worlds on
both sides of the reform of 1/7/2025: December 2024 at the communes of then (city → districts → communes, officers
of the old communes acting), and December 2026 at today's communes (city → communes, the rollout inherited from the
old districts), with dossiers carried over across the reform in between."""

from datetime import date

import pytest
from django.utils import timezone

from egov.units.models import AdministrativeUnit, UnitKind, UnitLevel, UnitRollout
from procedures.declarations.samples import sample_data
from procedures.models import Channel, Dossier
from procedures.services import dossier_create_draft, dossier_save_draft, dossier_submit
from tests.onecounter.conftest import *  # noqa: F403
from tests.procedures.conftest import make_user, new_commune, old_unit


def filed(procedure, *, unit, applicant, channel: str = Channel.ONLINE_SELF, actor=None) -> Dossier:
    """A submitted dossier, as `tests.onecounter.conftest.filed`, with a declaration dated by the test's clock (a
    birth of 2024 for a dossier of 2024: a child born "in the future" would be refused)."""
    dossier = dossier_create_draft(procedure=procedure, unit=unit, applicant=applicant, channel=channel)
    dossier_save_draft(dossier=dossier, data=sample_data(procedure, on=timezone.localdate()), step="kiem-tra")
    return dossier_submit(dossier=dossier, actor=actor or applicant)


def officers_of(unit: AdministrativeUnit, name: str) -> dict:
    """The one-stop officer, the civil-status officer and the leader of `unit` (`name` makes their user names)."""
    return {
        "one_stop": make_user(f"motcua.{name}", "one_stop", unit),
        "justice": make_user(f"tuphap.{name}", "justice", unit),
        "leader": make_user(f"lanhdao.{name}", "leader", unit),
    }


def walk(dossier, to, **officers):
    """Move a dossier along the normal path from wherever it stands to `to`, through the real services."""
    from procedures import services
    from procedures.models import Status

    steps = {
        Status.SUBMITTED: lambda d: services.dossier_receive(dossier=d, officer=officers["one_stop"]),
        Status.RECEIVED: lambda d: services.dossier_start(dossier=d, officer=officers["justice"]),
        Status.PROCESSING: lambda d: services.dossier_propose(dossier=d, officer=officers["justice"]),
        Status.AWAITING_SIGNATURE: lambda d: services.dossier_approve(dossier=d, leader=officers["leader"]),
        Status.REGISTERED: lambda d: services.dossier_settle(dossier=d),
        Status.RESULT_READY: lambda d: services.dossier_deliver(dossier=d, officer=officers["one_stop"]),
    }
    while dossier.status != to:
        dossier = steps[dossier.status](dossier)
    return dossier


def sign(dossier, leader):
    """Approve a dossier awaiting signature and settle it: its result is ready."""
    from procedures import services
    from procedures.models import Status

    dossier = services.dossier_approve(dossier=dossier, leader=leader)
    if dossier.status == Status.REGISTERED:
        dossier = services.dossier_settle(dossier=dossier)
    assert dossier.status == Status.RESULT_READY
    return dossier


@pytest.fixture
def rollout(district):
    """Ba Đình went online officially on 10/08/2016, like every urban district of Hanoi."""
    return UnitRollout.objects.create(unit=district, trial_start=date(2016, 8, 1), official_start=date(2016, 8, 10))


@pytest.fixture
def rural_rollout(rural_district):
    """Ba Vì, with the last phase of Hanoi's districts: trial from 01/12/2016, official from 15/12/2016."""
    return UnitRollout.objects.create(
        unit=rural_district, trial_start=date(2016, 12, 1), official_start=date(2016, 12, 15)
    )


@pytest.fixture
def quiet_old(district):
    """Phường Cống Vị of Ba Đình, until 30/06/2025: no dossier in the worlds below."""
    return old_unit("00007", "Phường Cống Vị", UnitKind.WARD, UnitLevel.COMMUNE, district)


@pytest.fixture
def quiet(city, quiet_old):
    """Phường Giảng Võ, a ward of today that holds Cống Vị's records: no dossier either."""
    return new_commune("00008", "Phường Giảng Võ", UnitKind.WARD, city, holds=[quiet_old])


@pytest.fixture
def district_chief(district):
    """The head of Ba Đình's civil-status office, who watched the district's communes until the reform."""
    return make_user("chanh.badinh", "district", district, full_name="Nguyễn Đức Chánh")


@pytest.fixture
def city_staff(city):
    return make_user("so.tttt", "city", city, full_name="Lê Minh Thành")


@pytest.fixture
def rural_chief(rural_district):
    """District staff of Ba Vì: none of Ba Đình's business."""
    return make_user("chanh.bavi", "district", rural_district, full_name="Đinh Văn Vì")


@pytest.fixture
def old_officers(old_commune_a, old_commune_b, old_rural_commune):
    """The officers of the old communes, who acted on their dossiers until 30/06/2025."""
    return {
        "a": officers_of(old_commune_a, "phucxa"),
        "b": officers_of(old_commune_b, "trucbach"),
        "rural": officers_of(old_rural_commune, "minhquang"),
    }


@pytest.fixture
def new_officers(one_stop_a, justice_a, leader_a, one_stop_b, justice_b, leader_b, rural_commune):
    """The officers of today's communes (Hồng Hà, Ba Đình, Xã Ba Vì), who act on their predecessors' dossiers too."""
    return {
        "a": {"one_stop": one_stop_a, "justice": justice_a, "leader": leader_a},
        "b": {"one_stop": one_stop_b, "justice": justice_b, "leader": leader_b},
        "rural": officers_of(rural_commune, "bavi"),
    }


def _week_of_dossiers(clock, monday, *, birth, citizen, units, officers) -> dict:
    """The same week in both worlds, every dossier received on `monday` at 09:00 (birth: due the same day at
    17:00): at unit A a1 online, result 10:00 → on time; a2 paper, result the next day 09:00 → late; a3 online,
    still being processed → overdue; at unit B b1 paper, result 10:00 → on time; at the rural unit r1 online, still
    received → overdue. Seen on the Thursday at 09:00."""
    from procedures.models import Status
    from tests.onecounter.conftest import advance
    from tests.workcal.conftest import at

    def day(offset: int, hour: int):
        return at(monday.year, monday.month, monday.day + offset, hour)

    a, b, rural = officers["a"], officers["b"], officers["rural"]
    clock.set(day(0, 9))
    a1 = advance(filed(birth, unit=units["a"], applicant=citizen), Status.AWAITING_SIGNATURE, **a)
    a2 = filed(birth, unit=units["a"], applicant=citizen, channel=Channel.COUNTER, actor=a["one_stop"])
    a2 = advance(a2, Status.AWAITING_SIGNATURE, **a)
    a3 = advance(filed(birth, unit=units["a"], applicant=citizen), Status.PROCESSING, **a)
    b1 = filed(birth, unit=units["b"], applicant=citizen, channel=Channel.COUNTER, actor=b["one_stop"])
    b1 = advance(b1, Status.AWAITING_SIGNATURE, **b)
    r1 = advance(filed(birth, unit=units["rural"], applicant=citizen), Status.RECEIVED, **rural)
    clock.set(day(0, 10))
    a1, b1 = sign(a1, a["leader"]), sign(b1, b["leader"])
    clock.set(day(1, 9))
    a2 = sign(a2, a["leader"])
    clock.set(day(3, 9))
    return {"a1": a1, "a2": a2, "a3": a3, "b1": b1, "r1": r1}


@pytest.fixture
def dashboard_world(rollout, rural_rollout, clock, city, district, rural_district, old_commune_a, old_commune_b,
                    old_rural_commune, quiet_old, citizen, old_officers):  # fmt: skip
    """December 2024, before the reform, seen on Thursday 12/12/2024 09:00; every dossier received on Monday 09/12
    at the communes of then, by their own officers:

    - Phường Phúc Xá: a1 online, on time; a2 paper, late; a3 online, still being processed → overdue;
    - Phường Trúc Bạch: b1 paper, on time;
    - Phường Cống Vị, also in Ba Đình: no dossier;
    - Xã Minh Quang in Huyện Ba Vì (official since 15/12/2016): r1 online, still received → overdue.

    Ba Đình: 4 received, 2 online (50,0 %), 3 resolved, 2 in time (66,7 %), 1 overdue.
    The city: 5 received, 3 online (60,0 %), 3 resolved (66,7 %), 2 overdue.
    """
    from reporting.services import rollups_refresh
    from tests.procedures.test_filing import procedure_of

    birth = procedure_of("birth")
    units = {"a": old_commune_a, "b": old_commune_b, "rural": old_rural_commune}
    dossiers = _week_of_dossiers(
        clock, date(2024, 12, 9), birth=birth, citizen=citizen, units=units, officers=old_officers
    )
    rollups_refresh()
    return {"birth": birth, "quiet": quiet_old, "dossiers": dossiers, "officers": old_officers}


@pytest.fixture
def reform_world(dashboard_world, clock, citizen, old_officers, new_officers, old_commune_b, commune_a, commune_b,
                 rural_commune):  # fmt: skip
    """Dossiers carried over across the reform, after December 2024:

    - Trúc Bạch's officers receive c1 (online) on Monday 30/06/2025, the district level's last day; Phường Ba Đình,
      which holds Trúc Bạch's records, resolves it on Wednesday 02/07 (late);
    - on Wednesday 02/07/2025 Phường Hồng Hà resolves a3 of Phúc Xá (late), and Xã Ba Vì receives c2, a paper
      dossier of its own, resolved that day; the citizen withdraws r1 of Minh Quang the same day.
    """
    from procedures import services
    from procedures.models import Status
    from reporting.services import rollups_refresh
    from tests.onecounter.conftest import advance
    from tests.workcal.conftest import at

    birth = dashboard_world["birth"]
    old, new = old_officers, new_officers
    clock.set(at(2025, 6, 30, 9))
    c1 = advance(filed(birth, unit=old_commune_b, applicant=citizen), Status.RECEIVED, **old["b"])
    clock.set(at(2025, 7, 2, 9))
    c1 = walk(c1, Status.RESULT_READY, **new["b"])
    a3 = dashboard_world["dossiers"]["a3"]
    a3 = walk(a3, Status.RESULT_READY, **new["a"])
    rural = new["rural"]
    c2 = filed(birth, unit=rural_commune, applicant=citizen, channel=Channel.COUNTER, actor=rural["one_stop"])
    c2 = sign(advance(c2, Status.AWAITING_SIGNATURE, **rural), rural["leader"])
    services.dossier_withdraw(dossier=dashboard_world["dossiers"]["r1"], actor=citizen)
    rollups_refresh()
    return {**dashboard_world, "carried": {"c1": c1, "a3": a3, "c2": c2}}


@pytest.fixture
def dashboard_world_2026(reform_world, clock, citizen, commune_a, commune_b, rural_commune, quiet, new_officers):
    """December 2026 at today's communes, directly under the city, seen on Thursday 10/12/2026 09:00; the same week
    as December 2024's, every dossier received on Monday 07/12 by today's officers:

    - Phường Hồng Hà (which holds Phúc Xá's records): a1 online, on time; a2 paper, late; a3 online, overdue;
    - Phường Ba Đình (Trúc Bạch's): b1 paper, on time;
    - Phường Giảng Võ (Cống Vị's): no dossier;
    - Xã Ba Vì (Minh Quang's; official since 15/12/2016 through Ba Vì's rollout): r1 online, still received → overdue.

    The city: 5 received, 3 online (60,0 %), 3 resolved, 2 in time (66,7 %), 2 overdue. The history before comes
    with it (reform_world, dashboard_world): December 2024 re-aggregated onto Hồng Hà is Phúc Xá's month.
    """
    from reporting.services import rollups_refresh

    units = {"a": commune_a, "b": commune_b, "rural": rural_commune}
    dossiers = _week_of_dossiers(
        clock, date(2026, 12, 7), birth=reform_world["birth"], citizen=citizen, units=units, officers=new_officers
    )
    rollups_refresh()
    return {**reform_world, "quiet": quiet, "dossiers": dossiers, "history": reform_world["dossiers"]}
