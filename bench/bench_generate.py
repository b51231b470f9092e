"""The synthetic data generator's speed (issue 2 part 5).

- 10,000 cases on SQLite and on PostgreSQL, each into a fresh database;
- 1,000,000 cases on SQLite, into var/bench-1m.sqlite3: tens of minutes, so it
  runs only when asked (`python bench/run.py --generate-1m`, or this file with
  --million) and its figure is recorded in bench/results/generate-1m-run.json
  with the machine and date it was measured on; later runs report that record.

Each measurement runs `manage.py generate` in a subprocess against its own
DATABASE_URL, after `migrate`, and takes the time the command reports (the
generation itself, without Python's start-up or the migrations).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
RECORD = ROOT / "bench" / "results" / "generate-1m-run.json"
MILLION_DB = ROOT / "var" / "bench-1m.sqlite3"
PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/kembali_bench_generate")
SEED = 2007
REPORTED = re.compile(r"vacancies in ([0-9.]+) s")  # the generation, not the ANALYZE after it


def _manage(url: str, *args: str, quiet: bool = True) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": url}
    return subprocess.run(
        [PYTHON, str(ROOT / "manage.py"), *args],
        env=env,
        cwd=ROOT,
        check=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL if quiet else None,
        text=True,
    )


def time_generate(url: str, cases: int, *, progress: bool = False) -> tuple[float, float]:
    """Migrate a fresh database at `url`, then generate `cases`: the seconds taken
    (as the command reports them) and the CPU seconds of the generating process
    (which, on a busy machine, says what the wall time would be on an idle one)."""
    _manage(url, "migrate", "--noinput", "-v0")
    args = ["generate", "--cases", str(cases), "--seed", str(SEED)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    out = _manage(url, *args, *([] if progress else ["--quiet"]), quiet=not progress).stdout
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    found = REPORTED.search(out)
    return (float(found.group(1)) if found else wall), cpu


def _sqlite_fresh(path: Path) -> str:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{path}"


def _pg_fresh(url: str) -> str | None:
    try:
        import psycopg
    except ImportError:
        return None
    base, _, name = url.rpartition("/")
    try:
        with psycopg.connect(f"{base}/postgres", autocommit=True, connect_timeout=3) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.Error:
        return None
    return url


def _row(
    measure: str, timing: tuple[float, float] | None, goal_s: float, goal: str, cases: int
) -> list[dict]:
    if timing is None:
        return [
            {"measure": measure, "figure": "skipped (no PostgreSQL)", "goal": goal, "met": None}
        ]
    seconds, cpu = timing
    # A busy machine stretches the wall time, not the CPU time: say how busy it was.
    load = f"; load average {os.getloadavg()[1]:.1f} on {os.cpu_count()} cores"
    return [
        {
            "measure": measure + load,
            "figure": f"{seconds:,.1f} s (CPU {cpu:,.1f} s)",
            "goal": goal,
            "met": seconds <= goal_s,
        },
        {
            "measure": measure.replace("(s)", "(cases per second)"),
            "figure": f"{cases / seconds:,.0f}",
            "goal": "(reference)",
            "met": None,
        },
    ]


def record_million() -> dict:
    """Generate 1,000,000 cases on SQLite and record how long it took."""
    url = _sqlite_fresh(MILLION_DB)
    print(f"generating 1,000,000 cases into {MILLION_DB} ...", file=sys.stderr)
    seconds, cpu = time_generate(url, 1_000_000, progress=True)
    from run import machine  # bench/run.py, on sys.path when run from bench/

    record = {
        "cases": 1_000_000,
        "seconds": round(seconds, 1),
        "cpu_seconds": round(cpu, 1),
        "database": "SQLite",
        "size_bytes": MILLION_DB.stat().st_size,
        "machine": machine(),
        "date": dt.date.today().isoformat(),
    }
    RECORD.parent.mkdir(parents=True, exist_ok=True)
    RECORD.write_text(json.dumps(record, indent=2) + "\n")
    return record


def _cpu(record: dict) -> str:
    cpu = record.get("cpu_seconds")
    return f" (CPU {cpu / 60:,.1f} min)" if cpu else ""


def run() -> list[dict]:
    import tempfile

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        timing = time_generate(_sqlite_fresh(Path(tmp) / "bench.sqlite3"), 10_000)
    rows += _row("generate: 10,000 cases on SQLite (s)", timing, 60, "<= 60 s", 10_000)
    url = _pg_fresh(PG_URL)
    timing = time_generate(url, 10_000) if url else None
    rows += _row("generate: 10,000 cases on PostgreSQL (s)", timing, 60, "<= 60 s", 10_000)
    if RECORD.exists():
        record = json.loads(RECORD.read_text())
        rows.append(
            {
                "measure": "generate: 1,000,000 cases on SQLite "
                "(`kembali generate --cases 1000000`)",
                "figure": f"{record['seconds'] / 60:,.1f} min{_cpu(record)} "
                f"({record['cases'] / record['seconds']:,.0f} cases/s, "
                f"database {record['size_bytes'] / 2**30:.1f} GiB)",
                "goal": "finishes (issue 2); <= 2 h",
                "met": record["seconds"] <= 7200,
                "machine": record["machine"],
                "date": record["date"],
            }
        )
    else:
        rows.append(
            {
                "measure": "generate: 1,000,000 cases on SQLite",
                "figure": "not measured yet (bench/run.py --generate-1m)",
                "goal": "finishes (issue 2); <= 2 h",
                "met": None,
            }
        )
    return rows


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--million", action="store_true", help="record the 1,000,000-case run")
    args = parser.parse_args()
    if args.million:
        print(json.dumps(record_million(), indent=2))
    else:
        for row in run():
            print(row)
