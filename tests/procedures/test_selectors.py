"""Reads of dossiers that depend on who asks: which dossiers each persona opens, and who opened a citizen's dossier."""

import pytest

from procedures.models import Channel, DossierAccess
from procedures.selectors import dossier_accesses_for_owner, dossiers_open_to
from procedures.services import dossier_access_record, dossier_create_draft, dossier_submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def at_phuc_xa(citizen, birth_procedure, old_commune_a):
    """Three dossiers begun at Phúc Xá, which commune A, the district of before the reform and the city all see:
    a citizen's online draft, a draft being entered at the counter, and a filed dossier."""

    def draft(channel):
        return dossier_create_draft(procedure=birth_procedure, unit=old_commune_a, applicant=citizen, channel=channel)

    return {
        "online draft": draft(Channel.ONLINE_SELF),
        "counter draft": draft(Channel.COUNTER),
        "filed": dossier_submit(dossier=draft(Channel.ONLINE_SELF), actor=citizen),
    }


@pytest.mark.parametrize(
    ("who", "opens"),
    [
        ("citizen", {"online draft", "filed"}),
        ("other_citizen", set()),
        ("one_stop_a", {"counter draft", "filed"}),
        ("justice_a", {"counter draft", "filed"}),
        ("leader_a", {"counter draft", "filed"}),
        ("one_stop_b", set()),
        ("district_staff", {"filed"}),
        ("city_staff", {"filed"}),
        ("police_a", set()),
        ("social_insurance_a", set()),
    ],
)
def test_who_opens_which_dossier(request, at_phuc_xa, who, opens):
    opened = set(dossiers_open_to(request.getfixturevalue(who)))
    assert {name for name, dossier in at_phuc_xa.items() if dossier in opened} == opens


@pytest.fixture
def submitted_online(draft, citizen):
    return dossier_submit(dossier=draft, actor=citizen)


def test_the_owner_reads_the_latest_accesses_and_how_many_more(submitted_online, one_stop_a, justice_a):
    for _ in range(3):
        dossier_access_record(dossier=submitted_online, user=one_stop_a, what=DossierAccess.What.DOSSIER)
    dossier_access_record(dossier=submitted_online, user=justice_a, what=DossierAccess.What.ATTACHMENT, detail="a.pdf")

    summary = dossier_accesses_for_owner(dossier=submitted_online, limit=2)

    assert [(access.user, access.what) for access in summary.latest] == [
        (justice_a, DossierAccess.What.ATTACHMENT),
        (one_stop_a, DossierAccess.What.DOSSIER),
    ]
    assert summary.older == 2
    assert dossier_accesses_for_owner(dossier=submitted_online).older == 0
