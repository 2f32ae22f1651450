"""`manage.py generate_dossiers`: realistic dossiers with the events of their status, unique codes, and facts and
rollups written as they go that equal what rollups_rebuild computes from the event log."""

import re
from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from egov.units.models import UnitRollout
from interconnect.models import LinkedRecord, RecordStatus
from procedures.models import FINAL_STATUSES, Channel, Dossier, DossierCodeCounter, Procedure, Status
from reporting.generator import dossiers_generate
from reporting.history import IN_PROGRESS
from reporting.models import DossierFact, Rollup
from reporting.services import rollups_rebuild
from tests.procedures.helpers import filed, procedure_of

pytestmark = pytest.mark.django_db

ROLLUP_FIELDS = [f.attname for f in Rollup._meta.fields if f.name != "id"]
FACT_FIELDS = [f.attname for f in DossierFact._meta.fields]


@pytest.fixture
def world(clock, rollout, district, rural_district, commune_a, commune_b, rural_commune):
    """Ba Đình (official since 2016) and Ba Vì (no rollout yet: its dossiers are not counted) with a commune each
    or two before the reform of 1/7/2025, and their successors since (Hồng Hà and Phường Ba Đình inherit Ba Đình's
    official start, Xã Ba Vì has none); the real catalogue; today is Monday 07/12/2026."""
    call_command("load_catalogue", verbosity=0)
    return [commune_a, commune_b, rural_commune]


def snapshot() -> tuple[list, list]:
    facts = sorted(DossierFact.objects.values_list(*FACT_FIELDS))
    rollups = sorted(tuple(row) for row in Rollup.objects.values_list(*ROLLUP_FIELDS))
    return facts, rollups


def test_the_facts_and_rollups_written_while_generating_equal_a_rebuild(world):
    dossiers_generate(count=1500, since=date(2026, 9, 1), seed=7)
    dossiers_generate(count=500, since=date(2026, 11, 16), seed=8)
    written = snapshot()

    rollups_rebuild()

    assert snapshot() == written
    facts = written[0]
    assert len(facts) > 1000
    # Today's communes have no district; Xã Ba Vì's dossiers are not counted (no official start yet).
    assert set(DossierFact.objects.values_list("district", flat=True)) == {None}
    assert set(DossierFact.objects.values_list("unit__name", flat=True)) == {"Phường Hồng Hà", "Phường Ba Đình"}


def test_a_range_across_the_reform_gives_dossiers_to_the_communes_of_each_day(world, old_commune_a, old_commune_b):
    dossiers_generate(count=1200, since=date(2025, 6, 2), until=date(2025, 7, 31), seed=11)
    written = snapshot()

    reform = date(2025, 7, 1)
    for dossier in Dossier.objects.select_related("unit"):
        assert dossier.unit.is_valid_on(timezone.localdate(dossier.submitted_at)) or dossier.channel == "online_self"
    before = Dossier.objects.filter(received_at__date__lt=reform)
    after = Dossier.objects.filter(submitted_at__date__gte=reform)
    assert set(before.values_list("unit__code", flat=True)) == {"00001", "00004", "09700"}
    assert set(after.values_list("unit__name", flat=True)) == {"Phường Hồng Hà", "Phường Ba Đình", "Xã Ba Vì"}
    # The old communes' facts count at their district too; today's at the commune and the city only.
    assert set(DossierFact.objects.filter(unit__valid_to__isnull=False).values_list("district__code", flat=True)) == {
        "001"
    }
    assert not DossierFact.objects.filter(unit__valid_from=reform).exclude(district=None).exists()
    rollups_rebuild()
    assert snapshot() == written


def test_codes_are_unique_numbered_per_commune_and_day_of_receipt(world, commune_a):
    dossiers_generate(count=800, since=date(2026, 11, 2), seed=1)
    dossiers_generate(count=800, since=date(2026, 11, 2), seed=2)

    codes = list(Dossier.objects.values_list("unit__code", "code"))
    assert len({code for _, code in codes}) == 1600
    for unit_code, code in codes:
        assert re.fullmatch(rf"{unit_code}-26(1[12])\d\d-\d{{4}}", code), code
    numbers = sorted(
        int(code[-4:])
        for code in Dossier.objects.filter(unit=commune_a, code__contains="-261102-").values_list("code", flat=True)
    )
    assert numbers == list(range(1, len(numbers) + 1))


