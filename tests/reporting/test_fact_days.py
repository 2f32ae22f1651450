"""A dossier received after 15:00 counts from the next working day, even when it is resolved that evening."""

from datetime import date

from procedures import services
from procedures.models import Status
from reporting.models import DossierFact
from reporting.periods import period_of
from reporting.selectors import unit_figures
from reporting.services import rollups_refresh
from tests.procedures.helpers import advance, filed, procedure_of
from tests.workcal.conftest import at


def test_resolved_the_evening_it_came_it_leaves_the_stock_the_day_it_entered(
    rollout, clock, citizen, commune_a, one_stop_a, justice_a, leader_a
):
    clock.set(at(2026, 12, 11, 16))  # Friday, after 15:00
    dossier = advance(
        filed(procedure_of("birth"), unit=commune_a, applicant=citizen),
        Status.RECEIVED,
        one_stop=one_stop_a,
        justice=justice_a,
        leader=leader_a,
    )
    clock.set(at(2026, 12, 11, 16, 30))
    dossier = services.dossier_start(dossier=dossier, officer=justice_a)
    dossier = services.dossier_propose(dossier=dossier, officer=justice_a)
    dossier = services.dossier_approve(dossier=dossier, leader=leader_a)
    services.dossier_deliver(dossier=services.dossier_settle(dossier=dossier), officer=one_stop_a)
    rollups_refresh()

    fact = DossierFact.objects.get()
    monday = date(2026, 12, 14)
    assert fact.received_day == fact.resolved_day == fact.delivered_day == monday
    clock.set(at(2026, 12, 21, 9))
    week = period_of("week", date(2026, 12, 7))
    figures = unit_figures(units=[commune_a], period=week)[commune_a.pk]
    assert (figures.received, figures.resolved, figures.in_progress, figures.not_collected) == (0, 0, 0, 0)
    figures = unit_figures(units=[commune_a], period=week.next())[commune_a.pk]
    assert (figures.carried_over, figures.received, figures.resolved, figures.in_progress) == (0, 1, 1, 0)
