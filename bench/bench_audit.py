"""The audit trail at tens of millions of rows (issue 6): the search page's
queries stay fast and writing one more event costs about what it costs on an
empty table.

A separate database (SQLite var/bench-audit.sqlite3; PostgreSQL too when
BENCH_PG_URL is set, or --pg for postgres://postgres@127.0.0.1:5432/kembali_bench_audit)
is migrated and filled with N audit events (default 20,000,000; --audit-rows or
BENCH_AUDIT_ROWS for fewer): the real offices of the reference data, 2,000 staff
spread over them, 1,000,000 cases each kept by one office, five years of
timestamps in order, a realistic mix of object types (most events belong to a
case; people, employers and users do not), a changes JSON on every third row.
The database makes the rows itself (bench/audit_fill.py: INSERT ... SELECT over
a row number, values from a hash of it, 2,000,000 rows per transaction), with
the secondary indexes dropped and rebuilt, as a restore would: 20,000,000 rows
in about 14 minutes per database on a loaded 2-core machine, where drawing them
in Python took over an hour. A filled database is kept and reused while its row
count and seed match.

Then, through the search page's own selector (kembali.audit.selectors.audit_search,
which pages by a keyset cursor on (at, id) and never counts), the median of 25
runs, each for a different office, case or person:
- a supervisor's first page: their office, the last 30 days;
- a national administrator's search by case (every event of one case);
- a search by the person who acted;
- the next page deep into a result: the office's trail two years back, by cursor;
and the median cost of one audit_record (its own transaction, committed) with
N rows present against an empty table in the same schema, three rounds of each
taken in turn so that other work on the machine weighs on both sides alike.

    python bench/bench_audit.py [--audit-rows 2000000] [--pg]

Goals: each search ≤ 50 ms median; insert with N rows ≤ 2× the empty table's.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = Path(__file__).resolve().parent
PYTHON = sys.executable
ROWS = int(os.environ.get("BENCH_AUDIT_ROWS", "20000000"))
SEED = 2026
ACTORS = 2_000
CASES = 1_000_000
YEARS = 5
CHUNK = 2_000_000  # rows per INSERT ... SELECT, one transaction each
RUNS = 25
INSERTS = 200
INSERT_ROUNDS = 3  # full and empty measured in turn, so a burst of load hits both
QUERY_GOAL_MS = 50.0
INSERT_GOAL_RATIO = 2.0
PAGE_SIZE = 50
SQLITE_FULL = ROOT / "var" / "bench-audit.sqlite3"
SQLITE_EMPTY = ROOT / "var" / "bench-audit-empty.sqlite3"
PG_DEFAULT = "postgres://postgres@127.0.0.1:5432/kembali_bench_audit"

# (object type, share, belongs to a case, actions)
OBJECT_MIX = [
    ("cases.case", 0.24, True, ("create", "transition", "update", "assign")),
    ("cases.casenote", 0.14, True, ("create", "update")),
    ("cases.casetask", 0.10, True, ("create", "done", "update")),
    ("cases.consent", 0.04, True, ("create", "withdraw")),
    ("cases.assessment", 0.04, True, ("create", "update")),
    ("cases.casecontact", 0.06, True, ("create",)),
    ("plans.rehabplan", 0.07, True, ("plan.create", "plan.submit", "plan.approve")),
    ("plans.intervention", 0.08, True, ("intervention.add", "intervention.update")),
    ("plans.providerreferral", 0.03, True, ("provider_referral.create",)),
    ("placement.vacancyreferral", 0.04, True, ("create", "update")),
    ("placement.followup", 0.03, True, ("create",)),
    ("people.insuredperson", 0.06, False, ("create", "update")),
    ("employers.employer", 0.04, False, ("create", "update")),
    ("employers.vacancy", 0.02, False, ("create", "update")),
    ("accounts.user", 0.01, False, ("update", "unlock")),
]


# ---------------------------------------------------------------- the worker
# Runs in its own process with DATABASE_URL pointing at the bench database.


def _setup():
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(BENCH))  # audit_fill
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kembali.settings")
    import django

    django.setup()


def _migrate():
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def _meta_get(cursor) -> dict:
    cursor.execute("CREATE TABLE IF NOT EXISTS bench_meta (k varchar(40) PRIMARY KEY, v text)")
    cursor.execute("SELECT k, v FROM bench_meta")
    return dict(cursor.fetchall())


def _meta_set(cursor, values: dict) -> None:
    cursor.execute("DELETE FROM bench_meta")
    for key, value in values.items():
        cursor.execute("INSERT INTO bench_meta (k, v) VALUES (%s, %s)", [key, str(value)])


def _secondary_indexes(cursor, vendor: str) -> list[tuple[str, str]]:
    if vendor == "sqlite":
        cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' "
            "AND tbl_name = 'audit_auditevent' AND sql IS NOT NULL"
        )
    else:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'audit_auditevent' "
            "AND indexname NOT LIKE '%%_pkey'"
        )
    return list(cursor.fetchall())


def _staff(rng: random.Random) -> tuple[dict, list, list]:
    """2,000 staff over the real offices; returns {office: [staff ids]}, the
    offices, and one supervisor per office (for the searches)."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from kembali.accounts.models import Office, Role

    user_model = get_user_model()
    offices = list(Office.objects.order_by("id").values_list("id", flat=True))
    if not user_model.objects.filter(username__startswith="bench-").exists():
        now = timezone.now()
        roles = [Role.CASE_MANAGER] * 6 + [Role.PLACEMENT_OFFICER] * 2 + [Role.SUPERVISOR]
        users = []
        for n in range(ACTORS):
            office = offices[n % len(offices)] if n < len(offices) * 2 else rng.choice(offices)
            role = Role.SUPERVISOR if n < len(offices) else rng.choice(roles)
            users.append(
                user_model(
                    username=f"bench-{n:04d}",
                    password="!",
                    role=role,
                    office_id=office,
                    date_joined=now,
                    first_name="Bench",
                    last_name=f"{n:04d}",
                )
            )
        user_model.objects.bulk_create(users, batch_size=500)
        user_model.objects.create(
            username="bench-admin", password="!", role=Role.NATIONAL_ADMIN, date_joined=now
        )
    by_office: dict[int, list[int]] = {}
    for pk, office in user_model.objects.filter(username__regex=r"^bench-[0-9]+$").values_list(
        "pk", "office_id"
    ):
        by_office.setdefault(office, []).append(pk)
    supervisors = list(
        user_model.objects.filter(username__startswith="bench-", role=Role.SUPERVISOR)
        .order_by("id")
        .values_list("pk", flat=True)
    )
    return by_office, offices, supervisors


