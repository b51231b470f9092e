"""The ministry analyst sees aggregates only: no names, no NRIC, and no cell that
counts fewer than five people, nor one that gives such a cell away."""

import datetime as dt

import pytest

from kembali.reports.kpis import ReportFilters, dashboard, ministry_pack
from kembali.reports.suppression import suppress_column, suppress_pair
from tests.reports import kpi_world

YEAR = ReportFilters(start=dt.date(2025, 1, 1), end=dt.date(2025, 12, 31))


@pytest.fixture
def world(kl_office, penang_office, chong):
    return kpi_world.build(kl_office, penang_office, chong)


def test_a_small_cell_goes_with_its_complement():
    assert suppress_column([10, 3, 8]) == [10, None, None]
    assert suppress_column([10, 3, 2]) == [10, None, None]
    assert suppress_column([10, 0, 8]) == [10, 0, 8]
    assert suppress_column([3, 0]) == [None, 0]  # nothing else to hide


def test_a_percentage_on_a_small_count_or_remainder_goes():
    assert suppress_pair(2, 10, 20.0) == (None, 10, None)
    assert suppress_pair(8, 9, 88.9) == (None, 9, None)  # 9 - 8 = 1 person
    assert suppress_pair(5, 10, 50.0) == (5, 10, 50.0)
    assert suppress_pair(0, 0, None) == (0, 0, None)


def test_the_analyst_page_has_no_names_no_nric_and_no_links(client, ehsan, world):
    client.force_login(ehsan)
    response = client.get("/reports/?start=2025-01-01&end=2025-12-31")

    html = response.content.decode()
    assert response.status_code == 200
    assert "Person c" not in html
    for case in world.values():
        assert case.person.nric not in html
        assert case.number not in html
    assert "/reports/cases/" not in html
    assert "fewer than 5" in html
    assert "counts of 1 to 4 people" in html


def test_suppressed_dashboard_figures(world):
    d = dashboard(YEAR, suppress=True)
    assert d.counts["referrals"] == 10
    # 8 eligible of 9 decided: the one not eligible would show, so the part goes.
    assert d.counts["eligible"] is None and d.percents["eligibility_rate"] is None
    assert d.counts["jpess_placed"] is None  # 4
    assert d.percents["jpess_female_share"] is None
    assert d.counts["self_employed"] is None  # 1
    # Levels 1, 4, 5, 6, 7 hold 1, 2, 1, 1, 1: all hidden.
    assert [n for *_, n in d.by_level] == [None, 0, 0, None, None, None, None]
    assert d.median_days_to_rtw == 120  # six people
    assert d.median_days_to_plan is None  # four people


def test_suppressed_ministry_pack(world):
    pack = ministry_pack(YEAR, suppress=True)
    assert pack.suppressed
    # Served: 5 men, 4 women, 9 in all: the women's cell is small, and the men's goes
    # with it, or 9 - 5 would give it back.
    assert pack.by_sex["served"] == {"male": None, "female": None, "total": 9}
    assert pack.by_sex["served_jpess_share"]["male"] is None
    rows = dict(pack.by_state)
    assert rows["Pulau Pinang"]["served"] is None  # 4
    assert rows["Federal Territory of Kuala Lumpur"]["served"] is None  # 5, its complement
    assert rows["Total"]["served"] == 9
    # Money and employers are not people.
    assert pack.by_sex["cost"]["total"] is not None
    assert rows["Total"]["employers_engaged"] == 2
