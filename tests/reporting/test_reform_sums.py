"""Reports by period across the reform of 1/7/2025: whatever happened to the dossiers, at the communes of before and
of today, some carried over across the reform, a city's figures equal the sum of its children's for every period and
every additive measure, in each part of the period and re-aggregated onto today's communes; no dossier counts twice.
"""

from datetime import date, timedelta

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from egov.units.models import AdministrativeUnit, UnitLevel, UnitRollout, UnitSuccession
from egov.units.selectors import holder_on
from procedures import services
from procedures.models import Channel, Status
from reporting.models import DossierFact
from reporting.periods import Period
from reporting.selectors import child_parts, level_parts, total_of, unit_figures
from reporting.services import rollups_refresh
from tests.procedures.helpers import procedure_of
from tests.reporting.helpers import filed, officers_of
from tests.workcal.conftest import at

START = at(2025, 6, 26, 8, 30)  # a Thursday, three working days before the reform
WINDOW = date(2025, 6, 16)  # the periods asked for start from here, up to 40 days on


def additive(figures) -> dict:
    """Every additive measure of Figures, as a total row adds them up (selectors.total_of)."""
    summed = total_of([figures], unit=None, period=None)
    return {name: value for name, value in vars(summed).items() if name not in ("unit", "period")}


def assert_adds_up(children: list, whole, where: str) -> None:
    assert additive(total_of(children, unit=None, period=None)) == additive(whole), where


@pytest.fixture
def people(rollout, clock, citizen, city, district, rural_district, old_commune_a, old_commune_b, old_rural_commune,
           quiet_old, commune_a, commune_b, rural_commune, quiet):  # fmt: skip
    """Both trees: Ba Đình (official since 2016) with Phúc Xá, Trúc Bạch and Cống Vị; Ba Vì (official only from
    27/06/2025, inside the histories) with Minh Quang; today's Hồng Hà, Ba Đình, Giảng Võ and Xã Ba Vì, each holding
    one old commune's records. Trúc Bạch was split: part of it went to Hồng Hà too, whose figures must not count it.
    Officers of every commune, old and new."""
    UnitRollout.objects.create(unit=rural_district, official_start=date(2025, 6, 27))
    UnitSuccession.objects.create(old_unit=old_commune_b, new_unit=commune_a)
    units = [old_commune_a, old_commune_b, old_rural_commune, commune_a, commune_b, rural_commune]
    return {
        "procedures": [procedure_of("birth"), procedure_of("death", days="3")],
        "units": units,
        "officers": {unit.pk: officers_of(unit, f"u{unit.pk}") for unit in units},
        "city": city,
    }


# Forward more often than anything else: most dossiers should get received (a fact) and many finish.
OPERATIONS = (
    ("file",) * 3 + ("forward",) * 6 + ("withdraw", "refuse", "reject", "supplement", "resubmit", "wait", "wait")
)


def _apply(operation: str, pick: int, dossiers: list, people, clock, citizen) -> None:
    """One step of a random history; a step that does not apply to the picked dossier does nothing. Whoever acts
    is an officer of the unit that holds the dossier's records that day: its own commune's before the reform, the
    successor's after it."""
    if operation == "wait":
        clock.set(clock.now + timedelta(hours=3 + pick * 9))
        return
    today = timezone.localdate()
    if operation == "file" or not dossiers:
        units = [unit for unit in people["units"] if unit.is_valid_on(today)]
        unit = units[pick % len(units)]
        channel = (Channel.ONLINE_SELF, Channel.ONLINE_ASSISTED, Channel.COUNTER, Channel.POST)[pick % 4]
        one_stop = people["officers"][unit.pk]["one_stop"]
        actor = citizen if channel == Channel.ONLINE_SELF else one_stop
        dossier = filed(people["procedures"][pick % 2], unit=unit, applicant=citizen, channel=channel, actor=actor)
        # Two dossiers in three are received at once (one-stop officers work through their queue); one sent after
        # hours on the eve of the reform is filed at the successor, whose officers receive it from 1/7 on.
        if pick % 3 and dossier.unit_id == unit.pk:
            dossier = services.dossier_receive(dossier=dossier, officer=one_stop)
        dossiers.append(dossier)
        return
    dossier = type(dossiers[0]).objects.select_related("unit").get(pk=dossiers[pick % len(dossiers)].pk)
    officers = people["officers"][holder_on(dossier.unit, today).pk]
    status = dossier.status
    steps = {
        Status.SUBMITTED: lambda: services.dossier_receive(dossier=dossier, officer=officers["one_stop"]),
        Status.RECEIVED: lambda: services.dossier_start(dossier=dossier, officer=officers["justice"]),
        Status.PROCESSING: lambda: services.dossier_propose(dossier=dossier, officer=officers["justice"]),
        Status.AWAITING_SIGNATURE: lambda: services.dossier_approve(dossier=dossier, leader=officers["leader"]),
        Status.REGISTERED: lambda: services.dossier_settle(dossier=dossier),
        Status.RESULT_READY: lambda: services.dossier_deliver(dossier=dossier, officer=officers["one_stop"]),
    }
    actor = citizen if dossier.channel == Channel.ONLINE_SELF else officers["one_stop"]
    try:
        if operation == "forward" and status in steps:
            steps[status]()
        elif operation == "withdraw" and status in (Status.SUBMITTED, Status.NEEDS_SUPPLEMENT, Status.RECEIVED):
            services.dossier_withdraw(dossier=dossier, actor=actor)
        elif operation == "refuse" and status == Status.SUBMITTED:
            services.dossier_refuse(dossier=dossier, officer=officers["one_stop"], reason="Không thuộc thẩm quyền")
        elif operation == "reject" and status == Status.AWAITING_SIGNATURE:
            services.dossier_reject(dossier=dossier, leader=officers["leader"], reason="Giấy tờ không hợp lệ")
        elif operation == "supplement" and status in (Status.SUBMITTED, Status.PROCESSING):
            officer = officers["one_stop"] if status == Status.SUBMITTED else officers["justice"]
            services.dossier_request_supplement(dossier=dossier, officer=officer, reason="Thiếu giấy chứng sinh")
        elif operation == "resubmit" and status == Status.NEEDS_SUPPLEMENT:
            services.dossier_resubmit(dossier=dossier, actor=actor)
    except services.DossierActionError:
        pass


