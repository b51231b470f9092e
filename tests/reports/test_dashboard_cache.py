"""The dashboard keeps its figures for a few minutes (KEMBALI_DASHBOARD_CACHE_SECONDS):
a second view reads no case, says when the figures were computed, and supervisors and
national administrators may have them computed again at once. The drill-down and the
ministry pack stay exact."""

import datetime as dt

import pytest
from django.utils import translation

from kembali.cases.models import Status
from kembali.people.models import Sex
from kembali.reports.kpis import ReportFilters, ministry_pack
from tests.factories import CaseFactory
from tests.reports import kpi_world

URL = "/reports/"
YEAR = "?start=2025-01-01&end=2025-12-31"
REFRESH = "/reports/refresh/" + YEAR
# The queries of a supervisor's dashboard view (the session, the user and the state
# of their office for the filter form are the rest): computing the figures, or
# reading them kept. A national administrator's form reads every state and office.
UNCACHED_QUERIES = 23
CACHED_QUERIES = 6
CACHED_QUERIES_NATIONAL = 7


@pytest.fixture
def world(kl_office, penang_office, chong, settings):
    settings.KEMBALI_DASHBOARD_CACHE_SECONDS = 300
    return kpi_world.build(kl_office, penang_office, chong)


def a_new_referral(office):
    return CaseFactory(
        office=office,
        person=kpi_world.person(Sex.FEMALE, "Late Comer"),
        referral_date=dt.date(2025, 12, 1),
        eligible=True,
        status=Status.ELIGIBLE,
    )


def referrals_shown(response) -> int:
    return response.context["result"].counts["referrals"]


def test_a_second_view_shows_the_kept_figures_and_says_when_they_were_computed(
    client, devi, world, kl_office
):
    client.force_login(devi)
    first = client.get(URL + YEAR)
    a_new_referral(kl_office)

    second = client.get(URL + YEAR)

    assert referrals_shown(second) == referrals_shown(first) == 10
    assert second.context["computed_at"] == first.context["computed_at"]
    html = second.content.decode()
    assert "Figures as of" in html and "kept for up to 5 minutes" in html


def test_the_drilldown_and_the_pack_are_exact_at_once(client, devi, world, kl_office):
    client.force_login(devi)
    client.get(URL + YEAR)
    late = a_new_referral(kl_office)

    drilldown = client.get("/reports/cases/" + YEAR + "&figure=referrals")
    pack = ministry_pack(
        ReportFilters(start=dt.date(2025, 1, 1), end=dt.date(2025, 12, 31)), suppress=False
    )

    assert late.number in drilldown.content.decode()
    assert pack.by_sex["served"]["total"] == 10  # 9 served in the world, and the new one


def test_a_supervisor_has_the_figures_computed_again(client, chong, world, kl_office):
    client.force_login(chong)
    before = referrals_shown(client.get(URL + YEAR))
    a_new_referral(kl_office)

    page = client.get(URL + YEAR).content.decode()
    assert "Compute the figures again now" in page
    response = client.post(REFRESH)

    assert response.status_code == 302
    assert response["Location"] == URL + YEAR
    assert referrals_shown(client.get(URL + YEAR)) == before + 1


def test_the_analyst_reads_kept_figures_and_cannot_refresh_them(client, ehsan, world):
    client.force_login(ehsan)
    page = client.get(URL + YEAR).content.decode()

    assert "Figures as of" in page
    assert "Compute the figures again now" not in page
    assert client.post(REFRESH).status_code == 404


def test_kept_figures_are_shown_in_the_readers_language(client, devi, world):
    client.force_login(devi)
    english = client.get(URL + YEAR)
    assert "Federal Territory of Kuala Lumpur" in english.content.decode()

    with translation.override("ms"):
        malay = client.get(URL + YEAR, HTTP_ACCEPT_LANGUAGE="ms")

    assert malay.context["computed_at"] == english.context["computed_at"]  # the same kept
    html = malay.content.decode()
    assert "Wilayah Persekutuan Kuala Lumpur" in html and "Jumlah" in html
    assert "Federal Territory of Kuala Lumpur" not in html


def test_with_no_keeping_every_view_computes_the_figures(client, devi, world, kl_office, settings):
    settings.KEMBALI_DASHBOARD_CACHE_SECONDS = 0
    client.force_login(devi)
    before = referrals_shown(client.get(URL + YEAR))
    a_new_referral(kl_office)

    page = client.get(URL + YEAR)

    assert referrals_shown(page) == before + 1
    assert "kept for up to" not in page.content.decode()
    assert "Compute the figures again now" not in page.content.decode()


def test_the_dashboard_takes_a_fixed_number_of_queries_computed_or_kept(
    client, chong, world, django_assert_num_queries
):
    client.force_login(chong)
    client.get("/")  # the session and the user's first page
    with django_assert_num_queries(UNCACHED_QUERIES):
        client.get(URL + YEAR)
    with django_assert_num_queries(CACHED_QUERIES):
        client.get(URL + YEAR)


def test_a_national_administrators_kept_dashboard_takes_a_fixed_number_of_queries(
    client, devi, world, django_assert_num_queries
):
    client.force_login(devi)
    client.get(URL + YEAR)  # computes and keeps the figures
    with django_assert_num_queries(CACHED_QUERIES_NATIONAL):
        client.get(URL + YEAR)
