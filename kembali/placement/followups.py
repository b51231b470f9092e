"""Follow-ups after a return to work of a JPESS case: scheduling, recording, the daily
overdue check, and a job lost within the follow-up year.

Decisions written down here:
- Follow-ups are scheduled by a post_save receiver on cases.RtwOutcome, so every
  return to work of a JPESS case (a placement, a business started, the lifecycle's
  outcome page) gets them in the same transaction as the outcome.
- The due dates are calendar months after the return date, the day clamped to the
  month's end (31 January + 1 month = 28 or 29 February).
- A follow-up no longer needed (the job it checks on was lost, or a newer outcome
  replaced it) is deleted if it was never recorded, and its overdue task is closed;
  recorded ones stay as history. Each deletion is audited.
- The first recorded follow-up of a case back at work moves it on to "follow-up"
  when the workflow lets the recorder take that step (its case manager or job
  placement officer); a supervisor's record leaves the stage to them.
- The overdue task of a follow-up is created "by" the person it is given to (the
  job placement officer, else the case manager): there is no system user.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django_tasks import task

from kembali.accounts.models import User
from kembali.audit.services import audit_record, diff_fields
from kembali.cases.models import Case, CaseTask, RtwOutcome, Status
from kembali.cases.services_monitoring import may_work_on
from kembali.cases.services_outcome import follow_up_start
from kembali.cases.workflow import (
    TransitionForbidden,
    TransitionNotAllowed,
    WorkflowError,
    case_lock,
    edge_for,
    may_perform,
    transition_locked,
)
from kembali.notifications.services import notification_send
from kembali.placement import services
from kembali.placement.models import OUTCOME_RATINGS, OutcomeMeasure
from kembali.placement.models_followup import FollowUp
from kembali.placement.services import _check_ratings

# A person is followed up while back at work; the other stages need no follow-up.
FOLLOWED_STATUSES = (Status.RETURNED_TO_WORK, Status.FOLLOW_UP)
MAX_HOURS = 84


class FollowUpInvalid(WorkflowError):
    """The follow-up's data does not hold together. `errors` maps field to messages."""

    code = "invalid"
    status_code = 422

    def __init__(self, errors: dict[str, list[str]]):
        self.errors = errors
        super().__init__("; ".join(m for msgs in errors.values() for m in msgs))


def add_months(day: dt.date, months: int) -> dt.date:
    """`day` plus calendar months, the day clamped to the last of the month."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def follow_up_months() -> list[int]:
    return sorted({int(m) for m in settings.KEMBALI_FOLLOW_UP_MONTHS if int(m) > 0})


# ---------------------------------------------------------------------------
# Scheduling


def schedule_on_outcome(sender, instance: RtwOutcome, created: bool, raw: bool = False, **kw):
    """post_save of cases.RtwOutcome (connected in PlacementConfig.ready)."""
    if not created or raw:
        return
    if not instance.case.in_jpess:
        return
    follow_ups_schedule(outcome=instance, actor=instance.recorded_by)


def follow_ups_schedule(*, outcome: RtwOutcome, actor) -> list[FollowUp]:
    """One follow-up per configured month after the return date. Runs inside the
    outcome's transaction; the unrecorded follow-ups of earlier outcomes go."""
    case = outcome.case
    _cancel_pending(case, actor=actor, keep=outcome)
    rows = FollowUp.objects.bulk_create(
        FollowUp(
            case=case,
            outcome=outcome,
            months=months,
            due_on=add_months(outcome.return_date, months),
        )
        for months in follow_up_months()
    )
    audit_record(
        actor=actor,
        action="follow_up.schedule",
        obj=outcome,
        office=case.office,
        changes={"follow_ups": [None, [row.due_on.isoformat() for row in rows]]},
    )
    return rows


