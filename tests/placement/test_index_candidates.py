"""The candidate marker: every write that can change a matching candidate moves it
(and logs the case), unrelated writes leave it alone, and the person index follows
it by a patch that equals a full build."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from kembali.cases.models import Case, Status
from kembali.cases.workflow import case_lock, case_touch, transition_locked
from kembali.employers.vacancies import vacancy_create
from kembali.people.models import Employment
from kembali.placement import services
from kembali.placement.matching import index
from kembali.placement.matching.arrays import DIMENSIONS
from kembali.placement.models import CandidateIndexChange
from kembali.reference.models import IscoGroup
from tests.employers.conftest import vacancy_input
from tests.factories import CaseFactory, EmployerFactory
from tests.placement.conftest import assessment_arguments


@pytest.fixture
def candidate(jpess_case, bala):
    """Siti's case in job placement with a current assessment: a candidate."""
    services.placement_assessment_record(
        case=jpess_case, actor=bala, **assessment_arguments(needs={})
    )
    jpess_case.refresh_from_db()
    assert jpess_case.status == Status.JOB_PLACEMENT and jpess_case.in_jpess
    return jpess_case


def marker() -> int:
    return index.persons_marker()[0]


def logged_since(version: int) -> list[int | None]:
    rows = CandidateIndexChange.objects.filter(version__gt=version).order_by("version")
    return list(rows.values_list("case_id", flat=True))


def assert_same_arrays(got, expected) -> None:
    for field in dataclasses.fields(expected):
        a, b = getattr(got, field.name), getattr(expected, field.name)
        if isinstance(b, np.ndarray):
            np.testing.assert_array_equal(a, b, err_msg=field.name)
        else:
            assert a == b, field.name


# ------------------------------------------------------- the marker moves


def test_recording_an_assessment_moves_the_marker(jpess_case, bala):
    before = marker()
    services.placement_assessment_record(case=jpess_case, actor=bala, **assessment_arguments())
    assert marker() > before
    assert set(logged_since(before)) == {jpess_case.pk}


def test_entering_job_placement_moves_the_marker(case, aisyah):
    before = marker()
    services.jpess_refer(case=case, actor=aisyah, reason="The lorry firm has no light work.")
    assert marker() > before
    assert set(logged_since(before)) == {case.pk}


def test_leaving_job_placement_moves_the_marker(candidate, aisyah):
    before = marker()
    locked = case_lock(case=candidate)
    transition_locked(case=locked, to=Status.RETURNED_TO_WORK, actor=aisyah, reason="Started")
    assert logged_since(before) == [candidate.pk]


def test_moving_a_candidate_to_another_office_moves_the_marker(candidate, penang_office):
    before = marker()
    case = Case.objects.get(pk=candidate.pk)
    case.office = penang_office
    case.save(update_fields=["office"])
    assert logged_since(before) == [candidate.pk]


def test_changing_the_pre_injury_job_moves_the_marker(candidate, lorry_job):
    before = marker()
    lorry_job.isco_unit = IscoGroup.objects.get(code="4321")
    lorry_job.save()
    assert logged_since(before) == [candidate.pk]

    again = marker()
    lorry_job.employer = EmployerFactory(employer_code="E140000999")
    lorry_job.save(update_fields=["employer"])
    assert logged_since(again) == [candidate.pk]


def test_pointing_the_case_at_another_employment_moves_the_marker(candidate, lorry_job):
    before = marker()
    newer = Employment.objects.create(
        person=lorry_job.person,
        employer_name="Kilang Baru",
        isco_unit=IscoGroup.objects.get(code="9329"),
        job_title="Machine helper",
        monthly_wage=lorry_job.monthly_wage,
        start_date=lorry_job.start_date,
    )
    assert marker() == before  # a new employment record names no candidate yet
    case = Case.objects.get(pk=candidate.pk)
    case.pre_injury_employment = newer
    case.save()
    assert logged_since(before) == [candidate.pk]


# ------------------------------------------------- ... and only then


def test_unrelated_writes_leave_the_marker_alone(candidate, lorry_job, bala, chong, hamid):
    before = marker()
    case_touch(case=case_lock(case=candidate))  # a note, a task: the case's version
    services.placement_officer_assign(case=candidate, officer=hamid, actor=chong)
    lorry_job.job_title = "Lorry driver (rigid)"
    lorry_job.save()
    vacancy_create(actor=bala, data=vacancy_input(EmployerFactory(employer_code="E140000444")))
    full_save = Case.objects.get(pk=candidate.pk)
    full_save.save()  # nothing a candidate depends on changed
    assert marker() == before


def test_a_stage_change_outside_job_placement_leaves_the_marker_alone(kl_office):
    case = CaseFactory(office=kl_office, status=Status.ASSIGNED)
    before = marker()
    case.status = Status.ASSESSED
    case.save(update_fields=["status", "updated_at"])
    Case.objects.get(pk=case.pk).save()
    assert marker() == before


def test_a_deferred_load_is_treated_as_a_possible_change(candidate, penang_office):
    # Without the loaded values there is nothing to compare with: the marker moves.
    before = marker()
    case = Case.objects.only("id", "status").get(pk=candidate.pk)
    case.office_id = penang_office.pk
    case.save(update_fields=["office"])
    assert logged_since(before) == [candidate.pk]


# ------------------------------------------------- the person index follows


def test_a_new_assessment_patches_the_person_index(candidate, bala):
    built = index.person_index()
    assert index.stats["persons built"] == 1
    services.placement_assessment_record(
        case=candidate, actor=bala, **assessment_arguments(max_lift_kg=3, needs={})
    )

    current = index.person_index()
    assert current.patched and current is not built
    assert index.stats == {"persons built": 1, "persons patched": 1}
    assert int(current.arrays.capacity[DIMENSIONS.index("lift_kg"), 0]) == 3
    assert_same_arrays(current.arrays, index.person_arrays(index.candidate_assessments()))


def test_a_candidate_back_at_work_leaves_by_a_patch(candidate, aisyah):
    assert index.person_index().arrays.ids.tolist() == [candidate.pk]
    locked = case_lock(case=candidate)
    transition_locked(case=locked, to=Status.RETURNED_TO_WORK, actor=aisyah, reason="Started")

    current = index.person_index()
    assert current.patched and len(current.arrays) == 0
    assert index.stats["persons built"] == 1


def test_an_unchanged_marker_reuses_the_person_index(candidate):
    first = index.person_index()
    assert index.person_index() is first
