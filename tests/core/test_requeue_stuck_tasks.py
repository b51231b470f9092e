"""`kembali requeue_stuck_tasks`: a background task left "running" by a worker that
died is marked failed and, when it is safe to run twice, queued again."""

import datetime as dt
import io
import uuid

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from kembali.audit.models import AuditEvent
from kembali.cases.imports import GOOD_ROWS, import_referrals_task, referrals_import
from kembali.cases.models import Case
from kembali.cases.tasks import mark_overdue
from kembali.core.management.commands import requeue_stuck_tasks
from tests.cases.test_import import csv_text, row

RUNNING, READY, FAILED = (
    TaskResultStatus.RUNNING,
    TaskResultStatus.READY,
    TaskResultStatus.FAILED,
)


def stuck(task_result, *, minutes: int, worker: str = "worker-that-died") -> DBTaskResult:
    """What a worker killed mid-task leaves: the result RUNNING, started `minutes` ago."""
    DBTaskResult.objects.filter(pk=task_result.id).update(
        status=RUNNING,
        started_at=timezone.now() - dt.timedelta(minutes=minutes),
        worker_ids=[worker],
    )
    return DBTaskResult.objects.get(pk=task_result.id)


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("requeue_stuck_tasks", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def no_local_workers(monkeypatch):
    monkeypatch.setattr(requeue_stuck_tasks, "local_worker_ids", lambda: set())


def test_a_stuck_import_is_marked_failed_and_queued_again_with_the_same_arguments(
    chong, no_local_workers
):
    lost = stuck(
        import_referrals_task.enqueue("imports/a.csv", chong.pk, GOOD_ROWS, "KL01", "a.csv"),
        minutes=90,
    )
    out = run()
    lost.refresh_from_db()
    assert lost.status == FAILED
    assert "Lost: still marked running 90 minutes after it started" in lost.traceback
    assert "worker-that-died" in lost.traceback
    assert lost.exception_class_path.endswith("requeue_stuck_tasks.TaskLost")
    again = DBTaskResult.objects.get(status=READY)
    assert again.task_path == "kembali.cases.imports.import_referrals_task"
    assert again.args_kwargs == lost.args_kwargs
    assert f"queued again as {again.pk}" in out
    assert "1 stuck task(s) marked failed, 1 queued again." in out
    event = AuditEvent.objects.get(action="requeue")
    assert event.object_id == str(lost.pk)
    assert event.changes == {
        "status": ["RUNNING", "FAILED"],
        "requeued_as": [None, str(again.pk)],
    }
    # A second run finds nothing left to do.
    assert "No task has been left running" in run()
    assert DBTaskResult.objects.filter(status=READY).count() == 1


def test_a_young_running_task_and_one_whose_worker_runs_here_are_left_alone(chong, monkeypatch):
    young = stuck(import_referrals_task.enqueue("imports/a.csv", chong.pk, GOOD_ROWS), minutes=20)
    busy = stuck(
        import_referrals_task.enqueue("imports/b.csv", chong.pk, GOOD_ROWS),
        minutes=120,
        worker="alive-1",
    )
    monkeypatch.setattr(requeue_stuck_tasks, "local_worker_ids", lambda: {"alive-1"})
    assert "No task has been left running for more than 60 min." in run()
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {RUNNING}
    # A shorter limit takes the young one, whose worker is not here.
    out = run("--older-than", "10")
    young.refresh_from_db()
    busy.refresh_from_db()
    assert (young.status, busy.status) == (FAILED, RUNNING)
    assert "1 stuck task(s) marked failed, 1 queued again." in out


def test_a_task_not_known_to_be_safe_twice_is_marked_failed_but_not_queued_again(
    db,
    no_local_workers,
):
    lost = stuck(mark_overdue.enqueue("2026-03-02"), minutes=61)
    out = run()
    lost.refresh_from_db()
    assert lost.status == FAILED
    assert "not queued again: it is not known to be safe to run twice" in lost.traceback
    assert "NOT queued again" in out
    assert not DBTaskResult.objects.filter(status=READY).exists()


def test_the_report_says_when_the_worker_has_since_started_another_task(chong, no_local_workers):
    stuck(import_referrals_task.enqueue("imports/a.csv", chong.pk, GOOD_ROWS), minutes=100)
    later = stuck(import_referrals_task.enqueue("imports/b.csv", chong.pk, GOOD_ROWS), minutes=5)
    DBTaskResult.objects.filter(pk=later.pk).update(status=TaskResultStatus.SUCCESSFUL)
    out = run()
    assert "its worker worker-that-died has since started another task" in out


def test_a_dry_run_changes_nothing(chong, no_local_workers):
    lost = stuck(import_referrals_task.enqueue("imports/a.csv", chong.pk, GOOD_ROWS), minutes=90)
    out = run("--dry-run")
    assert "would be marked failed; would be queued again." in out
    assert "Dry run: 1 stuck task(s); nothing changed." in out
    lost.refresh_from_db()
    assert lost.status == RUNNING
    assert DBTaskResult.objects.count() == 1
    assert not AuditEvent.objects.filter(action="requeue").exists()


def test_a_task_already_queued_again_by_hand_is_not_queued_twice(chong, no_local_workers):
    args = ("imports/a.csv", chong.pk, GOOD_ROWS, "KL01", "a.csv")
    stuck(import_referrals_task.enqueue(*args), minutes=90)
    by_hand = import_referrals_task.enqueue(*args)
    run()
    waiting = DBTaskResult.objects.get(status=READY)
    assert waiting.pk == uuid.UUID(str(by_hand.id))


def test_a_limit_under_a_minute_is_refused():
    with pytest.raises(CommandError, match="at least 1 minute"):
        run("--older-than", "0")


def test_the_requeued_import_finishes_what_the_dead_worker_began(
    chong, kl_office, settings, tmp_path, monkeypatch, no_local_workers
):
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "imports").mkdir()
    text = csv_text([row(n) for n in range(6)])
    (tmp_path / "imports" / "big.csv").write_text(text)
    # The dead worker had committed the first three rows.
    referrals_import(actor=chong, source=csv_text([row(n) for n in range(3)]), office=kl_office)
    stuck(
        import_referrals_task.enqueue("imports/big.csv", chong.pk, GOOD_ROWS, "KL01", "big.csv"),
        minutes=75,
    )
    run()
    monkeypatch.setattr(
        "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
    )
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    done = DBTaskResult.objects.get(status=TaskResultStatus.SUCCESSFUL)
    assert (done.return_value["imported"], done.return_value["already_imported"]) == (3, 3)
    assert Case.objects.count() == 6


def test_local_worker_ids_reads_the_worker_id_of_db_worker_processes(tmp_path):
    for pid, args in {
        "101": ["python", "manage.py", "db_worker", "--worker-id", "w-1"],
        "102": ["kembali", "db_worker", "--worker-id=w-2", "--batch"],
        "103": ["python", "manage.py", "runserver", "--worker-id", "not-a-worker"],
        "104": ["python", "manage.py", "db_worker"],
    }.items():
        (tmp_path / pid).mkdir()
        (tmp_path / pid / "cmdline").write_bytes("\0".join(args).encode() + b"\0")
    (tmp_path / "self").mkdir()
    assert requeue_stuck_tasks.local_worker_ids(tmp_path) == {"w-1", "w-2"}
