"""Filling the audit benchmark's table inside the database (bench_audit.py).

Python drawing every row managed ~8,000 rows/s, over an hour for 20,000,000
rows. Here the rows come from an INSERT ... SELECT over a row number (a
recursive CTE on SQLite, generate_series on PostgreSQL), in chunks of a few
million rows, one transaction each. Every value is a pseudo-random but
deterministic function of the row number:

    hash(i, salt) = x * x mod p,  x = (i * a + b) mod p,  p = 2**31 - 1

(a and b differ per salt; the squaring breaks the lock-step of plain
multiply-mod, whose draw moves by the same step from one row to the next). The
choices that need a weighted pick or a list are small lookup tables filled from
Python and joined by primary key:

- bench_fill_kind: 1,000 slots shared out by OBJECT_MIX's shares -> object
  type, whether it belongs to a case, how many actions it has;
- bench_fill_action: the actions of each kind;
- bench_fill_pick: which office a row belongs to, with how many staff: for a
  case row the case's own office (one per case, 1..CASES, drawn once by the
  offices' weights), for any other row one of 1,000 weighted slots after them;
- bench_fill_actor: the staff of each office, numbered 0..n-1, so the actor
  is always someone of the row's office.

Timestamps go up with the row number over the five years before `end`; every
third row carries a changes JSON; the tables are dropped when the fill is done.
"""

from __future__ import annotations

import datetime as dt
import json
import random

PRIME = 2_147_483_647  # 2**31 - 1: x < 2**31, so x * x stays within a signed 64-bit integer
SALTS = {  # salt: (a, b), a < 2**31 and i < 2**32 keep i * a within 64 bits
    "kind": (1_103_515_245, 12_345),
    "case": (1_664_525, 1_013_904_223),
    "actor": (22_695_477, 1),
    "action": (134_775_813, 7),
    "object": (214_013, 2_531_011),
    "office": (69_069, 362_437),
    "case_office": (48_271, 11),
}
SLOTS = 1_000
CHANGES = json.dumps({"status": ["referred", "eligible"]})
HELPER_TABLES = ("bench_fill_kind", "bench_fill_action", "bench_fill_pick", "bench_fill_actor")


def hashed(column: str, salt: str) -> str:
    """SQL for hash(column, salt), an integer in [0, 2**31 - 1)."""
    a, b = SALTS[salt]
    x = f"(({column} * {a} + {b}) % {PRIME})"
    return f"(({x} * {x}) % {PRIME})"


def _kind_slots(object_mix) -> list[int]:
    """Kind number for each of the SLOTS slots, by OBJECT_MIX's shares."""
    slots: list[int] = []
    for number, (_kind, share, _case, _actions) in enumerate(object_mix):
        slots += [number] * round(share * SLOTS)
    slots = (slots + [0] * SLOTS)[:SLOTS]  # should rounding miss: pad with kind 0, or cut
    return slots


def _office_slots(offices: list[int], rng: random.Random) -> list[int]:
    """Office for each of the SLOTS slots, each office weighted 0.5-3 (as before)."""
    weights = [rng.uniform(0.5, 3.0) for _ in offices]
    return rng.choices(offices, weights, k=SLOTS)


def create_helpers(cursor, *, object_mix, by_office: dict, offices: list, cases: int, seed: int):
    rng = random.Random(seed)
    drop_helpers(cursor)
    cursor.execute(
        "CREATE TABLE bench_fill_kind (k integer PRIMARY KEY, kind_no integer, "
        "object_type varchar(60), with_case integer, n_actions integer)"
    )
    cursor.execute(
        "CREATE TABLE bench_fill_action (kind_no integer, j integer, action varchar(40), "
        "PRIMARY KEY (kind_no, j))"
    )
    cursor.execute(
        "CREATE TABLE bench_fill_pick (p integer PRIMARY KEY, office_id integer, n_actors integer)"
    )
    cursor.execute(
        "CREATE TABLE bench_fill_actor (office_id integer, k integer, actor_id integer, "
        "PRIMARY KEY (office_id, k))"
    )
    cursor.executemany(
        "INSERT INTO bench_fill_kind VALUES (%s, %s, %s, %s, %s)",
        [
            (k, no, object_mix[no][0], int(object_mix[no][2]), len(object_mix[no][3]))
            for k, no in enumerate(_kind_slots(object_mix))
        ],
    )
    cursor.executemany(
        "INSERT INTO bench_fill_action VALUES (%s, %s, %s)",
        [
            (no, j, action)
            for no, (_kind, _share, _case, actions) in enumerate(object_mix)
            for j, action in enumerate(actions)
        ],
    )
    staffed = [office for office in offices if by_office.get(office)]
    cursor.executemany(
        "INSERT INTO bench_fill_actor VALUES (%s, %s, %s)",
        [
            (office, k, actor)
            for office in staffed
            for k, actor in enumerate(sorted(by_office[office]))
        ],
    )
    # The weighted slots live after the cases: p = cases + 1 + slot.
    cursor.executemany(
        "INSERT INTO bench_fill_pick VALUES (%s, %s, %s)",
        [
            (cases + 1 + slot, office, len(by_office[office]))
            for slot, office in enumerate(_office_slots(staffed, rng))
        ],
    )
    # Each case's office: a weighted slot drawn by the hash of the case number.
    series = _series(cursor, 1, cases)
    cursor.execute(
        f"INSERT INTO bench_fill_pick (p, office_id, n_actors) "
        f"SELECT s.i, slot.office_id, slot.n_actors FROM {series} "
        f"JOIN bench_fill_pick slot "
        f"ON slot.p = {cases + 1} + {hashed('s.i', 'case_office')} % {SLOTS}"
    )


