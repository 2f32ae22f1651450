"""What the PostgreSQL benchmarks share: a maintenance cursor on the server behind DATABASE_URL."""

import contextlib
import urllib.parse
from collections.abc import Iterator

import psycopg2


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
