"""The incremental rollups equal a from-scratch recount, whatever happened to the dossiers and in which order."""

from datetime import date, timedelta

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from interconnect.models import LinkedRecord, RecordStatus
from procedures import services
from procedures.models import Channel, DossierEvent, Status
from reporting.models import DirtyDossier, DossierFact
from reporting.services import dossiers_mark_dirty, facts_update, rollups_rebuild, rollups_refresh
from tests.procedures.helpers import filed, procedure_of
from tests.reporting.helpers import rollup_cells
from tests.workcal.conftest import at

FACT_FIELDS = [f.attname for f in DossierFact._meta.fields]


def facts() -> list:
    return sorted(DossierFact.objects.values_list(*FACT_FIELDS))


OPERATIONS = ("file", "forward", "supplement", "resubmit", "withdraw", "refuse", "reject", "wait", "refresh")


@pytest.fixture
def people(rollout, clock, citizen, commune_a, commune_b, one_stop_a, justice_a, leader_a, one_stop_b):
    birth = procedure_of("birth")
    death = procedure_of("death", days="3")
    return {"procedures": [birth, death], "communes": [commune_a, commune_b], "one_stop": one_stop_a}


def _apply(operation: str, pick: int, dossiers: list, people, clock, citizen, one_stop_a, justice_a, leader_a):
    """One step of a random history. Steps that do not apply to the picked dossier do nothing."""
    if operation == "wait":
        clock.set(clock.now + timedelta(hours=1 + pick * 5))
        return
    if operation == "refresh":
        rollups_refresh(batch=1 + pick)
        return
    if operation == "file" or not dossiers:
        procedure = people["procedures"][pick % 2]
        channel = (Channel.ONLINE_SELF, Channel.ONLINE_ASSISTED, Channel.COUNTER)[pick % 3]
        dossier = filed(
            procedure,
            unit=people["communes"][0],
            applicant=citizen,
            channel=channel,
            actor=(citizen if channel == Channel.ONLINE_SELF else one_stop_a),
        )
        dossiers.append(dossier)
        return
    index = pick % len(dossiers)
    dossier = type(dossiers[index]).objects.get(pk=dossiers[index].pk)
    status = dossier.status
    try:
        if operation == "forward":
            step = {
                Status.SUBMITTED: lambda: services.dossier_receive(dossier=dossier, officer=one_stop_a),
                Status.RECEIVED: lambda: services.dossier_start(dossier=dossier, officer=justice_a),
                Status.PROCESSING: lambda: services.dossier_propose(dossier=dossier, officer=justice_a),
                Status.AWAITING_SIGNATURE: lambda: services.dossier_approve(dossier=dossier, leader=leader_a),
                Status.REGISTERED: lambda: services.dossier_settle(dossier=dossier),
                Status.RESULT_READY: lambda: services.dossier_deliver(dossier=dossier, officer=one_stop_a),
            }.get(status)
            if step:
                step()
        elif operation == "supplement" and status in (Status.SUBMITTED, Status.PROCESSING):
            officer = one_stop_a if status == Status.SUBMITTED else justice_a
            services.dossier_request_supplement(dossier=dossier, officer=officer, reason="Thiếu giấy chứng sinh")
        elif operation == "resubmit" and status == Status.NEEDS_SUPPLEMENT:
            actor = citizen if dossier.channel == Channel.ONLINE_SELF else one_stop_a
            services.dossier_resubmit(dossier=dossier, actor=actor)
        elif operation == "withdraw" and status in (Status.SUBMITTED, Status.NEEDS_SUPPLEMENT, Status.RECEIVED):
            actor = citizen if dossier.channel == Channel.ONLINE_SELF else one_stop_a
            services.dossier_withdraw(dossier=dossier, actor=actor)
        elif operation == "refuse" and status == Status.SUBMITTED:
            services.dossier_refuse(dossier=dossier, officer=one_stop_a, reason="Không thuộc thẩm quyền")
        elif operation == "reject" and status == Status.AWAITING_SIGNATURE:
            services.dossier_reject(dossier=dossier, leader=leader_a, reason="Giấy tờ không hợp lệ")
    except services.DossierActionError:
        pass


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(st.tuples(st.sampled_from(OPERATIONS), st.integers(0, 7)), min_size=1, max_size=30))
def test_incremental_rollups_equal_a_recount(steps, people, clock, citizen, one_stop_a, justice_a, leader_a):
    with transaction.atomic():
        clock.set(at(2026, 12, 7, 8, 30))
        dossiers: list = []
        for operation, pick in steps:
            _apply(operation, pick, dossiers, people, clock, citizen, one_stop_a, justice_a, leader_a)
        rollups_refresh()
        incremental, incremental_facts = rollup_cells(), facts()
        rollups_rebuild()
        assert rollup_cells() == incremental
        assert facts() == incremental_facts
        transaction.set_rollback(True)


