# ruff: noqa: F811  (the fixtures of test_index, imported)
"""The match page's prepared reads (their SQL built once per database) give what
the ORM's reads gave: the case's person row, the vacancies shown, the skill names,
the index markers."""

from __future__ import annotations

import pytest
from django.utils import translation

from kembali.employers.models import Vacancy
from kembali.placement import match, services
from kembali.placement.matching import index
from kembali.placement.matching.arrays import NO_ISCO
from kembali.placement.models import CandidateIndexVersion, PlacementAssessment, Skill
from kembali.reference.models import IscoGroup
from tests.placement.conftest import assert_same_arrays, assessment_arguments
from tests.placement.test_index import (  # noqa: F401  (fixtures)
    assessed_case,
    lorry_firm,
    make_vacancy,
    other_firm,
    three_vacancies,
)

pytestmark = pytest.mark.django_db


def _orm_person(case):
    return index.person_arrays(PlacementAssessment.objects.filter(case=case, is_current=True))


def test_the_cases_person_is_the_row_the_index_builder_makes(assessed_case):
    assert_same_arrays(index.case_person_arrays(assessed_case.pk), _orm_person(assessed_case))


def test_preferred_occupations_needs_and_a_new_assessment_are_read_afresh(jpess_case, bala):
    units = list(IscoGroup.objects.filter(code__in=["5223", "4110", "4321"]))
    services.placement_assessment_record(
        case=jpess_case,
        actor=bala,
        **assessment_arguments(preferred_isco_units=units, needs={"flexible_hours": True}),
    )
    first = index.case_person_arrays(jpess_case.pk)
    assert_same_arrays(first, _orm_person(jpess_case))
    assert first.pref_isco[:, 0].tolist() == [4110, 4321, 5223]

    services.placement_assessment_record(
        case=jpess_case, actor=bala, **assessment_arguments(preferred_isco_units=units[:1])
    )
    second = index.case_person_arrays(jpess_case.pk)
    assert_same_arrays(second, _orm_person(jpess_case))
    assert [u for u in second.pref_isco[:, 0].tolist() if u != NO_ISCO] == [int(units[0].pk)]


def test_a_person_without_skills_or_preferred_occupations(jpess_case, bala):
    services.placement_assessment_record(
        case=jpess_case, actor=bala, **assessment_arguments(skills=[], preferred_isco_units=[])
    )
    person = index.case_person_arrays(jpess_case.pk)
    assert_same_arrays(person, _orm_person(jpess_case))
    assert int(person.skills[0]) == 0
    assert person.pref_isco[:, 0].tolist() == [NO_ISCO] * index.PREFERRED_SLOTS


def test_a_case_without_an_assessment_has_no_person(jpess_case, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert index.case_person_arrays(jpess_case.pk) is None
    assert match.case_person(jpess_case) is None


def _shown(vacancy: Vacancy) -> tuple:
    return (
        vacancy.pk,
        vacancy.title,
        vacancy.district,
        vacancy.monthly_wage,
        vacancy.state_id,
        vacancy.employer.name,
        vacancy.state.name,
        vacancy.state.name_ms,
    )


@pytest.mark.parametrize("how_many", [1, 25, 26, 60])
def test_the_vacancies_shown_are_read_in_one_query_whatever_their_number(
    other_firm, bala, how_many, django_assert_num_queries
):
    pks = [make_vacancy(other_firm, bala, title=f"Clerk {n}").pk for n in range(how_many)]
    expected = Vacancy.objects.select_related("employer", "state").in_bulk(pks)
    wanted = [*reversed(pks), pks[0], 987654]  # any order, a repeat, one deleted since

    with django_assert_num_queries(1):
        found = match._vacancies_by_pk(wanted)
        shown = {pk: _shown(v) for pk, v in found.items()}

    assert shown == {pk: _shown(v) for pk, v in expected.items()}
    assert match._vacancies_by_pk([]) == {}


def test_skill_names_follow_the_language_and_a_renamed_skill(db):
    skill = Skill.objects.order_by("bit").first()
    skill.name, skill.name_ms = "Forklift driving", "Memandu forklift"
    skill.save()
    assert match.skill_names()[skill.bit] == "Forklift driving"
    with translation.override("ms"):
        assert match.skill_names()[skill.bit] == "Memandu forklift"
    assert len(match.skill_names()) == Skill.objects.count()


def test_the_marker_is_read_afresh(assessed_case, bala):
    row = CandidateIndexVersion.objects.filter(pk=1).values_list("version", "changed_at").first()
    assert index.persons_marker() == tuple(row)
    services.placement_assessment_record(case=assessed_case, actor=bala, **assessment_arguments())
    moved = index.persons_marker()
    assert moved[0] > row[0]
    assert moved == tuple(
        CandidateIndexVersion.objects.filter(pk=1).values_list("version", "changed_at").first()
    )
