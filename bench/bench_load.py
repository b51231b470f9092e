"""Load (issue 7 part 4): locust against gunicorn (2 workers) on PostgreSQL with
100,000 cases.

(a) saturation: 50 users with no think time run the mix (bench/locustfile.py:
    search, open a case, add a note, the match page, the dashboard) and, in the
    same run against the same gunicorn, the bare view (bench/bare_urls.py,
    mounted by KEMBALI_BENCH_URLS=1); phases alternate mix, bare, bare, mix so
    a drift in the machine's load touches both alike. Figure: the mix's
    requests per second / the bare view's (goal >= 50 %).
(b) realistic: 200 staff with 1-5 s think time; p95 <= 150 ms and 0 failures,
    counted after all users have started.

The database `kembali_bench_load` (BENCH_LOAD_PG_URL) is generated once
(`kembali generate --cases 100000 --seed 2007`, a few minutes) and reused; the
file var/bench/load-db.done marks a finished one (delete it to start again).
The simulated staff are generated case managers, placement officers and
supervisors of the six offices with the most cases, signed in by sessions made
directly in the database.

    python bench/bench_load.py [--phase 40] [--realistic 120]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
VENV_BIN = Path(sys.executable).parent
PYTHON = sys.executable
WORK = ROOT / "var" / "bench"
PG_URL = os.environ.get(
    "BENCH_LOAD_PG_URL", "postgres://postgres@127.0.0.1:5432/kembali_bench_load"
)
MARKER = WORK / "load-db.done"
CASES = 100_000
SEED = 2007
OFFICES = 6
PROFILES = 250  # one signed-in session per simulated user
SATURATION_USERS = 50
REALISTIC_USERS = 200
PHASE_S = 40
REALISTIC_S = 120
GOAL_SHARE = 0.5
GOAL_P95_MS = 150


def _env(**extra: str) -> dict:
    return {
        **os.environ,
        "DATABASE_URL": PG_URL,
        "DEBUG": "0",
        "KEMBALI_BENCH_URLS": "1",
        "LOG_LEVEL": "WARNING",
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        **extra,
    }


def _manage(*args: str) -> str:
    done = subprocess.run(
        [PYTHON, str(ROOT / "manage.py"), *args],
        env=_env(),
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed: {done.stderr[-2000:]}")
    return done.stdout


def ensure_db() -> None:
    """The 100,000-case PostgreSQL database: generated once, then reused."""
    import psycopg

    expected = f"{PG_URL} seed {SEED} cases {CASES}"
    if MARKER.exists() and MARKER.read_text().splitlines()[0] == expected:
        _manage("migrate", "--noinput", "-v0")
        return
    base, _, name = PG_URL.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True, connect_timeout=5) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    print(f"generating {CASES:,} cases into {name} (a few minutes) ...", file=sys.stderr)
    _manage("migrate", "--noinput", "-v0")
    out = _manage("generate", "--cases", str(CASES), "--seed", str(SEED), "--quiet")
    WORK.mkdir(parents=True, exist_ok=True)
    MARKER.write_text(f"{expected}\n{out}")


# ---------------------------------------------------------------------------
# In a subprocess with the bench database: the simulated staff and their sessions


def prepare(out: Path) -> None:
    os.environ.update(_env())
    os.environ["DJANGO_SETTINGS_MODULE"] = "kembali.settings"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.db.models import Count, Q
    from django.test import Client

    from kembali.accounts.models import Role, User
    from kembali.cases.access import cases_visible_to
    from kembali.cases.models import Case, Status

    offices = list(
        Case.objects.values("office_id")
        .annotate(n=Count("id"))
        .order_by("-n", "office_id")
        .values_list("office_id", flat=True)[:OFFICES]
    )
    open_cases = ~Q(status__in=[Status.CLOSED, Status.CLOSURE_PENDING])
    staff: list[User] = []
    for office in offices:
        busiest = (
            Case.objects.filter(open_cases, office_id=office, case_manager__isnull=False)
            .values("case_manager_id")
            .annotate(n=Count("id"))
            .order_by("-n", "case_manager_id")
            .values_list("case_manager_id", flat=True)[:3]
        )
        staff += list(User.objects.filter(pk__in=list(busiest)).order_by("username"))
        placing = (
            Case.objects.filter(open_cases, office_id=office, placement_officer__isnull=False)
            .values("placement_officer_id")
            .annotate(n=Count("id"))
            .order_by("-n", "placement_officer_id")
            .values_list("placement_officer_id", flat=True)[:1]
        )
        staff += list(User.objects.filter(pk__in=list(placing)))
        staff += list(
            User.objects.filter(office_id=office, role=Role.SUPERVISOR).order_by("username")[:1]
        )

    people = []
    for user in staff:
        visible = cases_visible_to(user).filter(open_cases).order_by("number")
        if user.role == Role.PLACEMENT_OFFICER:
            visible = visible.filter(placement_officer=user)
        numbers = list(visible.values_list("number", flat=True)[:60])
        jpess = list(visible.filter(in_jpess=True).values_list("number", flat=True)[:30])
        names = visible.values_list("person__full_name", flat=True)[:20]
        searches = sorted({n.split()[0] for n in names if n.split()})
        if numbers:
            people.append((user, numbers, jpess, searches))

    pages = {"match": None, "dashboard": None, "left_out": []}
    probe = Client(raise_request_exception=False)
    supervisor = next((u for u, *_ in people if u.role == Role.SUPERVISOR), None)
    if supervisor:
        probe.force_login(supervisor)
        status = probe.get("/reports/").status_code
        if status == 200:
            pages["dashboard"] = "/reports/"
        else:
            pages["left_out"].append(f"dashboard: /reports/ answered {status}")
    jpess_worker = next(((u, j) for u, _, j, _ in people if j), None)
    if jpess_worker:
        probe.force_login(jpess_worker[0])
        url = f"/placement/cases/{jpess_worker[1][0]}/matches/"
        status = probe.get(url).status_code
        if status == 200:
            pages["match"] = "/placement/cases/NUMBER/matches/"
        else:
            pages["left_out"].append(f"match: {url} answered {status}")
    else:
        pages["left_out"].append("match: no JPESS case among the simulated staff")

    users = []
    for i in range(PROFILES):
        user, numbers, jpess, searches = people[i % len(people)]
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "kembali.accounts.backends.UserBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        users.append(
            {
                "session": session.session_key,
                "username": user.username,
                "role": user.role,
                "cases": numbers,
                "jpess_cases": jpess,
                "searches": searches or ["a"],
            }
        )
    staff_summary = {
        "staff": len(people),
        "offices": len(offices),
        "roles": sorted({u.role for u, *_ in people}),
    }
    out.write_text(json.dumps({"pages": pages, "users": users, "summary": staff_summary}))


# ---------------------------------------------------------------------------
# gunicorn and locust


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(port: int) -> subprocess.Popen:
    server = subprocess.Popen(
        [
            str(VENV_BIN / "gunicorn"),
            "kembali.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--chdir",
            str(ROOT),
            "--log-level",
            "warning",
            "--timeout",
            "120",
        ],
        env=_env(),
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=open(WORK / "load-gunicorn.log", "w"),  # noqa: SIM115
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=5):
                return server
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            if server.poll() is not None:
                raise RuntimeError("gunicorn stopped; see var/bench/load-gunicorn.log") from None
            time.sleep(0.5)
    server.terminate()
    raise RuntimeError("gunicorn did not answer within 60 s")


def locust(
    host: str, profiles: Path, user_class: str, *, users: int, rate: int, seconds: int, think: str
) -> dict:
    """One headless locust run; the aggregated row of its statistics."""
    prefix = WORK / f"locust-{user_class}-{users}-{think}"
    done = subprocess.run(
        [
            str(VENV_BIN / "locust"),
            "-f",
            str(BENCH / "locustfile.py"),
            "--headless",
            "--users",
            str(users),
            "--spawn-rate",
            str(rate),
            "--run-time",
            f"{seconds}s",
            "--host",
            host,
            "--csv",
            str(prefix),
            "--only-summary",
            "--reset-stats",
            "--loglevel",
            "WARNING",
            user_class,
        ],
        env={**os.environ, "BENCH_LOAD_PROFILES": str(profiles), "BENCH_THINK": think},
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    stats = Path(f"{prefix}_stats.csv")
    if not stats.exists():
        raise RuntimeError(f"locust wrote no statistics: {done.stderr[-2000:]}")
    with open(stats, newline="") as f:
        rows = list(csv.DictReader(f))
    total = next(r for r in rows if r["Name"] == "Aggregated")
    return {
        "rps": float(total["Requests/s"]),
        "requests": int(total["Request Count"]),
        "failures": int(total["Failure Count"]),
        "p95": float(total["95%"]) if total["95%"] not in ("", "N/A") else float("nan"),
        "median": float(total["50%"]) if total["50%"] not in ("", "N/A") else float("nan"),
        "by_name": {
            r["Name"]: (int(r["Request Count"]), int(r["Failure Count"]), r["95%"])
            for r in rows
            if r["Name"] != "Aggregated"
        },
    }


def _vacuum() -> None:
    """VACUUM (ANALYZE) the load database, as autovacuum keeps a served one. The
    server here runs without autovacuum: every request of a run rewrites its session
    row (SESSION_SAVE_EVERY_REQUEST), and each run's dead rows would otherwise stay
    and slow the next run's session reads, the bare view's as much as the mix's."""
    import psycopg

    with psycopg.connect(PG_URL, autocommit=True) as conn:
        conn.execute("VACUUM (ANALYZE)")


