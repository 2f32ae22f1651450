"""Benchmark: the reports' response times as the dossiers grow from 100 k to 1 M and 5 M.

One throw-away PostgreSQL database next to DATABASE_URL's (created, migrated, dropped at the end) gets Hanoi's 526
communes, the rollout dates and the catalogue, then grows step by step with generate_dossiers's dossiers, all
received between --since and today: the same period holds 100 k, then 1 M, then 5 M dossiers. After each step
(and a VACUUM ANALYZE, as autovacuum would do) every measure runs --repeats times after a warm-up:

- unit_figures of the 30 districts, of the 526 communes, over the last full year (every unit existed then);
- unit_figures of the 30 districts over the current year and of one district's communes over the current month
  (live periods: the stocks "as of now" read the open dossiers' facts);
- the city's dashboard page through Django's test client, as city staff, for both years;
- `report_rates --level district` and `--level commune` over the last full year.

Printed as a markdown table: median (p90) in milliseconds at each size, and the ratio of the medians, largest size
to smallest. The generation time of each step, and (up to --rebuild-upto dossiers) the time of rollups_rebuild, are
printed too.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/egov_bench .venv/bin/python benchmarks/reporting.py
    # options: --sizes 100000,1000000,5000000 --since 2024-01-01 --repeats 15 --jobs 2 --rebuild-upto 1000000
    #          --keep (do not drop the database; prints its name) --database NAME (grow and measure a kept one)
"""

import argparse
import contextlib
import io
import os
import statistics
import sys
import time
import urllib.parse
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

import psycopg2  # noqa: E402


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100000,1000000,5000000", help="dossier counts to measure at, growing")
    parser.add_argument("--since", default="2024-01-01", help="first day of the dossiers (yyyy-mm-dd)")
    parser.add_argument("--repeats", type=int, default=15, help="timed runs of each measure")
    parser.add_argument("--jobs", type=int, default=2, help="generating processes")
    parser.add_argument("--rebuild-upto", type=int, default=1_000_000, help="time rollups_rebuild up to this size")
    parser.add_argument("--keep", action="store_true", help="keep the database at the end")
    parser.add_argument("--database", help="a database kept by an earlier run, to grow and measure")
    return parser.parse_args()


@contextlib.contextmanager
def maintenance(base_url: str) -> Iterator:
    """A cursor on the server's `postgres` database, in autocommit (CREATE and DROP DATABASE need it)."""
    parts = urllib.parse.urlsplit(base_url)
    connection = psycopg2.connect(urllib.parse.urlunsplit(parts._replace(scheme="postgresql", path="/postgres")))
    connection.autocommit = True
    try:
        yield connection.cursor()
    finally:
        connection.close()


def world() -> None:
    """Hanoi's units (legacy set: 30 districts, 526 communes), the rollout dates, the catalogue, a city officer."""
    from django.core.management import call_command

    from egov.accounts.models import Role, User
    from egov.units.models import AdministrativeUnit, UnitLevel

    if AdministrativeUnit.objects.exists():
        return
    with contextlib.redirect_stdout(io.StringIO()):
        call_command("load_units", verbosity=0)
        call_command("load_rollout", verbosity=0)
        call_command("load_catalogue", verbosity=0)
    city = AdministrativeUnit.objects.get(level=UnitLevel.CITY)
    User.objects.create_user("thanhpho.bench", "x", role=Role.CITY, unit=city, full_name="Bùi Thị Lan")


def timed(function: Callable[[], object], repeats: int) -> tuple[float, float]:
    """(median, p90) in milliseconds, after two warm-up calls."""
    function()
    function()
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return statistics.median(samples), samples[min(len(samples) - 1, round(0.9 * (len(samples) - 1)))]