def _fill(n: int) -> dict:
    import audit_fill
    from django.db import connection

    vendor = connection.vendor
    rng = random.Random(SEED)
    with connection.cursor() as cursor:
        meta = _meta_get(cursor)
    by_office, offices, _supervisors = _staff(rng)
    if meta.get("rows") == str(n) and meta.get("seed") == str(SEED):
        return {**meta, "filled_now": False}

    from django.utils import timezone

    end = timezone.now().replace(microsecond=0)
    started = time.perf_counter()
    with connection.cursor() as cursor:
        _meta_set(cursor, {})  # a fill cut short must not pass for a finished one
        indexes = _secondary_indexes(cursor, vendor)
        for name, _sql in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        if vendor == "sqlite":
            cursor.execute("DELETE FROM audit_auditevent")
            cursor.execute("PRAGMA synchronous=OFF")
            cursor.execute("PRAGMA cache_size=-400000")
        else:
            cursor.execute("TRUNCATE audit_auditevent RESTART IDENTITY")
            cursor.execute("SET work_mem = '256MB'")
            cursor.execute("SET maintenance_work_mem = '1GB'")
    audit_fill.fill(
        connection,
        n=n,
        chunk=CHUNK,
        object_mix=OBJECT_MIX,
        by_office=by_office,
        offices=offices,
        cases=CASES,
        years=YEARS,
        seed=SEED,
        end=end,
    )
    inserted = time.perf_counter() - started
    with connection.cursor() as cursor:
        for _name, sql in indexes:
            cursor.execute(sql)
        if vendor == "postgresql":
            # As autovacuum would leave a table that has stood a while: hint bits
            # set and the visibility map current, so the first searches do not
            # pay for the bulk load.
            cursor.execute("VACUUM (ANALYZE) audit_auditevent")
        else:
            cursor.execute("ANALYZE")
            cursor.execute("PRAGMA synchronous=NORMAL")
        meta = {
            "rows": n,
            "seed": SEED,
            "end": end.isoformat(),
            "insert_s": round(inserted, 1),
            "index_s": round(time.perf_counter() - started - inserted, 1),
        }
        _meta_set(cursor, meta)
    return {**{k: str(v) for k, v in meta.items()}, "filled_now": True}


