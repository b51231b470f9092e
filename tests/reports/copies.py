"""The reports' copies (Case.plan_approved_on; Intervention.office, person_sex and
plan_in_force) read again from what they copy, the slow way: the rows whose copy
disagrees. Shared by the tests of everything that writes them."""

from django.utils import timezone

from kembali.cases.models import Case
from kembali.plans.models import Intervention, PlanStatus, RehabPlan


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
    return {"cases": cases, "interventions": interventions}


NONE_STALE = {"cases": [], "interventions": []}
