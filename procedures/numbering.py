"""The numbers and times a dossier is given as it moves: its code, its due time and its register entry."""

from datetime import datetime

from django.conf import settings
from django.db import connection, models
from django.utils import timezone

from egov.units.models import AdministrativeUnit
from egov.units.selectors import holder_on
from egov.workcal.calendar import get_calendar
from procedures.models import BOOK_OF_FORM, Dossier, DossierCodeCounter, RegisterCounter, RegisterEntry


def _counter_next(model: type[models.Model], **key) -> int:
    """Increment and return the `last` of the counter row `key`, creating it at 1 when it does not exist yet.

    One statement (an upsert that returns the new value) on PostgreSQL and SQLite alike. Must run inside the
    caller's transaction: the row stays locked until it commits, so two callers never get the same number (the
    second waits, then increments the committed value) and a rolled-back caller leaves no gap.
    """
    table = connection.ops.quote_name(model._meta.db_table)
    columns = [model._meta.get_field(name).column for name in key]
    quoted = ", ".join(connection.ops.quote_name(column) for column in columns)
    last = connection.ops.quote_name(model._meta.get_field("last").column)
    placeholders = ", ".join(["%s"] * len(key))
    # Only the model's own table and column names go into the text; the values are parameters.
    sql = (
        f"INSERT INTO {table} ({quoted}, {last}) VALUES ({placeholders}, 1) "  # noqa: S608
        f"ON CONFLICT ({quoted}) DO UPDATE SET {last} = {table}.{last} + 1 RETURNING {last}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [_db_value(model, name, value) for name, value in key.items()])
        return cursor.fetchone()[0]


def _db_value(model: type[models.Model], name: str, value):
    """`value` of the field `name` as the database takes it (a unit's primary key for the unit)."""
    field = model._meta.get_field(name)
    if field.is_relation:
        value = value.pk if isinstance(value, models.Model) else value
        field = field.target_field
    return field.get_db_prep_value(value, connection)


def dossier_code_next(*, unit: AdministrativeUnit, moment: datetime) -> str:
    """The next code `<unit code>-YYMMDD-NNNN` for the unit and day; unique under concurrent calls."""
    day = timezone.localtime(moment).date()
    number = _counter_next(DossierCodeCounter, unit=unit, day=day)
    return f"{unit.code}-{day:%y%m%d}-{number:04d}"


def register_book_number(*, number: int, year: int) -> str:
    """The volume ("quyển số") an entry falls in: a new volume every REGISTER_BOOK_SIZE entries of the year."""
    volume = (number - 1) // settings.REGISTER_BOOK_SIZE + 1
    return f"{volume:02d}/{year}"


def register_entry_create(*, dossier: Dossier, leader, moment: datetime, personal_id_number: str = "") -> RegisterEntry:
    """Write the dossier's numbered entry in its commune's register for the book and year; inside a transaction."""
    book = BOOK_OF_FORM[dossier.procedure.form_kind]
    local = timezone.localtime(moment)
    year = local.year
    # The register of the commune that registers it: a dossier of a commune merged away goes into the book of the
    # commune that holds its records now.
    unit = holder_on(dossier.unit, local.date())
    number = _counter_next(RegisterCounter, unit=unit, book=book, year=year)
    return RegisterEntry.objects.create(
        dossier=dossier,
        unit=unit,
        book=book,
        year=year,
        number=number,
        book_number=register_book_number(number=number, year=year),
        personal_id_number=personal_id_number,
        registered_at=moment,
        signed_by=leader,
    )


def dossier_compute_due(*, dossier: Dossier, received_at: datetime) -> datetime:
    """The due time of a dossier received at `received_at`, from the procedure's limit for the unit's area."""
    calendar = get_calendar()
    days = dossier.procedure.processing_days_for(dossier.unit)
    if days == 0:
        return calendar.due_same_day(received_at)
    return calendar.add_working_time(calendar.receipt_start(received_at), days)
