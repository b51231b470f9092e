"""Follow-ups after a return to work of a JPESS case: scheduled with the outcome,
recorded, chased when overdue, and a job lost sending the case back to job placement."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from kembali.audit.models import AuditEvent
from kembali.cases.models import Case, CaseTask, Status, Transition
from kembali.cases.services_outcome import NewJob, outcome_record
from kembali.cases.tasks import DAILY_TASKS, mark_overdue
from kembali.cases.timeline import case_timeline
from kembali.cases.workflow import TransitionForbidden, TransitionNotAllowed
from kembali.notifications.models import Notification
from kembali.placement import services
from kembali.placement.followups import (
    FollowUpInvalid,
    add_months,
    follow_up_job_lost,
    follow_up_record,
    follow_ups_overdue,
)
from kembali.placement.models import OutcomeMeasure
from kembali.placement.models_followup import FollowUp
from tests.factories import CaseFactory
from tests.placement.conftest import assessment_arguments

KL = ZoneInfo("Asia/Kuala_Lumpur")
RETURNED = dt.date(2026, 1, 31)
RATINGS = {"skills": 4, "career_goals": 3, "independence": 5, "self_esteem": 4, "health": 3}


def _job(**overrides) -> NewJob:
    values = {
        "return_date": RETURNED,
        "isco_code": "5223",
        "job_title": "Shop assistant",
        "monthly_wage": Decimal("1800.00"),
        "hours_per_week": 40,
        "employer_name": "Kedai Runcit Maju",
    }
    values.update(overrides)
    return NewJob(**values)


@pytest.fixture
def placed(jpess_case, bala):
    """The JPESS case back at work since 31 January 2026, with a baseline rating."""
    Case.objects.filter(pk=jpess_case.pk).update(referral_date=dt.date(2025, 6, 1))
    jpess_case.refresh_from_db()
    services.placement_assessment_record(
        case=jpess_case, actor=bala, **assessment_arguments(assessed_on=dt.date(2025, 7, 1))
    )
    outcome_record(case=jpess_case, actor=bala, job=_job())
    jpess_case.refresh_from_db()
    return jpess_case


def _first(case) -> FollowUp:
    return FollowUp.objects.filter(case=case).order_by("months").select_related("case").first()


def _record(follow_up, actor, **overrides):
    values = {
        "done_on": dt.date(2026, 3, 2),
        "still_employed": True,
        "same_employer": True,
        "hours_per_week": 40,
        "monthly_wage": Decimal("1850.00"),
        "problems": "",
        "actions": "Call again in two months.",
        "ratings": RATINGS,
    }
    values.update(overrides)
    return follow_up_record(follow_up=follow_up, actor=actor, **values)


# --- scheduling


@given(
    day=st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2200, 12, 31)),
    months=st.integers(min_value=0, max_value=240),
)
def test_add_months_lands_in_the_right_month_and_never_later_than_the_day(day, months):
    result = add_months(day, months)
    assert (result.year * 12 + result.month) - (day.year * 12 + day.month) == months
    assert result.day <= day.day
    # The day is kept unless the month is too short; then it is the month's last day.
    if result.day < day.day:
        assert (result + dt.timedelta(days=1)).day == 1


def test_add_months_clamps_to_the_end_of_a_short_month():
    assert add_months(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)
    assert add_months(dt.date(2028, 1, 31), 1) == dt.date(2028, 2, 29)
    assert add_months(dt.date(2026, 8, 31), 6) == dt.date(2027, 2, 28)


def test_a_return_to_work_schedules_four_follow_ups_with_calendar_dates(placed):
    rows = list(FollowUp.objects.filter(case=placed).values_list("months", "due_on"))

    assert rows == [
        (1, dt.date(2026, 2, 28)),
        (3, dt.date(2026, 4, 30)),
        (6, dt.date(2026, 7, 31)),
        (12, dt.date(2027, 1, 31)),
    ]
    assert AuditEvent.objects.filter(action="follow_up.schedule").count() == 1


def test_the_months_come_from_the_settings(jpess_case, bala, settings):
    settings.KEMBALI_FOLLOW_UP_MONTHS = [2, 24]
    Case.objects.filter(pk=jpess_case.pk).update(referral_date=dt.date(2025, 6, 1))
    jpess_case.refresh_from_db()

    outcome_record(case=jpess_case, actor=bala, job=_job())

    assert list(FollowUp.objects.filter(case=jpess_case).values_list("months", "due_on")) == [
        (2, dt.date(2026, 3, 31)),
        (24, dt.date(2028, 1, 31)),
    ]


def test_a_case_outside_jpess_gets_no_follow_ups(case, aisyah):
    Case.objects.filter(pk=case.pk).update(referral_date=dt.date(2025, 6, 1))
    case.refresh_from_db()

    outcome_record(case=case, actor=aisyah, job=_job())

    assert not FollowUp.objects.filter(case=case).exists()


# --- recording


def test_recording_stores_the_answers_and_the_ratings_and_starts_the_follow_up(placed, bala):
    follow_up = _first(placed)

    _record(follow_up, bala)

    row = FollowUp.objects.get(pk=follow_up.pk)
    assert (row.done_on, row.still_employed, row.same_employer) == (
        dt.date(2026, 3, 2),
        True,
        True,
    )
    assert (row.hours_per_week, row.monthly_wage) == (40, Decimal("1850.00"))
    assert row.outcome_measure.kind == OutcomeMeasure.Kind.FOLLOW_UP
    assert row.outcome_measure.independence == 5
    assert row.recorded_by == bala
    placed.refresh_from_db()
    assert placed.status == Status.FOLLOW_UP
    events = AuditEvent.objects.filter(action="follow_up.record", object_id=str(row.pk))
    assert events.count() == 1
    assert events.get().changes["still_employed"] == [None, True]


def test_a_follow_up_is_recorded_once(placed, bala, aisyah):
    follow_up = _first(placed)
    _record(follow_up, bala)

    with pytest.raises(TransitionNotAllowed, match="Bala Subramaniam already recorded"):
        _record(_first(placed), aisyah)
    assert OutcomeMeasure.objects.filter(kind="follow_up").count() == 1


def test_a_follow_up_needs_the_job_details_when_still_in_work(placed, bala):
    with pytest.raises(FollowUpInvalid) as refused:
        _record(_first(placed), bala, hours_per_week=None, monthly_wage=None)

    assert set(refused.value.errors) == {"hours_per_week", "monthly_wage"}
    assert not FollowUp.objects.filter(done_on__isnull=False).exists()


def test_ratings_off_the_scale_and_a_future_date_are_refused(placed, bala):
    with pytest.raises(FollowUpInvalid) as refused:
        _record(
            _first(placed),
            bala,
            done_on=dt.date.today() + dt.timedelta(days=3),
            ratings={**RATINGS, "health": 9},
        )

    assert {"done_on", "rating_health"} <= set(refused.value.errors)


def test_someone_of_another_office_may_not_record(placed, farid):
    with pytest.raises(TransitionForbidden):
        _record(_first(placed), farid)


def test_a_supervisor_records_but_leaves_the_stage_to_the_case_workers(placed, chong):
    _record(_first(placed), chong)

    placed.refresh_from_db()
    assert placed.status == Status.RETURNED_TO_WORK
    assert FollowUp.objects.filter(done_on__isnull=False).count() == 1


def test_the_recorded_follow_up_is_on_the_timeline(placed, bala):
    _record(_first(placed), bala)

    titles = [entry.title for entry in case_timeline(placed)]

    assert "1-month follow-up: still in work" in titles


# --- job lost


def test_a_job_lost_at_the_follow_up_returns_the_case_to_job_placement(placed, bala):
    _record(
        _first(placed),
        bala,
        still_employed=False,
        problems="The shop closed in February.",
        job_lost_reason="The shop closed; the person wants another sales job.",
    )

    placed.refresh_from_db()
    assert placed.status == Status.JOB_PLACEMENT
    move = Transition.objects.filter(case=placed).order_by("-at", "-id").first()
    assert (move.from_status, move.to_status) == (Status.RETURNED_TO_WORK, Status.JOB_PLACEMENT)
    assert move.reason == "The shop closed; the person wants another sales job."
    # The recorded follow-up stays; the three not yet done are no longer needed.
    assert list(FollowUp.objects.filter(case=placed).values_list("months", flat=True)) == [1]
    assert AuditEvent.objects.filter(action="follow_up.cancel").count() == 3


def test_job_lost_alone_needs_a_reason_and_a_case_at_work(placed, bala, aisyah):
    from kembali.cases.workflow import ReasonRequired

    with pytest.raises(ReasonRequired):
        follow_up_job_lost(case=placed, actor=bala, reason="  ")

    follow_up_job_lost(case=placed, actor=aisyah, reason="Dismissed after a fall.")
    placed.refresh_from_db()
    assert placed.status == Status.JOB_PLACEMENT
    with pytest.raises(TransitionNotAllowed):
        follow_up_job_lost(case=placed, actor=aisyah, reason="Again")


def test_a_new_job_after_a_job_lost_schedules_its_own_follow_ups(placed, bala):
    follow_up_job_lost(case=placed, actor=bala, reason="The contract ended.")

    outcome_record(
        case=placed,
        actor=bala,
        job=_job(return_date=dt.date(2026, 6, 15), employer_name="Pasar Raya Jaya"),
    )

    rows = list(FollowUp.objects.filter(case=placed).values_list("months", "due_on"))
    assert rows == [
        (1, dt.date(2026, 7, 15)),
        (3, dt.date(2026, 9, 15)),
        (6, dt.date(2026, 12, 15)),
        (12, dt.date(2027, 6, 15)),
    ]


# --- overdue


def test_an_overdue_follow_up_gets_one_task_for_the_placement_officer(placed, bala, aisyah):
    morning = dt.datetime(2026, 3, 10, 6, 0, tzinfo=KL)
    with time_machine.travel(morning, tick=False):
        report = follow_ups_overdue.call("2026-03-10")
        again = follow_ups_overdue.call("2026-03-10")

    assert report["tasks_created"] == 1
    assert again["tasks_created"] == 0
    task = CaseTask.objects.get(case=placed)
    assert task.title == "The 1-month follow-up is overdue"
    assert task.assigned_to == bala
    assert _first(placed).overdue_task == task
    notices = Notification.objects.filter(user=bala, dedupe_key__startswith="overdue:follow_up:")
    assert notices.count() == 1
    assert reverse("placement:followup_record", args=[placed.number, _first(placed).pk]) in (
        notices.get().url
    )


def test_recording_closes_the_overdue_task(placed, bala):
    with time_machine.travel(dt.datetime(2026, 3, 10, 6, 0, tzinfo=KL), tick=False):
        follow_ups_overdue.call("2026-03-10")

    _record(_first(placed), bala, done_on=dt.date(2026, 3, 11))

    task = CaseTask.objects.get(case=placed)
    assert task.done_at is not None
    assert task.done_by == bala


def test_the_case_manager_gets_the_task_when_there_is_no_placement_officer(kl_office, aisyah, bala):
    case = CaseFactory(
        office=kl_office,
        case_manager=aisyah,
        status=Status.FOLLOW_UP,
        in_jpess=True,
        referral_date=dt.date(2025, 1, 1),
    )
    from kembali.cases.models import RtwOutcome

    outcome = RtwOutcome.objects.create(
        case=case,
        return_date=dt.date(2026, 1, 5),
        isco_unit_id="5223",
        job_title="Cashier",
        monthly_wage=Decimal("1700"),
        hours_per_week=40,
        auto_level=6,
        level=6,
        recorded_by=aisyah,
        recorded_at=dt.datetime(2026, 1, 5, 9, 0, tzinfo=KL),
    )
    assert FollowUp.objects.filter(outcome=outcome).count() == 4

    with time_machine.travel(dt.datetime(2026, 5, 1, 6, 0, tzinfo=KL), tick=False):
        report = follow_ups_overdue.call("2026-05-01")

    # The 1- and 3-month follow-ups (5 February, 5 April) are overdue.
    assert report["tasks_created"] == 2
    assert set(CaseTask.objects.filter(case=case).values_list("assigned_to", flat=True)) == {
        aisyah.pk
    }


def test_a_case_no_longer_at_work_is_not_chased(placed, bala):
    follow_up_job_lost(case=placed, actor=bala, reason="The contract ended.")
    FollowUp.objects.filter(case=placed).update(done_on=None)  # nothing left to chase anyway

    with time_machine.travel(dt.datetime(2026, 9, 1, 6, 0, tzinfo=KL), tick=False):
        report = follow_ups_overdue.call("2026-09-01")

    assert report["tasks_created"] == 0


def test_the_daily_run_queues_the_follow_up_check(db):
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    assert follow_ups_overdue in DAILY_TASKS
    with time_machine.travel(dt.datetime(2026, 3, 10, 6, 0, tzinfo=KL), tick=False):
        mark_overdue.call("2026-03-10")

    queued = DBTaskResult.objects.filter(
        status=TaskResultStatus.READY, task_path=follow_ups_overdue.module_path
    )
    assert queued.count() == 1
    assert queued.get().args_kwargs["args"] == ["2026-03-10"]
