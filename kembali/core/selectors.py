"""The numbers on each role's home page. Every count comes from the database and
respects the same visibility rules as the case list (cases_visible_to)."""

from dataclasses import dataclass

from django.db.models import Count, Q

from kembali.cases.access import cases_visible_to
from kembali.cases.models import OPEN_STATUSES, Case, Status
from kembali.reference.models import State


@dataclass(frozen=True)
class StatusCount:
    status: str
    label: str
    count: int


@dataclass(frozen=True)
class StateRow:
    code: str
    name: str
    open: int
    closed: int
    total: int


@dataclass(frozen=True)
class StateStatusRow:
    code: str
    name: str
    counts: list[int]  # in the order of the table's status columns
    total: int


def _counts_by_status(cases, statuses) -> list[StatusCount]:
    found = dict(
        cases.filter(status__in=statuses)
        .order_by()
        .values_list("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    return [StatusCount(s, Status(s).label, found.get(s, 0)) for s in statuses]


def case_manager_overview(user) -> dict:
    """The open cases this user manages, by stage."""
    mine = cases_visible_to(user).filter(case_manager=user)
    by_status = _counts_by_status(mine, OPEN_STATUSES)
    return {"by_status": by_status, "open_total": sum(row.count for row in by_status)}


def placement_officer_overview(user) -> dict:
    """The open cases where this user is the job placement officer, by stage."""
    mine = cases_visible_to(user).filter(placement_officer=user)
    by_status = _counts_by_status(mine, OPEN_STATUSES)
    return {"by_status": by_status, "open_total": sum(row.count for row in by_status)}


def office_overview(user) -> dict:
    """A supervisor's office: open cases by status and the referrals nobody
    manages yet."""
    office_cases = cases_visible_to(user)
    by_status = _counts_by_status(office_cases, OPEN_STATUSES)
    unassigned = office_cases.filter(status__in=OPEN_STATUSES, case_manager__isnull=True).count()
    return {
        "by_status": by_status,
        "open_total": sum(row.count for row in by_status),
        "unassigned": unassigned,
    }


def national_overview() -> dict:
    """Every state, including those without cases, with open, closed and all cases.
    Only for the national administrator, who sees every case."""
    open_q = Q(offices__cases__status__in=OPEN_STATUSES)
    states = State.objects.annotate(
        open_n=Count("offices__cases", filter=open_q),
        total_n=Count("offices__cases"),
    ).order_by("code")
    rows = [
        StateRow(s.code, s.local_name, s.open_n, s.total_n - s.open_n, s.total_n) for s in states
    ]
    return {
        "states": rows,
        "open_total": sum(r.open for r in rows),
        "closed_total": sum(r.closed for r in rows),
        "total": sum(r.total for r in rows),
    }


def aggregate_overview() -> dict:
    """Counts of all cases by state and status: no names, no identity numbers, for
    roles that see aggregates only. Small cells are masked by the template."""
    statuses = list(Status.values)
    cells: dict[tuple[str, str], int] = {}
    for state_code, status, n in (
        Case.objects.order_by()
        .values_list("office__state_id", "status")
        .annotate(n=Count("id"))
        .values_list("office__state_id", "status", "n")
    ):
        cells[(state_code, status)] = n
    rows = []
    for state in State.objects.order_by("code"):
        counts = [cells.get((state.code, s), 0) for s in statuses]
        rows.append(StateStatusRow(state.code, state.local_name, counts, sum(counts)))
    column_totals = [sum(row.counts[i] for row in rows) for i in range(len(statuses))]
    return {
        "statuses": [Status(s).label for s in statuses],
        "rows": rows,
        "column_totals": column_totals,
        "total": sum(column_totals),
    }
