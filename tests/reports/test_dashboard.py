"""The dashboard page: who may open it, what it shows, the same figures as the
ministry pack, a fixed office for supervisors, and a pinned number of queries."""

import datetime as dt

import pytest
from django.utils import translation

from kembali.cases.models import Status
from kembali.people.models import Sex
from kembali.reports.kpis import ReportFilters, ministry_pack
from tests.factories import CaseFactory
from tests.reports import kpi_world

# Every test here reaches the database, some only through request.getfixturevalue, which
# pytest-django cannot see when it orders tests: without the mark they would run after the
# transactional tests, on a flushed database.
pytestmark = pytest.mark.django_db

URL = "/reports/"
YEAR = "?start=2025-01-01&end=2025-12-31"


@pytest.fixture
def world(kl_office, penang_office, chong, settings):
    settings.KEMBALI_DAILY_BENEFIT_RATE = 50
    settings.KEMBALI_BENEFIT_BASELINE_DAYS = 200
    return kpi_world.build(kl_office, penang_office, chong)


def test_a_national_administrator_sees_every_figure_with_links_to_the_cases(client, devi, world):
    client.force_login(devi)
    response = client.get(URL + YEAR)

    assert response.status_code == 200
    html = response.content.decode()
    assert "88.9 %" in html  # eligibility rate
    assert "75.0 %" in html  # return-to-work rate
    assert "120.0 days" in html  # median days to return to work
    assert "RM 3,950.00" in html
    assert "5.94 : 1" in html
    assert "/reports/cases/?start=2025-01-01" in html and "figure=jpess_placed" in html
    assert "<svg" in html and 'role="img"' in html
    assert "How these figures are counted" in html


def test_the_dashboard_and_the_ministry_pack_agree(client, devi, world):
    client.force_login(devi)
    response = client.get(URL + YEAR)

    pack = ministry_pack(
        ReportFilters(start=dt.date(2025, 1, 1), end=dt.date(2025, 12, 31)), suppress=False
    )
    shown = response.context["pack"]
    assert shown.by_sex == pack.by_sex
    assert shown.by_state == pack.by_state
    result = response.context["result"]
    assert result.counts["jpess_placed"] == pack.by_sex["jpess_placed"]["total"]
    assert result.counts["served"] == pack.by_sex["served"]["total"]
    assert result.cost == pack.by_sex["cost"]["total"]


def test_a_supervisor_sees_their_own_office_only(client, chong, world):
    client.force_login(chong)
    response = client.get(URL + YEAR)

    assert response.context["result"].counts["referrals"] == 6  # c1-c6, all in KL
    html = response.content.decode()
    assert "PERKESO RTW Pulau Pinang" not in html


def test_a_supervisor_cannot_ask_for_another_office(client, chong, world, penang_office):
    client.force_login(chong)
    response = client.get(URL + YEAR + f"&office={penang_office.pk}")

    assert "There is a problem" in response.content.decode()
    assert "result" not in response.context


@pytest.mark.parametrize("username", ["aisyah", "bala", "farid"])
def test_case_workers_are_not_shown_the_dashboard(request, client, username):
    client.force_login(request.getfixturevalue(username))
    assert client.get(URL).status_code == 404


def test_signing_in_is_needed(client, db):
    response = client.get(URL)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_period_that_ends_before_it_starts_is_refused_with_a_clear_message(client, devi):
    client.force_login(devi)
    response = client.get(URL + "?start=2025-06-01&end=2025-01-01")

    html = response.content.decode()
    assert "There is a problem" in html
    assert "The end of the period must be on or after its start." in html
    assert 'href="#id_end"' in html


def test_a_date_that_is_not_a_date_is_refused(client, devi):
    client.force_login(devi)
    response = client.get(URL + "?start=yesterday&end=2025-01-01")
    assert "Enter a valid date." in response.content.decode()


def test_the_default_period_is_the_year_so_far(client, devi):
    client.force_login(devi)
    response = client.get(URL)
    filters = response.context["result"].filters
    assert filters.start.month == 1 and filters.start.day == 1
    assert filters.end >= filters.start


def test_the_dashboard_speaks_malay(client, devi, world):
    client.force_login(devi)
    with translation.override("ms"):
        response = client.get(URL + YEAR, HTTP_ACCEPT_LANGUAGE="ms")
    html = response.content.decode()
    assert 'lang="ms"' in html
    assert "Cara angka ini dikira" in html


def _cases(n, office):
    for i in range(n):
        CaseFactory(
            office=office,
            person=kpi_world.person(Sex.FEMALE if i % 2 else Sex.MALE, f"Someone {i}"),
            referral_date=dt.date(2025, 1 + i % 12, 1),
            eligible=True,
            in_jpess=bool(i % 3),
            status=Status.RETURNED_TO_WORK,
            rtw_level=1 + i % 7,
            rtw_date=dt.date(2025, 12, 1),
        )


def test_the_number_of_queries_does_not_grow_with_the_cases(
    client, devi, kl_office, django_assert_max_num_queries, settings
):
    settings.KEMBALI_DASHBOARD_CACHE_SECONDS = 0  # every view computes the figures
    client.force_login(devi)
    _cases(10, kl_office)
    client.get(URL + YEAR)  # warm the session and the reference data
    with django_assert_max_num_queries(40) as small:
        client.get(URL + YEAR)
    _cases(40, kl_office)
    with django_assert_max_num_queries(40) as large:
        client.get(URL + YEAR)
    assert len(large.captured_queries) == len(small.captured_queries)


@pytest.mark.parametrize(
    ("username", "caseload", "pack"),
    [("chong", True, True), ("devi", True, True), ("ehsan", False, True)],
)
def test_the_dashboard_leads_to_the_caseload_and_the_pack(
    request, client, username, caseload, pack
):
    client.force_login(request.getfixturevalue(username))
    page = client.get("/reports/").text
    assert ('href="/reports/caseload/"' in page) is caseload
    assert ('href="/reports/pack/"' in page) is pack
