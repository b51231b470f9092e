"""Independent reads sent together: the same rows as one at a time, logged as one
query each, Django's errors; on PostgreSQL in one pipeline."""

import pytest
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext

from kembali.core.dbbatch import fetch_together
from tests.factories import OfficeFactory

pytestmark = pytest.mark.django_db

_BY_CODE = "SELECT code, name FROM accounts_office WHERE code = %s"


def _one_at_a_time(statements):
    found = []
    for sql, params in statements:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            found.append(cursor.fetchall())
    return found


def test_every_statement_answers_as_it_would_alone_and_in_order():
    OfficeFactory(code="KLX", name="Kuala Lumpur X")
    OfficeFactory(code="PGX", name="Pulau Pinang X")
    statements = [
        (_BY_CODE, ("PGX",)),
        (_BY_CODE, ("NONE",)),  # no row: an empty answer keeps its place
        (_BY_CODE, ("KLX",)),
        ("SELECT count(*) FROM accounts_office WHERE code IN (%s, %s)", ("KLX", "PGX")),
    ]

    found = fetch_together("default", statements)

    assert found == [[("PGX", "Pulau Pinang X")], [], [("KLX", "Kuala Lumpur X")], [(2,)]]
    assert found == _one_at_a_time(statements)


def test_each_statement_is_logged_as_a_query():
    statements = [(_BY_CODE, (code,)) for code in ("A", "B", "C")]

    with CaptureQueriesContext(connection) as queries:
        fetch_together("default", statements)

    assert len(queries) == 3
    assert all("accounts_office" in query["sql"] for query in queries.captured_queries)


def test_one_statement_and_none_need_no_pipeline():
    OfficeFactory(code="ONE", name="One")

    assert fetch_together("default", []) == []
    assert fetch_together("default", [(_BY_CODE, ("ONE",))]) == [[("ONE", "One")]]


def test_a_bad_statement_raises_djangos_error_and_the_connection_goes_on():
    OfficeFactory(code="AFT", name="After")
    statements = [(_BY_CODE, ("AFT",)), ("SELECT no_such_column FROM accounts_office", ())]

    # Inside a savepoint, as a page in a transaction would meet it (on PostgreSQL an
    # error aborts the transaction until the savepoint is rolled back).
    with pytest.raises(DatabaseError), transaction.atomic():
        fetch_together("default", statements)

    assert fetch_together("default", [(_BY_CODE, ("AFT",))] * 2) == [[("AFT", "After")]] * 2


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pipeline mode is psycopg's")
def test_on_postgresql_the_statements_share_one_pipeline(monkeypatch):
    connection.ensure_connection()
    raw = connection.connection
    entered = []
    pipeline = raw.pipeline

    def counted():
        entered.append(True)
        return pipeline()

    monkeypatch.setattr(raw, "pipeline", counted)

    found = fetch_together("default", [(_BY_CODE, ("A",)), (_BY_CODE, ("B",))])

    assert found == [[], []]
    assert entered == [True]
