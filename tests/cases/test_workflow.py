"""The transition table and case_transition: who may move a case where, and what
every step leaves behind."""

import pytest
from django.utils import timezone

from kembali.audit.models import AuditEvent
from kembali.cases.models import Case, ClosureReason, Status, Transition
from kembali.cases.workflow import (
    RTW_ENDING_FROM,
    TRANSITIONS,
    CaseConflict,
    Performer,
    ReasonRequired,
    TransitionForbidden,
    TransitionNotAllowed,
    allowed_targets,
    case_transition,
    case_transitioned,
)
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def make_case(kl_office, aisyah, bala):
    def make(status, **kwargs):
        kwargs.setdefault("case_manager", aisyah)
        kwargs.setdefault("placement_officer", bala)
        return CaseFactory(office=kl_office, status=status, **kwargs)

    return make


def _edge_id(edge):
    return f"{edge.source}->{edge.target}"


@pytest.mark.parametrize("edge", TRANSITIONS, ids=_edge_id)
def test_every_allowed_transition_works(edge, make_case, aisyah, bala, chong, devi):
    case = make_case(edge.source)
    performer = sorted(edge.performers, key=lambda p: p.value)[0]
    actor = {
        Performer.SYSTEM: None,
        Performer.REFERRER: chong,
        Performer.CASE_MANAGER: aisyah,
        Performer.PLACEMENT_OFFICER: bala,
        Performer.SUPERVISOR: chong,
        Performer.NATIONAL_ADMIN: devi,
    }[performer]
    if edge.action == "refuse_closure":
        Transition.objects.create(
            case=case,
            from_status=edge.target,
            to_status=Status.CLOSURE_PENDING,
            actor=aisyah,
            at=timezone.now(),
        )
    closure_reason = ""
    if edge.target == Status.CLOSURE_PENDING:
        closure_reason = (
            ClosureReason.RETURNED_TO_WORK
            if edge.source in RTW_ENDING_FROM
            else ClosureReason.LOST_CONTACT
        )

    case_transition(
        case=case,
        to=edge.target,
        actor=actor,
        reason="Because.",
        expected_version=1,
        closure_reason=closure_reason,
    )

    case.refresh_from_db()
    assert case.status == edge.target
    assert case.version == 2


@pytest.mark.parametrize(
    ("source", "target"),
    [
        (Status.REFERRED, Status.ASSIGNED),
        (Status.ASSIGNED, Status.CLOSED),
        (Status.ELIGIBLE, Status.CONSENTED),
        (Status.FOLLOW_UP, Status.IN_REHABILITATION),
        (Status.CLOSED, Status.ELIGIBLE),
    ],
)
def test_illegal_transitions_are_refused_with_the_allowed_next_steps(
    source, target, make_case, chong
):
    case = make_case(source)
    with pytest.raises(TransitionNotAllowed) as error:
        case_transition(case=case, to=target, actor=chong, reason="x")
    assert f"from “{Status(source).label}” to “{Status(target).label}”" in error.value.detail
    case.refresh_from_db()
    assert case.status == source
    assert not Transition.objects.filter(case=case).exists()


def test_the_refusal_names_the_next_steps(make_case, chong):
    case = make_case(Status.ELIGIBLE)
    with pytest.raises(TransitionNotAllowed) as error:
        case_transition(case=case, to=Status.ASSESSED, actor=chong)
    assert "it can move to: Assigned, Closure pending" in error.value.detail


def test_the_assigned_case_manager_records_the_assessment_but_not_a_stranger(
    make_case, aisyah, bala, chong, farid, kl_office
):
    case = make_case(Status.ASSIGNED)
    for outsider in (chong, farid, bala):
        with pytest.raises(TransitionForbidden):
            case_transition(case=case, to=Status.ASSESSED, actor=outsider)
    case_transition(case=case, to=Status.ASSESSED, actor=aisyah)
    assert case.status == Status.ASSESSED


def test_only_a_supervisor_of_the_office_or_a_national_admin_approves_a_closure(
    make_case, aisyah, gopal, chong, devi
):
    for refused in (aisyah, gopal):
        case = make_case(Status.CLOSURE_PENDING)
        with pytest.raises(TransitionForbidden):
            case_transition(case=case, to=Status.CLOSED, actor=refused)
    for approver in (chong, devi):
        case = make_case(Status.CLOSURE_PENDING)
        case_transition(case=case, to=Status.CLOSED, actor=approver)
        assert case.status == Status.CLOSED
        assert case.closed_at is not None


def test_a_stale_version_is_refused_naming_who_changed_the_case(make_case, aisyah, chong):
    case = make_case(Status.ASSIGNED)
    opened_version = case.version
    case_transition(case=case, to=Status.ASSESSED, actor=aisyah, expected_version=opened_version)

    with pytest.raises(CaseConflict) as error:
        case_transition(
            case=case,
            to=Status.CLOSURE_PENDING,
            actor=chong,
            expected_version=opened_version,
            closure_reason=ClosureReason.DECLINED,
        )
    assert "changed by Aisyah Rahman at" in error.value.detail
    assert "reload and try again" in error.value.detail
    case.refresh_from_db()
    assert case.status == Status.ASSESSED
    assert Transition.objects.filter(case=case).count() == 1


