"""The demo as the tests of load_demo load it: the moment, the ward, and its dossiers in code order."""

from datetime import datetime

from django.core.management import call_command

from procedures.models import Dossier
from tests.workcal.conftest import at

WARD = "Phường Hồng Hà"

# Wednesday 25/11/2026, the day after Culture Day (a public holiday), mid-morning.
LOADED_AT = at(2026, 11, 25, 10, 30)


def load_demo_at(monkeypatch, moment: datetime, *, history: int = 0) -> None:
    """The demo as loaded at `moment`; without the generated year unless asked (the ward's story is the subject)."""
    monkeypatch.setattr("django.utils.timezone.now", lambda: moment)
    call_command("load_demo", verbosity=0, history=history)


def demo_dossiers():
    return Dossier.objects.select_related("procedure", "unit").order_by("code")
