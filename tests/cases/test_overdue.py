"""The daily overdue check: what it marks, whom it tells, that a second run changes
nothing, and that it keeps itself scheduled."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from kembali.audit.models import AuditEvent
from kembali.cases.models import CaseTask, Status
from kembali.cases.tasks import mark_overdue, next_run_at
from kembali.notifications.models import Notification
from kembali.plans.models import Intervention, RehabPlan
from tests.factories import CaseFactory, UserFactory

pytestmark = pytest.mark.django_db

KL = ZoneInfo("Asia/Kuala_Lumpur")
TODAY = dt.date(2026, 5, 11)
MORNING = dt.datetime(2026, 5, 11, 6, 0, tzinfo=KL)


def _plan(case, author, *, status="approved", end=dt.date(2026, 6, 30), version=1):
    return RehabPlan.objects.create(
        case=case,
        version=version,
        status=status,
        goal=1,
        start_date=dt.date(2026, 1, 5),
        target_end_date=end,
        created_by=author,
    )


def _intervention(plan, due, status="planned", kind="physical"):
    return Intervention.objects.create(
        plan=plan, kind=kind, planned_start=dt.date(2026, 1, 12), due_date=due, status=status
    )


def _task(case, who, due, *, done=False, title="Chase the doctor's report"):
    return CaseTask.objects.create(
        case=case,
        title=title,
        due_date=due,
        assigned_to=who,
        created_by=who,
        created_at=MORNING - dt.timedelta(days=30),
        done_at=MORNING if done else None,
        done_by=who if done else None,
    )


@pytest.fixture
def world(kl_office, aisyah, bala, chong, gopal):
    UserFactory(username="retired", role="supervisor", office=kl_office, is_active=False)
    case = CaseFactory(office=kl_office, status=Status.IN_REHABILITATION, case_manager=aisyah)
    past, future = TODAY - dt.timedelta(days=1), TODAY + dt.timedelta(days=10)
    plan = _plan(case, aisyah, end=dt.date(2026, 5, 1))  # past its time frame
    _plan(case, aisyah, status="superseded", version=0)
    old = RehabPlan.objects.get(case=case, version=0)
    closed = CaseFactory(office=kl_office, status=Status.CLOSED, case_manager=aisyah)
    closed_plan = _plan(closed, aisyah, end=dt.date(2026, 1, 31))
    world = {
        "case": case,
        "plan": plan,
        "late_planned": _intervention(plan, past),
        "late_started": _intervention(plan, past, "in_progress", kind="vocational"),
        "completed": _intervention(plan, past, "completed"),
        "cancelled": _intervention(plan, past, "cancelled"),
        "not_yet": _intervention(plan, future),
        "due_today": _intervention(plan, TODAY),
        "superseded": _intervention(old, past),
        "closed_case": _intervention(closed_plan, past),
        "late_task": _task(case, bala, past),
        "done_task": _task(case, aisyah, past, done=True),
        "future_task": _task(case, aisyah, future),
    }
    return world


def _status(intervention) -> str:
    return Intervention.objects.get(pk=intervention.pk).status


def test_marks_only_unfinished_interventions_of_plans_in_force(world):
    with time_machine.travel(MORNING, tick=False):
        report = mark_overdue.call(TODAY.isoformat())
    assert _status(world["late_planned"]) == "overdue"
    assert _status(world["late_started"]) == "overdue"
    for untouched, status in [
        ("completed", "completed"),
        ("cancelled", "cancelled"),
        ("not_yet", "planned"),
        ("due_today", "planned"),
        ("superseded", "planned"),
        ("closed_case", "planned"),
    ]:
        assert _status(world[untouched]) == status, untouched
    assert report["interventions_marked"] == 2
    assert report["plans_overdue"] == 1
    assert report["tasks_overdue"] == 1
    events = AuditEvent.objects.filter(action="mark_overdue")
    assert sorted(int(e.object_id) for e in events) == sorted(
        [world["late_planned"].pk, world["late_started"].pk]
    )
    assert all(e.actor is None and e.changes["status"][1] == "overdue" for e in events)


def test_notifies_case_manager_and_supervisor_once_with_a_link(world, aisyah, bala, chong, gopal):
    with time_machine.travel(MORNING, tick=False):
        mark_overdue.call(TODAY.isoformat())
    url = reverse("cases:detail", args=[world["case"].number])
    mine = Notification.objects.filter(user=aisyah)
    # Two interventions, the plan and the task.
    assert mine.count() == 4
    assert all(n.url == url for n in mine)
    subjects = sorted(mine.values_list("subject", flat=True))
    number = world["case"].number
    assert subjects == sorted(
        [
            f"Overdue intervention on case {number}",
            f"Overdue intervention on case {number}",
            f"Overdue task on case {number}",
            f"Rehabilitation plan past its time frame on case {number}",
        ]
    )
    assert Notification.objects.filter(user=chong).count() == 4
    # The task's assignee hears about the task only; other offices hear nothing.
    assert list(Notification.objects.filter(user=bala).values_list("subject", flat=True)) == [
        f"Overdue task on case {number}"
    ]
    assert not Notification.objects.filter(user=gopal).exists()
    assert not Notification.objects.filter(user__username="retired").exists()
    body = mine.get(subject__startswith="Overdue task").body
    assert "“Chase the doctor's report” was due on" in body


def test_running_twice_adds_nothing(world):
    with time_machine.travel(MORNING, tick=False):
        mark_overdue.call(TODAY.isoformat())
        notes, events = Notification.objects.count(), AuditEvent.objects.count()
        again = mark_overdue.call(TODAY.isoformat())
    assert again["interventions_marked"] == 0
    assert again["notifications_sent"] == 0
    assert Notification.objects.count() == notes
    assert AuditEvent.objects.count() == events
    # The next morning only what fell due since is announced: the intervention due
    # "today", to its case manager and supervisor.
    with time_machine.travel(MORNING + dt.timedelta(days=1), tick=False):
        next_day = mark_overdue.call((TODAY + dt.timedelta(days=1)).isoformat())
    assert next_day["interventions_marked"] == 1
    assert next_day["notifications_sent"] == 2
    assert _status(world["due_today"]) == "overdue"


def test_a_moved_due_date_is_announced_again(world, aisyah):
    with time_machine.travel(MORNING, tick=False):
        mark_overdue.call(TODAY.isoformat())
    task = world["late_task"]
    Intervention.objects.filter(pk=world["due_today"].pk).update(status="completed")
    CaseTask.objects.filter(pk=task.pk).update(due_date=TODAY + dt.timedelta(days=2))
    later = TODAY + dt.timedelta(days=5)
    with time_machine.travel(MORNING + dt.timedelta(days=5), tick=False):
        report = mark_overdue.call(later.isoformat())
    assert report["notifications_sent"] == 3  # aisyah, chong and bala
    assert Notification.objects.filter(user=aisyah, subject__startswith="Overdue task").count() == 2


def _queued():
    return DBTaskResult.objects.filter(
        status=TaskResultStatus.READY, task_path=mark_overdue.module_path
    )


def test_next_run_is_the_next_six_in_the_morning_in_kuala_lumpur():
    before_six = dt.datetime(2026, 5, 11, 5, 59, tzinfo=KL)
    assert next_run_at(before_six) == dt.datetime(2026, 5, 11, 6, 0, tzinfo=KL)
    assert next_run_at(MORNING) == dt.datetime(2026, 5, 12, 6, 0, tzinfo=KL)
    late_utc = dt.datetime(2026, 5, 11, 23, 0, tzinfo=dt.UTC)  # 07:00 on the 12th in KL
    assert next_run_at(late_utc) == dt.datetime(2026, 5, 13, 6, 0, tzinfo=KL)


def test_schedule_daily_queues_one_run(capsys):
    with time_machine.travel(dt.datetime(2026, 5, 11, 14, 0, tzinfo=KL), tick=False):
        call_command("schedule_daily")
        call_command("schedule_daily")
    queued = list(_queued())
    assert len(queued) == 1
    assert queued[0].run_after == dt.datetime(2026, 5, 12, 6, 0, tzinfo=KL)
    assert queued[0].args_kwargs == {"args": ["2026-05-12"], "kwargs": {}}
    out = capsys.readouterr().out
    assert "Queued the daily overdue check for 2026-05-12 06:00" in out
    assert "already queued" in out


def test_each_run_queues_the_next_morning_once(world):
    with time_machine.travel(MORNING, tick=False):
        mark_overdue.call(TODAY.isoformat())
        mark_overdue.call(TODAY.isoformat())
    queued = list(_queued())
    assert len(queued) == 1
    assert queued[0].args_kwargs["args"] == ["2026-05-12"]


def test_mark_overdue_command_runs_now_and_queues_nothing(world, capsys):
    with time_machine.travel(MORNING, tick=False):
        call_command("mark_overdue")
    assert _status(world["late_planned"]) == "overdue"
    assert "2 newly marked" in capsys.readouterr().out
    assert not _queued().exists()


def test_each_person_is_told_in_their_own_language(world, chong):
    chong.preferred_language = "ms"
    chong.save(update_fields=["preferred_language"])
    with time_machine.travel(MORNING, tick=False):
        mark_overdue.call(TODAY.isoformat())
    number = world["case"].number
    subjects = set(Notification.objects.filter(user=chong).values_list("subject", flat=True))
    assert f"Tugasan lewat bagi kes {number}" in subjects
    assert f"Overdue task on case {number}" in set(
        Notification.objects.filter(user=world["case"].case_manager).values_list(
            "subject", flat=True
        )
    )
