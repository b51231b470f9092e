"""The supervisor's caseload view: per officer of an office, open cases by stage,
overdue tasks and the case left untouched the longest.

Who is an officer: the office's active case managers and job placement officers. A
case counts for each of the two people on it (its case manager and its placement
officer), once per person.

"Last activity" of a case is the latest of:
- ``Case.updated_at``: every stage change, assignment and edit of the case saves it
  (kembali.cases.workflow bumps it on each transition);
- the newest note written on the case (``CaseNote.created_at``);
- the newest contact made about it (``CaseContact.contacted_at``).
Notes and contacts do not save the case (they may be written side by side without a
lock), hence the two extra terms. Tasks are not activity: a task created and left
undone is exactly what the overdue column shows.

An overdue task: not done, due before today (the office's local date), assigned to
the officer, on an open case of the office.

Queries: two, whatever the number of officers and cases (one for the officers with
their overdue count and oldest untouched case as correlated subqueries, one for the
stage counts, grouped by case manager and placement officer with a conditional
COUNT per stage)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import (
    Count,
    DateTimeField,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from kembali.accounts.models import Office, Role, User
from kembali.cases.access import cases_visible_to
from kembali.cases.models import OPEN_STATUSES, CaseContact, CaseNote, CaseTask, Status

OFFICER_ROLES = (Role.CASE_MANAGER, Role.PLACEMENT_OFFICER)


def may_view_caseload(user) -> bool:
    """Supervisors (their own office) and national administrators (any office).
    Analysts are refused: the page names officers and links to cases."""
    if not (user and user.is_authenticated and user.is_active):
        return False
    if user.role == Role.NATIONAL_ADMIN:
        return True
    return user.role == Role.SUPERVISOR and user.office_id is not None


def caseload_offices(user) -> QuerySet[Office]:
    """The offices whose caseload this user may see, in the order of the chooser."""
    if not may_view_caseload(user):
        return Office.objects.none()
    if user.role == Role.NATIONAL_ADMIN:
        return Office.objects.order_by("name", "pk")
    return Office.objects.filter(pk=user.office_id)


@dataclass(frozen=True)
class OfficerLoad:
    user: User
    by_stage: list[tuple[str, int]]  # (status, open cases), in workflow order
    open_total: int
    overdue_tasks: int
    oldest_case_number: str | None
    oldest_activity: dt.datetime | None
    untouched_days: int | None


@dataclass(frozen=True)
class Caseload:
    office: Office
    today: dt.date
    stages: list[tuple[str, str]]  # (status, label) of the open stages, workflow order
    officers: list[OfficerLoad]
    office_by_stage: list[tuple[str, int]] = field(default_factory=list)  # every open case
    office_total: int = 0


def last_activity_expression():
    """A Case annotation: the time of the latest activity on the case (see above)."""
    latest_note = (
        CaseNote.objects.filter(case=OuterRef("pk"))
        .order_by("-created_at")
        .values("created_at")[:1]
    )
    latest_contact = (
        CaseContact.objects.filter(case=OuterRef("pk"))
        .order_by("-contacted_at")
        .values("contacted_at")[:1]
    )
    # Coalesce: SQLite's MAX(a, b) is NULL when any argument is NULL.
    return Greatest(
        F("updated_at"),
        Coalesce(Subquery(latest_note, output_field=DateTimeField()), F("updated_at")),
        Coalesce(Subquery(latest_contact, output_field=DateTimeField()), F("updated_at")),
        output_field=DateTimeField(),
    )


def office_caseload(*, viewer, office: Office, today: dt.date | None = None) -> Caseload:
    """The caseload of `office` as `viewer` may see it (cases_visible_to: never wider).
    The caller has checked may_view_caseload and that the office is one of
    caseload_offices(viewer)."""
    today = today or timezone.localdate()
    open_cases = cases_visible_to(viewer).filter(office=office, status__in=OPEN_STATUSES)

    officer_cases = open_cases.filter(
        Q(case_manager=OuterRef("pk")) | Q(placement_officer=OuterRef("pk"))
    )
    oldest = officer_cases.annotate(last_activity=last_activity_expression()).order_by(
        "last_activity", "pk"
    )
    overdue = (
        CaseTask.objects.filter(
            assigned_to=OuterRef("pk"),
            done_at__isnull=True,
            due_date__lt=today,
            case__office=office,
            case__status__in=OPEN_STATUSES,
        )
        .order_by()
        .values("assigned_to")
        .annotate(n=Count("pk"))
        .values("n")
    )
    users = (
        User.objects.filter(office=office, role__in=OFFICER_ROLES, is_active=True)
        .annotate(
            overdue_tasks=Coalesce(Subquery(overdue, output_field=IntegerField()), Value(0)),
            oldest_case_number=Subquery(oldest.values("number")[:1]),
            oldest_activity=Subquery(
                oldest.values("last_activity")[:1], output_field=DateTimeField()
            ),
        )
        .order_by("first_name", "last_name", "username")
    )

    stage_counts = (
        open_cases.order_by()
        .values("case_manager_id", "placement_officer_id")
        .annotate(
            **{f"n_{status}": Count("pk", filter=Q(status=status)) for status in OPEN_STATUSES}
        )
    )
    per_user: dict[int, dict[str, int]] = {}
    office_counts = dict.fromkeys(OPEN_STATUSES, 0)
    for row in stage_counts:
        holders = {row["case_manager_id"], row["placement_officer_id"]} - {None}
        for status in OPEN_STATUSES:
            n = row[f"n_{status}"]
            office_counts[status] += n
            for user_id in holders:
                counts = per_user.setdefault(user_id, dict.fromkeys(OPEN_STATUSES, 0))
                counts[status] += n

    officers = []
    for user in users:
        counts = per_user.get(user.pk, dict.fromkeys(OPEN_STATUSES, 0))
        activity = user.oldest_activity
        days = None
        if activity is not None:
            days = max(0, (today - timezone.localtime(activity).date()).days)
        officers.append(
            OfficerLoad(
                user=user,
                by_stage=[(status, counts[status]) for status in OPEN_STATUSES],
                open_total=sum(counts.values()),
                overdue_tasks=user.overdue_tasks,
                oldest_case_number=user.oldest_case_number,
                oldest_activity=activity,
                untouched_days=days,
            )
        )
    labels = dict(Status.choices)
    return Caseload(
        office=office,
        today=today,
        stages=[(status, labels[status]) for status in OPEN_STATUSES],
        officers=officers,
        office_by_stage=[(status, office_counts[status]) for status in OPEN_STATUSES],
        office_total=sum(office_counts.values()),
    )