def _median_ms(samples: list[float]) -> float:
    return round(statistics.median(samples) * 1000, 2)


def _timed(fn) -> tuple[float, float]:
    """(wall seconds, this thread's CPU seconds): on a shared, loaded machine the
    CPU time shows what the query itself costs."""
    started, started_cpu = time.perf_counter(), time.thread_time()
    fn()
    return time.perf_counter() - started, time.thread_time() - started_cpu


def _searches(meta: dict) -> dict:
    from django.contrib.auth import get_user_model

    from kembali.audit.models import AuditEvent
    from kembali.audit.selectors import AuditQuery, audit_search, encode_cursor

    user_model = get_user_model()
    rng = random.Random(SEED + 1)
    end = dt.datetime.fromisoformat(meta["end"])
    admin = user_model.objects.get(username="bench-admin")
    supervisors = list(
        user_model.objects.filter(username__startswith="bench-", role="supervisor")
        .select_related("office")
        .order_by("id")
    )
    actors = list(
        user_model.objects.filter(username__regex=r"^bench-[0-9]+$").values_list("pk", flat=True)
    )
    last_30 = AuditQuery(date_from=(end - dt.timedelta(days=30)).date())
    last_id = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 1

    def search(user, query, cursor=""):
        page = audit_search(user, query, cursor=cursor, page_size=PAGE_SIZE)
        assert len(page.events) <= PAGE_SIZE
        return page

    results: dict[str, list[tuple[float, float]]] = {
        "office_30d": [],
        "case": [],
        "actor": [],
        "deep": [],
    }
    found: dict[str, list[int]] = {key: [] for key in results}
    for run in range(RUNS):
        supervisor = supervisors[run % len(supervisors)]
        results["office_30d"].append(_timed(lambda s=supervisor: search(s, last_30)))
        found["office_30d"].append(len(search(supervisor, last_30).events))

        # A case someone searches for has a history: take the case of a random
        # event (so a busy case is picked more often, as in life).
        case_id = (
            AuditEvent.objects.filter(pk__gte=rng.randint(1, last_id), case_id__isnull=False)
            .order_by("pk")
            .values_list("case_id", flat=True)
            .first()
        )
        by_case = AuditQuery(case_id=case_id)
        results["case"].append(_timed(lambda q=by_case: search(admin, q)))
        found["case"].append(len(search(admin, by_case).events))

        by_actor = AuditQuery(actor_id=rng.choice(actors))
        results["actor"].append(_timed(lambda q=by_actor: search(admin, q)))
        found["actor"].append(len(search(admin, by_actor).events))

        # The office's trail about two years back: the cursor of a row there.
        back = end - dt.timedelta(days=rng.randint(600, 900))
        anchor = (
            AuditEvent.objects.filter(office_id=supervisor.office_id, at__lte=back)
            .order_by("-at", "-id")
            .first()
        )
        cursor = encode_cursor(anchor) if anchor else ""
        everything = AuditQuery()
        results["deep"].append(_timed(lambda s=supervisor, q=everything, c=cursor: search(s, q, c)))
        found["deep"].append(len(search(supervisor, everything, cursor).events))
    return {
        key: {
            "median_ms": _median_ms([wall for wall, _cpu in samples]),
            "median_cpu_ms": _median_ms([cpu for _wall, cpu in samples]),
            "median_rows": statistics.median(found[key]),
        }
        for key, samples in results.items()
    }


def _inserts() -> float:
    """Median seconds of one audit_record in its own committed transaction."""
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from kembali.accounts.models import Office
    from kembali.audit.services import audit_record

    actor = get_user_model().objects.filter(username__startswith="bench-").first()
    office = Office.objects.first()
    rng = random.Random(SEED + 2)
    samples = []
    for n in range(INSERTS):
        started = time.perf_counter()
        with transaction.atomic():
            audit_record(
                actor=actor,
                action="update",
                obj=office,
                office=office,
                changes={"name": ["before", f"after {n}"]},
                case=rng.randint(1, CASES),
            )
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def worker(mode: str, rows: int) -> dict:
    _setup()
    _migrate()
    if mode == "empty":
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM audit_auditevent")
        _staff(random.Random(SEED))
        return {"insert_s": _inserts()}
    if mode == "insert":  # one more round of inserts on the filled table
        return {"insert_s": _inserts()}
    meta = _fill(rows)
    from django.db import connection

    # The fill's PRAGMAs (a 400 MB page cache) must not flatter what follows:
    # the searches and inserts run on a connection as the project opens it.
    connection.close()
    searches = _searches(meta)
    return {"meta": meta, "searches": searches, "insert_s": _inserts()}


