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
    # and, on databases kept at each size, measured in turn under the same machine load:
    #          --compare egov_bench_reporting_1,egov_bench_reporting_2,… --rounds 5 --repeats 5
"""

import argparse
import contextlib
import io
import os
import statistics
import sys
import time
import urllib.parse
from collections.abc import Callable
from datetime import date
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))


from benchmarks.postgres import maintenance  # noqa: E402


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100000,1000000,5000000", help="dossier counts to measure at, growing")
    parser.add_argument("--since", default="2024-01-01", help="first day of the dossiers (yyyy-mm-dd)")
    parser.add_argument("--repeats", type=int, default=15, help="timed runs of each measure")
    parser.add_argument("--jobs", type=int, default=2, help="generating processes")
    parser.add_argument("--rebuild-upto", type=int, default=1_000_000, help="time rollups_rebuild up to this size")
    parser.add_argument("--keep", action="store_true", help="keep the database at the end")
    parser.add_argument("--database", help="a database kept by an earlier run, to grow and measure")
    parser.add_argument(
        "--compare",
        help="kept databases (comma-separated, smallest first) to measure in turn, --rounds times each, so that a "
        "change in the machine's load falls on every size alike; nothing is generated or dropped",
    )
    parser.add_argument("--rounds", type=int, default=5, help="turns of --compare")
    return parser.parse_args()


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


def samples_of(function: Callable[[], object], repeats: int) -> list[float]:
    """Milliseconds of `repeats` calls, after two warm-up calls."""
    function()
    function()
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def summary(samples: list[float]) -> tuple[float, float]:
    """(median, p90)."""
    samples = sorted(samples)
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


def fingerprints() -> tuple:
    """Row count and an order-free hash sum of the facts and of the rollups (every column but the rollup's id), to
    tell whether a rebuild left the same figures as the generator wrote."""
    from django.db import connection

    from reporting.models import DossierFact, Rollup

    result = []
    with connection.cursor() as cursor:
        for model in (DossierFact, Rollup):
            columns = ", ".join(f.column for f in model._meta.concrete_fields if f.column != "id")
            cursor.execute(
                f"SELECT count(*), sum(hashtext(row({columns})::text)::bigint) FROM {model._meta.db_table}"  # noqa: S608
            )
            result.append(cursor.fetchone())
    return tuple(result)


def main() -> None:
    args = arguments()
    sizes = [int(size) for size in args.sizes.split(",")]
    base_url = os.environ.get("DATABASE_URL", "")
    parts = urllib.parse.urlsplit(base_url)
    if parts.scheme not in ("postgres", "postgresql", "pgsql"):
        sys.exit("DATABASE_URL must name a PostgreSQL server")
    if args.compare:
        names = args.compare.split(",")
        os.environ.update(
            DATABASE_URL=urllib.parse.urlunsplit(parts._replace(path=f"/{names[0]}")),
            DJANGO_SETTINGS_MODULE="egov.settings",
            DJANGO_DEBUG="0",
        )
        compare(args, names)
        return
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
            generated = fingerprints()
            started = time.monotonic()
            facts = rollups_rebuild()
            seconds = time.monotonic() - started
            same = "equal to" if fingerprints() == generated else "DIFFERENT FROM"
            notes.append(f"{size:,}: rollups_rebuild of {facts:,} facts {seconds:.0f} s, {same} the generator's")
            vacuum_analyze()
        for label, function in measures(today).items():
            results.setdefault(label, []).append(summary(samples_of(function, args.repeats)))
        print(notes[-1], flush=True)
    table([f"{size:,}" for size in sizes], results)
    for note in notes:
        print(f"- {note}")


def table(columns: list[str], results: dict[str, list[tuple[float, float]]]) -> None:
    print(f"\n| measure (median, p90 in ms) | {' | '.join(columns)} | ratio {columns[-1]} : {columns[0]} |")
    print("|---" * (len(columns) + 2) + "|")
    for label, values in results.items():
        cells = " | ".join(f"{median:.1f} ({p90:.1f})" for median, p90 in values)
        print(f"| {label} | {cells} | {values[-1][0] / values[0][0]:.2f} |")
    print()


def compare(args: argparse.Namespace, names: list[str]) -> None:
    """Measure kept databases in turn: each round switches the connection to each database and times every
    measure there, so that the samples of all sizes share the machine's ups and downs."""
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment
    from django.utils import timezone

    from procedures.models import Dossier

    setup_test_environment()
    today = timezone.localdate()
    samples: dict[str, dict[str, list[float]]] = {name: {} for name in names}
    sizes = {}
    for _ in range(args.rounds):
        for name in names:
            connection.close()
            connection.settings_dict["NAME"] = name
            sizes[name] = Dossier.objects.count()
            for label, function in measures(today).items():
                samples[name].setdefault(label, []).extend(samples_of(function, args.repeats))
    labels = list(samples[names[0]])
    table(
        [f"{sizes[name]:,}" for name in names], {label: [summary(samples[n][label]) for n in names] for label in labels}
    )


if __name__ == "__main__":
    main()
