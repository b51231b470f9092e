"""Background tasks of cases (django-tasks, run by `manage.py db_worker`).

django-tasks has no scheduler, so the daily overdue check keeps itself going: each
run enqueues the next one for 06:00 the next morning, Malaysian time, and
`kembali schedule_daily` (run when the app starts) puts one in the queue if none
is waiting. At most one run waits in the queue at any time."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.utils import timezone
from django_tasks import TaskResultStatus, task

from kembali.cases.services_monitoring import overdue_mark

RUN_AT = dt.time(6, 0)
RUN_ZONE = ZoneInfo("Asia/Kuala_Lumpur")


# Other apps' daily checks, each a task taking the day as an ISO date. Cases imports
# none of them: they register here in their AppConfig.ready(), and each morning's run
# queues them (placement's overdue follow-ups, for one).
DAILY_TASKS: list = []


def register_daily_task(daily_task) -> None:
    if daily_task not in DAILY_TASKS:
        DAILY_TASKS.append(daily_task)


@task()
def mark_overdue(today_iso: str) -> dict:
    """Mark what is overdue as of the day `today_iso` and notify; then make sure the
    next morning's run is queued. Safe to run twice for the same day."""
    try:
        report = overdue_mark(today=dt.date.fromisoformat(today_iso))
    finally:
        # A failed run must not break the chain: tomorrow's run is queued regardless.
        schedule_next_run()
        for daily_task in DAILY_TASKS:
            daily_task.enqueue(today_iso)
    return report.as_dict()


def next_run_at(now: dt.datetime | None = None) -> dt.datetime:
    """The next 06:00 in Kuala Lumpur strictly after `now`."""
    local = (now or timezone.now()).astimezone(RUN_ZONE)
    candidate = dt.datetime.combine(local.date(), RUN_AT, tzinfo=RUN_ZONE)
    if candidate <= local:
        candidate += dt.timedelta(days=1)
    return candidate


def pending_run():
    """The queued, not yet started run of the daily check, if there is one."""
    from django_tasks_db.models import DBTaskResult

    return (
        DBTaskResult.objects.filter(
            status=TaskResultStatus.READY, task_path=mark_overdue.module_path
        )
        .order_by("run_after")
        .first()
    )


def schedule_next_run(now: dt.datetime | None = None):
    """Queue the next morning's run unless one is already waiting. Returns the new
    task result, or None when one was already queued."""
    if pending_run() is not None:
        return None
    run_after = next_run_at(now)
    return mark_overdue.using(run_after=run_after).enqueue(run_after.date().isoformat())
