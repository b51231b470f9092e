"""`kembali requeue_stuck_tasks [--older-than MINUTES] [--dry-run]`: recover background
tasks left "running" by a worker that died (killed, out of memory, machine restarted).

django-tasks-db keeps no lease or heartbeat (its issue #5, open): a worker marks a task
RUNNING when it starts it and records the outcome when it ends, so a worker that dies
in between leaves the task RUNNING for ever, and nothing runs it again. This command
finds task results still RUNNING that started more than MINUTES ago (default 60) and
whose worker is gone, marks each failed with a message saying so, and queues the same
task again with the same arguments when it is on the list of tasks that are safe to
run twice (REQUEUE_SAFE); the others are only marked failed, for someone to look at.

A worker is taken as gone unless a `db_worker` started with that `--worker-id` runs on
this machine. Workers started without one get a random id that nothing can trace back
to a process, so for them the age is the lease: no task of REQUEUE_SAFE runs anywhere
near an hour (100,000 referrals import in about a minute). A worker whose id has since
started another task has certainly left this one (a worker runs one task at a time);
the report says so.

Each recovery is audited (action "requeue" on the task result: the status change and
the new task's id). Running the command twice changes nothing the second time."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from kembali.audit.services import audit_record

DEFAULT_OLDER_THAN = 60  # minutes

# Tasks that are safe to run twice, by their path (the apps above core are named, not
# imported). Each reloads its rows by id and skips what is already done.
REQUEUE_SAFE = frozenset(
    {
        # Imported references are skipped: a second run adds only what the first missed.
        "kembali.cases.imports.import_referrals_task",
        # "safe to run twice (the second run writes nothing)".
        "kembali.reports.tasks.build_report_pack",
    }
)


class TaskLost(Exception):
    """The task's worker died while running it; the failure recorded on its result."""


@dataclass
class StuckTask:
    result: DBTaskResult
    minutes: int  # since it started
    worker: str  # the last worker that claimed it, "" when none is recorded
    moved_on: bool  # that worker has since started another task

    @property
    def safe_to_requeue(self) -> bool:
        return self.result.task_path in REQUEUE_SAFE

    def evidence(self) -> str:
        worker = self.worker or "unknown"
        if self.moved_on:
            return f"its worker {worker} has since started another task"
        return f"no worker {worker} runs on this machine"


def local_worker_ids(proc: Path = Path("/proc")) -> set[str]:
    """The --worker-id of every `db_worker` running on this machine (Linux; empty
    elsewhere, and for workers started without one)."""
    ids: set[str] = set()
    try:
        entries = list(proc.iterdir())
    except OSError:
        return ids
    for entry in entries:
        if not entry.name.isdigit():
            continue
        try:
            args = (entry / "cmdline").read_bytes().decode(errors="replace").split("\0")
        except OSError:
            continue  # ended meanwhile, or not ours to read
        if "db_worker" not in args:
            continue
        for i, arg in enumerate(args):
            if arg == "--worker-id" and i + 1 < len(args):
                ids.add(args[i + 1])
            elif arg.startswith("--worker-id="):
                ids.add(arg.split("=", 1)[1])
    return ids