def drop_helpers(cursor) -> None:
    for table in HELPER_TABLES:
        cursor.execute(f"DROP TABLE IF EXISTS {table}")


def _vendor(cursor) -> str:
    return cursor.db.vendor


def _series(cursor, first: int, last: int) -> str:
    """A FROM item `s` with one column i running first..last."""
    if _vendor(cursor) == "postgresql":
        return f"generate_series({first}::bigint, {last}::bigint) AS s(i)"
    return (
        f"(WITH RECURSIVE n(i) AS (SELECT {first} UNION ALL SELECT i + 1 FROM n "
        f"WHERE i < {last}) SELECT i FROM n) AS s"
    )


def insert_chunk(
    cursor, *, first: int, last: int, n: int, cases: int, years: int, end: dt.datetime
):
    """Rows first..last (1-based, id = row number) of n, spread over the years before end."""
    postgres = _vendor(cursor) == "postgresql"
    end_us = int(end.timestamp()) * 1_000_000 + end.microsecond
    span_us = 365 * years * 86_400 * 1_000_000
    step_us = span_us // max(n, 1)
    us = f"({end_us - span_us} + (s.i - 1) * {step_us})"
    if postgres:
        at = f"(TIMESTAMPTZ 'epoch' + {us} * INTERVAL '1 microsecond')"
        year = "to_char(r.at AT TIME ZONE 'UTC', 'YYYY')"
        changes = f"CASE WHEN r.i % 3 = 0 THEN '{CHANGES}'::jsonb ELSE '{{}}'::jsonb END"
        padded = "lpad(({})::text, 7, '0')"
        as_text = "({})::text"
    else:
        # As Django stores a datetime in SQLite: UTC text, no offset.
        at = (
            f"(strftime('%Y-%m-%d %H:%M:%S', {us} / 1000000, 'unixepoch') "
            f"|| printf('.%06d', {us} % 1000000))"
        )
        year = "substr(r.at, 1, 4)"
        changes = f"CASE WHEN r.i % 3 = 0 THEN '{CHANGES}' ELSE '{{}}' END"
        padded = "printf('%07d', {})"
        as_text = "CAST({} AS TEXT)"
    object_no = (
        f"CASE WHEN kd.kind_no = 0 THEN r.c WHEN kd.with_case = 1 "
        f"THEN 1 + r.h_object % {20 * cases} ELSE 1 + r.h_object % {2 * cases} END"
    )
    repr_no = f"CASE WHEN kd.with_case = 1 THEN r.c ELSE 1 + r.h_object % {2 * cases} END"
    sql = f"""
        INSERT INTO audit_auditevent (id, at, action, object_type, object_id, object_repr,
                                      changes, reason, actor_id, office_id, case_id)
        SELECT r.i, r.at, act.action, kd.object_type, {as_text.format(object_no)},
               'RTW-' || {year} || '-' || {padded.format(repr_no)},
               {changes}, '', staff.actor_id, pick.office_id,
               CASE WHEN kd.with_case = 1 THEN r.c END
        FROM (
            SELECT s.i, {at} AS at,
                   {hashed("s.i", "kind")} % {SLOTS} AS k,
                   1 + {hashed("s.i", "case")} % {cases} AS c,
                   {hashed("s.i", "actor")} AS h_actor,
                   {hashed("s.i", "action")} AS h_action,
                   {hashed("s.i", "object")} AS h_object,
                   {hashed("s.i", "office")} % {SLOTS} AS slot
            FROM {_series(cursor, first, last)}
        ) AS r
        JOIN bench_fill_kind kd ON kd.k = r.k
        JOIN bench_fill_action act ON act.kind_no = kd.kind_no
             AND act.j = r.h_action % kd.n_actions
        JOIN bench_fill_pick pick ON pick.p = CASE WHEN kd.with_case = 1 THEN r.c
                                                  ELSE {cases + 1} + r.slot END
        JOIN bench_fill_actor staff ON staff.office_id = pick.office_id
             AND staff.k = r.h_actor % pick.n_actors
    """
    if postgres:
        # Rows go in in time order, as an append-only trail's do (hash joins
        # may shuffle them). SQLite's nested lookups keep the row order anyway.
        sql += " ORDER BY r.i"
    cursor.execute(sql)


def fill(
    connection, *, n: int, chunk: int, object_mix, by_office, offices, cases, years, seed, end
):
    """Insert n rows into the (emptied, index-less) audit table, chunk rows per
    transaction."""
    from django.db import transaction

    with transaction.atomic(), connection.cursor() as cursor:
        create_helpers(
            cursor,
            object_mix=object_mix,
            by_office=by_office,
            offices=offices,
            cases=cases,
            seed=seed,
        )
    for first in range(1, n + 1, chunk):
        with transaction.atomic(), connection.cursor() as cursor:
            insert_chunk(
                cursor,
                first=first,
                last=min(first + chunk - 1, n),
                n=n,
                cases=cases,
                years=years,
                end=end,
            )
    with transaction.atomic(), connection.cursor() as cursor:
        drop_helpers(cursor)
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence('audit_auditevent', 'id'), "
                "(SELECT coalesce(max(id), 1) FROM audit_auditevent))"
            )
