"""Helpers of the dashboard tests: dossiers filed and walked by the officers of a unit on the test's clock, the
dashboard's address, and its tables and numbers read back from the page."""

import re
from decimal import Decimal
from html.parser import HTMLParser

from django.urls import reverse
from django.utils import timezone

from egov.units.models import AdministrativeUnit
from procedures.models import Channel, Dossier
from reporting.models import Rollup
from tests.personas import make_user
from tests.procedures import helpers

ROLLUP_FIELDS = [f.name for f in Rollup._meta.fields if f.name != "id"]


def filed(procedure, *, unit, applicant, channel: str = Channel.ONLINE_SELF, actor=None) -> Dossier:
    """A submitted dossier, as `tests.procedures.helpers.filed`, with a declaration dated by the test's clock (a
    birth of 2024 for a dossier of 2024: a child born "in the future" would be refused)."""
    return helpers.filed(
        procedure, unit=unit, applicant=applicant, channel=channel, actor=actor, on=timezone.localdate()
    )


def officers_of(unit: AdministrativeUnit, name: str) -> dict:
    """The one-stop officer, the civil-status officer and the leader of `unit` (`name` makes their user names)."""
    return {
        "one_stop": make_user(f"motcua.{name}", "one_stop", unit),
        "justice": make_user(f"tuphap.{name}", "justice", unit),
        "leader": make_user(f"lanhdao.{name}", "leader", unit),
    }


def walk(dossier, to, **officers):
    """Move a dossier along the normal path from wherever it stands to `to`, through the real services."""
    from procedures import services
    from procedures.models import Status

    steps = {
        Status.SUBMITTED: lambda d: services.dossier_receive(dossier=d, officer=officers["one_stop"]),
        Status.RECEIVED: lambda d: services.dossier_start(dossier=d, officer=officers["justice"]),
        Status.PROCESSING: lambda d: services.dossier_propose(dossier=d, officer=officers["justice"]),
        Status.AWAITING_SIGNATURE: lambda d: services.dossier_approve(dossier=d, leader=officers["leader"]),
        Status.REGISTERED: lambda d: services.dossier_settle(dossier=d),
        Status.RESULT_READY: lambda d: services.dossier_deliver(dossier=d, officer=officers["one_stop"]),
    }
    while dossier.status != to:
        dossier = steps[dossier.status](dossier)
    return dossier


def sign(dossier, leader):
    """Approve a dossier awaiting signature and settle it: its result is ready."""
    from procedures import services
    from procedures.models import Status

    dossier = services.dossier_approve(dossier=dossier, leader=leader)
    if dossier.status == Status.REGISTERED:
        dossier = services.dossier_settle(dossier=dossier)
    assert dossier.status == Status.RESULT_READY
    return dossier


def unit_url(unit, **params) -> str:
    url = reverse("reporting:unit", args=[unit.pk])
    if params:
        from urllib.parse import urlencode

        url += "?" + urlencode(params)
    return url


class _Tables(HTMLParser):
    """The report tables of a page as {name: [[cell text, …], …]} (header rows left out), and their headers."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.headers: dict[str, list[dict]] = {}
        self._section = None
        self._in_body = False
        self._in_head = False
        self._cell: list[str] | None = None
        self._row: list[str] | None = None
        self._attrs: dict = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "section" and (attrs.get("id") or "").startswith("bang-"):
            self._section = attrs["id"].removeprefix("bang-")
            self.tables[self._section], self.headers[self._section] = [], []
        elif self._section and tag in ("tbody", "tfoot"):
            self._in_body = True
        elif self._section and tag == "thead":
            self._in_head = True
        elif self._section and tag == "tr" and self._in_body:
            self._row = []
        elif self._section and tag in ("td", "th") and (self._in_body or self._in_head):
            self._cell, self._attrs = [], attrs

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            text = re.sub(r"[ \t\n]+", " ", "".join(self._cell)).strip(" \xa0▲▼↕")
            if self._in_body and self._row is not None:
                self._row.append(text)
            elif self._in_head:
                self.headers[self._section].append({"text": text, **self._attrs})
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.tables[self._section].append(self._row)
            self._row = None
        elif tag in ("tbody", "tfoot"):
            self._in_body = False
        elif tag == "thead":
            self._in_head = False
        elif tag == "section":
            self._section = None


def page_tables(response) -> _Tables:
    parser = _Tables()
    parser.feed(response.content.decode())
    return parser


def rows_by_label(rows: list[list[str]]) -> dict[str, list[str]]:
    return {row[0]: row[1:] for row in rows}


def number(text: str) -> Decimal | None:
    """A number as the page writes it (1.234; 12,5 %; —) read back."""
    text = text.replace("\xa0", " ").removesuffix(" %").strip()
    if text == "—":
        return None
    return Decimal(text.replace(".", "").replace(",", "."))


def rollup_cells() -> dict:
    """Every non-zero rollup cell, keyed by bucket and column (rows left at zero by a refresh are harmless)."""
    cells = {}
    for row in Rollup.objects.values(*ROLLUP_FIELDS):
        key = (row.pop("unit"), row.pop("procedure"), row.pop("grain"), row.pop("period_start"))
        cells.update({(*key, column): value for column, value in row.items() if value})
    return cells
