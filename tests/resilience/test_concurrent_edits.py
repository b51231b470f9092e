"""No lost updates (issue 7, part 6): 20 API clients edit the same case at once.

Each client records reassessments of one case through the API, sending the case's
version as it last read it. The service locks the case row and refuses a stale
version with 409, so of the requests that race, one wins and the others must re-read
and retry. Whatever the interleaving: every accepted edit is in the case's history
with exactly one audit event and its own new version, every refused one was told 409,
and nothing else (no 500, no edit lost or doubled). The clients and the checks are in
tests/resilience/concurrency.py."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from kembali.accounts.tokens import token_create
from kembali.cases.models import Status
from tests.factories import CaseFactory
from tests.resilience.concurrency import CLIENTS, EDITS, check_no_lost_update, run_clients

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the PostgreSQL run; on SQLite the test database lives in memory with a shared "
    "cache, where a second writer fails at once instead of waiting, so the SQLite run "
    "uses a database file (the next test)",
)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_twenty_clients_editing_one_case_on_postgresql_lose_no_update(aisyah, kl_office):
    case = CaseFactory(
        office=kl_office,
        case_manager=aisyah,
        status=Status.ASSESSED,
        referral_date=dt.date.today() - dt.timedelta(days=30),
    )
    tokens = [token_create(user=aisyah, name=f"client {i}")[1] for i in range(CLIENTS)]
    logs = run_clients(case.number, tokens)
    counts = check_no_lost_update(case=case, first_version=case.version, logs=logs)
    assert counts["accepted"] + counts["refused"] == CLIENTS * EDITS


@pytest.mark.skipif(
    connection.vendor != "sqlite", reason="the SQLite run; the PostgreSQL run is the test above"
)
def test_twenty_clients_editing_one_case_on_sqlite_lose_no_update(tmp_path):
    """The same clients against a SQLite file configured as the app runs it (WAL, busy
    timeout, immediate transactions): writers queue instead of failing."""
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'edits.sqlite3'}"}
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "-v0"], env=env, cwd=ROOT, check=True)
    done = subprocess.run(
        [sys.executable, "-m", "tests.resilience.sqlite_edits"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    counts = json.loads(done.stdout.strip().splitlines()[-1])
    assert counts["accepted"] + counts["refused"] == CLIENTS * EDITS
