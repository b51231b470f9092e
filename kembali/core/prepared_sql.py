"""Running SQL that was built once, without Django rewriting it on every execute.

Django's SQLite cursor turns the ORM's %s placeholders into SQLite's ? on every
execute, with a regular expression over the whole statement: 15 µs for a timeline
source's 600 characters, 130 µs for the case page's read of its case (6,500), more
than SQLite takes to run either. A statement built once (the prepared reads of
kembali.cases.selectors_prepared, the access event's INSERT) is converted once too
(native_sql) and run on the driver's connection (fetch_all), without the cursor
wrapper Django makes, closes and routes every call through for each statement.

Only when nothing watches the queries: with the query log on (DEBUG, the tests'
query counts) or an execute wrapper installed, the statement goes through Django's
cursor as any other query does. Errors are Django's either way, and the checks
Django's cursor makes first are made (connection open and healthy, in its own
thread, not from async code, not in a transaction that must roll back).
PostgreSQL's cursor takes %s as it is: there the statement always goes through
Django's cursor.
"""

from __future__ import annotations

from collections.abc import Sequence


def native_sql(connection, sql: str) -> str | None:
    """`sql` as Django's cursor would hand it to the driver, when that cursor
    rewrites it on every execute (SQLite); None when it does not."""
    if connection.vendor != "sqlite":
        return None
    from django.db.backends.sqlite3.base import SQLiteCursorWrapper

    return SQLiteCursorWrapper.convert_query(None, sql)


def fetch_all(connection, sql: str, native: str | None, params: Sequence) -> list[tuple]:
    """The rows of `sql` run with `params` on a Django connection (as
    cursor.execute(sql, params) then fetchall()); `native` is native_sql() of `sql`
    on that connection."""
    if native is None or connection.queries_logged or connection.execute_wrappers:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)  # logged and wrapped as any query
            return cursor.fetchall()
    # What connection.cursor() and CursorWrapper.execute check first.
    connection.close_if_health_check_failed()
    connection.ensure_connection()  # refuses async code, as cursor() does
    connection.validate_thread_sharing()
    connection.validate_no_broken_transaction()
    with connection.wrap_database_errors:
        return connection.connection.execute(native, params).fetchall()
