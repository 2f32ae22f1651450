"""Benchmark: citizens' logins per second through the portal's login page, with the former password hash (PBKDF2)
and with the current one (Argon2id, ADR 0019).

Two web nodes run side by side under gunicorn (sync workers, as in docker-compose.yml), one per setting: the portal's
own settings, and benchmarks/pbkdf2_settings.py (the same with PBKDF2 first). Each has its own citizens, whose stored
hashes are that setting's, so no login rehashes anything. A login is what a browser does: GET the login page (its
CSRF cookie and token), then POST the ID number and the password, answered by the redirect of a signed-in session.
Rounds alternate between the two nodes, each with `--concurrency` clients (threads of this process, each logging in
its own citizen again and again) for `--seconds`; the figures to compare are the ratio within one run and the CPU
milliseconds each login cost the web node and PostgreSQL (from /proc, Linux only), which do not depend on what else
runs on the machine.

Works on a throw-away PostgreSQL database next to DATABASE_URL's, created, migrated and dropped here.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/egov_bench .venv/bin/python benchmarks/logins.py
"""

import argparse
import http.client
import os
import re
import statistics
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from benchmarks.interconnect import CpuSnapshot, cpu_spent  # noqa: E402
from benchmarks.postgres import maintenance  # noqa: E402
from tests.integration.processes import WebNode  # noqa: E402

PASSWORD = "mat-khau-benchmark-2026"
# setting → (settings module of its web node, the hasher its citizens' passwords were stored with)
SETTINGS = {
    "PBKDF2": ("benchmarks.pbkdf2_settings", "pbkdf2_sha256"),
    "Argon2id": ("egov.settings", "argon2"),
}
TOKEN = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers of each web node")
    parser.add_argument("--concurrency", type=int, default=4, help="clients logging in at once")
    parser.add_argument("--seconds", type=float, default=10.0, help="length of a round")
    parser.add_argument("--rounds", type=int, default=3, help="rounds per setting, alternating")
    return parser.parse_args()


def throwaway_database(base_url: str) -> tuple[str, str]:
    """(URL of a new empty database next to `base_url`'s, its name)."""
    parts = urllib.parse.urlsplit(base_url)
    if parts.scheme not in ("postgres", "postgresql", "pgsql"):
        sys.exit("DATABASE_URL must name a PostgreSQL server, which the web nodes share")
    name = f"egov_bench_logins_{os.getpid()}"
    with maintenance(base_url) as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    return urllib.parse.urlunsplit(parts._replace(path=f"/{name}")), name


def citizens(setting: str, count: int) -> list[str]:
    """`count` citizens whose passwords are stored by `setting`'s hasher; their ID numbers, which they log in with."""
    from django.contrib.auth.hashers import make_password

    from egov.accounts.models import User

    # One hash for all, as the demo does: hashing here is not what is measured.
    password_hash = make_password(PASSWORD, hasher=SETTINGS[setting][1])
    first = 1 + list(SETTINGS).index(setting) * 100
    numbers = [f"0010900{first + number:05d}" for number in range(count)]
    User.objects.bulk_create(
        User(username=number, id_number=number, full_name=f"Công dân {number}", password=password_hash)
        for number in numbers
    )
    return numbers


def log_in(connection: http.client.HTTPConnection, *, path: str, id_number: str) -> None:
    """One login as a browser does it, in a new session: the login page, then the form."""
    connection.request("GET", path)
    page = connection.getresponse()
    body = page.read()
    assert page.status == 200, page.status
    cookie = page.getheader("Set-Cookie").split(";", 1)[0]
    form = urllib.parse.urlencode(
        {"username": id_number, "password": PASSWORD, "csrfmiddlewaretoken": TOKEN.search(body).group(1).decode()}
    )
    connection.request("POST", path, form, {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie})
    answer = connection.getresponse()
    answer.read()
    assert answer.status == 302 and "sessionid=" in (answer.getheader("Set-Cookie") or ""), answer.status


