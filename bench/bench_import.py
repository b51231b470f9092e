"""The CSV import of referrals (issue 7 part 5): 100,000 rows in at most 60 s on
SQLite, and the same file imported again adds 0 rows.

A deterministic file (seeded; names and NRICs from the generator's helpers) is
written to var/bench-import-100k.csv, a fresh SQLite database var/bench-import.sqlite3
is migrated, and `manage.py import_referrals` runs twice in a subprocess. The figure
is the import's own time as the command reports it (without Python's start-up and
Django's set-up); the second run must report 0 imported.

    python bench/bench_import.py [--rows 100000]
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import random
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
CSV_PATH = ROOT / "var" / "bench-import-100k.csv"
DB_PATH = ROOT / "var" / "bench-import.sqlite3"
ROWS = 100_000
GOAL_SECONDS = 60.0
SEED = 2026
SUMMARY = re.compile(
    r"(\d+) rows: (\d+) imported, (\d+) already imported, (\d+) bad in ([0-9.]+) s "
    r"\(([0-9.]+) s of CPU\)"
)

ISCO_UNITS = ("8142", "4321", "8212", "8172", "9333", "7112", "9313", "8322", "5120", "7231")
STATES = ("01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11", "12", "13", "14")


def write_csv(path: Path, rows: int, seed: int = SEED) -> None:
    """`rows` referrals of distinct people; about a third match no rule (realistic:
    many referrals are not eligible), the rest one of the four."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kembali.settings")
    import django

    django.setup()  # the column list lives with the parser, which imports models
    from kembali.cases.imports_csv import COLUMNS
    from kembali.core.generate.draw import draw_dob, draw_nric
    from kembali.core.generate.names import community_for, full_name

    rng = random.Random(seed)
    used: set[int] = set()
    first_day = dt.date(2025, 1, 1)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=COLUMNS)
        writer.writeheader()
        for i in range(rows):
            referred = first_day + dt.timedelta(days=i % 600)
            state = rng.choice(STATES)
            female = rng.random() < 0.18
            dob = draw_dob(rng, referred, rng.randint(20, 60))
            nric = draw_nric(rng, dob, female, state, used)
            injured = referred - dt.timedelta(days=rng.randint(10, 200))
            route = rng.random()
            row = {c: "" for c in COLUMNS}
            row.update(
                referral_reference=f"BENCH-{i:07d}",
                referral_date=referred.isoformat(),
                nric=nric,
                full_name=full_name(community_for(state, rng), female, rng),
                state_code=state,
                phone=f"01{rng.randint(0, 9)}-{rng.randint(1000000, 9999999)}",
                postcode=f"{rng.randint(10000, 98000)}",
                preferred_language=rng.choice(("ms", "ms", "en")),
                dependants=str(rng.randint(0, 5)),
                injury_date=injured.isoformat(),
                injury_kind="industrial" if route < 0.6 else "illness",
                injury_work_related="yes" if route < 0.6 else "no",
                injury_description="Injury at work" if route < 0.6 else "Illness",
                employer_name=f"Syarikat {rng.randint(1, 5000)} Sdn Bhd",
                isco_code=rng.choice(ISCO_UNITS),
                job_title="Operator",
                monthly_wage=f"{rng.randint(1500, 6000)}.00",
                employment_start=(injured - dt.timedelta(days=rng.randint(200, 4000))).isoformat(),
            )
            if route < 0.45:
                row.update(benefits="tdb", benefit_start_dates=injured.isoformat())
            elif route < 0.6:
                row.update(
                    benefits="pdb",
                    benefit_start_dates=injured.isoformat(),
                    board="mb",
                    board_date=(referred - dt.timedelta(days=5)).isoformat(),
                    board_recommended="yes",
                )
            elif route < 0.7:
                row.update(
                    benefits="invalidity",
                    benefit_start_dates=injured.isoformat(),
                    board="smb",
                    board_date=(referred - dt.timedelta(days=3)).isoformat(),
                    board_recommended=rng.choice(("yes", "no")),
                )
            writer.writerow(row)


def _manage(url: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [PYTHON, str(ROOT / "manage.py"), *args],
        env={**os.environ, "DATABASE_URL": url},
        cwd=ROOT,
        check=False,
        capture_output=True,
        text=True,
    )


def _import(url: str) -> tuple[int, int, int, float, float]:
    done = _manage(
        url, "import_referrals", str(CSV_PATH), "--office", "KL01", "--no-progress", "-v1"
    )
    found = SUMMARY.search(done.stdout + done.stderr)
    if done.returncode != 0 or found is None:
        raise RuntimeError(f"import failed: {done.stdout[-500:]} {done.stderr[-2000:]}")
    _rows, imported, already, bad, seconds, cpu = found.groups()
    return int(imported), int(already), int(bad), float(seconds), float(cpu)


def _count_cases() -> int:
    with sqlite3.connect(DB_PATH) as conn:
        return conn.execute("select count(*) from cases_case").fetchone()[0]


def measure(rows: int = ROWS) -> list[dict]:
    write_csv(CSV_PATH, rows)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{DB_PATH}{suffix}").unlink(missing_ok=True)
    url = f"sqlite:///{DB_PATH}"
    migrated = _manage(url, "migrate", "--noinput", "-v0")
    if migrated.returncode != 0:
        raise RuntimeError(migrated.stderr[-2000:])
    imported, _already, bad, seconds, cpu = _import(url)
    cases_after_first = _count_cases()
    again, already, _bad, seconds_again, _cpu = _import(url)
    added = _count_cases() - cases_after_first
    return [
        {
            "measure": f"import: {rows:,} referral rows from CSV, SQLite",
            "figure": f"{seconds:.1f} s ({cpu:.1f} s of CPU, {cpu / max(rows, 1) * 1000:.2f} ms "
            f"a row; {imported:,} imported, {bad} bad; load average "
            f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)",
            "goal": f"≤ {GOAL_SECONDS:.0f} s",
            "met": seconds <= GOAL_SECONDS and imported == rows,
        },
        {
            "measure": "import: the same file again, rows added",
            "figure": f"{added} cases added ({again} imported, {already:,} already imported; "
            f"{seconds_again:.1f} s)",
            "goal": "0",
            "met": added == 0 and again == 0,
        },
    ]


def run() -> list[dict]:
    return measure(ROWS)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=ROWS)
    for row in measure(parser.parse_args().rows):
        print(f"{row['measure']}: {row['figure']} (goal {row['goal']}, met: {row['met']})")
