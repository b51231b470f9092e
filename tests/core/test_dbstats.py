"""The planner's statistics: made after a bulk generation and every morning."""

import pytest
from django.core.management import call_command
from django.db import connection

from kembali.cases.tasks import DAILY_TASKS
from kembali.core.dbstats import statistics_refresh, statistics_refresh_daily

pytestmark = pytest.mark.django_db


def _case_table_statistics() -> float | None:
    """What the planner knows of the case table's size: None when it knows nothing."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE name = 'sqlite_stat1'")
            if cursor.fetchone() is None:
                return None
            cursor.execute("SELECT stat FROM sqlite_stat1 WHERE tbl = 'cases_case' LIMIT 1")
            row = cursor.fetchone()
            return float(row[0].split()[0]) if row else None
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'cases_case'")
        reltuples = cursor.fetchone()[0]
        return None if reltuples < 0 else float(reltuples)


def _forget_statistics() -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE name = 'sqlite_stat1'")
            if cursor.fetchone() is not None:
                cursor.execute("DELETE FROM sqlite_stat1")
        else:
            cursor.execute("UPDATE pg_class SET reltuples = -1 WHERE relname = 'cases_case'")


def test_generate_ends_with_the_planner_knowing_the_case_table(capsys):
    _forget_statistics()
    assert _case_table_statistics() is None
    call_command("generate", cases=40, seed=3, quiet=True)
    assert "planner statistics refreshed" in capsys.readouterr().out
    assert _case_table_statistics() == pytest.approx(40, abs=1)


def test_the_morning_run_refreshes_the_statistics():
    assert statistics_refresh_daily in DAILY_TASKS
    call_command("generate", cases=12, seed=4, quiet=True, verbosity=0)
    _forget_statistics()
    report = statistics_refresh_daily.call("2026-11-24")
    assert report["day"] == "2026-11-24" and report["seconds"] >= 0
    assert _case_table_statistics() == pytest.approx(12, abs=1)


def test_a_refresh_on_an_empty_database_is_harmless():
    assert statistics_refresh() >= 0


def _vacuumed(table: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT last_vacuum FROM pg_stat_user_tables WHERE relname = %s", [table])
        row = cursor.fetchone()
    return bool(row and row[0])


@pytest.mark.skipif(connection.vendor != "postgresql", reason="VACUUM is PostgreSQL's")
# VACUUM runs outside a transaction only. serialized_rollback, as the other
# transactional tests: its flush then leaves the content types for the next one to
# restore, instead of re-creating them under new ids.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_after_a_bulk_load_postgresql_is_vacuumed_too():
    call_command("generate", cases=10, seed=5, quiet=True, verbosity=0)
    with connection.cursor() as cursor:
        # The statistics collector reports a moment later: wait for what it has sent.
        cursor.execute("SELECT pg_stat_clear_snapshot()")

    assert _vacuumed("cases_case")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="VACUUM is PostgreSQL's")
def test_inside_a_transaction_a_vacuum_is_an_analyse():
    _forget_statistics()
    statistics_refresh(vacuum=True)  # the test runs in a transaction: VACUUM would fail
    assert _case_table_statistics() is not None
