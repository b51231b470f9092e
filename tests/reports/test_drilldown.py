"""Every number drills down to the cases behind it, for those who may see cases."""

import pytest

from tests.reports import kpi_world

URL = "/reports/cases/?start=2025-01-01&end=2025-12-31"


@pytest.fixture
def world(kl_office, penang_office, chong):
    return kpi_world.build(kl_office, penang_office, chong)


def _names(response) -> set[str]:
    html = response.content.decode()
    return {f"c{n}" for n in range(1, 13) if f"Person c{n}<" in html}


def test_the_cases_behind_a_figure(client, devi, world):
    client.force_login(devi)
    response = client.get(URL + "&figure=jpess_placed")

    assert response.status_code == 200
    assert _names(response) == {"c2", "c3", "c4", "c9"}
    assert "4 cases" in response.content.decode()
    assert f'href="/cases/{world["c2"].number}/"' in response.content.decode()


def test_a_bar_drills_down_to_its_month_stage_or_level(client, devi, world):
    client.force_login(devi)
    assert _names(client.get(URL + "&figure=referrals&key=2025-02")) == {"c3", "c4"}
    assert _names(client.get(URL + "&figure=stage&key=closed")) == {"c1", "c10"}
    assert _names(client.get(URL + "&figure=returned&key=4")) == {"c2", "c9"}


def test_a_supervisor_sees_only_the_cases_of_their_office(client, chong, gopal, world):
    client.force_login(chong)
    assert _names(client.get(URL + "&figure=jpess_placed")) == {"c2", "c3", "c4"}
    client.force_login(gopal)
    assert _names(client.get(URL + "&figure=jpess_placed")) == {"c9"}


def test_the_analyst_gets_no_cases(client, ehsan, world):
    client.force_login(ehsan)
    assert client.get(URL + "&figure=jpess_placed").status_code == 404


@pytest.mark.parametrize(
    "query", ["&figure=nonsense", "&figure=referrals&key=2025-13", "&figure=stage&key=x",
              "&figure=returned&key=9", "&figure=served&key=1",
              # Digits of other kinds: a superscript one, Arabic-Indic digits.
              "&figure=returned&key=%C2%B9", "&figure=referrals&key=%D9%A2%D9%A0%D9%A2%D9%A5-02"],
)  # fmt: skip
def test_an_unknown_figure_or_key_is_not_found(client, devi, query):
    client.force_login(devi)
    assert client.get(URL + query).status_code == 404


def test_the_list_is_paginated_in_a_fixed_number_of_queries(
    client, devi, world, settings, django_assert_max_num_queries
):
    settings.KEMBALI_PAGE_SIZE = 3
    client.force_login(devi)
    client.get(URL)
    with django_assert_max_num_queries(12):
        response = client.get(URL + "&figure=referrals&page=2")
    assert "page 2 of 4" in response.content.decode()
    assert len(_names(response)) == 3