def measures(today: date) -> dict[str, Callable[[], object]]:
    from django.core.management import call_command
    from django.test import Client

    from egov.accounts.models import User
    from egov.units.models import AdministrativeUnit, UnitLevel
    from reporting.periods import period_of
    from reporting.selectors import unit_figures

    city = AdministrativeUnit.objects.get(level=UnitLevel.CITY)
    districts = list(AdministrativeUnit.objects.filter(parent=city, level=UnitLevel.DISTRICT).order_by("code"))
    communes = list(AdministrativeUnit.objects.filter(parent__in=districts, level=UnitLevel.COMMUNE))
    ba_dinh = [c for c in communes if c.parent_id == districts[0].pk]  # code 001
    last_year = period_of("year", date(today.year - 1, 1, 1))
    this_year, this_month = period_of("year", today), period_of("month", today)
    client = Client()
    client.force_login(User.objects.get(username="thanhpho.bench"))

    def page(period) -> Callable[[], object]:
        url = f"/bao-cao/don-vi/{city.pk}/?kind=year&date={period.start:%d/%m/%Y}"

        def get():
            response = client.get(url)
            assert response.status_code == 200, response.status_code

        return get

    def rates(level: str) -> Callable[[], object]:
        start, end = f"{last_year.start:%d/%m/%Y}", f"{last_year.end:%d/%m/%Y}"
        return lambda: call_command("report_rates", level=level, start=start, end=end, stdout=io.StringIO())

    y, n = last_year.start.year, this_year.start.year
    return {
        f"unit_figures: 30 districts, year {y}": lambda: unit_figures(units=districts, period=last_year),
        f"unit_figures: 526 communes, year {y}": lambda: unit_figures(units=communes, period=last_year),
        f"unit_figures: 30 districts, year {n} (live)": lambda: unit_figures(units=districts, period=this_year),
        f"unit_figures: Ba Đình's 14 communes, month {today:%m/%Y} (live)": lambda: unit_figures(
            units=ba_dinh, period=this_month
        ),
        f"city dashboard page, year {y}": page(last_year),
        f"city dashboard page, year {n} (live)": page(this_year),
        f"report_rates --level district, year {y}": rates("district"),
        f"report_rates --level commune, year {y}": rates("commune"),
    }


def vacuum_analyze() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        for table in ("procedures_dossier", "procedures_dossierevent", "reporting_dossierfact", "reporting_rollup"):
            cursor.execute(f"VACUUM ANALYZE {table}")


def table_sizes() -> dict[str, int]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, n_live_tup FROM pg_stat_user_tables WHERE relname IN "
            "('procedures_dossier', 'procedures_dossierevent', 'reporting_dossierfact', 'reporting_rollup')"
        )
        return dict(cursor.fetchall())


def main() -> None:
    args = arguments()
    sizes = [int(size) for size in args.sizes.split(",")]
    base_url = os.environ.get("DATABASE_URL", "")
    parts = urllib.parse.urlsplit(base_url)
    if parts.scheme not in ("postgres", "postgresql", "pgsql"):
        sys.exit("DATABASE_URL must name a PostgreSQL server")
    name = args.database or f"egov_bench_reporting_{os.getpid()}"
    if not args.database:
        with maintenance(base_url) as cursor:
            cursor.execute(f'CREATE DATABASE "{name}"')
    os.environ.update(
        DATABASE_URL=urllib.parse.urlunsplit(parts._replace(path=f"/{name}")),
        DJANGO_SETTINGS_MODULE="egov.settings",
        DJANGO_DEBUG="0",
    )
    try:
        run(args, sizes)
    finally:
        if args.keep:
            print(f"\nkept database {name}")
        else:
            from django.db import connections

            connections.close_all()
            with maintenance(base_url) as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def run(args: argparse.Namespace, sizes: list[int]) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.test.utils import setup_test_environment
    from django.utils import timezone

    from procedures.models import Dossier
    from reporting.generator import dossiers_generate
    from reporting.services import rollups_rebuild

    setup_test_environment()
    call_command("migrate", verbosity=0)
    world()
    since = date.fromisoformat(args.since)
    today = timezone.localdate()
    results: dict[str, list[tuple[float, float]]] = {}
    notes = []
    for step, size in enumerate(sizes):
        have = Dossier.objects.count()
        if have < size:
            report = dossiers_generate(count=size - have, since=since, seed=step, jobs=args.jobs)
            notes.append(
                f"{size:,}: generated {report.dossiers:,} dossiers and {report.events:,} events in "
                f"{report.seconds:.0f} s ({report.dossiers / report.seconds:,.0f}/s)"
            )
        started = time.monotonic()
        vacuum_analyze()
        notes.append(f"{size:,}: VACUUM ANALYZE {time.monotonic() - started:.0f} s; rows {table_sizes()}")
        if size <= args.rebuild_upto:
            started = time.monotonic()
            facts = rollups_rebuild()
            notes.append(f"{size:,}: rollups_rebuild of {facts:,} facts {time.monotonic() - started:.0f} s")
            vacuum_analyze()
        for label, function in measures(today).items():
            results.setdefault(label, []).append(timed(function, args.repeats))
        print(notes[-1], flush=True)
    header = " | ".join(f"{size:,}" for size in sizes)
    print(f"\n| measure (median, p90 in ms) | {header} | ratio {sizes[-1]:,} : {sizes[0]:,} |")
    print("|---" * (len(sizes) + 2) + "|")
    for label, values in results.items():
        cells = " | ".join(f"{median:.1f} ({p90:.1f})" for median, p90 in values)
        ratio = values[-1][0] / values[0][0] if len(values) == len(sizes) else float("nan")
        print(f"| {label} | {cells} | {ratio:.2f} |")
    print()
    for note in notes:
        print(f"- {note}")


if __name__ == "__main__":
    main()
