"""Backup and restore of a benchmark database (issue 7, part 9, the large run):
`kembali backup` and `kembali restore` of a SQLite database of 100,000 generated
cases (or var/bench-1m.sqlite3, the 1,000,000-case database of
`bench/run.py --generate-1m`, when it exists), timed, with MB/s, and the round trip
verified table by table by the restore itself (row counts and checksums against the
manifest). With BENCH_PG_URL set (a PostgreSQL database holding the benchmark
data), the same round trip through pg_dump/pg_restore into a scratch database.

    python bench/bench_backup.py [--cases 100000]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
WORK = ROOT / "var" / "bench"
MILLION_DB = ROOT / "var" / "bench-1m.sqlite3"
CASES = 100_000
SEED = 2007
REPORTED = re.compile(r"in ([0-9.]+) s")


def _manage(url: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [PYTHON, str(ROOT / "manage.py"), *args],
        env={**os.environ, "DATABASE_URL": url},
        cwd=ROOT,
        check=False,
        capture_output=True,
        text=True,
    )


def _must(done: subprocess.CompletedProcess, what: str) -> str:
    if done.returncode != 0:
        raise RuntimeError(f"{what} failed: {done.stdout[-500:]} {done.stderr[-2000:]}")
    return done.stdout


def _remove(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", ".manifest.json"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def source_database(cases: int) -> tuple[Path, int]:
    """The database to back up: the 1,000,000-case one if it was generated, else one
    of `cases` generated cases (kept between runs; a .done file marks it complete)."""
    if MILLION_DB.exists() and cases == CASES:
        return MILLION_DB, 1_000_000
    path = WORK / f"backup-seed{SEED}-{cases}.sqlite3"
    done_marker = Path(f"{path}.done")
    if not done_marker.exists():
        _remove(path)
        WORK.mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{path}"
        _must(_manage(url, "migrate", "--noinput", "-v0"), "migrate")
        _must(
            _manage(url, "generate", "--cases", str(cases), "--seed", str(SEED), "--quiet"),
            "generate",
        )
        done_marker.write_text(f"{cases} cases, seed {SEED}\n")
    return path, cases


def measure_sqlite(cases: int) -> list[dict]:
    source, cases = source_database(cases)
    backup = WORK / "backup-bench.sqlite3"
    target = WORK / "backup-bench-restored.sqlite3"
    _remove(backup)
    _remove(target)
    try:
        started = time.perf_counter()
        out = _must(_manage(f"sqlite:///{source}", "backup", str(backup)), "backup")
        backup_wall = time.perf_counter() - started
        manifest = json.loads(Path(f"{backup}.manifest.json").read_text())
        megabytes = manifest["file_bytes"] / 1e6
        rows = sum(t["rows"] for t in manifest["tables"].values())
        backup_seconds = float(REPORTED.search(out).group(1))

        started = time.perf_counter()
        done = _manage(f"sqlite:///{target}", "restore", str(backup))
        restore_wall = time.perf_counter() - started
        verified = done.returncode == 0 and "every row count and checksum matches" in done.stdout
        restore_seconds = float(REPORTED.search(done.stdout).group(1)) if verified else 0.0
    finally:
        _remove(backup)
        _remove(target)
    load = f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    return [
        {
            "measure": f"backup: {cases:,}-case SQLite database ({megabytes:,.0f} MB, "
            f"{rows:,} rows in {len(manifest['tables'])} tables), online copy + checksums",
            "figure": f"{backup_seconds:.1f} s, {megabytes / backup_seconds:,.0f} MB/s "
            f"({backup_wall:.1f} s with start-up; {load})",
            "goal": "",
            "met": None,
        },
        {
            "measure": "restore: the same backup into an empty SQLite database, verified "
            "table by table",
            "figure": (
                f"{restore_seconds:.1f} s, {megabytes / max(restore_seconds, 1e-6):,.0f} MB/s "
                f"({restore_wall:.1f} s with start-up); every row count and checksum equal"
                if verified
                else f"restore failed: {done.stderr[-300:]}"
            ),
            "goal": "round trip verified",
            "met": verified,
        },
    ]


def measure_postgresql(url: str) -> list[dict]:
    """Round trip of the database at `url` into `<name>_restore` (created, dropped)."""
    import psycopg
    from psycopg import sql

    name = url.rsplit("/", 1)[1]
    scratch = f"{name}_restore"[:63]
    admin_url = url.rsplit("/", 1)[0] + "/postgres"
    backup = WORK / "backup-bench.dump"
    _remove(backup)
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(scratch)))
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(scratch)))
    try:
        out = _must(_manage(url, "backup", str(backup)), "backup")
        manifest = json.loads(Path(f"{backup}.manifest.json").read_text())
        megabytes = manifest["file_bytes"] / 1e6
        cases = manifest["tables"].get("cases_case", {}).get("rows", 0)
        backup_seconds = float(REPORTED.search(out).group(1))
        done = _manage(url.rsplit("/", 1)[0] + f"/{scratch}", "restore", str(backup))
        verified = done.returncode == 0 and "every row count and checksum matches" in done.stdout
        restore_seconds = float(REPORTED.search(done.stdout).group(1)) if verified else 0.0
    finally:
        _remove(backup)
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(scratch))
            )
    return [
        {
            "measure": f"backup: {cases:,}-case PostgreSQL database, pg_dump -Fc "
            f"({megabytes:,.0f} MB) + checksums",
            "figure": f"{backup_seconds:.1f} s",
            "goal": "",
            "met": None,
        },
        {
            "measure": "restore: pg_restore into an empty database, verified table by table",
            "figure": f"{restore_seconds:.1f} s" if verified else "restore failed",
            "goal": "round trip verified",
            "met": verified,
        },
    ]


def run(cases: int = CASES) -> list[dict]:
    rows = measure_sqlite(cases)
    if os.environ.get("BENCH_PG_URL"):
        rows += measure_postgresql(os.environ["BENCH_PG_URL"])
    return rows


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=CASES)
    for row in run(parser.parse_args().cases):
        print(f"{row['measure']}: {row['figure']} (goal {row['goal']}, met: {row['met']})")
