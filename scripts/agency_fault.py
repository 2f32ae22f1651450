"""Put an agency simulator of `make run` down and back up, or show its faults: the outage demo, from a second terminal.

    .venv/bin/python scripts/agency_fault.py police down      # 503 to every push and poll until `up`
    .venv/bin/python scripts/agency_fault.py police up        # answers again; the waiting records go through
    .venv/bin/python scripts/agency_fault.py police status    # fault settings and counters

The agency is `police` or `social_insurance`. The request goes to the simulator's signed control endpoint
(simulators/README.md) at 127.0.0.1 on the port run_embedded gives it (<SLUG>_SIM_PORT, default 8101 / 8102),
or at --url; it is signed with <SLUG>_SIM_SECRET or the development default, the secret the simulator reads.
Standard library and simulators only: it runs without Django and without the portal.
"""

import argparse
import json
import os
import sys
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from simulators.agency import Agency  # noqa: E402 - needs the project on sys.path first
from simulators.police import AGENCY as POLICE  # noqa: E402
from simulators.protocol import default_secret, signed_headers  # noqa: E402
from simulators.social_insurance import AGENCY as SOCIAL_INSURANCE  # noqa: E402

AGENCIES = {agency.slug: agency for agency in (POLICE, SOCIAL_INSURANCE)}
# What each action posts to /_control/faults; `up` turns off only the outage, other faults stay as they are.
CHANGES = {"down": {"down": True}, "up": {"down": False}}
TIMEOUT_SECONDS = 5


class ControlError(Exception):
    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


def control(url: str, secret: str, method: str, path: str, changes: dict[str, Any] | None = None) -> dict[str, Any]:
    """One signed call to the simulator's control endpoint; its JSON answer, or ControlError."""
    body = b"" if changes is None else json.dumps(changes).encode()
    request = urllib.request.Request(  # noqa: S310 - the scheme is checked in main()
        url.rstrip("/") + path,
        data=body if method == "POST" else None,
        method=method,
        headers={"Content-Type": "application/json", **signed_headers(secret, body)},
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
            return json.loads(response.read())
    except urllib.error.HTTPError as answer:
        with answer:
            detail = answer.read().decode(errors="replace")
        raise ControlError(f"{method} {path} answered {answer.code}: {detail}", status=answer.code) from answer
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise ControlError(f"cannot reach {url} ({reason}): is `make run` running?") from error


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("agency", choices=AGENCIES)
    parser.add_argument("action", choices=(*CHANGES, "status"))
    parser.add_argument("--url", help="the simulator's base URL (default http://127.0.0.1:<SLUG>_SIM_PORT)")
    args = parser.parse_args(argv)
    agency: Agency = AGENCIES[args.agency]
    port = os.environ.get(f"{agency.env_prefix}_PORT") or agency.default_port
    args.url = args.url or f"http://127.0.0.1:{port}"
    if not args.url.startswith(("http://", "https://")):
        parser.error("--url must be an http(s) URL")
    args.secret = os.environ.get(f"{agency.env_prefix}_SECRET") or default_secret(agency.slug)
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        if args.action == "status":
            faults = control(args.url, args.secret, "GET", "/_control/faults")
            stats = control(args.url, args.secret, "GET", "/_control/stats")
            print(json.dumps({"faults": faults, **stats}, indent=2))
            return 0
        faults = control(args.url, args.secret, "POST", "/_control/faults", CHANGES[args.action])
    except ControlError as error:
        print(f"{args.agency}: {error}", file=sys.stderr)
        if error.status == 403:
            variable = f"{AGENCIES[args.agency].env_prefix}_SECRET"
            print(f"Not the simulator's secret: set {variable} as it was set for `make run`.", file=sys.stderr)
        return 1
    if faults["down"]:
        print(f"{args.agency} is down: 503 to every push and poll (records it already has are still called back)")
    else:
        print(
            f"{args.agency} is up: a waiting record goes through at its next retry;"
            " one marked failed is re-sent from /mot-cua/lien-thong/"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
