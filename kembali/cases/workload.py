"""Case managers' workload: open cases weighted by how much work their stage takes,
and the least-loaded case manager of an office as the suggestion for a new case."""

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
class CaseManagerLoad:
    user: User
    load: int  # weighted
    open_cases: int


def case_manager_loads(*, office) -> list[CaseManagerLoad]:
    """The office's active case managers with their weighted load, least loaded first
    (ties by name). One query, whatever the number of case managers or cases."""
    weight = When_(
        *[When(managed_cases__status=s, then=Value(w)) for s, w in STAGE_WEIGHTS.items()],
        default=Value(0),
        output_field=IntegerField(),
    )
    open_filter = Q(managed_cases__status__in=list(STAGE_WEIGHTS))
    users = (
        User.objects.filter(office=office, role=Role.CASE_MANAGER, is_active=True)
        .annotate(
            load=Coalesce(Sum(weight), Value(0)),
            open_cases=Coalesce(
                Sum(Value(1), filter=open_filter, output_field=IntegerField()), Value(0)
            ),
        )
        .order_by("load", "first_name", "last_name", "username")
    )
    return [CaseManagerLoad(user=u, load=u.load, open_cases=u.open_cases) for u in users]


def case_manager_suggest(*, office) -> User | None:
    """The least-loaded active case manager of the office, or None if it has none."""
    loads = case_manager_loads(office=office)
    return loads[0].user if loads else None
