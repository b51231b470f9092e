"""The query planner's statistics, kept fresh.

SQLite keeps no statistics until ``ANALYZE`` runs: without them it guesses that
every index is equally selective and can read an office's cases row by row to
count one case manager's. PostgreSQL's autovacuum analyses tables by itself, but
only some time after a bulk load. So the generator and the referral import end
with :func:`statistics_refresh`, and the daily task runs it every morning.

After a bulk load the generator also asks PostgreSQL to VACUUM: until a table is
vacuumed its visibility map is empty, and an index-only scan must still read every
row it finds from the table. Autovacuum would do it some time later, and not at all
on a server that runs without it.

On SQLite ``PRAGMA analysis_limit`` makes ``ANALYZE`` sample each index (a
thousand rows) instead of reading it whole: seconds at a million cases, and
planners need the proportions, not exact counts.
"""

from __future__ import annotations

import time

from django.db import connections
from django_tasks import task

SQLITE_ANALYSIS_LIMIT = 1000


def statistics_refresh(*, using: str = "default", vacuum: bool = False) -> float:
    """Refresh the planner's statistics of the whole database; returns the seconds
    taken. Safe to run at any time: readers and writers carry on.

    `vacuum` (after a bulk load): on PostgreSQL, VACUUM (ANALYZE) instead, when not
    inside a transaction (VACUUM cannot run in one; then it is ANALYZE alone)."""
    connection = connections[using]
    started = time.perf_counter()
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"PRAGMA analysis_limit = {SQLITE_ANALYSIS_LIMIT:d}")
            cursor.execute("ANALYZE")
            cursor.execute("PRAGMA analysis_limit = 0")
        elif vacuum and not connection.in_atomic_block:
            cursor.execute("VACUUM (ANALYZE)")
        else:
            cursor.execute("ANALYZE")
    return time.perf_counter() - started


@task()
def statistics_refresh_daily(today_iso: str) -> dict:
    """The daily run (queued by the cases' morning task): safe to run twice."""
    return {"day": today_iso, "seconds": round(statistics_refresh(), 2)}