def _cancel_pending(case: Case, *, actor, keep: RtwOutcome | None = None) -> int:
    """Delete the unrecorded follow-ups of the case (but `keep`'s) and close their
    overdue tasks. Returns how many went."""
    pending = FollowUp.objects.filter(case=case, done_on__isnull=True)
    if keep is not None:
        pending = pending.exclude(outcome=keep)
    rows = list(pending.select_for_update())
    if not rows:
        return 0
    now = timezone.now()
    task_ids = [row.overdue_task_id for row in rows if row.overdue_task_id]
    CaseTask.objects.filter(pk__in=task_ids, done_at__isnull=True).update(
        done_at=now, done_by=actor
    )
    for row in rows:
        audit_record(
            actor=actor,
            action="follow_up.cancel",
            obj=row,
            office=case.office,
            changes={"due_on": [row.due_on.isoformat(), None]},
        )
    FollowUp.objects.filter(pk__in=[row.pk for row in rows]).delete()
    return len(rows)


# ---------------------------------------------------------------------------
# Recording


def may_record(user, case: Case) -> bool:
    """The case's job placement officer or case manager, a supervisor of its office,
    a national administrator."""
    return may_work_on(user, case)


def _check(row: FollowUp, data: dict) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    done_on = data["done_on"]
    if done_on > timezone.localdate():
        add("done_on", _("The follow-up cannot be dated in the future."))
    elif done_on < row.outcome.return_date:
        add(
            "done_on",
            _("The follow-up cannot be before the return to work (%(date)s).")
            % {"date": date_format(row.outcome.return_date)},
        )
    if data["still_employed"]:
        if data["same_employer"] is None:
            add("same_employer", _("Say whether the person works for the same employer."))
        hours = data["hours_per_week"]
        if hours is None or not 1 <= hours <= MAX_HOURS:
            add("hours_per_week", _("Enter the hours worked in a week, from 1 to 84."))
        wage = data["monthly_wage"]
        if wage is None or wage < 0:
            add("monthly_wage", _("Enter the monthly wage in RM, 0 or more."))
    elif not data["problems"]:
        add("problems", _("Say what happened to the job."))
    return errors


@transaction.atomic
def follow_up_record(
    *,
    follow_up: FollowUp,
    actor,
    done_on: dt.date,
    still_employed: bool,
    ratings: Mapping[str, int],
    same_employer: bool | None = None,
    hours_per_week: int | None = None,
    monthly_wage: Decimal | None = None,
    problems: str = "",
    actions: str = "",
    job_lost_reason: str = "",
) -> FollowUp:
    """Record a follow-up: is the person still in work, where, how many hours, for
    what wage, what problems and what was agreed, and their own ratings again.

    With `job_lost_reason` (only when no longer in work) the case goes back to job
    placement in the same transaction. Raises TransitionForbidden, TransitionNotAllowed
    (not back at work; already recorded) or FollowUpInvalid (per field)."""
    locked = case_lock(case=follow_up.case)
    if not may_record(actor, locked):
        raise TransitionForbidden(_("You may not record the follow-ups of this case."))
    row = FollowUp.objects.select_for_update().select_related("outcome").get(pk=follow_up.pk)
    if row.done_on is not None:
        who = row.recorded_by.display_name if row.recorded_by else _("someone")
        raise TransitionNotAllowed(
            _("%(who)s already recorded this follow-up, on %(date)s.")
            % {"who": who, "date": date_format(row.done_on)}
        )
    if locked.status not in FOLLOWED_STATUSES:
        raise TransitionNotAllowed(
            _(
                "Follow-ups are recorded while the person is back at work; this case is "
                "in “%(status)s”."
            )
            % {"status": locked.get_status_display()}
        )
    data = {
        "done_on": done_on,
        "still_employed": bool(still_employed),
        "same_employer": same_employer if still_employed else None,
        "hours_per_week": hours_per_week if still_employed else None,
        "monthly_wage": monthly_wage if still_employed else None,
        "problems": (problems or "").strip(),
        "actions": (actions or "").strip(),
    }
    errors = _check(row, data)
    job_lost_reason = (job_lost_reason or "").strip()
    if job_lost_reason and still_employed:
        errors.setdefault("job_lost_reason", []).append(
            _("Only a person no longer in work goes back to job placement.")
        )
    try:
        clean_ratings = _check_ratings(ratings)
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            errors.setdefault(f"rating_{name}", []).extend(messages)
        clean_ratings = {}
    if errors:
        raise FollowUpInvalid(errors)

    measure = OutcomeMeasure.objects.create(
        case=locked,
        kind=OutcomeMeasure.Kind.FOLLOW_UP,
        recorded_on=done_on,
        recorded_by=actor,
        **clean_ratings,
    )
    old = {name: getattr(row, name) for name in data}
    for name, value in data.items():
        setattr(row, name, value)
    row.outcome_measure = measure
    row.recorded_by = actor
    row.recorded_at = timezone.now()
    row.save()
    changes = diff_fields(old, data)
    changes.update({name: [None, clean_ratings[name]] for name in OUTCOME_RATINGS})
    audit_record(
        actor=actor,
        action="follow_up.record",
        obj=row,
        office=locked.office,
        changes=changes,
    )
    _close_overdue_task(row, actor, locked)

    if job_lost_reason:
        _job_lost_locked(locked, actor, job_lost_reason)
    elif locked.status == Status.RETURNED_TO_WORK:
        edge = edge_for(locked.status, Status.FOLLOW_UP)
        if edge is not None and may_perform(actor, locked, edge):
            follow_up_start(case=locked, actor=actor)
    _hand_back(follow_up.case, locked)
    return row


