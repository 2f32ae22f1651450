"""Rows written in bulk, outside the models' save(): COPY on PostgreSQL, executemany elsewhere; the keys they take.

Each app writes its own tables with these (procedures.bulk, interconnect.bulk, reporting's facts)."""

import csv
import io
import json
from collections.abc import Iterable, Sequence

from django.db import connection, models

COPY_ROWS = 50_000


def rows_insert(model: type[models.Model], columns: Sequence[str], rows: Iterable) -> None:
    """Insert rows (sequences of values in the order of `columns`, the fields' attribute names) in as few statements
    as possible: COPY on PostgreSQL, executemany elsewhere. Python defaults, auto_now and signals do not apply."""
    fields = {f.attname: f for f in model._meta.concrete_fields}
    targets = [fields[name] for name in columns]
    json_positions = [i for i, f in enumerate(targets) if isinstance(f, models.JSONField)]
    table = model._meta.db_table
    names = ", ".join(connection.ops.quote_name(f.column) for f in targets)
    rows = iter(rows)
    with connection.cursor() as cursor:
        while chunk := [row for _, row in zip(range(COPY_ROWS), rows, strict=False)]:
            if connection.vendor != "postgresql":
                placeholders = ", ".join(["%s"] * len(targets))
                cursor.executemany(
                    f"INSERT INTO {table} ({names}) VALUES ({placeholders})",  # noqa: S608 (names of ours)
                    [[f.get_db_prep_save(v, connection) for f, v in zip(targets, row, strict=True)] for row in chunk],
                )
                continue
            buffer = io.StringIO()
            writer = csv.writer(buffer, lineterminator="\n")
            for row in chunk:
                values = [NULL if value is None else value for value in row]
                for i in json_positions:
                    if row[i] is not None:
                        values[i] = json.dumps(row[i], ensure_ascii=False)
                writer.writerow(values)
            buffer.seek(0)
            # str() of every value is what PostgreSQL reads: ISO dates and moments with their offset, True/False.
            cursor.copy_expert(f"COPY {table} ({names}) FROM STDIN WITH (FORMAT csv, NULL '{NULL}')", buffer, 1 << 20)


def ids_reserve(model: type[models.Model], count: int) -> list[int]:
    """`count` new primary keys of `model`'s table, taken from its sequence (PostgreSQL) or after its largest key
    (SQLite, whose writers are serialised; the caller's transaction holds the write lock until it commits)."""
    if not count:
        return []
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, count]
            )
            return [row[0] for row in cursor.fetchall()]
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")  # noqa: S608 (a table name of ours)
        first = cursor.fetchone()[0] + 1
    return list(range(first, first + count))


# COPY's NULL marker in CSV: unquoted, so it cannot be confused with an empty string (no value of ours is "\N").
NULL = r"\N"
