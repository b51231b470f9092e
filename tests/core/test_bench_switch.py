"""The benchmarks' bare view (bench/bare_urls.py) and the one setting that mounts
it: KEMBALI_BENCH_URLS=1, refused in production; plus the page benchmark's
verdicts (bench/bench_pages.py), which decide what RESULTS.md says is met."""

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import override_settings

from tests.factories import CaseFactory

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "KEMBALI_ENV": "production",
    "ALLOWED_HOSTS": "kembali.example",
    "SECRET_KEY": "k3mb4li-" + "q" * 30 + "Zx9!" + "w" * 30,
    "KEMBALI_FIELD_KEY": "nCdUyBh6P6kPz1j8oOKUdaNh-rJ9N2kBDPQV9_8IjbQ=",
}


def _root_urlconf(extra: dict[str, str]) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    env.pop("KEMBALI_BENCH_URLS", None)
    env.update(extra)
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; from django.conf import settings; django.setup(); "
            "print(settings.ROOT_URLCONF)",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={**env, "DJANGO_SETTINGS_MODULE": "kembali.settings"},
    )


def test_the_bench_urls_are_off_unless_asked_for_and_refused_in_production():
    assert _root_urlconf({}).stdout.strip() == "kembali.urls"
    assert _root_urlconf({"KEMBALI_BENCH_URLS": "1"}).stdout.strip() == "bench.bare_urls"
    refused = _root_urlconf({**PRODUCTION_ENV, "KEMBALI_BENCH_URLS": "1"})
    assert refused.returncode != 0
    assert "KEMBALI_BENCH_URLS is for benchmarks" in refused.stderr
    assert _root_urlconf(PRODUCTION_ENV).stdout.strip() == "kembali.urls"


@pytest.mark.django_db
@override_settings(ROOT_URLCONF="bench.bare_urls")
def test_the_bare_view_needs_a_sign_in_and_shows_one_case(client, aisyah, kl_office):
    case = CaseFactory(office=kl_office, case_manager=aisyah)
    url = f"/bench/bare/{case.number}/"
    assert client.get(url).status_code == 302  # to sign in
    client.force_login(aisyah)
    response = client.get(url)
    assert response.status_code == 200
    assert case.number in response.content.decode()
    assert client.get("/bench/bare/RTW-1990-9999999/").status_code == 404
    # The project's pages are still there beside it.
    assert client.get("/cases/").status_code == 200


