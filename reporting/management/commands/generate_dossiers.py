"""`manage.py generate_dossiers --count N`: a realistic history of dossiers over every commune, for load tests and
demos (see reporting/generator.py), counted in the rollups as they are written."""

import time
from datetime import date, timedelta

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.utils import timezone

from reporting.generator import dossiers_generate
from reporting.services import rollups_rebuild


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        day, month, year = (int(part) for part in text.split("/"))
        return date(year, month, day)


class Command(BaseCommand):
    help = (
        "Generate N dossiers received on the working days from --since to --until (default: the last 12 months) "
        "across every commune and procedure, with their events, linked records, facts and rollup counts."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--count", type=int, required=True, help="how many dossiers")
        parser.add_argument("--since", type=_day, help="first day, yyyy-mm-dd or dd/mm/yyyy (default: a year ago)")
        parser.add_argument("--until", type=_day, help="last day (default: today)")
        parser.add_argument("--seed", type=int, default=0, help="same seed, same data, same dossiers")
        parser.add_argument("--jobs", type=int, default=1, help="processes (PostgreSQL only; the machine's CPUs)")
        parser.add_argument(
            "--rebuild",
            action="store_true",
            help="count nothing while generating, then rebuild every fact and rollup with rollups_rebuild (slower)",
        )

    def handle(self, *args, count: int, since, until, seed: int, jobs: int, rebuild: bool, **options) -> None:
        if count < 1:
            raise CommandError("--count must be at least 1")
        if jobs > 1 and connection.vendor != "postgresql":
            raise CommandError("--jobs needs PostgreSQL (SQLite has one writer)")
        since = since or timezone.localdate() - timedelta(days=365)
        try:
            report = dossiers_generate(count=count, since=since, until=until, seed=seed, jobs=jobs, counted=not rebuild)
        except ValueError as e:
            raise CommandError(str(e)) from e
        if options["verbosity"] >= 1:
            counted = "" if rebuild else " and counted"
            self.stdout.write(
                f"{report.dossiers:,} dossiers and {report.events:,} events generated{counted} "
                f"in {report.seconds:.1f} s ({report.dossiers / report.seconds:,.0f} dossiers/s)"
            )
        if rebuild:
            started = time.monotonic()
            facts = rollups_rebuild()
            if options["verbosity"] >= 1:
                self.stdout.write(f"rollups rebuilt from {facts:,} facts in {time.monotonic() - started:.1f} s")
