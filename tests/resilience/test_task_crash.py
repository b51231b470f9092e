"""Crash safety of background work (issue 7, part 8): the real task worker
(django-tasks-db's `db_worker`, in its own process) is killed with SIGKILL half-way
through a large referral import running as a background task; the task is then
queued again and the worker run to the end. Nothing is doubled and nothing is missing.

The import commits in batches and skips the references already imported, so a
second run picks up where the killed one stopped. What a crash leaves behind is a
task marked "running" for ever (django-tasks-db has no lease): the import is run
again by queuing it again, as an operator would.

On SQLite the worker and the test share a database file; on PostgreSQL the worker
runs against the test database (committed rows: a transactional test)."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from django.db import connection

from tests.cases.test_import import csv_text, row
from tests.resilience.helpers import ROOT, manage, pg_url

ROWS = 4000  # two batches of the import's 2,000

ENQUEUE = """
from kembali.accounts.models import Office, Role, User
from kembali.cases.imports import GOOD_ROWS, import_referrals_task
office = Office.objects.get(code="KL01")
user, _ = User.objects.get_or_create(
    username="chong", defaults={"role": Role.SUPERVISOR, "office": office}
)
result = import_referrals_task.enqueue("imports/big.csv", user.pk, GOOD_ROWS, "KL01", "big.csv")
print(result.id)
"""

# What must hold at the end, as (count, count of distinct) pairs.
CHECKS = {
    "cases": "SELECT count(*), count(DISTINCT referral_reference) FROM cases_case",
    "persons": "SELECT count(*), count(DISTINCT nric) FROM people_insuredperson",
    "decisions": "SELECT count(*), count(DISTINCT case_id) FROM cases_eligibilitydecision",
}


def write_upload(media: Path) -> None:
    (media / "imports").mkdir(parents=True)
    (media / "imports" / "big.csv").write_text(csv_text([row(n) for n in range(ROWS)]))


def kill_half_way_and_run_again(
    *,
    url: str,
    media: Path,
    enqueue: Callable[[], str],
    query: Callable[[str], tuple],
    task_result: Callable[[str], tuple[str, object]],
) -> None:
    env = {**os.environ, "DATABASE_URL": url, "MEDIA_ROOT": str(media)}
    worker_command = [
        sys.executable,
        str(ROOT / "manage.py"),
        "db_worker",
        "--batch",
        "--no-startup-delay",
        "--no-reload",
    ]
    first = enqueue()
    worker = subprocess.Popen(worker_command, env=env, cwd=ROOT, stderr=subprocess.DEVNULL)
    # Kill it as soon as its first batch is committed.
    deadline = time.monotonic() + 240
    half = 0
    while time.monotonic() < deadline and worker.poll() is None:
        half = query("SELECT count(*) FROM cases_case")[0]
        if half:
            break
        time.sleep(0.02)
    worker.send_signal(signal.SIGKILL)
    worker.wait()
    half = query("SELECT count(*) FROM cases_case")[0]
    assert 0 < half < ROWS, "the worker was not caught half-way"
    # What the crash left: the task still marked as running, with no result.
    assert task_result(first)[0] == "RUNNING"

    second = enqueue()
    again = subprocess.run(worker_command, env=env, cwd=ROOT, check=False, capture_output=True)
    assert again.returncode == 0, again.stderr[-2000:]
    status, value = task_result(second)
    assert status == "SUCCESSFUL"
    report = json.loads(value) if isinstance(value, str) else value
    assert (report["imported"], report["already_imported"], report["bad"]) == (
        ROWS - half,
        half,
        0,
    )
    # Nothing doubled, nothing missing, every case with its decision and its person.
    for what, sql in CHECKS.items():
        assert query(sql) == (ROWS, ROWS), what
    assert query("SELECT count(*) FROM cases_case WHERE person_id IS NULL") == (0,)


@pytest.mark.skipif(
    connection.vendor != "sqlite", reason="the SQLite run (a database file the worker shares)"
)
def test_a_background_import_killed_half_way_on_sqlite_misses_and_doubles_nothing(tmp_path):
    db = tmp_path / "crash.sqlite3"
    url = f"sqlite:///{db}"
    media = tmp_path / "media"
    write_upload(media)
    assert manage(url, "migrate", "-v0").returncode == 0

    def query(sql: str, params: tuple = ()) -> tuple:
        with sqlite3.connect(db, timeout=20) as conn:
            return conn.execute(sql, params).fetchone()

    def enqueue() -> str:
        done = manage(url, "shell", "-c", ENQUEUE, MEDIA_ROOT=str(media))
        assert done.returncode == 0, done.stderr
        return done.stdout.strip().splitlines()[-1]

    def task_result(task_id: str) -> tuple:
        # Django keeps a UUID in SQLite as 32 hex digits.
        return query(
            "SELECT status, return_value FROM django_tasks_database_dbtaskresult WHERE id = ?",
            (task_id.replace("-", ""),),
        )

    kill_half_way_and_run_again(
        url=url, media=media, enqueue=enqueue, query=query, task_result=task_result
    )


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the PostgreSQL run")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_background_import_killed_half_way_on_postgresql_misses_and_doubles_nothing(
    tmp_path, chong
):
    from django_tasks_db.models import DBTaskResult

    from kembali.cases.imports import GOOD_ROWS, import_referrals_task

    media = tmp_path / "media"
    write_upload(media)

    def query(sql: str) -> tuple:
        with connection.cursor() as cursor:
            cursor.execute(sql)
            return cursor.fetchone()

    def enqueue() -> str:
        result = import_referrals_task.enqueue(
            "imports/big.csv", chong.pk, GOOD_ROWS, "KL01", "big.csv"
        )
        return str(result.id)

    def task_result(task_id: str) -> tuple:
        result = DBTaskResult.objects.get(pk=task_id)
        return str(result.status), result.return_value

    kill_half_way_and_run_again(
        url=pg_url(connection.settings_dict),
        media=media,
        enqueue=enqueue,
        query=query,
        task_result=task_result,
    )
