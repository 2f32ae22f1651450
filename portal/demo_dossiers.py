"""The demo dossiers of data/demo-dossiers.toml: read and checked into plain records, then replayed at the demo ward
through the real services, at moments counted in working days back from the day the demo is loaded."""

import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from unittest import mock

from django.conf import settings
from django.core.management.base import CommandError
from django.db import transaction
from django.utils import timezone

from egov.accounts.id_number import Sex
from egov.accounts.models import User
from egov.units.models import AdministrativeUnit
from egov.workcal.calendar import WorkingCalendar, get_calendar
from procedures import declarations, services
from procedures.declarations.samples import sample_data
from procedures.models import Channel, Dossier, FormKind, Procedure, Status

DEMO_DOSSIERS_FILE = Path(settings.BASE_DIR) / "data" / "demo-dossiers.toml"

# What a step may do: each is replayed by `_step_replay` through the service of that name.
STEP_ACTIONS = frozenset(
    {
        "submit",
        "file_at_counter",
        "receive",
        "start",
        "propose",
        "request_supplement",
        "refuse",
        "approve",
        "reject",
        "settle",
        "deliver",
        "apologize",
    }
)
_DOSSIER_KEYS = frozenset({"procedure", "channel", "phone", "steps", "answers"})
_STEP_KEYS = frozenset({"working_days_ago", "at", "action", "reason", "new_day_ahead"})


@dataclass(frozen=True)
class Step:
    """One action on a demo dossier, `working_days_ago` working days before today at `at` (Hanoi time)."""

    working_days_ago: int
    at: time
    action: str
    reason: str = ""
    # For "apologize": the new day to hand over the result, in working days after today.
    new_day_ahead: int = 0


@dataclass(frozen=True)
class DemoDossier:
    procedure: str  # catalogue code
    channel: Channel
    steps: tuple[Step, ...]
    # Per-step answers replacing those of the sample declaration (names, ID numbers, places…).
    answers: dict[str, dict[str, str]]
    phone: str = ""  # the contact typed at the counter; online dossiers take the citizen's own


def demo_dossiers_read(*, path: Path = DEMO_DOSSIERS_FILE) -> tuple[DemoDossier, ...]:
    """Every [[dossier]] of the file, checked; a file with any bad entry raises CommandError naming each problem."""
    try:
        with open(path, "rb") as f:
            entries = tomllib.load(f).get("dossier", [])
    except (OSError, tomllib.TOMLDecodeError) as e:
        raise CommandError(f"{path}: {e}") from e
    dossiers, problems = [], []
    for number, raw in enumerate(entries, start=1):
        try:
            dossiers.append(_dossier_parsed(raw))
        except (KeyError, TypeError, ValueError) as e:
            problems.append(f"{path}, dossier {number}: {e}")
    if not dossiers and not problems:
        problems.append(f"{path}: no [[dossier]]")
    if problems:
        raise CommandError("\n".join(problems))
    return tuple(dossiers)


def _keys_check(raw: dict[str, Any], *, allowed: frozenset[str], required: set[str]) -> None:
    if unknown := raw.keys() - allowed:
        raise ValueError(f"unknown keys {sorted(unknown)}")
    if missing := required - raw.keys():
        raise ValueError(f"missing keys {sorted(missing)}")


def _dossier_parsed(raw: dict[str, Any]) -> DemoDossier:
    _keys_check(raw, allowed=_DOSSIER_KEYS, required={"procedure", "channel", "steps"})
    if not raw["steps"]:
        raise ValueError("no steps")
    answers = {
        slug: {name: str(value) for name, value in fields.items()} for slug, fields in raw.get("answers", {}).items()
    }
    return DemoDossier(
        procedure=str(raw["procedure"]),
        channel=Channel(raw["channel"]),
        steps=tuple(_step_parsed(step) for step in raw["steps"]),
        answers=answers,
        phone=str(raw.get("phone", "")),
    )


def _step_parsed(raw: dict[str, Any]) -> Step:
    _keys_check(raw, allowed=_STEP_KEYS, required={"working_days_ago", "at", "action"})
    if raw["action"] not in STEP_ACTIONS:
        raise ValueError(f"unknown action {raw['action']!r}")
    # At least one working day back: the story is always in the past, whenever the demo is loaded.
    if not isinstance(raw["working_days_ago"], int) or raw["working_days_ago"] < 1:
        raise ValueError(f"working_days_ago must be a whole number of at least 1, not {raw['working_days_ago']!r}")
    return Step(
        working_days_ago=raw["working_days_ago"],
        at=time.fromisoformat(raw["at"]),
        action=raw["action"],
        reason=str(raw.get("reason", "")),
        new_day_ahead=int(raw.get("new_day_ahead", 0)),
    )


@dataclass(frozen=True)
class DemoPeople:
    """Who does what in the story: the demo citizen and the officers of the demo ward."""

    citizen: User
    one_stop: User
    justice: User
    leader: User


class Timeline:
    """Moments counted in working days back from today (and forward, for the new days of apology slips)."""

    def __init__(self, calendar: WorkingCalendar, today: date) -> None:
        self.calendar = calendar
        self.today = today

    def day_back(self, days_ago: int) -> date:
        day = self.today
        for _ in range(days_ago):
            day -= timedelta(days=1)
            while not self.calendar.is_working_day(day):
                day -= timedelta(days=1)
        return day

    def day_ahead(self, days: int) -> date:
        day = self.today
        for _ in range(days):
            day = self.calendar.next_working_day(day)
        return day

    def moment(self, step: Step) -> datetime:
        naive = datetime.combine(self.day_back(step.working_days_ago), step.at)
        return timezone.make_aware(naive, self.calendar.timezone)


class ReplayClock:
    """What `timezone.now()` answers while the demo is replayed."""

    now: datetime | None = None


