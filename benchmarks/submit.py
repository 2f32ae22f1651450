"""Benchmark: the citizen's final submit against a bare one-INSERT view behind the same middleware.

In-process, through Django's test client (the whole middleware stack, the view, the queries and the Celery publish
of the notifications to the configured broker; no HTTP server). Creates a throw-away test database (never touches
the configured one) with one commune, a birth procedure and one citizen, and prepares one complete draft per timed
submit (not timed). Rounds interleave the two views, so both see the same machine; the figure to quote is the ratio
bare ÷ submit of the medians of one run (1.0: the submit costs no more than a bare insert), with the statements
each request runs.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/egov_bench VAR_DIR=var/bench .venv/bin/python benchmarks/submit.py
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "egov.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth.decorators import login_required  # noqa: E402
from django.db import connection  # noqa: E402
from django.http import HttpRequest, HttpResponse  # noqa: E402
from django.shortcuts import redirect  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.urls import include, path, reverse  # noqa: E402
from django.utils import timezone  # noqa: E402
from django.views.decorators.http import require_POST  # noqa: E402


@login_required
@require_POST
def bare(request: HttpRequest, pk: int) -> HttpResponse:
    """The floor: one INSERT and a redirect, behind the same middleware and login check as the submit."""
    from procedures.models import DossierAccess

    DossierAccess.objects.create(dossier_id=pk, user=request.user, what="bench")
    return redirect("/")


# The portal's URLs plus the bare view.
urlpatterns = [path("bench/bare/<int:pk>/", bare), path("", include("egov.urls"))]


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5, help="rounds, each timing both views")
    parser.add_argument("--requests", type=int, default=40, help="requests of each view per round")
    return parser.parse_args()


def world():
    from egov.accounts.models import Role, User
    from egov.units.models import AdministrativeUnit, UnitKind, UnitLevel
    from procedures.models import Procedure

    city = AdministrativeUnit.objects.create(
        code="01", name="Thành phố Hà Nội", kind=UnitKind.CENTRAL_CITY, level=UnitLevel.CITY
    )
    commune = AdministrativeUnit.objects.create(
        code="00097", name="Phường Hồng Hà", kind=UnitKind.WARD, level=UnitLevel.COMMUNE, parent=city
    )
    citizen = User.objects.create_user(
        "001090001234",
        "x",
        role=Role.CITIZEN,
        full_name="Nguyễn Văn An",
        phone="0912345678",
        email="an@example.vn",
    )
    # No required paper: the submit still reads the uploaded ones, and uploading is not what is measured.
    procedure = Procedure.objects.create(
        code="KS",
        slug="ks",
        name="Đăng ký khai sinh",
        level=4,
        form_kind="birth",
        processing_days_urban=0,
        processing_days_rural=0,
        deadline_days=60,
    )
    return commune, citizen, procedure


def drafts(commune, citizen, procedure, count: int) -> list:
    """Complete drafts, as the citizen leaves them on the review page."""
    from procedures.declarations.samples import sample_data
    from procedures.models import Channel
    from procedures.services import dossier_create_draft, dossier_save_draft

    data = sample_data(procedure, on=timezone.localdate())
    made = []
    for _ in range(count):
        draft = dossier_create_draft(procedure=procedure, unit=commune, applicant=citizen, channel=Channel.ONLINE_SELF)
        made.append(dossier_save_draft(dossier=draft, data=data, step="kiem-tra"))
    return made


def timed(client: Client, urls: list[str]) -> list[float]:
    samples = []
    for url in urls:
        start = time.perf_counter()
        response = client.post(url)
        samples.append(time.perf_counter() - start)
        assert response.status_code == 302, (url, response.status_code)
    return samples


def statements(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        client.post(url)
    return len(captured)


def main() -> None:
    options = arguments()
    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        with override_settings(ROOT_URLCONF=bare.__module__):
            commune, citizen, procedure = world()
            needed = options.rounds * options.requests + 2
            pending = drafts(commune, citizen, procedure, needed)
            client = Client()
            client.force_login(citizen)

            def submit_url(draft) -> str:
                return reverse("procedures:file-submit", kwargs={"uuid": draft.uuid})

            # Warm-up (templates, the calendar, the broker connection), then the statements of one request each.
            timed(client, [submit_url(pending.pop()), f"/bench/bare/{pending[0].pk}/"])
            counts = {
                "submit": statements(client, submit_url(pending.pop())),
                "bare": statements(client, f"/bench/bare/{pending[0].pk}/"),
            }
            samples: dict[str, list[float]] = {"submit": [], "bare": []}
            for _ in range(options.rounds):
                batch = [pending.pop() for _ in range(options.requests)]
                samples["submit"] += timed(client, [submit_url(draft) for draft in batch])
                samples["bare"] += timed(client, [f"/bench/bare/{batch[0].pk}/"] * options.requests)
        medians = {name: statistics.median(values) for name, values in samples.items()}
        print(f"database: {connection.vendor}; {options.rounds} rounds × {options.requests} requests of each view")
        for name in ("submit", "bare"):
            print(f"{name}: {counts[name]} statements, median {medians[name] * 1000:.1f} ms")
        print(f"bare ÷ submit: {medians['bare'] / medians['submit']:.2f}")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
