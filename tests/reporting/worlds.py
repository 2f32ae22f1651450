"""The dashboards' worlds on both sides of the reform of 1/7/2025, as fixtures every test may ask for (a pytest plugin
of tests/conftest.py): the rollout of the test districts; December 2024 at the communes of then (city → districts →
communes, officers of the old communes acting) and December 2026 at today's communes (city → communes, the rollout
inherited from the old districts), with dossiers carried over across the reform in between; and one December at
commune A counted by hand, on either side."""

from datetime import date, timedelta

import pytest

from egov.units.models import UnitKind, UnitLevel, UnitRollout
from procedures import services
from procedures.models import Channel, Status
from reporting.periods import period_of
from reporting.services import rollups_refresh
from tests.personas import make_user, new_commune, old_unit
from tests.procedures.helpers import advance, procedure_of
from tests.reporting.helpers import filed, officers_of, sign, walk
from tests.workcal.conftest import at


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
def rural_chief(rural_district):
    """District staff of Ba Vì: none of Ba Đình's business."""
    return make_user("chanh.bavi", "district", rural_district, full_name="Đinh Văn Vì")


@pytest.fixture
def old_commune_officers(old_officers, old_commune_b, old_rural_commune):
    """The officers of the old communes, who acted on their dossiers until 30/06/2025 (Phúc Xá's: `old_officers`)."""
    return {
        "a": old_officers,
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
                    old_rural_commune, quiet_old, citizen, old_commune_officers):  # fmt: skip
    """December 2024, before the reform, seen on Thursday 12/12/2024 09:00; every dossier received on Monday 09/12
    at the communes of then, by their own officers:

    - Phường Phúc Xá: a1 online, on time; a2 paper, late; a3 online, still being processed → overdue;
    - Phường Trúc Bạch: b1 paper, on time;
    - Phường Cống Vị, also in Ba Đình: no dossier;
    - Xã Minh Quang in Huyện Ba Vì (official since 15/12/2016): r1 online, still received → overdue.

    Ba Đình: 4 received, 2 online (50,0 %), 3 resolved, 2 in time (66,7 %), 1 overdue.
    The city: 5 received, 3 online (60,0 %), 3 resolved (66,7 %), 2 overdue.
    """
    birth = procedure_of("birth")
    units = {"a": old_commune_a, "b": old_commune_b, "rural": old_rural_commune}
    dossiers = _week_of_dossiers(
        clock, date(2024, 12, 9), birth=birth, citizen=citizen, units=units, officers=old_commune_officers
    )
    rollups_refresh()
    return {"birth": birth, "quiet": quiet_old, "dossiers": dossiers, "officers": old_commune_officers}


@pytest.fixture
def reform_world(dashboard_world, clock, citizen, old_commune_officers, new_officers, old_commune_b, commune_a,
                 commune_b, rural_commune):  # fmt: skip
    """Dossiers carried over across the reform, after December 2024:

    - Trúc Bạch's officers receive c1 (online) on Monday 30/06/2025, the district level's last day; Phường Ba Đình,
      which holds Trúc Bạch's records, resolves it on Wednesday 02/07 (late);
    - on Wednesday 02/07/2025 Phường Hồng Hà resolves a3 of Phúc Xá (late), and Xã Ba Vì receives c2, a paper
      dossier of its own, resolved that day; the citizen withdraws r1 of Minh Quang the same day.
    """
    birth = dashboard_world["birth"]
    old, new = old_commune_officers, new_officers
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
    units = {"a": commune_a, "b": commune_b, "rural": rural_commune}
    dossiers = _week_of_dossiers(
        clock, date(2026, 12, 7), birth=reform_world["birth"], citizen=citizen, units=units, officers=new_officers
    )
    rollups_refresh()
    return {**reform_world, "quiet": quiet, "dossiers": dossiers, "history": reform_world["dossiers"]}


# The same December on each side of the reform: its first Monday after the 6th, a moment after the month, and
# the official start of the rural district (a Monday in January).
ERAS = {
    "2024": {"monday": date(2024, 12, 9), "after": at(2025, 1, 7, 9), "rural_start": date(2025, 1, 6)},
    "2026": {"monday": date(2026, 12, 7), "after": at(2027, 1, 5, 9), "rural_start": date(2027, 1, 4)},
}