def test_each_event_marks_its_dossier_and_a_refresh_consumes_the_marks(people, citizen, one_stop_a):
    dossier = filed(people["procedures"][0], unit=people["communes"][0], applicant=citizen)
    services.dossier_receive(dossier=dossier, officer=one_stop_a)
    assert (
        DirtyDossier.objects.filter(dossier_id=dossier.pk).count()
        == DossierEvent.objects.filter(dossier=dossier).count()
    )
    assert rollups_refresh() == 1
    assert not DirtyDossier.objects.exists()
    assert DossierFact.objects.get().received_day is not None


def test_refreshing_the_same_dossier_twice_counts_it_once(people, citizen, one_stop_a):
    dossier = filed(people["procedures"][0], unit=people["communes"][0], applicant=citizen)
    dossier = services.dossier_receive(dossier=dossier, officer=one_stop_a)
    rollups_refresh()
    once = rollup_cells()
    facts_update(dossier_ids=[dossier.pk, dossier.pk])
    dossiers_mark_dirty(dossier_ids=[dossier.pk])
    rollups_refresh()
    assert rollup_cells() == once
    assert once[(dossier.unit_id, dossier.procedure_id, "y", date(2026, 1, 1), "received_online_self")] == 1


def test_linked_records_failures_and_the_3_in_1_completion_time(
    rollout, clock, citizen, commune_a, one_stop_a, justice_a, leader_a
):
    procedure = procedure_of("birth_3in1", days="1", interconnections=["police", "social_insurance"])
    clock.set(at(2026, 12, 7, 9))
    dossier = filed(procedure, unit=commune_a, applicant=citizen)
    for step in (
        lambda d: services.dossier_receive(dossier=d, officer=one_stop_a),
        lambda d: services.dossier_start(dossier=d, officer=justice_a),
        lambda d: services.dossier_propose(dossier=d, officer=justice_a),
        lambda d: services.dossier_approve(dossier=d, leader=leader_a),
    ):
        dossier = step(dossier)
    rollups_refresh()
    fact = DossierFact.objects.get()
    assert (fact.linked_opened, fact.linked_failed, fact.settled_day) == (2, 0, None)
    # The worker gives up on the police record: no dossier event, the refresh still finds it.
    LinkedRecord.objects.filter(dossier=dossier, agency="police").update(status=RecordStatus.FAILED)
    rollups_refresh()
    assert DossierFact.objects.get().linked_failed == 1
    clock.set(at(2026, 12, 8, 11))
    services.dossier_settle(dossier=dossier)
    rollups_refresh()
    fact = DossierFact.objects.get()
    # Approved Mon 09:00, settled Tue 11:00: 7 + 3 office hours = 1.25 working days.
    assert (fact.settled_day.day, fact.interconnect_days, fact.linked_failed) == (8, 1.25, 1)
    before = rollup_cells()
    rollups_rebuild()
    assert rollup_cells() == before
