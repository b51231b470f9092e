"""Several independent reads in one round trip to the database.

A page that makes a handful of small reads which do not depend on one another (the
case page's timeline sources) waits on PostgreSQL for one network round trip per
read, about 0.15 ms each on the same machine and more across one. psycopg's pipeline
mode sends them all, then reads all the answers: one wait. SQLite runs in the
process, with no round trip to save, and runs them one after the other.

The reads go through Django's own cursors, so they are logged (DEBUG, the query
count tests) and their errors are Django's, exactly as one at a time.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connections

Statement = tuple[str, Sequence]  # SQL with %s placeholders, its parameters


def _pipelines(connection) -> bool:
    if connection.vendor != "postgresql":
        return False
    try:
        import psycopg
    except ImportError:  # psycopg2: no pipeline mode
        return False
    return psycopg.Pipeline.is_supported()


def sends_together(alias: str) -> bool:
    """Whether fetch_together saves round trips on this database (else it runs the
    statements one after the other, and a caller may as well run them itself)."""
    return _pipelines(connections[alias])


def fetch_together(alias: str, statements: Sequence[Statement]) -> list[list[tuple]]:
    """Every statement's rows (fetchall), in the order given."""
    connection = connections[alias]
    if len(statements) < 2 or not _pipelines(connection):
        found = []
        for sql, params in statements:
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                found.append(cursor.fetchall())
        return found
    cursors = [connection.cursor() for _ in statements]  # connects if need be
    try:
        with connection.wrap_database_errors, connection.connection.pipeline():
            for cursor, (sql, params) in zip(cursors, statements, strict=True):
                cursor.execute(sql, params)
        # The pipeline's end waited for every answer: fetching reads what arrived.
        return [cursor.fetchall() for cursor in cursors]
    finally:
        for cursor in cursors:
            cursor.close()