@pytest.fixture(params=sorted(ERAS))
def december_world(request, rollout, clock, citizen, city, district, rural_district, old_commune_a, old_commune_b,
          old_rural_commune, commune_a, commune_b, rural_commune, one_stop_a, justice_a, leader_a):  # fmt: skip
    """December at commune A (birth: the same day, or the next working day after 15:00): in 2024 at Phường Phúc Xá of
    Quận Ba Đình, by its own officers; in 2026 at Phường Hồng Hà (which holds Phúc Xá's records), directly under the
    city. M is the era's Monday (09/12/2024, 07/12/2026):

    - d1 online, received M 09:00, result 10:00 → on time (the due day is that day);
    - d2 online at the counter with help (online_assisted), received M, result M+1 09:00 → late;
    - d3 paper (counter), received M 09:30, result exactly at its due time 17:00 → on time;
    - d4 online, received M, still being processed on 31/12 → overdue in progress;
    - d5 online, received M, withdrawn M+1;
    - d6 online, refused at reception M (never received);
    - d7 online in the rural commune, whose district is official only from January → not counted at all;
    - d8 a death registration (3 working days) received M, result M+1 → early; then handed over.
    """
    before = request.param == "2024"
    era = ERAS[request.param]
    monday = era["monday"]
    commune, rural = (old_commune_a, old_rural_commune) if before else (commune_a, rural_commune)
    if before:
        officers = officers_of(old_commune_a, "phucxa")
    else:
        officers = {"one_stop": one_stop_a, "justice": justice_a, "leader": leader_a}
    one_stop = officers["one_stop"]
    birth = procedure_of("birth")
    death = procedure_of("death", days="3")
    UnitRollout.objects.create(unit=rural_district, official_start=era["rural_start"])

    def moment(days: int, hour: int, minute: int = 0):
        day = monday + timedelta(days=days)
        return at(day.year, day.month, day.day, hour, minute)

    clock.set(moment(0, 9))
    d1 = advance(filed(birth, unit=commune, applicant=citizen), Status.RECEIVED, **officers)
    clock.set(moment(0, 10))
    walk(d1, Status.RESULT_READY, **officers)

    clock.set(moment(0, 9))
    d2 = filed(birth, unit=commune, applicant=citizen, channel=Channel.ONLINE_ASSISTED, actor=one_stop)
    d2 = advance(d2, Status.RECEIVED, **officers)
    clock.set(moment(1, 9))
    walk(d2, Status.RESULT_READY, **officers)

    clock.set(moment(0, 9, 30))
    d3 = filed(birth, unit=commune, applicant=citizen, channel=Channel.COUNTER, actor=one_stop)
    d3 = advance(d3, Status.AWAITING_SIGNATURE, **officers)
    clock.set(d3.due_at)
    walk(d3, Status.RESULT_READY, **officers)

    clock.set(moment(0, 9))
    advance(filed(birth, unit=commune, applicant=citizen), Status.PROCESSING, **officers)
    d5 = advance(filed(birth, unit=commune, applicant=citizen), Status.RECEIVED, **officers)
    d6 = filed(birth, unit=commune, applicant=citizen)
    services.dossier_refuse(dossier=d6, officer=one_stop, reason="Không thuộc thẩm quyền")
    filed(birth, unit=rural, applicant=citizen)
    d8 = advance(filed(death, unit=commune, applicant=citizen), Status.RECEIVED, **officers)
    clock.set(moment(1, 9))
    services.dossier_withdraw(dossier=d5, actor=citizen, reason="Gia đình đổi ý")
    walk(d8, Status.DELIVERED, **officers)
    rollups_refresh()
    return {
        "birth": birth,
        "death": death,
        "era": era,
        "month": period_of("month", monday),
        "moment": moment,
        "commune": commune,
        "officers": officers,
        # The units that count commune A's dossiers.
        "levels": [commune, district, city] if before else [commune, city],
        # Commune A with the communes beside it, and the unit above them.
        "siblings": ([old_commune_a, old_commune_b], district) if before else ([commune_a, commune_b], city),
        # The rural commune and its district (a commune of today has none): not counted in December.
        "rural": [old_rural_commune, rural_district] if before else [rural_commune],
    }