def _close_overdue_task(row: FollowUp, actor, case: Case) -> None:
    if row.overdue_task_id is None:
        return
    overdue = CaseTask.objects.select_for_update().get(pk=row.overdue_task_id)
    if overdue.done_at is not None:
        return
    overdue.done_at, overdue.done_by = timezone.now(), actor
    overdue.save(update_fields=["done_at", "done_by"])
    audit_record(
        actor=actor,
        action="complete",
        obj=overdue,
        office=case.office,
        changes={"done_at": [None, overdue.done_at.isoformat()]},
    )


def _hand_back(case: Case, locked: Case) -> None:
    for field in ("status", "stage_changed_at", "version", "in_jpess"):
        setattr(case, field, getattr(locked, field))


# ---------------------------------------------------------------------------
# The job lost


def may_report_job_lost(user, case: Case) -> bool:
    edge = edge_for(case.status, Status.JOB_PLACEMENT)
    return (
        case.status in FOLLOWED_STATUSES
        and edge is not None
        and edge.action == "job_lost"
        and may_perform(user, case, edge)
    )


@transaction.atomic
def follow_up_job_lost(
    *, case: Case, actor, reason: str, expected_version: int | None = None
) -> Case:
    """The person lost the job within the follow-up year: the case goes back to job
    placement with the reason (in its history), and the follow-ups not yet recorded
    go. A case not yet in JPESS is referred to it with the same reason."""
    locked = case_lock(case=case, expected_version=expected_version)
    _job_lost_locked(locked, actor, reason)
    _hand_back(case, locked)
    return locked


def _job_lost_locked(locked: Case, actor, reason: str) -> None:
    reason = (reason or "").strip()
    if locked.status not in FOLLOWED_STATUSES:
        raise TransitionNotAllowed(
            _("Only a person back at work can lose the job; this case is in “%(status)s”.")
            % {"status": locked.get_status_display()}
        )
    transition_locked(case=locked, to=Status.JOB_PLACEMENT, actor=actor, reason=reason)
    if not locked.in_jpess:
        services.jpess_referral_record(case=locked, actor=actor, reason=reason)
    _cancel_pending(locked, actor=actor)


# ---------------------------------------------------------------------------
# The daily overdue check


@dataclass(frozen=True)
class OverdueFollowUps:
    today: dt.date
    tasks_created: int
    notifications_sent: int

    def as_dict(self) -> dict:
        return {
            "today": self.today.isoformat(),
            "tasks_created": self.tasks_created,
            "notifications_sent": self.notifications_sent,
        }


@task()
def follow_ups_overdue(today_iso: str) -> dict:
    """The daily check of follow-ups (queued by kembali.cases.tasks.mark_overdue)."""
    return follow_ups_overdue_mark(today=dt.date.fromisoformat(today_iso)).as_dict()