def one_round(web: WebNode, *, path: str, numbers: list[str], seconds: float) -> dict[str, float]:
    """Every client logs in again and again until `seconds` have passed; logins per second, and the CPU each login
    cost the web node, PostgreSQL and these clients."""
    host, port = urllib.parse.urlsplit(web.url).netloc.split(":")
    done = [0] * len(numbers)
    failures: list[BaseException] = []
    deadline = time.perf_counter() + seconds

    def client(index: int) -> None:
        connection = http.client.HTTPConnection(host, int(port), timeout=60)
        try:
            while time.perf_counter() < deadline:
                log_in(connection, path=path, id_number=numbers[index])
                done[index] += 1
        except BaseException as exc:  # noqa: BLE001 - reported after the round
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=client, args=(index,)) for index in range(len(numbers))]
    before, started = CpuSnapshot.take(), time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    cpu = cpu_spent(before, CpuSnapshot.take(), {"web": [web.popen.pid]})
    if failures:
        raise failures[0]
    count = sum(done)
    busy = cpu.pop("busy")
    cpu.pop("redis")
    return {
        "logins_per_second": count / elapsed,
        **{f"cpu_ms_{name}": spent * 1000 / count for name, spent in cpu.items()},
        "other_cpus": (busy - sum(cpu.values())) / elapsed,
    }


def report(results: dict[str, list[dict[str, float]]], args: argparse.Namespace) -> None:
    print(
        f"\n{args.concurrency} clients, web nodes of {args.workers} gunicorn workers, {args.rounds} rounds of "
        f"{args.seconds:.0f} s per setting, alternating; medians, on {os.cpu_count()} CPUs"
    )
    medians = {
        setting: {measure: statistics.median(r[measure] for r in rounds) for measure in rounds[0]}
        for setting, rounds in results.items()
    }
    for setting, figures in medians.items():
        costs = ", ".join(
            f"{name.removeprefix('cpu_ms_')} {value:.1f}"
            for name, value in figures.items()
            if name.startswith("cpu_ms_")
        )
        print(
            f"{setting}: {figures['logins_per_second']:.1f} logins/s; CPU ms per login: {costs}; "
            f"other jobs kept {figures['other_cpus']:.2f} CPUs busy"
        )
    old, new = (medians[setting]["logins_per_second"] for setting in SETTINGS)
    print(f"ratio Argon2id : PBKDF2 = {new / old:.1f}")


def main() -> None:
    args = arguments()
    base_url = os.environ.get("DATABASE_URL", "")
    database_url, database = throwaway_database(base_url)
    folder = Path(tempfile.mkdtemp(prefix="bench-logins-"))
    webs: dict[str, WebNode] = {}
    try:
        env = {**os.environ, "DATABASE_URL": database_url, "DJANGO_DEBUG": "false"}
        os.environ.update(env)
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "egov.settings")
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection
        from django.urls import reverse

        call_command("migrate", verbosity=0)
        numbers = {setting: citizens(setting, args.concurrency) for setting in SETTINGS}
        connection.close()
        for setting, (module, _hasher) in SETTINGS.items():
            webs[setting] = WebNode.build(
                env={**env, "DJANGO_SETTINGS_MODULE": module}, folder=folder / module, workers=args.workers
            )
            webs[setting].start()
        path = reverse("accounts:login")
        results: dict[str, list[dict[str, float]]] = {setting: [] for setting in SETTINGS}
        # The first requests of each web worker are slower: one short round each, unreported.
        plan = [(0, setting) for setting in SETTINGS] + [
            (number, setting) for number in range(1, args.rounds + 1) for setting in SETTINGS
        ]
        for number, setting in plan:
            seconds = args.seconds if number else 2.0
            figures = one_round(webs[setting], path=path, numbers=numbers[setting], seconds=seconds)
            if number:
                results[setting].append(figures)
            print(
                f"{f'round {number}' if number else 'warm-up'}, {setting}: {figures['logins_per_second']:.1f} "
                f"logins/s, web node {figures['cpu_ms_web']:.0f} CPU ms per login",
                flush=True,
            )
        report(results, args)
    finally:
        for web in webs.values():
            web.stop()
        with maintenance(base_url) as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        print(f"logs in {folder}; database {database} dropped")


if __name__ == "__main__":
    main()