def _bench(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / f"bench/{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _bench_pages():
    return _bench("bench_pages")


def _result(medians: dict, queries: dict, **extra) -> dict:
    return {
        "medians_ms": medians,
        "cpu_medians_ms": medians,
        "queries": queries,
        "missing": [],
        "failed": {},
        "sizes": {"office": 10, "mine": 5},
        "rounds": 3,
        **extra,
    }


COMPUTED = "dashboard (supervisor), figures computed"


def test_the_page_benchmark_judges_ratios_and_query_counts():
    rows = _bench_pages().rows_from(
        {
            1000: _result(
                {"bare": 2.0, "list": 3.0, "page": 5.0},
                {"bare": [6, 6], "list": [9, 9], "page": [20, 20], "case": [10, 15]},
            ),
            100000: _result(
                {"bare": 2.0, "list": 4.0, "page": 8.0, COMPUTED: 80.0},
                {
                    "bare": [6, 6],
                    "list": [9, 9],
                    "page": [21, 21],
                    "case": [13, 15],
                    COMPUTED: [9, 9],
                },
                failed={"dashboard": "/reports/ answered 500"},
            ),
        }
    )
    verdict = {
        row["measure"].split(" at ")[0]: row["met"]
        for row in rows
        if "median ms / bare view" in row["measure"]
    }
    figures = {row["measure"]: row["figure"] for row in rows}
    assert verdict["pages: list"] is True  # exactly 2x is within the goal
    assert verdict["pages: page"] is False  # 4x
    assert figures["pages: page, queries at 1,000 and at 100,000 cases"] == "20 and 21"
    assert [
        r["met"]
        for r in rows
        if r["measure"] == "pages: page, queries at 1,000 and at 100,000 cases"
    ] == [False]
    assert [
        r["met"]
        for r in rows
        if r["measure"] == "pages: list, queries at 1,000 and at 100,000 cases"
    ] == [True]
    # A page measured over several URLs shows the fewest and the most queries; the
    # most (a case with every kind of record) is what must not grow.
    spread = "pages: case, queries at 1,000 and at 100,000 cases"
    assert figures[spread] == "10-15 and 13-15"
    assert [r["met"] for r in rows if r["measure"] == spread] == [True]
    # The dashboard's first view after its figures expire is shown, not judged.
    computed = [r for r in rows if r["measure"].startswith(f"pages: {COMPUTED} at")]
    assert [(r["figure"], r["goal"], r["met"]) for r in computed] == [
        ("40.0x (80.0 ms)", "(reference)", None)
    ]
    failed = [r for r in rows if r["figure"].startswith("failed")]
    assert failed and failed[0]["met"] is False


def test_a_page_over_the_goal_says_by_how_much_and_what_would_close_it():
    rows = _bench_pages().rows_from(
        {
            1000: _result({"bare": 2.0, "case page (case manager)": 5.0}, {}),
            100000: _result({"bare": 2.0, "case page (case manager)": 5.0, "list": 3.0}, {}),
        }
    )
    [over] = [r for r in rows if r["met"] is False]
    assert over["short"].startswith("Over by 1.00 ms: 5.00 ms against 4.00 ms")
    assert "What would close it: the page keeps a case's timeline" in over["short"]
    assert all("short" not in r for r in rows if r["met"] is not False)


def test_the_load_and_report_accounts_say_by_how_much():
    assert (
        _bench("bench_load")
        ._short(0.43)
        .startswith("Short by 7 points: each request of the mix must cost 14% less")
    )
    row = {"figure": "1.19 s", "goal": "<= 1 s"}
    assert _bench("bench_reports").short(row).startswith("Over by 0.19 s (19% over the goal).")


def test_results_list_every_figure_not_met_below_the_table(tmp_path, monkeypatch):
    run = _bench("run")
    monkeypatch.setattr(run, "RESULTS_DIR", tmp_path)
    met = {"measure": "fast page", "figure": "1.5x", "goal": "<= 2x", "met": True}
    (tmp_path / "pages.json").write_text(json.dumps([met]))
    assert "not met" not in run.render()

    slow = {"measure": "slow page", "figure": "2.5x", "goal": "<= 2x", "met": False}
    (tmp_path / "pages.json").write_text(json.dumps([met, {**slow, "short": "Over by 1 ms."}]))
    (tmp_path / "reports.json").write_text(
        json.dumps([{"measure": "national", "figure": "1.5 s", "goal": "<= 1 s", "met": False}])
    )
    (tmp_path / "nomodule.json").write_text(json.dumps([{**slow, "measure": "orphan"}]))
    written = run.render()

    below = written.split("## Figures not met: by how much, and what would close it")[1]
    assert "- **slow page**: 2.5x, against <= 2x.\n  Over by 1 ms." in below
    # A row recorded without an account gets the module's short(row).
    assert "- **national**: 1.5 s, against <= 1 s.\n  Over by 0.50 s (50% over" in below
    assert "- **orphan**: 2.5x, against <= 2x.\n  No account recorded" in below
    assert "fast page" not in below


def test_the_case_page_count_is_judged_less_one_read_a_kind_of_record():
    # Each size samples other cases, with other kinds of records: the raw count is
    # shown, the count less one read per kind shown is what must not grow.
    page = "case page (case manager)"
    by_kind = f"{page}, less one a kind of record shown"
    rows = _bench_pages().rows_from(
        {
            1000: _result({"bare": 2.0, page: 3.0}, {page: [12, 19], by_kind: [7, 7]}),
            100000: _result({"bare": 2.0, page: 3.0}, {page: [17, 20], by_kind: [7, 8]}),
        }
    )
    judged = {r["measure"]: (r["figure"], r["met"]) for r in rows if "queries at" in r["measure"]}
    assert judged[f"pages: {page}, queries at 1,000 and at 100,000 cases"] == (
        "12-19 and 17-20",
        None,
    )
    assert judged[f"pages: {by_kind}, queries at 1,000 and at 100,000 cases"] == (
        "7 and 7-8",
        False,
    )
