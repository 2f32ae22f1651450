"""Benchmark: linked records pushed and answered per second, end to end, with one Celery worker and with two.

Every process is real: the portal under gunicorn (the agencies' callbacks), Celery workers on Redis (db 12, flushed
before each round), both agency simulators (processing delay 0). A round approves N 3-in-1 birth dossiers in
one transaction, so their 2N push messages reach the broker together at its commit (a backlog, as after an
outage; the approving process is not what is measured), then waits until every dossier has settled: each record
pushed to its agency, decided, called back and applied, the last answer settling the dossier. Rounds alternate
between the worker counts, and the figures to compare are ratios within one run (these machines are noisy); the
CPU milliseconds each part spends per record (read from /proc, Linux only) do not depend on what else runs.

Works on a throw-away PostgreSQL database next to DATABASE_URL's, created, migrated and dropped here.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/egov_bench .venv/bin/python benchmarks/interconnect.py
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
# First, ahead of benchmarks/: `import interconnect` must find the app, not this file.
sys.path.insert(0, str(BASE_DIR))


import redis  # noqa: E402

from benchmarks.postgres import maintenance  # noqa: E402
from tests.integration.processes import Simulator, WebNode, Worker, wait_until  # noqa: E402

SLUGS = ("police", "social_insurance")
SECRETS = {slug: f"bench-secret-{slug}" for slug in SLUGS}
BROKER_URL = "redis://127.0.0.1:6379/12"
ROUND_TIMEOUT_SECONDS = 600


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dossiers", type=int, default=300, help="3-in-1 dossiers per round (2 records each)")
    parser.add_argument("--workers", default="1,2", help="worker counts to compare, in order")
    parser.add_argument("--rounds", type=int, default=3, help="rounds per worker count, alternating")
    parser.add_argument("--warmup", type=int, default=30, help="dossiers of a first, unreported round (one worker)")
    parser.add_argument("--pool", default="solo", help="each worker's Celery pool (solo: one task at a time)")
    parser.add_argument("--concurrency", type=int, default=1, help="each worker's concurrency")
    return parser.parse_args()


def throwaway_database(base_url: str) -> tuple[str, str]:
    """(URL of a new empty database next to `base_url`'s, its name)."""
    parts = urllib.parse.urlsplit(base_url)
    if parts.scheme not in ("postgres", "postgresql", "pgsql"):
        sys.exit("DATABASE_URL must name a PostgreSQL server: workers in other processes share the database")
    name = f"egov_bench_interconnect_{os.getpid()}"
    with maintenance(base_url) as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    return urllib.parse.urlunsplit(parts._replace(path=f"/{name}")), name


@dataclass(frozen=True)
class CpuSnapshot:
    """CPU seconds used so far by every process (with its parent and command name), by this process, and by the
    whole machine ("busy": everything but idle and I/O wait)."""

    used: dict[int, float]
    parents: dict[int, int]
    names: dict[int, str]
    own: float
    busy: float

    @classmethod
    def take(cls) -> "CpuSnapshot":
        ticks = os.sysconf("SC_CLK_TCK")
        used, parents, names = {}, {}, {}
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    name, fields = (entry / "stat").read_text().split("(", 1)[1].rsplit(")", 1)
                except OSError:  # it ended meanwhile
                    continue
                pid, fields = int(entry.name), fields.split()
                used[pid], parents[pid], names[pid] = (int(fields[11]) + int(fields[12])) / ticks, int(fields[1]), name
        # user nice system idle iowait irq softirq steal …
        times = [int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
        mine = os.times()
        return cls(used, parents, names, mine.user + mine.system, (sum(times) - times[3] - times[4]) / ticks)


def cpu_spent(before: CpuSnapshot, after: CpuSnapshot, groups: dict[str, list[int]]) -> dict[str, float]:
    """CPU seconds spent between two snapshots by each group of processes with their descendants, by this process,
    by PostgreSQL and Redis (all their processes, whoever they serve) and by the whole machine ("busy").

    Per process, so that processes of other jobs ending in between do not count against anyone.
    """

    def spent(pid: int) -> float:
        return max(0.0, after.used[pid] - before.used.get(pid, 0.0))

    def tree(pid: int) -> float:
        return spent(pid) + sum(tree(child) for child, parent in after.parents.items() if parent == pid)

    def named(command: str) -> float:
        return sum(spent(pid) for pid, name in after.names.items() if name == command)

    return {
        **{name: sum(tree(pid) for pid in pids if pid in after.used) for name, pids in groups.items()},
        "benchmark": after.own - before.own,
        "postgresql": named("postgres"),
        "redis": named("redis-server"),
        "busy": after.busy - before.busy,
    }


def world():
    """Commune A with its officers and a citizen, and the 3-in-1 birth procedure (police and social insurance)."""
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

    def user(username: str, role: str, **fields) -> User:
        return User.objects.create_user(username, "mat-khau-benchmark-2026", role=role, **fields)

    people = {
        "citizen": user("001090012345", Role.CITIZEN, full_name="Nguyễn Văn An", id_number="001090012345"),
        "one_stop": user("motcua", Role.ONE_STOP, unit=commune, full_name="Lê Thị Cúc"),
        "justice": user("tuphap", Role.JUSTICE, unit=commune, full_name="Phạm Văn Dũng"),
        "leader": user("lanhdao", Role.LEADER, unit=commune, full_name="Hoàng Thị Hà"),
    }
    procedure = Procedure.objects.create(
        code="KS-3IN1",
        slug="khai-sinh-3-trong-1",
        name="Liên thông đăng ký khai sinh, thường trú, cấp thẻ BHYT cho trẻ dưới 6 tuổi",
        level=4,
        form_kind="birth_3in1",
        processing_days_urban=0,
        processing_days_rural=0,
        interconnections=list(SLUGS),
    )
    return commune, people, procedure


def awaiting_signature(count: int, *, commune, people, procedure) -> list:
    """`count` online dossiers walked through the real services to the leader's desk (not timed)."""
    import datetime

    from procedures import services
    from procedures.declarations.samples import sample_data
    from procedures.models import Channel

    data = sample_data(procedure, on=datetime.date.today())
    dossiers = []
    for _ in range(count):
        dossier = services.dossier_create_draft(
            procedure=procedure, unit=commune, applicant=people["citizen"], channel=Channel.ONLINE_SELF
        )
        services.dossier_save_draft(dossier=dossier, data=data, step="kiem-tra")
        dossier = services.dossier_submit(dossier=dossier, actor=people["citizen"])
        dossier = services.dossier_receive(dossier=dossier, officer=people["one_stop"])
        dossier = services.dossier_start(dossier=dossier, officer=people["justice"])
        dossiers.append(services.dossier_propose(dossier=dossier, officer=people["justice"]))
    return dossiers


def one_round(
    dossiers: list, *, leader, sims: dict[str, Simulator], processes: dict[str, list[int]]
) -> dict[str, float]:
    """Approve the dossiers together; records pushed and completed per second, the median push round trip, and
    the CPU time each part spent per record while the records were under way."""
    from django.db import transaction

    from interconnect.models import LinkedRecord, LinkedRecordAttempt, RecordStatus
    from procedures.models import Dossier, DossierEvent, Status
    from procedures.services import dossier_approve

    ids = [dossier.pk for dossier in dossiers]
    stored_before = {slug: sim.stats()["records"]["stored"] for slug, sim in sims.items()}
    records = LinkedRecord.objects.filter(dossier_id__in=ids)
    with transaction.atomic():
        for dossier in dossiers:
            dossier_approve(dossier=dossier, leader=leader)
        cpu_before = CpuSnapshot.take()
        started = time.perf_counter()
    pushed_at = None

    def settled() -> bool:
        nonlocal pushed_at
        if pushed_at is None and not records.filter(status=RecordStatus.PENDING).exists():
            pushed_at = time.perf_counter()
        return not Dossier.objects.filter(pk__in=ids).exclude(status=Status.RESULT_READY).exists()

    wait_until(settled, timeout=ROUND_TIMEOUT_SECONDS, what=f"{len(ids)} dossiers to settle", interval=0.1)
    done_at = time.perf_counter()
    cpu = cpu_spent(cpu_before, CpuSnapshot.take(), processes)
    # Nothing lost, nothing doubled: each agency stored each record once, each dossier settled once.
    assert records.count() == records.filter(status=RecordStatus.COMPLETED).count() == 2 * len(ids)
    assert DossierEvent.objects.filter(dossier_id__in=ids, action="settle").count() == len(ids)
    stored = {slug: sim.stats()["records"]["stored"] - stored_before[slug] for slug, sim in sims.items()}
    assert stored == dict.fromkeys(SLUGS, len(ids)), stored
    durations = LinkedRecordAttempt.objects.filter(record__dossier_id__in=ids).values_list("duration_ms", flat=True)
    elapsed, count = done_at - started, 2 * len(ids)
    busy = cpu.pop("busy")
    return {
        "pushed": count / (pushed_at - started),
        "completed": count / elapsed,
        "push_http_ms": statistics.median(durations),
        # CPU milliseconds each record cost each part (robust to other jobs, unlike the rates above) …
        **{f"cpu_ms_{name}": seconds * 1000 / count for name, seconds in cpu.items()},
        # … and how many CPUs everything else on the machine kept busy meanwhile.
        "other_cpus": (busy - sum(cpu.values())) / elapsed,
    }


def report(results: dict[int, list[dict[str, float]]], args: argparse.Namespace) -> None:
    counts = list(results)
    print(
        f"\n{args.dossiers} dossiers ({2 * args.dossiers} records) per round; each worker --pool={args.pool} "
        f"--concurrency={args.concurrency}; medians of {args.rounds} round(s) on {os.cpu_count()} CPUs"
    )
    medians = {
        count: {measure: statistics.median(r[measure] for r in results[count]) for measure in results[count][0]}
        for count in counts
    }
    for measure in ("pushed", "completed"):
        rates = ", ".join(f"{medians[count][measure]:.1f}/s with {count}" for count in counts)
        ratios = " : ".join(f"{medians[count][measure] / medians[counts[0]][measure]:.2f}" for count in counts)
        print(f"records {measure}: {rates}; ratios {ratios}")
    for count in counts:
        costs = ", ".join(
            f"{name.removeprefix('cpu_ms_')} {value:.1f}"
            for name, value in medians[count].items()
            if name.startswith("cpu_ms_")
        )
        print(
            f"{count} worker(s): push round trip {medians[count]['push_http_ms']:.0f} ms (median); CPU ms per record: "
            f"{costs}; other jobs kept {medians[count]['other_cpus']:.2f} CPUs busy"
        )


def main() -> None:
    args = arguments()
    counts = [int(count) for count in args.workers.split(",")]
    base_url = os.environ.get("DATABASE_URL", "")
    database_url, database = throwaway_database(base_url)
    folder = Path(tempfile.mkdtemp(prefix="bench-interconnect-"))
    processes = []
    try:
        sims = {slug: Simulator.build(slug, secret=SECRETS[slug], folder=folder, processing_delay=0) for slug in SLUGS}
        for sim in sims.values():
            processes.append(sim)
            sim.start()
        env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "CELERY_BROKER_URL": BROKER_URL,
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "DJANGO_DEBUG": "false",
            "SMS_BACKEND": "console",
            "EMAIL_URL": "consolemail://",
            "INTERCONNECT_POLICE_URL": sims["police"].url,
            "INTERCONNECT_POLICE_SECRET": SECRETS["police"],
            "INTERCONNECT_SOCIAL_INSURANCE_URL": sims["social_insurance"].url,
            "INTERCONNECT_SOCIAL_INSURANCE_SECRET": SECRETS["social_insurance"],
        }
        web = WebNode.build(env=env, folder=folder)
        env["INTERCONNECT_CALLBACK_BASE_URL"] = web.url
        # This process approves: it reads the same settings (the callback URL goes into every payload).
        os.environ.update(env)
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "egov.settings")
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection

        call_command("migrate", verbosity=0)
        processes.append(web)
        web.start()
        commune, people, procedure = world()
        broker = redis.Redis.from_url(BROKER_URL)
        results: dict[int, list[dict[str, float]]] = {count: [] for count in counts}
        # The first requests of each web worker and the first tasks of a worker are slower: warm up unreported.
        plan = [(0, 1, args.warmup)] + [
            (round_number, count, args.dossiers) for round_number in range(1, args.rounds + 1) for count in counts
        ]
        for round_number, count, size in plan:
            if not size:
                continue
            dossiers = awaiting_signature(size, commune=commune, people=people, procedure=procedure)
            broker.flushdb()
            workers = [
                Worker.build(
                    f"worker{number}-round{round_number}",
                    app="egov",
                    env=env,
                    folder=folder,
                    pool=args.pool,
                    concurrency=args.concurrency,
                )
                for number in range(count)
            ]
            try:
                for worker in workers:
                    worker.start()
                groups = {
                    "workers": [worker.popen.pid for worker in workers],
                    "web": [web.popen.pid],
                    "simulators": [sim.popen.pid for sim in sims.values()],
                }
                figures = one_round(dossiers, leader=people["leader"], sims=sims, processes=groups)
            finally:
                for worker in workers:
                    worker.stop()
            if round_number:
                results[count].append(figures)
            print(
                f"{f'round {round_number}' if round_number else 'warm-up'}, {count} worker(s): "
                f"{figures['pushed']:.1f} records pushed/s, {figures['completed']:.1f} completed/s",
                flush=True,
            )
        report(results, args)
        connection.close()
    finally:
        for process in reversed(processes):
            process.stop()
        with maintenance(base_url) as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        print(f"logs in {folder}; database {database} dropped")


if __name__ == "__main__":
    main()