@contextmanager
def replaying() -> Iterator[ReplayClock]:
    """Run the services at made-up moments, and tell no one about that made-up past.

    The services stamp every time, code, due time, register entry and event from `timezone.now()`, so it is
    patched rather than the rows edited afterwards: the event log is what the services wrote. The requester's
    SMS and e-mail are not written to the outbox at all (a worker would otherwise send a fortnight of news about
    a demo when it starts); any other after-commit work is queued as usual. Commit inside this block.
    """
    clock = ReplayClock()
    with (
        mock.patch("django.utils.timezone.now", lambda: clock.now),
        mock.patch.object(services, "dossier_notifications_queue", lambda **kwargs: []),
    ):
        yield clock


def _declared_requester(procedure: Procedure, data: dict) -> str:
    # The person named in the first step: the requester, or the groom when there is no requester step.
    return str(data[declarations.step_slugs(procedure)[0]].get("full_name", ""))


def _newborn_id_number(dossier: Dossier) -> str:
    """The number the population database would give the child: Hà Nội, century-and-sex, birth year, a serial."""
    child = dossier.data["tre-em"]
    year = int(child["birth_date"][:4])
    digit = (year // 100 - 19) * 2 + (child["sex"] == Sex.FEMALE)
    return f"001{digit}{year % 100:02d}{dossier.pk:06d}"


def _draft_filed(spec: DemoDossier, *, procedure: Procedure, unit, people: DemoPeople, on: date) -> Dossier:
    dossier = services.dossier_create_draft(
        procedure=procedure,
        unit=unit,
        applicant=people.citizen if spec.channel == Channel.ONLINE_SELF else people.one_stop,
        channel=spec.channel,
        contact_phone=spec.phone,
    )
    data = sample_data(procedure, on=on, **spec.answers)
    return services.dossier_save_draft(dossier=dossier, data=data, step=declarations.step_slugs(procedure)[-1])


def _step_replay(step: Step, dossier: Dossier, *, spec: DemoDossier, people: DemoPeople, timeline: Timeline):
    """Fire one step through its service, as the person whose job it is."""
    online_self = spec.channel == Channel.ONLINE_SELF
    # As the filing pages do: the late flag from the declaration, and paper dossiers named by their requester.
    is_late = declarations.is_late(dossier.procedure, dossier.data, on=timezone.localdate())
    requester_name = "" if online_self else _declared_requester(dossier.procedure, dossier.data)
    match step.action:
        case "submit":
            return services.dossier_submit(
                dossier=dossier,
                actor=people.citizen if online_self else people.one_stop,
                is_late=is_late,
                requester_name=requester_name,
            )
        case "file_at_counter":
            return services.dossier_file_at_counter(
                dossier=dossier, officer=people.one_stop, is_late=is_late, requester_name=requester_name
            )
        case "receive":
            return services.dossier_receive(dossier=dossier, officer=people.one_stop)
        case "start":
            return services.dossier_start(dossier=dossier, officer=people.justice)
        case "propose":
            return services.dossier_propose(dossier=dossier, officer=people.justice)
        case "request_supplement":
            asker = people.one_stop if dossier.status == Status.SUBMITTED else people.justice
            return services.dossier_request_supplement(dossier=dossier, officer=asker, reason=step.reason)
        case "refuse":
            return services.dossier_refuse(dossier=dossier, officer=people.one_stop, reason=step.reason)
        case "approve":
            is_birth = dossier.procedure.form_kind in (FormKind.BIRTH, FormKind.BIRTH_3IN1)
            return services.dossier_approve(
                dossier=dossier,
                leader=people.leader,
                personal_id_number=_newborn_id_number(dossier) if is_birth else "",
            )
        case "reject":
            return services.dossier_reject(dossier=dossier, leader=people.leader, reason=step.reason)
        case "settle":
            if dossier.procedure.agencies:
                raise CommandError(f"{spec.procedure}: linked records settle this dossier, not the demo.")
            return services.dossier_settle(dossier=dossier)
        case "deliver":
            return services.dossier_deliver(dossier=dossier, officer=people.one_stop)
        case "apologize":
            return services.dossier_apologize(
                dossier=dossier,
                officer=people.one_stop,
                new_day=timeline.day_ahead(step.new_day_ahead),
                reason=step.reason,
            )
    raise CommandError(f"unknown demo step {step.action!r}")


def demo_dossiers_load(*, unit: AdministrativeUnit, people: DemoPeople, path: Path = DEMO_DOSSIERS_FILE) -> int:
    """Replay the dossiers of the file at `unit`, every step of every dossier in time order; returns how many were
    filed."""
    specs = demo_dossiers_read(path=path)
    codes = {spec.procedure for spec in specs}
    procedures = {p.code: p for p in Procedure.objects.filter(code__in=codes)}
    if missing := codes - procedures.keys():
        raise CommandError(f"Procedures {sorted(missing)} are missing: run `manage.py load_catalogue` first.")
    timeline = Timeline(get_calendar(), timezone.localdate())
    # In time order across dossiers, so codes, register numbers and the event log read as a real fortnight.
    plan = sorted(
        ((timeline.moment(step), index, step) for index, spec in enumerate(specs) for step in spec.steps),
        key=lambda planned: planned[0],
    )
    dossiers: dict[int, Dossier] = {}
    with replaying() as clock, transaction.atomic():
        for moment, index, step in plan:
            clock.now = moment
            spec = specs[index]
            if index not in dossiers:
                dossiers[index] = _draft_filed(
                    spec, procedure=procedures[spec.procedure], unit=unit, people=people, on=moment.date()
                )
            dossiers[index] = _step_replay(step, dossiers[index], spec=spec, people=people, timeline=timeline)
    return len(dossiers)