def measure(phase_s: int = PHASE_S, realistic_s: int = REALISTIC_S) -> list[dict]:
    WORK.mkdir(parents=True, exist_ok=True)
    ensure_db()
    profiles = WORK / "load-profiles.json"
    done = subprocess.run(
        [PYTHON, __file__, "--prepare", str(profiles)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise RuntimeError(f"preparing the simulated staff failed: {done.stderr[-3000:]}")
    plan = json.loads(profiles.read_text())
    _vacuum()
    port = _free_port()
    host = f"http://127.0.0.1:{port}"
    server = start_gunicorn(port)
    try:
        # Warm both workers (templates, the match index) before anything counts.
        locust(host, profiles, "StaffUser", users=10, rate=10, seconds=15, think="0")
        mix, bare = [], []
        for user_class in ("StaffUser", "BareUser", "BareUser", "StaffUser"):
            run = locust(
                host,
                profiles,
                user_class,
                users=SATURATION_USERS,
                rate=SATURATION_USERS,
                seconds=phase_s,
                think="0",
            )
            (mix if user_class == "StaffUser" else bare).append(run)
        realistic = locust(
            host,
            profiles,
            "StaffUser",
            users=REALISTIC_USERS,
            rate=20,
            seconds=realistic_s,
            think="1-5",
        )
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
    return rows_from(plan, mix, bare, realistic, phase_s, realistic_s)


def _short(share: float) -> str:
    """By how much the saturation share misses the goal, and what would close it."""
    cheaper = 1 - share / GOAL_SHARE
    return (
        f"Short by {(GOAL_SHARE - share) * 100:.0f} points: each request of the mix must "
        f"cost {cheaper:.0%} less, on average, for the same bare view. What would close it: "
        "the search reads the person's name from the case row already (migration cases "
        "0012); the case page is now some 40 % of the mix's time and the match page, "
        "written through the template engine, costs three bare views. The case page's "
        "reads go in one round trip; its access record and the session's save are two "
        "commits per view. Writing the match page's rows in Python, as the case page's "
        "are, is the next piece."
    )


def rows_from(plan, mix, bare, realistic, phase_s, realistic_s) -> list[dict]:
    mix_rps = sum(r["rps"] for r in mix) / len(mix)
    bare_rps = sum(r["rps"] for r in bare) / len(bare)
    share = mix_rps / bare_rps if bare_rps else 0.0
    summary = plan["summary"]
    in_mix = "search, open a case, add a note (form + CSRF)"
    pages = plan["pages"]
    in_mix += ", match page" if pages["match"] else ""
    in_mix += ", dashboard" if pages["dashboard"] else ""
    left_out = "; left out: " + "; ".join(pages["left_out"]) if pages["left_out"] else ""
    load = f"load average {os.getloadavg()[1]:.1f} on {os.cpu_count()} cores"
    where = (
        f"gunicorn 2 workers, PostgreSQL, {CASES:,} cases, {summary['staff']} staff of "
        f"{summary['offices']} offices"
    )
    mix_failures = sum(r["failures"] for r in mix)
    return [
        {
            "measure": f"load (a) saturation, {SATURATION_USERS} users, no think time: mix "
            f"requests/s / bare view requests/s ({where}; phases mix, bare, bare, mix of "
            f"{phase_s} s; mix: {in_mix}{left_out}; {load})",
            "figure": f"{share:.0%} ({mix_rps:.1f} / {bare_rps:.1f} req/s; mix failures "
            f"{mix_failures})",
            "goal": f">= {GOAL_SHARE:.0%}",
            "met": share >= GOAL_SHARE,
            **({} if share >= GOAL_SHARE else {"short": _short(share)}),
        },
        {
            "measure": f"load (b) realistic, {REALISTIC_USERS} staff, 1-5 s think time: p95 "
            f"(ms, {realistic_s} s after all started; {realistic['requests']:,} requests, "
            f"{realistic['rps']:.1f} req/s, median {realistic['median']:.0f} ms)",
            "figure": f"{realistic['p95']:.0f}",
            "goal": f"<= {GOAL_P95_MS}",
            "met": realistic["p95"] <= GOAL_P95_MS,
        },
        {
            "measure": f"load (b) realistic, {REALISTIC_USERS} staff: failed requests",
            "figure": str(realistic["failures"]),
            "goal": "0",
            "met": realistic["failures"] == 0,
        },
    ]


def run() -> list[dict]:
    return measure()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prepare", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--phase", type=int, default=PHASE_S, help="seconds per saturation phase")
    parser.add_argument("--realistic", type=int, default=REALISTIC_S, help="seconds of (b)")
    args = parser.parse_args()
    if args.prepare:
        prepare(args.prepare)
    else:
        for row in measure(args.phase, args.realistic):
            print(f"{row['measure']}: {row['figure']} (goal {row['goal']}, met: {row['met']})")
