"""Staff workload: open cases weighted by how much work their stage takes, and the
least-loaded case manager (or job placement officer) of an office as the suggestion
for a new case."""

from dataclasses import dataclass

from django.db.models import Case as When_
from django.db.models import IntegerField, Q, Sum, Value, When
from django.db.models.functions import Coalesce

from kembali.accounts.models import Role, User
from kembali.cases.models import Status

# The one place the weights live. Planning and rehabilitation take the most of a case
# manager's time; a case waiting for a decision or a closure the least.
STAGE_WEIGHTS: dict[str, int] = {
    Status.REFERRED: 1,
    Status.ELIGIBLE: 1,
    Status.ASSIGNED: 2,
    Status.ASSESSED: 2,
    Status.CONSENTED: 3,
    Status.PLAN_APPROVED: 3,
    Status.IN_REHABILITATION: 3,
    Status.JOB_PLACEMENT: 2,
    Status.RETURNED_TO_WORK: 2,
    Status.FOLLOW_UP: 2,
    Status.CLOSURE_PENDING: 1,
}


@dataclass(frozen=True)
class StaffLoad:
    user: User
    load: int  # weighted
    open_cases: int


CaseManagerLoad = StaffLoad


def case_manager_loads(*, office) -> list[StaffLoad]:
    """The office's active case managers with their weighted load, least loaded first
    (ties by name). One query, whatever the number of case managers or cases."""
    return staff_loads(office=office, role=Role.CASE_MANAGER, cases="managed_cases")


def placement_officer_loads(*, office) -> list[StaffLoad]:
    """The office's active job placement officers, weighted by the cases they place."""
    return staff_loads(office=office, role=Role.PLACEMENT_OFFICER, cases="placement_cases")


def staff_loads(*, office, role: str, cases: str) -> list[StaffLoad]:
    """Active users of `role` in the office with the weighted load of the cases they
    hold through the reverse relation `cases`, least loaded first (ties by name)."""
    weight = When_(
        *[When(**{f"{cases}__status": s}, then=Value(w)) for s, w in STAGE_WEIGHTS.items()],
        default=Value(0),
        output_field=IntegerField(),
    )
    open_filter = Q(**{f"{cases}__status__in": list(STAGE_WEIGHTS)})
    users = (
        User.objects.filter(office=office, role=role, is_active=True)
        .annotate(
            load=Coalesce(Sum(weight), Value(0)),
            open_cases=Coalesce(
                Sum(Value(1), filter=open_filter, output_field=IntegerField()), Value(0)
            ),
        )
        .order_by("load", "first_name", "last_name", "username")
    )
    return [StaffLoad(user=u, load=u.load, open_cases=u.open_cases) for u in users]


def case_manager_suggest(*, office) -> User | None:
    """The least-loaded active case manager of the office, or None if it has none."""
    loads = case_manager_loads(office=office)
    return loads[0].user if loads else None
