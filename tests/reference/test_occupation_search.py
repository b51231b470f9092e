"""Finding an occupation by the job title a person or an employer uses."""

import pytest

from kembali.reference.selectors import occupation_search

pytestmark = pytest.mark.django_db


def test_welder_finds_the_welder_first_with_its_unit_group():
    results = occupation_search("welder")
    assert results[0].title == "welder"
    assert results[0].isco_unit.code == "7212"
    assert results[0].isco_unit.title == "Welders and flamecutters"
    titles = [o.title for o in results]
    assert "pipe welder" in titles


def test_search_ignores_case_and_extra_spaces():
    assert occupation_search("  WELDER ")[0].title == "welder"


def test_an_alternative_title_finds_its_occupation():
    # "squadron leader" is only an alternative title of the air force officer.
    titles = [o.title for o in occupation_search("squadron leader")]
    assert "air force officer" in titles


def test_title_matches_come_before_alternative_title_matches():
    results = occupation_search("nurse", limit=50)
    ranks = [o.rank for o in results]
    assert ranks == sorted(ranks)
    assert all("nurse" in o.title for o in results if o.rank <= 2)


def test_limit_and_empty_query():
    assert len(occupation_search("a", limit=5)) == 5
    assert occupation_search("   ") == []
    assert occupation_search("no such job title xyz") == []