def test_a_transition_writes_one_row_one_audit_event_and_one_signal_after_commit(
    make_case, aisyah, django_capture_on_commit_callbacks
):
    case = make_case(Status.ASSIGNED)
    received = []

    def receiver(**kwargs):
        received.append(kwargs)

    case_transitioned.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            case_transition(case=case, to=Status.ASSESSED, actor=aisyah, reason="Seen today.")
            assert received == []  # nothing is announced before the commit
    finally:
        case_transitioned.disconnect(receiver)

    row = Transition.objects.get(case=case)
    assert (row.from_status, row.to_status, row.actor, row.reason) == (
        Status.ASSIGNED,
        Status.ASSESSED,
        aisyah,
        "Seen today.",
    )
    events = AuditEvent.objects.filter(object_id=str(case.pk), action="transition")
    assert events.count() == 1
    assert events.get().changes == {"status": ["assigned", "assessed"]}
    assert len(callbacks) == 1
    assert received[0]["to_status"] == Status.ASSESSED
    assert received[0]["case_id"] == case.pk


def test_a_refused_transition_announces_nothing(
    make_case, aisyah, django_capture_on_commit_callbacks
):
    case = make_case(Status.ASSIGNED)
    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(TransitionNotAllowed):
        case_transition(case=case, to=Status.CLOSED, actor=aisyah)
    assert callbacks == []
    assert not AuditEvent.objects.filter(object_id=str(case.pk)).exists()


def test_ending_a_case_needs_a_closure_reason_and_refusal_returns_it_to_where_it_was(
    make_case, aisyah, chong
):
    case = make_case(Status.IN_REHABILITATION)
    with pytest.raises(ReasonRequired):
        case_transition(case=case, to=Status.CLOSURE_PENDING, actor=aisyah)
    case_transition(
        case=case,
        to=Status.CLOSURE_PENDING,
        actor=aisyah,
        closure_reason=ClosureReason.MEDICALLY_UNFIT,
        reason="Doctor's letter.",
    )
    assert case.closure_reason == ClosureReason.MEDICALLY_UNFIT
    assert allowed_targets(case, chong) == [Status.CLOSED, Status.IN_REHABILITATION]

    with pytest.raises(TransitionNotAllowed):
        case_transition(case=case, to=Status.ASSIGNED, actor=chong, reason="No.")
    with pytest.raises(ReasonRequired):
        case_transition(case=case, to=Status.IN_REHABILITATION, actor=chong)
    case_transition(case=case, to=Status.IN_REHABILITATION, actor=chong, reason="Try again.")
    case.refresh_from_db()
    assert case.status == Status.IN_REHABILITATION
    assert case.closure_reason == ""


def test_consent_can_only_be_withdrawn_after_it_was_given(make_case, aisyah):
    before = make_case(Status.ASSESSED)
    with pytest.raises(TransitionNotAllowed, match="Consent can only be withdrawn"):
        case_transition(
            case=before,
            to=Status.CLOSURE_PENDING,
            actor=aisyah,
            closure_reason=ClosureReason.CONSENT_WITHDRAWN,
        )
    after = make_case(Status.PLAN_APPROVED)
    case_transition(
        case=after,
        to=Status.CLOSURE_PENDING,
        actor=aisyah,
        closure_reason=ClosureReason.CONSENT_WITHDRAWN,
        reason="Phoned to withdraw.",
    )
    assert after.status == Status.CLOSURE_PENDING


def test_returned_to_work_ending_only_after_the_return_is_recorded(make_case, aisyah):
    case = make_case(Status.IN_REHABILITATION)
    with pytest.raises(TransitionNotAllowed):
        case_transition(
            case=case,
            to=Status.CLOSURE_PENDING,
            actor=aisyah,
            closure_reason=ClosureReason.RETURNED_TO_WORK,
        )


def test_reopening_needs_a_reason_and_a_case_manager(make_case, chong):
    case = make_case(Status.CLOSED, closure_reason=ClosureReason.LOST_CONTACT)
    with pytest.raises(ReasonRequired):
        case_transition(case=case, to=Status.ASSIGNED, actor=chong)
    case_transition(case=case, to=Status.ASSIGNED, actor=chong, reason="Person came back.")
    case.refresh_from_db()
    assert (case.status, case.closure_reason, case.closed_at) == (Status.ASSIGNED, "", None)

    never_assigned = make_case(Status.CLOSED, case_manager=None)
    assert Status.ASSIGNED not in allowed_targets(never_assigned, chong)
    with pytest.raises(TransitionNotAllowed, match="make a new referral"):
        case_transition(case=never_assigned, to=Status.ASSIGNED, actor=chong, reason="x")


def test_the_timeline_tells_the_closure_refusal_where_the_case_goes_back(make_case, aisyah, chong):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from kembali.cases.timeline import case_timeline
    from kembali.cases.workflow import allowed_targets, status_before_closure

    case = make_case(Status.ASSIGNED)
    case_transition(case=case, to=Status.ASSESSED, actor=aisyah)
    case_transition(
        case=case,
        to=Status.CLOSURE_PENDING,
        actor=aisyah,
        closure_reason=ClosureReason.DECLINED,
    )
    fresh = Case.objects.get(pk=case.pk)
    case_timeline(fresh)  # the case page reads the transitions for its timeline

    with CaptureQueriesContext(connection) as queries:
        assert status_before_closure(fresh) == Status.ASSESSED
        assert Status.ASSESSED in allowed_targets(fresh, chong)
    assert not queries  # answered from the timeline's rows
    case_transition(case=fresh, to=Status.ASSESSED, actor=chong, reason="Not yet")
    case_transition(
        case=fresh, to=Status.CLOSURE_PENDING, actor=aisyah, closure_reason=ClosureReason.DECLINED
    )
    assert status_before_closure(fresh) == Status.ASSESSED  # read again, not the old answer