def check_period(period: Period, city: AdministrativeUnit) -> None:
    """The sums of one period: the city against its children in each part, each district against its communes in
    each part, the communes of each part of the level, and today's communes over the whole period."""
    for part in child_parts(city, period):
        figures = unit_figures(units=[city, *part.units], period=part.period)
        assert_adds_up([figures[u.pk] for u in part.units], figures[city.pk], f"city {part.period}")
        for district in (u for u in part.units if u.level == UnitLevel.DISTRICT):
            for inner in child_parts(district, part.period):
                below = unit_figures(units=[district, *inner.units], period=inner.period)
                assert_adds_up([below[u.pk] for u in inner.units], below[district.pk], f"{district} {inner.period}")
    for part in level_parts(UnitLevel.COMMUNE, period):
        figures = unit_figures(units=[city, *part.units], period=part.period)
        assert_adds_up([figures[u.pk] for u in part.units], figures[city.pk], f"communes {part.period}")
    today = AdministrativeUnit.objects.communes().filter(parent=city).valid_on(timezone.localdate())
    current = list(today) or [u for u in AdministrativeUnit.objects.communes() if u.parent.level == UnitLevel.DISTRICT]
    figures = unit_figures(units=[city, *current], period=period)
    assert_adds_up([figures[u.pk] for u in current], figures[city.pk], f"re-aggregated {period}")


STEPS = st.lists(st.tuples(st.sampled_from(OPERATIONS), st.integers(0, 11)), min_size=6, max_size=30)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    before=STEPS,
    after=STEPS,
    jump=st.integers(0, 24 * 10),
    periods=st.lists(st.tuples(st.integers(0, 40), st.integers(0, 40)), min_size=1, max_size=3),
)
def test_a_city_equals_the_sum_of_its_children_across_the_reform(before, after, jump, periods, people, clock,
                                                                  citizen):  # fmt: skip
    """A history from 26/06/2025 at the old communes, then one from some hour after the reform at today's communes,
    the dossiers still open carried over and acted on by the successors."""
    with transaction.atomic():
        clock.set(START)
        dossiers: list = []
        for operation, pick in before:
            _apply(operation, pick, dossiers, people, clock, citizen)
        clock.set(max(clock.now, at(2025, 7, 1, 7)) + timedelta(hours=jump))
        for operation, pick in after:
            _apply(operation, pick, dossiers, people, clock, citizen)
        rollups_refresh()
        asked = [Period("custom", WINDOW + timedelta(days=a), WINDOW + timedelta(days=a + b)) for a, b in periods]
        # June and July, a week across the reform, and the month still running if the history ends in it.
        asked += [
            Period("month", date(2025, 6, 1), date(2025, 6, 30)),
            Period("month", date(2025, 7, 1), date(2025, 7, 31)),
            Period("week", date(2025, 6, 30), date(2025, 7, 6)),
        ]
        for period in asked:
            check_period(period, people["city"])
        transaction.set_rollback(True)


def test_a_history_across_the_reform_is_counted_once(people, clock, citizen, old_commune_b, commune_a, commune_b):
    """A dossier received at Trúc Bạch before the reform and resolved at Phường Ba Đình after it counts once in
    June and July together: at Phường Ba Đình, which holds Trúc Bạch's records, and not at Hồng Hà, which took part
    of Trúc Bạch's territory."""
    clock.set(at(2025, 6, 30, 9))
    dossier = filed(people["procedures"][0], unit=old_commune_b, applicant=citizen)
    services.dossier_receive(dossier=dossier, officer=people["officers"][old_commune_b.pk]["one_stop"])
    clock.set(at(2025, 7, 2, 9))
    _apply("forward", 0, [dossier], people, clock, citizen)  # started by Phường Ba Đình's officer
    rollups_refresh()
    assert DossierFact.objects.get().unit_id == old_commune_b.pk
    summer = Period("custom", date(2025, 6, 1), date(2025, 7, 31))
    figures = unit_figures(units=[commune_a, commune_b, people["city"]], period=summer)
    assert [figures[u.pk].received for u in (commune_a, commune_b, people["city"])] == [0, 1, 1]
    check_period(summer, people["city"])
