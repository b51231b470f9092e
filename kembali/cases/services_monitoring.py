"""Monitoring a case: notes, contacts with the people around it, and tasks with dates.

Notes, contacts and tasks never change the case's stage, so they do not lock the case
or bump its version: two people can write notes on one case at the same time."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import asdict, dataclass

from django.apps import apps
from django.db import router, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from kembali.accounts.models import Role, User
from kembali.audit.models import AuditEvent
from kembali.audit.services import audit_record
from kembali.cases.access import cases_visible_to
from kembali.cases.models import OPEN_STATUSES, Case, CaseContact, CaseNote, CaseTask, Status
from kembali.cases.selectors_prepared import PreparedQuery
from kembali.cases.workflow import TransitionForbidden, TransitionNotAllowed, WorkflowError
from kembali.notifications.models import Notification
from kembali.notifications.services import notification_send


class MonitoringError(WorkflowError):
    """A note, contact or task refused. `field` names the form field it is about."""

    code = "invalid"
    status_code = 400

    def __init__(self, detail: str, field: str | None = None):
        super().__init__(detail)
        self.field = field


def may_work_on(actor, case: Case) -> bool:
    """The people who keep a case's record: its case manager and job placement
    officer, a supervisor of its office, a national administrator."""
    if not (actor and actor.is_authenticated and actor.is_active):
        return False
    if actor.role == Role.NATIONAL_ADMIN:
        return True
    if actor.office_id != case.office_id:
        return False
    if actor.role == Role.SUPERVISOR:
        return True
    return actor.pk in (case.case_manager_id, case.placement_officer_id)


def _require_worker(actor, case: Case) -> None:
    if not may_work_on(actor, case):
        raise TransitionForbidden(_("You may not add to the record of this case."))


def task_assignees(case: Case):
    """Who a task on the case may be given to: the people on the case and the
    supervisors of its office (they all see the case, so the task can be done)."""
    on_case = [pk for pk in (case.case_manager_id, case.placement_officer_id) if pk]
    return User.objects.filter(
        Q(pk__in=on_case) | Q(role=Role.SUPERVISOR), office_id=case.office_id, is_active=True
    ).order_by("first_name", "last_name", "username")


@transaction.atomic
def note_create(*, case: Case, actor, text: str) -> CaseNote:
    _require_worker(actor, case)
    text = (text or "").strip()
    if not text:
        raise MonitoringError(_("Write the note."), field="text")
    note = CaseNote.objects.create(case=case, text=text, author=actor, created_at=timezone.now())
    audit_record(actor=actor, action="create", obj=note, office=case.office)
    return note


@transaction.atomic
def contact_create(
    *,
    case: Case,
    actor,
    party: str,
    method: str,
    contacted_at: dt.datetime,
    summary: str,
    party_name: str = "",
    follow_up_needed: bool = False,
    follow_up_by: dt.date | None = None,
) -> CaseContact:
    """Record a contact. With a follow-up date, a task for the follow-up is created
    for the case manager, so the follow-up cannot be forgotten."""
    _require_worker(actor, case)
    summary = (summary or "").strip()
    if party not in CaseContact.Party.values:
        raise MonitoringError(_("Choose who the contact was with."), field="party")
    if method not in CaseContact.Method.values:
        raise MonitoringError(_("Choose how the contact was made."), field="method")
    if not summary:
        raise MonitoringError(_("Summarise what was said."), field="summary")
    now = timezone.now()
    if contacted_at > now + dt.timedelta(minutes=5):
        raise MonitoringError(_("The contact cannot be in the future."), field="contacted_at")
    if follow_up_by is not None and not follow_up_needed:
        raise MonitoringError(
            _("Tick “follow-up needed” to give a follow-up date, or clear the date."),
            field="follow_up_by",
        )
    contact = CaseContact.objects.create(
        case=case,
        party=party,
        party_name=(party_name or "").strip(),
        method=method,
        contacted_at=contacted_at,
        summary=summary,
        follow_up_needed=follow_up_needed,
        recorded_by=actor,
        created_at=now,
    )
    audit_record(actor=actor, action="create", obj=contact, office=case.office)
    if follow_up_by is not None:
        who = contact.party_name or contact.get_party_display()
        task_create(
            case=case,
            actor=actor,
            title=_("Follow up the contact with %(who)s") % {"who": who},
            due_date=follow_up_by,
        )
    return contact


@transaction.atomic
def task_create(*, case: Case, actor, title: str, due_date: dt.date, assigned_to=None) -> CaseTask:
    """A task on an open case, for the case manager unless someone else is named."""
    _require_worker(actor, case)
    if case.status not in OPEN_STATUSES:
        raise TransitionNotAllowed(_("A closed case takes no new tasks."))
    title = (title or "").strip()
    if not title:
        raise MonitoringError(_("Say what needs doing."), field="title")
    if due_date < timezone.localdate():
        raise MonitoringError(_("The due date cannot be in the past."), field="due_date")
    if assigned_to is None:
        assigned_to = case.case_manager or actor
    if not task_assignees(case).filter(pk=assigned_to.pk).exists():
        raise MonitoringError(
            _("%(name)s does not work on cases in this case's office.")
            % {"name": assigned_to.display_name},
            field="assigned_to",
        )
    task = CaseTask.objects.create(
        case=case,
        title=title,
        due_date=due_date,
        assigned_to=assigned_to,
        created_by=actor,
        created_at=timezone.now(),
    )
    audit_record(
        actor=actor,
        action="create",
        obj=task,
        office=case.office,
        changes={"assigned_to": [None, assigned_to], "due_date": [None, due_date.isoformat()]},
    )
    return task


@transaction.atomic
def task_complete(*, task: CaseTask, actor) -> CaseTask:
    """Mark a task done. Done once: a second click (or a colleague's) is refused
    with who did it, rather than silently overwriting the first."""
    case = task.case
    if not (may_work_on(actor, case) or actor.pk == task.assigned_to_id):
        raise TransitionForbidden(_("You may not change the tasks of this case."))
    now = timezone.now()
    updated = CaseTask.objects.filter(pk=task.pk, done_at__isnull=True).update(
        done_at=now, done_by=actor
    )
    if not updated:
        task.refresh_from_db()
        who = task.done_by.display_name if task.done_by else _("someone")
        raise MonitoringError(_("%(who)s already marked this task done.") % {"who": who})
    task.done_at, task.done_by = now, actor
    audit_record(
        actor=actor,
        action="complete",
        obj=task,
        office=case.office,
        changes={"done_at": [None, now.isoformat()]},
    )
    return task


def case_tasks(case: Case) -> list[CaseTask]:
    """Every task of the case, read once per request: the timeline and the "due next"
    list on the case page share this one query."""
    cached = getattr(case, "_monitoring_tasks", None)
    if cached is None and (CaseTask, "case") in getattr(case, "_timeline_rows_absent", ()):
        cached = case._monitoring_tasks = []  # the timeline's probe found none
    if cached is None:
        alias = router.db_for_read(CaseTask, instance=case)
        read = _CASE_TASKS.get(alias)
        if read is None:
            read = _CASE_TASKS[alias] = PreparedQuery(
                CaseTask.objects.using(alias)
                .filter(case_id=_CASE_MARK)
                .select_related("assigned_to", "created_by", "done_by"),
                {_CASE_MARK: "case_id"},
                required=("case_id",),
            )
        cached = case._monitoring_tasks = read.instances(case_id=case.pk)
    return cached


# case_tasks' read, per database alias: its SQL built once (building it through the
# ORM cost more than running it), then run with each case's id.
_CASE_TASKS: dict[str, PreparedQuery] = {}
_CASE_MARK = -7_000_000_004  # stands for the case's id while the SQL is built


def open_tasks_of(case: Case) -> list[CaseTask]:
    return sorted((t for t in case_tasks(case) if t.is_open), key=lambda t: (t.due_date, t.pk))


def my_open_tasks(user):
    """The user's open tasks across the cases they may still see, overdue first
    (they sort first by due date), then the soonest due."""
    return (
        CaseTask.objects.filter(
            assigned_to=user,
            done_at__isnull=True,
            case__in=cases_visible_to(user).filter(status__in=OPEN_STATUSES),
        )
        .select_related("case__person")
        .order_by("due_date", "id")
    )


# ---------------------------------------------------------------------------
# Overdue detection, run every morning by kembali.cases.tasks.mark_overdue.
#
# Interventions and plans belong to kembali.plans, which sits above cases: cases may
# not import it, so the daily check reaches its models through the app registry and
# knows only the stored status values ("approved", "overdue", ...).

# Cases where work goes on: a case waiting for its closure is not chased.
ACTIVE_STATUSES = [s for s in OPEN_STATUSES if s != Status.CLOSURE_PENDING]
_UNFINISHED = ("planned", "in_progress")


@dataclass(frozen=True)
class OverdueReport:
    today: dt.date
    interventions_marked: int
    interventions_overdue: int
    plans_overdue: int
    tasks_overdue: int
    notifications_sent: int

    def as_dict(self) -> dict:
        data = asdict(self)
        data["today"] = self.today.isoformat()
        return data


@dataclass(frozen=True)
class _Late:
    """One overdue thing to tell people about."""

    key: str  # the dedupe key: the object and the date it was due
    case_id: int
    kind: str  # intervention, plan, task
    label: object  # what it is (lazy: translated per recipient)
    due: dt.date
    also_notify: int | None = None  # a task's assignee


@transaction.atomic
def overdue_mark(*, today: dt.date) -> OverdueReport:
    """Mark the interventions past their due date as overdue, find the plans past
    their time frame and the open tasks past due, and notify the case manager and
    the office's supervisors once about each (per object and due date). Safe to run
    twice: the second run marks and sends nothing new."""
    Intervention = apps.get_model("plans", "Intervention")
    RehabPlan = apps.get_model("plans", "RehabPlan")
    in_force = {"plan__status": "approved", "plan__case__status__in": ACTIVE_STATUSES}

    to_mark = list(
        Intervention.objects.filter(status__in=_UNFINISHED, due_date__lt=today, **in_force)
        .select_for_update(of=("self",))
        .values_list("pk", "status", "plan__case__office_id")
    )
    marked = Intervention.objects.filter(
        pk__in=[pk for pk, _s, _o in to_mark], status__in=_UNFINISHED
    ).update(status="overdue")
    AuditEvent.objects.bulk_create(
        AuditEvent(
            actor=None,
            office_id=office_id,
            action="mark_overdue",
            object_type=Intervention._meta.label_lower,
            object_id=str(pk),
            object_repr=f"intervention {pk}",
            changes={"status": [status, "overdue"]},
            reason=f"due before {today.isoformat()}",
        )
        for pk, status, office_id in to_mark
    )

    kinds = dict(Intervention._meta.get_field("kind").choices)
    late: list[_Late] = [
        _Late(
            key=f"overdue:intervention:{pk}:{due.isoformat()}",
            case_id=case_id,
            kind="intervention",
            label=kinds.get(kind, kind),
            due=due,
        )
        for pk, kind, due, case_id in Intervention.objects.filter(
            status="overdue", due_date__lt=today, **in_force
        ).values_list("pk", "kind", "due_date", "plan__case_id")
    ]
    plans = RehabPlan.objects.filter(
        status="approved", target_end_date__lt=today, case__status=Status.IN_REHABILITATION
    ).values_list("pk", "version", "target_end_date", "case_id")
    late += [
        _Late(
            key=f"overdue:plan:{pk}:{end.isoformat()}",
            case_id=case_id,
            kind="plan",
            label=version,
            due=end,
        )
        for pk, version, end, case_id in plans
    ]
    tasks = CaseTask.objects.filter(
        done_at__isnull=True, due_date__lt=today, case__status__in=ACTIVE_STATUSES
    ).values_list("pk", "title", "due_date", "case_id", "assigned_to_id")
    late += [
        _Late(
            key=f"overdue:task:{pk}:{due.isoformat()}",
            case_id=case_id,
            kind="task",
            label=title,
            due=due,
            also_notify=assignee,
        )
        for pk, title, due, case_id, assignee in tasks
    ]
    sent = _notify_late(late)
    return OverdueReport(
        today=today,
        interventions_marked=marked,
        interventions_overdue=sum(1 for item in late if item.kind == "intervention"),
        plans_overdue=sum(1 for item in late if item.kind == "plan"),
        tasks_overdue=sum(1 for item in late if item.kind == "task"),
        notifications_sent=sent,
    )


def _notify_late(late: list[_Late]) -> int:
    if not late:
        return 0
    cases = {
        row["pk"]: row
        for row in Case.objects.filter(pk__in={item.case_id for item in late}).values(
            "pk", "number", "office_id", "case_manager_id"
        )
    }
    offices = {row["office_id"] for row in cases.values()}
    wanted = {row["case_manager_id"] for row in cases.values()} | {
        item.also_notify for item in late
    }
    users = list(
        User.objects.filter(
            Q(pk__in=[pk for pk in wanted if pk]) | Q(role=Role.SUPERVISOR, office_id__in=offices),
            is_active=True,
        )
    )
    by_id = {user.pk: user for user in users}
    supervisors: dict[int, list] = {}
    for user in users:
        if user.role == Role.SUPERVISOR:
            supervisors.setdefault(user.office_id, []).append(user)
    already = set(
        Notification.objects.filter(dedupe_key__in={item.key for item in late}).values_list(
            "user_id", "dedupe_key"
        )
    )
    sent = 0
    for item in late:
        case = cases[item.case_id]
        for user in _recipients(item, case, by_id, supervisors):
            if (user.pk, item.key) in already:
                continue
            if _send(user, item, case) is not None:
                sent += 1
    return sent


def _recipients(item: _Late, case: dict, by_id: dict, supervisors: dict) -> Iterable:
    seen: set[int] = set()
    for pk in (case["case_manager_id"], item.also_notify):
        if pk in by_id and pk not in seen:
            seen.add(pk)
            yield by_id[pk]
    for user in supervisors.get(case["office_id"], []):
        if user.pk not in seen:
            seen.add(user.pk)
            yield user


def _send(user, item: _Late, case: dict):
    # Each person reads the notice in their own language.
    with translation.override(user.preferred_language or "en"):
        number, due = case["number"], date_format(item.due)
        if item.kind == "intervention":
            subject = _("Overdue intervention on case %(number)s") % {"number": number}
            body = _("%(what)s was due on %(date)s and is not completed.") % {
                "what": str(item.label),
                "date": due,
            }
        elif item.kind == "plan":
            subject = _("Rehabilitation plan past its time frame on case %(number)s") % {
                "number": number
            }
            body = _(
                "Plan version %(version)s was to end on %(date)s and the person is still in "
                "rehabilitation. Record the return to work, refer to job placement or "
                "revise the plan."
            ) % {"version": item.label, "date": due}
        else:
            subject = _("Overdue task on case %(number)s") % {"number": number}
            body = _("“%(title)s” was due on %(date)s.") % {"title": item.label, "date": due}
    return notification_send(
        user=user,
        subject=subject,
        body=body,
        url=reverse("cases:detail", args=[number]),
        dedupe_key=item.key,
    )
