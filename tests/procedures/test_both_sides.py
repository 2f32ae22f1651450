"""Filing and due times at pinned dates on both sides of the reform of 1/7/2025, through the filing pages: on
15/12/2016 the commune of the day is Phường Phúc Xá of Quận Ba Đình, on 02/12/2026 Phường Hồng Hà under the city.
Whatever the clock says is "today" decides which communes are offered and where the dossier goes. (The real date is
tested too: tests/procedures/test_filing.py and tests/browser/test_today.py run with no frozen clock.)"""

import datetime

import pytest
from django.urls import reverse

from procedures.declarations.samples import sample_data
from procedures.models import Status
from procedures.services import dossier_receive, dossier_save_draft
from tests.personas import make_user
from tests.procedures.helpers import choices, procedure_of, start_url
from tests.workcal.conftest import at

pytestmark = pytest.mark.django_db

SIDES = {
    # Thursday 15/12/2016: the last phase of Hanoi's rollout; Tuesday 02/12/2026: a ward of today.
    "2016": (
        datetime.date(2016, 12, 15),
        "old_commune_a",
        "Phường Phúc Xá, Quận Ba Đình",  # a commune of the day under a district is offered with it
        "Phường Hồng Hà",
        "00001-161215-0001",
    ),
    "2026": (datetime.date(2026, 12, 2), "commune_a", "Phường Hồng Hà", "Phường Phúc Xá", "00097-261202-0001"),
}


@pytest.mark.parametrize("side", SIDES)
@pytest.mark.parametrize(
    ("hour", "due"),
    [(9, (0, 17)), (16, (1, 17))],
    ids=["received-in-the-morning-due-that-evening", "received-after-15h-due-the-next-evening"],
)
def test_a_birth_is_filed_at_the_commune_of_the_day_and_due_by_its_rules(
    request, client, clock, citizen, commune_a, old_commune_a, side, hour, due
):
    day, unit_name, offered, not_offered, code = SIDES[side]
    unit = request.getfixturevalue(unit_name)
    clock.set(at(day.year, day.month, day.day, 9))
    # Without papers to upload: what is tested is where and when, not the uploads.
    procedure = procedure_of("birth", required_documents=[])
    client.force_login(citizen)

    page = client.get(start_url(procedure)).content.decode()
    assert offered in choices(page) and not any(not_offered in choice for choice in choices(page))
    # The other commune, that day, is refused.
    other = commune_a if unit == old_commune_a else old_commune_a
    refused = client.post(start_url(procedure), {"commune": other.pk})
    assert refused.status_code == 200 and "Chọn lại xã, phường" in refused.content.decode()

    response = client.post(start_url(procedure), {"commune": unit.pk})
    assert response.status_code == 302
    dossier = citizen.dossiers.get()
    assert dossier.unit == unit
    dossier_save_draft(dossier=dossier, data=sample_data(procedure, on=day), step="kiem-tra")
    clock.set(at(day.year, day.month, day.day, hour))
    client.post(reverse("procedures:file-submit", kwargs={"uuid": dossier.uuid}))
    dossier.refresh_from_db()
    assert dossier.status == Status.SUBMITTED
    counted_from = day + datetime.timedelta(days=due[0])
    assert dossier.code == code.replace(f"{day:%y%m%d}", f"{counted_from:%y%m%d}")

    # Received by the one-stop officer of that commune, that day: the same day's evening, or the next working day's
    # when sent after the 15:00 cut-off (both days are working days on each side).
    officer = make_user(f"motcua.{side}", "one_stop", unit)
    dossier = dossier_receive(dossier=dossier, officer=officer)
    assert dossier.due_at == at(counted_from.year, counted_from.month, counted_from.day, due[1])
    # Under its district then, under the city now.
    assert dossier.unit.parent.name == ("Quận Ba Đình" if side == "2016" else "Thành phố Hà Nội")