def stuck_tasks(
    *, older_than: dt.timedelta, now: dt.datetime | None = None, live_workers: set[str]
) -> list[StuckTask]:
    """Task results RUNNING since before now - older_than whose worker is gone, oldest
    first."""
    now = now or timezone.now()
    running = list(
        DBTaskResult.objects.filter(
            status=TaskResultStatus.RUNNING, started_at__lt=now - older_than
        ).order_by("started_at")
    )
    if not running:
        return []
    # When each worker last started a task: one query over the tasks since the oldest.
    last_start: dict[str, dt.datetime] = {}
    for worker_ids, started in DBTaskResult.objects.filter(
        started_at__gt=running[0].started_at
    ).values_list("worker_ids", "started_at"):
        for worker in worker_ids or []:
            if worker not in last_start or started > last_start[worker]:
                last_start[worker] = started
    found = []
    for result in running:
        worker = result.worker_ids[-1] if result.worker_ids else ""
        if worker and worker in live_workers:
            continue  # alive on this machine: perhaps a long run, not ours to judge
        found.append(
            StuckTask(
                result=result,
                minutes=int((now - result.started_at).total_seconds() // 60),
                worker=worker,
                moved_on=worker in last_start and last_start[worker] > result.started_at,
            )
        )
    return found


@transaction.atomic
def stuck_task_recover(*, stuck: StuckTask) -> tuple[bool, DBTaskResult | None]:
    """Mark one stuck task failed and, when it is safe to, queue it again. Returns
    (recovered, the new task's result or None); (False, None) when it finished or was
    recovered meanwhile."""
    result = (
        DBTaskResult.objects.select_for_update()
        .filter(pk=stuck.result.pk, status=TaskResultStatus.RUNNING)
        .first()
    )
    if result is None:
        return False, None
    then = (
        "which queued it again."
        if stuck.safe_to_requeue
        else "not queued again: it is not known to be safe to run twice."
    )
    result.set_failed(
        TaskLost(
            f"Lost: still marked running {stuck.minutes} minutes after it started, and "
            f"{stuck.evidence()}: the worker died without recording an outcome. Marked "
            f"failed by `kembali requeue_stuck_tasks`, {then}"
        )
    )
    new = None
    if stuck.safe_to_requeue:
        new = _requeue(result)
    changes = {"status": [TaskResultStatus.RUNNING.value, TaskResultStatus.FAILED.value]}
    if new is not None:
        changes["requeued_as"] = [None, str(new.pk)]
    audit_record(
        actor=None,
        action="requeue",
        obj=result,
        changes=changes,
        reason=f"{result.task_path}: {stuck.evidence()} ({stuck.minutes} minutes running)",
    )
    return True, new


def _requeue(result: DBTaskResult) -> DBTaskResult:
    """The same task with the same arguments, queued again; an identical one already
    waiting (queued again by hand) is kept instead of adding a second."""
    args, kwargs = result.args_kwargs.get("args", []), result.args_kwargs.get("kwargs", {})
    for waiting in DBTaskResult.objects.filter(
        status=TaskResultStatus.READY, task_path=result.task_path
    ):
        if waiting.args_kwargs == result.args_kwargs:
            return waiting
    task = import_string(result.task_path).using(
        priority=result.priority, queue_name=result.queue_name, backend=result.backend_name
    )
    queued = task.enqueue(*args, **kwargs)
    return DBTaskResult.objects.get(pk=queued.id)


class Command(BaseCommand):
    help = (
        "Mark background tasks left running by a dead worker as failed, and queue again "
        "those that are safe to run twice."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than",
            type=int,
            default=DEFAULT_OLDER_THAN,
            metavar="MINUTES",
            help=f"only tasks started more than MINUTES ago (default {DEFAULT_OLDER_THAN})",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="list what would be done; change nothing"
        )

    def handle(self, *args, older_than: int, dry_run: bool, **options):
        if older_than < 1:
            raise CommandError(
                "--older-than must be at least 1 minute: a task that has just started is "
                "still running."
            )
        stuck = stuck_tasks(
            older_than=dt.timedelta(minutes=older_than), live_workers=local_worker_ids()
        )
        if not stuck:
            self.stdout.write(f"No task has been left running for more than {older_than} min.")
            return
        recovered = requeued = 0
        for item in stuck:
            r = item.result
            about = (
                f"{r.pk} {r.task_path} started {r.started_at:%Y-%m-%d %H:%M} UTC, "
                f"running {item.minutes} min; {item.evidence()}"
            )
            if dry_run:
                then = "would be queued again" if item.safe_to_requeue else "not safe to re-run"
                self.stdout.write(f"{about}: would be marked failed; {then}.")
                continue
            done, new = stuck_task_recover(stuck=item)
            if not done:
                self.stdout.write(f"{about}: finished meanwhile; left alone.")
                continue
            recovered += 1
            if new is not None:
                requeued += 1
                self.stdout.write(f"{about}: marked failed; queued again as {new.pk}.")
            else:
                self.stdout.write(
                    f"{about}: marked failed; NOT queued again (not on the list of tasks "
                    "safe to run twice: run it again by hand if it should be)."
                )
        if dry_run:
            self.stdout.write(f"Dry run: {len(stuck)} stuck task(s); nothing changed.")
        else:
            self.stdout.write(f"{recovered} stuck task(s) marked failed, {requeued} queued again.")