# ---------------------------------------------------------------- the harness


def _run_worker(url: str, mode: str, rows: int) -> dict:
    done = subprocess.run(
        [PYTHON, __file__, "--worker", mode, "--audit-rows", str(rows)],
        env={**os.environ, "DATABASE_URL": url},
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"bench worker failed: {done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _ensure_pg_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1].split("?")[0]
    admin_url = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


LABELS = {
    "office_30d": "a supervisor's first page: own office, last 30 days",
    "case": "every event of one case (search by case number)",
    "actor": "everything one person did",
    "deep": "the next page two years deep in an office's trail (keyset cursor)",
}


def measure(rows: int = ROWS, pg_url: str | None = None) -> list[dict]:
    targets = [("SQLite", f"sqlite:///{SQLITE_FULL}", f"sqlite:///{SQLITE_EMPTY}")]
    if pg_url:
        _ensure_pg_database(pg_url)
        _ensure_pg_database(pg_url + "_empty")
        targets.append(("PostgreSQL", pg_url, pg_url + "_empty"))
    out = []
    for name, full_url, empty_url in targets:
        if name == "SQLite":
            for suffix in ("", "-wal", "-shm"):
                Path(f"{SQLITE_EMPTY}{suffix}").unlink(missing_ok=True)
        started = time.perf_counter()
        full = _run_worker(full_url, "full", rows)
        wall = time.perf_counter() - started
        full_inserts, empty_inserts = [full["insert_s"]], []
        for round_ in range(INSERT_ROUNDS):
            empty_inserts.append(_run_worker(empty_url, "empty", rows)["insert_s"])
            if round_ < INSERT_ROUNDS - 1:
                full_inserts.append(_run_worker(full_url, "insert", rows)["insert_s"])
        full_insert_s = statistics.median(full_inserts)
        empty_insert_s = statistics.median(empty_inserts)
        meta = full["meta"]
        fill = (
            f"filled in {float(meta['insert_s']) + float(meta['index_s']):.0f} s "
            f"({meta['insert_s']} s insert, {meta['index_s']} s index build)"
        )
        if not meta.get("filled_now"):
            fill += ", reused"
        load = f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
        for key, label in LABELS.items():
            figure = full["searches"][key]
            out.append(
                {
                    "measure": f"audit: {label}, {rows:,} rows, {name} (median ms of {RUNS})",
                    "figure": f"{figure['median_ms']} (CPU {figure['median_cpu_ms']} ms; "
                    f"{figure['median_rows']:.0f} rows on the page; {load})",
                    "goal": f"≤ {QUERY_GOAL_MS:.0f} ms",
                    "met": figure["median_ms"] <= QUERY_GOAL_MS,
                }
            )
        ratio = full_insert_s / empty_insert_s
        out.append(
            {
                "measure": f"audit: one audit_record committed, {rows:,} rows present / empty "
                f"table, {name} (medians of {INSERTS}, {INSERT_ROUNDS} rounds taken in turn)",
                "figure": f"{ratio:.2f}× ({full_insert_s * 1000:.2f} ms / "
                f"{empty_insert_s * 1000:.2f} ms; rounds "
                f"{', '.join(f'{s * 1000:.2f}' for s in full_inserts)} / "
                f"{', '.join(f'{s * 1000:.2f}' for s in empty_inserts)} ms)",
                "goal": f"≤ {INSERT_GOAL_RATIO:.0f}×",
                "met": ratio <= INSERT_GOAL_RATIO,
            }
        )
        out.append(
            {
                "measure": f"audit: filling {rows:,} rows, {name} (bench set-up)",
                "figure": f"{fill}; whole run {wall:.0f} s",
                "goal": "(reference)",
                "met": None,
            }
        )
    return out


def run() -> list[dict]:
    return measure(ROWS, os.environ.get("BENCH_PG_URL"))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--audit-rows", type=int, default=ROWS)
    parser.add_argument("--pg", action="store_true", help=f"also PostgreSQL ({PG_DEFAULT})")
    parser.add_argument("--worker", choices=("full", "insert", "empty"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args.worker, args.audit_rows), default=str))
    else:
        pg = os.environ.get("BENCH_PG_URL") or (PG_DEFAULT if args.pg else None)
        for row in measure(args.audit_rows, pg):
            print(f"{row['measure']}: {row['figure']} (goal {row['goal']}, met: {row['met']})")
