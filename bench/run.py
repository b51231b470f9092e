"""The benchmark harness: `make bench` (python bench/run.py).

Every module bench/bench_<name>.py exposes `run() -> list[dict]`, one dict per
figure: {"measure", "figure", "goal", "met"} where met is True, False or None
(a reference figure with no goal), and optionally "machine" and "date" when
the figure was measured elsewhere or earlier (a long run recorded once).

Each module's rows are kept in bench/results/<name>.json, so running one
module (--only) updates its rows and keeps the others'; bench/RESULTS.md is
rebuilt from all of them: measure, figure, goal, met or not, machine and date.
Below the table, every figure not met is listed again with its account: by how
much, and what would close it (the row's "short", or the module's short(row)).
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import json
import os
import platform
import sys
import time
import traceback
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
RESULTS_DIR = BENCH / "results"
RESULTS_MD = BENCH / "RESULTS.md"


def machine() -> str:
    memory = ""
    try:
        with open("/proc/meminfo") as f:
            kib = int(f.readline().split()[1])
        memory = f", {kib / 1024 / 1024:.0f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    return (
        f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores{memory}, "
        f"Python {platform.python_version()}"
    )


def modules() -> list[tuple[str, Path]]:
    return [(p.stem.removeprefix("bench_"), p) for p in sorted(BENCH.glob("bench_*.py"))]


def load(name: str, path: Path):
    spec = importlib.util.spec_from_file_location(f"bench_{name}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run_module(name: str, path: Path) -> list[dict]:
    stamp = {"machine": machine(), "date": dt.date.today().isoformat()}
    started = time.perf_counter()
    try:
        rows = load(name, path).run()
    except Exception as error:  # one failing benchmark must not hide the others
        traceback.print_exc()
        rows = [
            {
                "measure": f"{name}: benchmark failed",
                "figure": type(error).__name__,
                "goal": "runs",
                "met": False,
            }
        ]
    rows = [{**stamp, **row} for row in rows]
    print(f"{name}: {len(rows)} figures in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    return rows


def save(name: str, rows: list[dict]) -> None:
    RESULTS_DIR.mkdir(exist_ok=True)
    (RESULTS_DIR / f"{name}.json").write_text(json.dumps(rows, indent=2, default=str) + "\n")


def render() -> str:
    lines = [
        "# Benchmark results",
        "",
        "Written by `make bench` (`python bench/run.py`); each module's figures come from",
        "its last run (bench/results/*.json). Goals are those of the issues.",
        "",
        "| Measure | Figure | Goal | Met | Machine | Date |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    unmet: list[tuple[str, dict]] = []
    for path in sorted(RESULTS_DIR.glob("*.json")):
        rows = json.loads(path.read_text())
        if not isinstance(rows, list):  # a module's own record, e.g. a long run's timing
            continue
        for row in rows:
            met = {True: "met", False: "**not met**", None: "—"}[row.get("met")]
            cells = [
                row["measure"],
                row["figure"],
                row.get("goal", ""),
                met,
                row.get("machine", ""),
                row.get("date", ""),
            ]
            lines.append("| " + " | ".join(str(c).replace("|", "\\|") for c in cells) + " |")
            if row.get("met") is False:
                unmet.append((path.stem, row))
    if unmet:
        lines += ["", "## Figures not met: by how much, and what would close it", ""]
        for name, row in unmet:
            account = row.get("short") or _short_from_module(name, row)
            lines.append(f"- **{row['measure']}**: {row['figure']}, against {row.get('goal', '')}.")
            lines.append(f"  {account}")
    return "\n".join(lines) + "\n"


def _short_from_module(name: str, row: dict) -> str:
    """The account of a row recorded without one: the module's short(row), if any."""
    path = BENCH / f"bench_{name}.py"
    if path.exists():
        module = load(name, path)
        if hasattr(module, "short"):
            return module.short(row)
    return "No account recorded: run the module again."


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run the benchmarks; write bench/RESULTS.md.")
    parser.add_argument(
        "--only",
        action="append",
        default=[],
        help="run only modules whose name contains this (repeatable)",
    )
    parser.add_argument("--skip", action="append", default=[], help="skip these modules")
    parser.add_argument("--list", action="store_true", help="list the modules")
    parser.add_argument(
        "--render-only",
        action="store_true",
        help="rewrite RESULTS.md from the recorded results, running nothing",
    )
    parser.add_argument(
        "--generate-1m",
        action="store_true",
        help="first time `kembali generate --cases 1000000` on SQLite (var/bench-1m.sqlite3, "
        "tens of minutes) and record it for the generate module",
    )
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    found = modules()
    if args.list:
        for name, _ in found:
            print(name)
        return 0
    if args.render_only:
        RESULTS_MD.write_text(render())
        return 0
    if args.generate_1m:
        load("generate", BENCH / "bench_generate.py").record_million()
    for name, path in found:
        if args.only and not any(o in name for o in args.only):
            continue
        if any(s in name for s in args.skip):
            continue
        save(name, run_module(name, path))
    RESULTS_MD.write_text(render())
    print(f"wrote {RESULTS_MD.relative_to(ROOT)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
