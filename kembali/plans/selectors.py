"""Reads of plans and provider referrals that cross relations, in a fixed number of
queries whatever the number of interventions or versions."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet
from django.http import Http404

from kembali.cases.models import Case
from kembali.plans.models import (
    OPEN_STATUSES,
    Intervention,
    InterventionStatus,
    PlanStatus,
    ProviderReferral,
    RehabPlan,
)
from kembali.providers.models import Provider


@dataclass
class PlanOverview:
    """What the plan page of a case shows."""

    versions: list[RehabPlan]  # newest first, without interventions
    in_force: RehabPlan | None  # the approved version
    open: RehabPlan | None  # the draft, submitted or returned version, if any

    @property
    def current(self) -> RehabPlan | None:
        """The version the page leads with: the one being worked on, else the one in force."""
        return self.open or self.in_force


def plan_versions(case: Case) -> list[RehabPlan]:
    return list(
        case.plans.select_related(
            "created_by", "submitted_by", "approved_by", "rejected_by"
        ).order_by("-version")
    )


def plan_overview(case: Case) -> PlanOverview:
    versions = plan_versions(case)
    in_force = next((p for p in versions if p.status == PlanStatus.APPROVED), None)
    open_plan = next((p for p in versions if p.status in OPEN_STATUSES), None)
    return PlanOverview(versions=versions, in_force=in_force, open=open_plan)


def plan_version(case: Case, version: int) -> RehabPlan:
    """One version of the case's plan with its people, or Http404."""
    try:
        return case.plans.select_related(
            "created_by", "submitted_by", "approved_by", "rejected_by"
        ).get(version=version)
    except RehabPlan.DoesNotExist:
        raise Http404("No such plan version.") from None


def plan_interventions(plan: RehabPlan) -> list[Intervention]:
    return list(plan.interventions.select_related("provider").order_by("planned_start", "id"))


def interventions_total(interventions: list[Intervention]) -> Decimal:
    """The planned cost: cancelled interventions cost nothing."""
    return sum(
        (i.cost for i in interventions if i.status != InterventionStatus.CANCELLED),
        Decimal("0.00"),
    )


def case_referrals(case: Case) -> list[ProviderReferral]:
    return list(
        case.provider_referrals.select_related("provider", "intervention", "created_by").order_by(
            "-referred_on", "-id"
        )
    )


def referrals_total(referrals: list[ProviderReferral]) -> Decimal:
    return sum((r.cost for r in referrals if r.cost is not None), Decimal("0.00"))


def case_intervention_choices(case: Case) -> QuerySet[Intervention]:
    """Interventions a provider referral may be for: those of the plan in force and
    of the version being worked on."""
    return (
        Intervention.objects.filter(
            plan__case=case,
            plan__status__in=[PlanStatus.APPROVED, *OPEN_STATUSES],
        )
        .select_related("plan")
        .order_by("-plan__version", "planned_start", "id")
    )


def active_providers() -> QuerySet[Provider]:
    return Provider.objects.active().select_related("state").order_by("name", "city")