def test_today_codes_move_the_portal_counter_on(world, commune_a, citizen):
    dossiers_generate(count=3000, since=date(2026, 12, 1), seed=3)
    today = Dossier.objects.filter(unit=commune_a, code__contains="-261207-").count()
    assert today and DossierCodeCounter.objects.get(unit=commune_a, day=date(2026, 12, 7)).last == today

    assert filed(procedure_of("birth"), unit=commune_a, applicant=citizen).code == f"00097-261207-{today + 1:04d}"


def test_statuses_follow_age_and_events_follow_statuses(world, clock):
    dossiers_generate(count=2000, since=date(2026, 6, 1), seed=4)
    month_ago = clock.now - timedelta(days=30)

    old = Dossier.objects.filter(submitted_at__lt=month_ago)
    assert old.filter(status__in=FINAL_STATUSES).count() > 0.95 * old.count()
    assert set(old.values_list("status", flat=True)) >= {
        Status.DELIVERED,
        Status.REJECTED,
        Status.WITHDRAWN,
        Status.REFUSED,
        Status.RESULT_READY,
    }
    recent = Dossier.objects.filter(submitted_at__gte=clock.now - timedelta(days=3))
    assert recent.filter(status__in=IN_PROGRESS).exists()
    assert not Dossier.objects.filter(received_at__gt=clock.now).exists()
    expected = {
        Status.DELIVERED: ["receive", "settle", "deliver"],
        Status.RESULT_READY: ["receive", "settle"],
        Status.REJECTED: ["receive", "reject"],
        Status.WITHDRAWN: ["receive", "withdraw"],
        Status.REFUSED: ["refuse"],
        Status.PROCESSING: ["receive"],
    }
    for status, actions in expected.items():
        dossier = Dossier.objects.filter(status=status, procedure__interconnections=[]).first()
        assert [e.action for e in dossier.events.all()] == actions, status
        assert {e.details["source"] for e in dossier.events.all()} == {"generated"}


def test_settled_3in1_dossiers_opened_their_linked_records_at_approval(world):
    dossiers_generate(count=1500, since=date(2026, 6, 1), seed=5)
    births = Dossier.objects.filter(procedure__code="HT-KS-LT", status=Status.DELIVERED)

    dossier = births.first()
    approve, settle = dossier.events.get(action="approve"), dossier.events.get(action="settle")
    records = list(dossier.linked_records.all())
    assert {r.agency for r in records} == {"police", "social_insurance"}
    assert {r.status for r in records} == {RecordStatus.COMPLETED}
    assert all(r.sent_at == approve.at and r.answered_at == settle.at for r in records)
    assert LinkedRecord.objects.exclude(resent_at=None).exists()


def test_online_filing_grows_over_the_years(world, rural_district):
    # Ba Vì too, for once, so that both kinds of district are in the shares.
    UnitRollout.objects.create(unit=rural_district, official_start=date(2016, 12, 15))
    dossiers_generate(count=1500, since=date(2017, 1, 1), until=date(2017, 12, 31), seed=6)
    dossiers_generate(count=1500, since=date(2025, 1, 1), until=date(2025, 12, 31), seed=6)

    def online(year):
        dossiers = Dossier.objects.filter(submitted_at__year=year)
        return dossiers.filter(channel__in=[Channel.ONLINE_SELF, Channel.ONLINE_ASSISTED]).count() / dossiers.count()

    assert online(2017) < 0.3 < 0.6 < online(2025)


def test_the_command_prints_what_it_did(world, capsys):
    call_command("generate_dossiers", "--count=300", "--since=01/11/2026", "--seed=9")

    out = capsys.readouterr().out
    assert "300 dossiers and" in out and "events generated and counted" in out
    assert Dossier.objects.count() == 300
    assert Procedure.objects.count() == 7
