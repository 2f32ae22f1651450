"""Benchmark: the cost of an officer's worklist page as the commune's dossiers grow.

Creates a throw-away test database (never touches the configured one) and fills one commune with N dossiers:
a fixed few hundred open, the rest delivered (the archive grows, the work in hand does not). Times the list
pages through Django's test client. Figures are ratios to the smallest size measured in the same run,
because these machines are noisy.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/egov_bench .venv/bin/python benchmarks/worklist.py
"""

import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "egov.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

SIZES = (1_000, 10_000, 50_000)
REPEATS = 15
OPEN_STATES = ("submitted", "received", "processing", "awaiting_signature", "result_ready")
# Work in hand: a busy ward has a few hundred open dossiers; everything older has been delivered.
OPEN_DOSSIERS = 300


def world():
    from egov.accounts.models import Role, User
    from egov.units.models import AdministrativeUnit, UnitKind, UnitLevel
    from procedures.models import Procedure

    city = AdministrativeUnit.objects.create(
        code="01", name="Thành phố Hà Nội", kind=UnitKind.CENTRAL_CITY, level=UnitLevel.CITY
    )
    district = AdministrativeUnit.objects.create(
        code="001", name="Quận Ba Đình", kind=UnitKind.URBAN_DISTRICT, level=UnitLevel.DISTRICT, parent=city
    )
    commune = AdministrativeUnit.objects.create(
        code="00001", name="Phường Phúc Xá", kind=UnitKind.WARD, level=UnitLevel.COMMUNE, parent=district
    )
    officer = User.objects.create_user("motcua", "x", role=Role.ONE_STOP, unit=commune, full_name="Lê Thị Cúc")
    procedure = Procedure.objects.create(
        code="KS",
        slug="ks",
        name="Đăng ký khai sinh",
        level=4,
        form_kind="birth",
        processing_days_urban=0,
        processing_days_rural=0,
    )
    return commune, officer, procedure


def grow(commune, procedure, *, upto: int, have: int) -> None:
    """Add dossiers until the commune has `upto`, written straight to the table (the services are not timed)."""
    from procedures.models import Dossier

    # The archive grows behind the work in hand: new rows are older and delivered, the open ones stay.
    now = timezone.now()
    batch = []
    for number in range(have, upto):
        status = OPEN_STATES[number % len(OPEN_STATES)] if number < OPEN_DOSSIERS else "delivered"
        submitted = now - timedelta(minutes=number)
        batch.append(
            Dossier(
                procedure=procedure,
                unit=commune,
                channel="online_self",
                status=status,
                code=f"00001-B-{number:07d}",
                requester_name=f"Nguyễn Văn {number}",
                submitted_at=submitted,
                received_at=None if status == "submitted" else submitted,
                due_at=None if status == "submitted" else submitted + timedelta(days=1),
                data={"tre-em": {"full_name": f"Nguyễn Minh {number}"}},
            )
        )
    Dossier.objects.bulk_create(batch, batch_size=2_000)


def timed(client: Client, url: str) -> float:
    client.get(url)  # warm caches, templates and the query plan
    samples = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        response = client.get(url)
        samples.append(time.perf_counter() - start)
        assert response.status_code == 200, response.status_code
    return statistics.median(samples)


def main() -> None:
    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        commune, officer, procedure = world()
        client = Client()
        client.force_login(officer)
        pages = {
            "list 'chờ tiếp nhận'": reverse("onecounter:worklist", kwargs={"slug": "cho-tiep-nhan"}),
            "list 'tất cả', search by name": reverse("onecounter:worklist", kwargs={"slug": "tat-ca"}) + "?q=Văn+4242",
        }
        results: dict[str, list[float]] = {name: [] for name in pages}
        have = 0
        for size in SIZES:
            grow(commune, procedure, upto=size, have=have)
            have = size
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE") if connection.vendor == "postgresql" else None
            for name, url in pages.items():
                results[name].append(timed(client, url))
        print(f"database: {connection.vendor}; sizes: {', '.join(f'{s:,}' for s in SIZES)} dossiers in one commune")
        for name, values in results.items():
            ratios = " : ".join(f"{value / values[0]:.2f}" for value in values)
            print(f"{name}: {values[0] * 1000:.1f} ms at {SIZES[0]:,}; ratios {ratios}")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