@transaction.atomic
def follow_ups_overdue_mark(*, today: dt.date) -> OverdueFollowUps:
    """Give each follow-up past its due date, not recorded, on a case still back at
    work, a task "The N-month follow-up is overdue" for the job placement officer
    (else the case manager), and tell them. Safe to run twice: a follow-up with its
    task is skipped, and the rows are locked while the task is made."""
    rows = list(
        FollowUp.objects.select_for_update(of=("self",))
        .filter(
            done_on__isnull=True,
            due_on__lt=today,
            overdue_task__isnull=True,
            case__status__in=FOLLOWED_STATUSES,
        )
        .select_related("case")
        .order_by("due_on", "id")
    )
    wanted = {row.case.placement_officer_id or row.case.case_manager_id for row in rows}
    people = User.objects.in_bulk([pk for pk in wanted if pk])
    now = timezone.now()
    created = sent = 0
    for row in rows:
        case = row.case
        assignee = people.get(case.placement_officer_id) or people.get(case.case_manager_id)
        if assignee is None:
            continue
        with translation.override(assignee.preferred_language or "en"):
            title = _("The %(months)s-month follow-up is overdue") % {"months": row.months}
            subject = _("Overdue follow-up on case %(number)s") % {"number": case.number}
            body = _("The %(months)s-month follow-up was due on %(date)s and is not recorded.") % {
                "months": row.months,
                "date": date_format(row.due_on),
            }
        overdue = CaseTask.objects.create(
            case=case,
            title=title[:200],
            due_date=today,
            assigned_to=assignee,
            created_by=assignee,
            created_at=now,
        )
        row.overdue_task = overdue
        row.save(update_fields=["overdue_task"])
        audit_record(
            actor=None,
            action="create",
            obj=overdue,
            office=case.office,
            changes={
                "follow_up": [None, row.pk],
                "assigned_to": [None, assignee.pk],
                "due_date": [None, today.isoformat()],
            },
        )
        created += 1
        notice = notification_send(
            user=assignee,
            subject=subject,
            body=body,
            url=reverse("placement:followup_record", args=[case.number, row.pk]),
            dedupe_key=f"overdue:follow_up:{row.pk}:{row.due_on.isoformat()}",
        )
        sent += notice is not None
    return OverdueFollowUps(today=today, tasks_created=created, notifications_sent=sent)


# ---------------------------------------------------------------------------
# Reads for the pages


@dataclass
class FollowUpRow:
    follow_up: FollowUp
    state: str  # done, overdue, due, not_yet

    @property
    def is_overdue(self) -> bool:
        return self.state == "overdue"


def follow_up_rows(case: Case, today: dt.date | None = None) -> list[FollowUpRow]:
    """The case's follow-ups, oldest due first, with what each is now: 1 query."""
    today = today or timezone.localdate()
    rows = FollowUp.objects.filter(case=case).select_related("recorded_by", "outcome")
    found = []
    for row in rows:
        if row.done_on is not None:
            state = "done"
        elif row.due_on < today:
            state = "overdue"
        elif row.due_on <= add_months(today, 1):
            state = "due"
        else:
            state = "not_yet"
        found.append(FollowUpRow(row, state))
    return found


def followup_context(case: Case, user) -> dict:
    """What the JPESS page shows of follow-ups and self-employment: 2 queries (none
    for the follow-ups of a case never back at work)."""
    from kembali.placement.selfemployment import plan_summary

    rows = follow_up_rows(case) if case.rtw_date is not None else []
    return {
        "follow_up_rows": rows,
        "may_record_follow_up": may_record(user, case) and case.status in FOLLOWED_STATUSES,
        "may_report_job_lost": may_report_job_lost(user, case),
        "self_employment": plan_summary(case),
        "may_work_self_employment": may_work_on(user, case) and case.is_open,
    }


def followup_actions(case: Case, user) -> list:
    """The case page's steps for follow-ups and self-employment (no query)."""
    from kembali.cases.actions import NextAction

    found = []
    if not (case.is_open and case.in_jpess and may_record(user, case)):
        return found
    jpess = reverse("placement:case", args=[case.number])
    if case.status in FOLLOWED_STATUSES:
        found.append(NextAction(_("Record a follow-up"), f"{jpess}#follow-ups-title", False, False))
    if case.status in (Status.IN_REHABILITATION, Status.JOB_PLACEMENT):
        url = reverse("placement:self_employment", args=[case.number])
        found.append(NextAction(_("Self-employment plan"), url, False, True))
    return found
