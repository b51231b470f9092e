"""Assigning case managers: the suggestion, the rules and the history."""

import pytest

from kembali.accounts.models import Role
from kembali.audit.models import AuditEvent
from kembali.cases.models import Assignment, Status, Transition
from kembali.cases.services import case_assign
from kembali.cases.workflow import CaseConflict, TransitionForbidden, WorkflowError
from kembali.cases.workload import STAGE_WEIGHTS, case_manager_loads, case_manager_suggest
from tests.factories import CaseFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def hafiz(kl_office):
    return UserFactory(
        username="hafiz",
        first_name="Hafiz",
        last_name="Osman",
        role=Role.CASE_MANAGER,
        office=kl_office,
    )


def test_the_suggestion_is_the_least_loaded_by_stage_weight(aisyah, hafiz, kl_office):
    # Aisyah has 3 cases in light stages, Hafiz 2 in rehabilitation: 3 < 6.
    for status in (Status.ELIGIBLE, Status.CLOSURE_PENDING, Status.ELIGIBLE):
        CaseFactory(office=kl_office, case_manager=aisyah, status=status)
    for _ in range(2):
        CaseFactory(office=kl_office, case_manager=hafiz, status=Status.IN_REHABILITATION)
    # Closed cases weigh nothing.
    CaseFactory.create_batch(5, office=kl_office, case_manager=aisyah, status=Status.CLOSED)

    assert case_manager_suggest(office=kl_office) == aisyah
    loads = {
        row.user.username: (row.load, row.open_cases)
        for row in case_manager_loads(office=kl_office)
    }
    assert loads == {"aisyah": (3, 3), "hafiz": (2 * STAGE_WEIGHTS[Status.IN_REHABILITATION], 2)}


def test_the_suggestion_leaves_out_inactive_and_other_offices_and_takes_one_query(
    aisyah, hafiz, farid, kl_office, django_assert_num_queries
):
    CaseFactory(office=kl_office, case_manager=aisyah, status=Status.ASSIGNED)
    hafiz.is_active = False
    hafiz.save()
    with django_assert_num_queries(1):
        loads = case_manager_loads(office=kl_office)
    assert [row.user for row in loads] == [aisyah]


def test_an_office_without_case_managers_has_no_suggestion(penang_office):
    assert case_manager_suggest(office=penang_office) is None


def test_first_assignment_moves_the_case_to_assigned(aisyah, chong, kl_office):
    case = CaseFactory(office=kl_office, status=Status.ELIGIBLE)

    case_assign(case=case, case_manager=aisyah, actor=chong, expected_version=1)

    case.refresh_from_db()
    assert case.status == Status.ASSIGNED
    assert case.case_manager == aisyah
    row = Assignment.objects.get(case=case)
    assert (row.user, row.assigned_by, row.unassigned_at) == (aisyah, chong, None)
    assert Transition.objects.filter(case=case, to_status=Status.ASSIGNED).count() == 1


def test_reassignment_keeps_the_history_and_is_audited(aisyah, hafiz, chong, kl_office):
    case = CaseFactory(office=kl_office, status=Status.ELIGIBLE)
    case_assign(case=case, case_manager=aisyah, actor=chong)
    case.refresh_from_db()
    case_assign(
        case=case,
        case_manager=hafiz,
        actor=chong,
        reason="Aisyah on leave.",
        expected_version=case.version,
    )

    case.refresh_from_db()
    assert case.status == Status.ASSIGNED
    assert case.case_manager == hafiz
    history = list(Assignment.objects.filter(case=case).order_by("assigned_at", "id"))
    assert [a.user for a in history] == [aisyah, hafiz]
    assert history[0].unassigned_at is not None
    assert history[1].unassigned_at is None
    assert history[1].reason == "Aisyah on leave."
    event = AuditEvent.objects.filter(action="assign").order_by("id").last()
    assert event.changes == {"case_manager": [aisyah.pk, hafiz.pk]}
    assert event.reason == "Aisyah on leave."
    assert case.version == 3  # one bump for the assignment, one for the reassignment


def test_only_a_supervisor_of_the_office_or_a_national_admin_assigns(
    aisyah, gopal, devi, kl_office
):
    case = CaseFactory(office=kl_office, status=Status.ELIGIBLE)
    for refused in (aisyah, gopal):
        with pytest.raises(TransitionForbidden):
            case_assign(case=case, case_manager=aisyah, actor=refused)
    case_assign(case=case, case_manager=aisyah, actor=devi)
    assert Assignment.objects.filter(case=case).count() == 1


def test_the_case_manager_must_be_an_active_case_manager_of_the_office(
    farid, bala, chong, kl_office
):
    case = CaseFactory(office=kl_office, status=Status.ELIGIBLE)
    for wrong in (farid, bala):
        with pytest.raises(WorkflowError, match="not an active case manager"):
            case_assign(case=case, case_manager=wrong, actor=chong)
    assert not Assignment.objects.exists()


def test_a_not_eligible_case_cannot_be_assigned(aisyah, chong, kl_office):
    case = CaseFactory(office=kl_office, status=Status.NOT_ELIGIBLE)
    with pytest.raises(WorkflowError):
        case_assign(case=case, case_manager=aisyah, actor=chong)


def test_a_stale_assignment_is_refused(aisyah, hafiz, chong, kl_office):
    case = CaseFactory(office=kl_office, status=Status.ELIGIBLE)
    case_assign(case=case, case_manager=aisyah, actor=chong, expected_version=1)
    with pytest.raises(CaseConflict):
        case_assign(case=case, case_manager=hafiz, actor=chong, expected_version=1)
    case.refresh_from_db()
    assert case.case_manager == aisyah
