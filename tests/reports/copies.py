"""The reports' copies (Case.plan_approved_on; Intervention.office, person_sex and
plan_in_force; the costs' sums, InterventionCostDay) read again from what they copy,
the slow way: the rows whose copy disagrees. Shared by the tests of everything that
writes them."""

from collections import defaultdict
from decimal import Decimal

from django.utils import timezone

from kembali.cases.models import Case
from kembali.plans.models import (
    Intervention,
    InterventionCostDay,
    InterventionStatus,
    PlanStatus,
    RehabPlan,
)


def stale_copies() -> dict[str, list[int]]:
    first_day = {
        case_id: timezone.localtime(approved).date()
        for case_id, approved in RehabPlan.objects.filter(
            version=1, approved_at__isnull=False
        ).values_list("case_id", "approved_at")
    }
    cases = [
        pk
        for pk, copy in Case.objects.values_list("pk", "plan_approved_on")
        if copy != first_day.get(pk)
    ]
    interventions = [
        pk
        for pk, office, sex, in_force, case_office, case_sex, plan_status in (
            Intervention.objects.values_list(
                "pk",
                "office_id",
                "person_sex",
                "plan_in_force",
                "plan__case__office_id",
                "plan__case__person_sex",
                "plan__status",
            )
        )
        if (office, sex, in_force) != (case_office, case_sex, plan_status == PlanStatus.APPROVED)
    ]
    # The costs counted, through the plans and cases, summed in sen per day, office
    # and sex; against the kept sums (a key summing to nothing may be kept or not).
    counted: dict[tuple, int] = defaultdict(int)
    for start, office, sex, cost in (
        Intervention.objects.filter(plan__status=PlanStatus.APPROVED)
        .exclude(status=InterventionStatus.CANCELLED)
        .values_list("planned_start", "plan__case__office_id", "plan__case__person_sex", "cost")
    ):
        counted[(start, office, sex or "")] += int(Decimal(cost) * 100)
    kept = {
        (day, office, sex): sen
        for day, office, sex, sen in InterventionCostDay.objects.values_list(
            "day", "office_id", "person_sex", "sen"
        )
    }
    cost_days = sorted(
        key for key in counted.keys() | kept.keys() if counted.get(key, 0) != kept.get(key, 0)
    )
    return {"cases": cases, "interventions": interventions, "cost_days": cost_days}


NONE_STALE = {"cases": [], "interventions": [], "cost_days": []}
