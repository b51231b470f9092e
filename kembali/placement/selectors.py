"""JPESS reads that cross relations: what the JPESS page and the support plan show.
Each function costs a fixed number of queries, whatever the case holds."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Prefetch

from kembali.accounts.models import Role, User
from kembali.cases.models import Assignment, Case
from kembali.people.models import Employment
from kembali.placement.models import (
    JpessReferral,
    OutcomeMeasure,
    PlacementAssessment,
    Skill,
    SupportActivity,
    SupportPlan,
)


def current_assessment(case: Case) -> PlacementAssessment | None:
    """The current assessment with what it shows: 3 queries (the row with its joins,
    its skills, its preferred occupations)."""
    return (
        PlacementAssessment.objects.filter(case=case, is_current=True)
        .select_related("assessed_by", "previous_employment__isco_unit", "outcome_measure")
        .prefetch_related(
            Prefetch("skills", queryset=Skill.objects.order_by("name")),
            "preferred_isco_units",
        )
        .first()
    )


def assessment_history(case: Case) -> list[PlacementAssessment]:
    return list(PlacementAssessment.objects.filter(case=case).select_related("assessed_by"))


def person_employments(case: Case) -> list[Employment]:
    return list(Employment.objects.filter(person_id=case.person_id).select_related("isco_unit"))


def support_plan_with_activities(case: Case) -> SupportPlan | None:
    """The plan and its activities with their owners: 2 queries."""
    return (
        SupportPlan.objects.filter(case=case)
        .prefetch_related(
            Prefetch(
                "activities",
                queryset=SupportActivity.objects.select_related("owner"),
                to_attr="activity_list",
            )
        )
        .first()
    )


def latest_referral(case: Case) -> JpessReferral | None:
    return JpessReferral.objects.filter(case=case).select_related("referred_by").first()


def baseline_measure(case: Case) -> OutcomeMeasure | None:
    return (
        OutcomeMeasure.objects.filter(case=case, kind=OutcomeMeasure.Kind.BASELINE)
        .order_by("-recorded_on", "-created_at", "-id")
        .first()
    )


def placement_officer_history(case: Case) -> list[Assignment]:
    return list(
        Assignment.objects.filter(case=case, role=Assignment.Role.PLACEMENT_OFFICER).select_related(
            "user", "assigned_by"
        )
    )


def activity_owner_choices(case: Case) -> list[User]:
    """Staff of the case's office who can lead an activity."""
    return list(
        User.objects.filter(
            office_id=case.office_id,
            is_active=True,
            role__in=[Role.PLACEMENT_OFFICER, Role.CASE_MANAGER, Role.SUPERVISOR],
        ).order_by("first_name", "last_name", "username")
    )


@dataclass
class JpessOverview:
    referral: JpessReferral | None
    assessment: PlacementAssessment | None
    plan: SupportPlan | None
    officers: list[Assignment] = field(default_factory=list)

    @property
    def activities(self) -> list[SupportActivity]:
        return self.plan.activity_list if self.plan is not None else []


def jpess_overview(case: Case) -> JpessOverview:
    """Everything the JPESS page shows: 8 queries however many activities, skills,
    assessments or officers the case has had."""
    return JpessOverview(
        referral=latest_referral(case),
        assessment=current_assessment(case),
        plan=support_plan_with_activities(case),
        officers=placement_officer_history(case),
    )
