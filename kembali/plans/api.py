"""The rehabilitation plan through the API: read the versions, design a version, add
interventions, submit, approve or return it, start the rehabilitation. The same
services as the plan pages (kembali.plans.services), the same permissions and audit.

``version`` in a body is always the CASE's version (as every lifecycle answer gives
it): approving a plan and starting the rehabilitation require it, so a supervisor
cannot approve what a case manager changed a moment ago; elsewhere it is optional.
A plan's own number is ``plan_version`` in the path."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from kembali.api.errors import ERROR_RESPONSES, NotFound
from kembali.cases.api.common import (
    LIFECYCLE_RESPONSES,
    NO_NUL,
    CaseStateOut,
    VersionIn,
    case_state,
    field_errors,
    fresh_state,
    load_case,
    refusals,
)
from kembali.cases.models import Case, RtwLevel
from kembali.cases.workflow import case_lock
from kembali.plans.models import (
    Intervention,
    InterventionKind,
    InterventionStatus,
    PlanStatus,
    RehabPlan,
)
from kembali.plans.selectors import plan_versions
from kembali.plans.services import (
    intervention_add,
    plan_approve,
    plan_create,
    plan_reject,
    plan_start,
    plan_submit,
    plan_update,
)
from kembali.providers.models import Provider

router = Router(tags=["plans"])


class InterventionOut(Schema):
    id: int
    kind: InterventionKind
    description: str
    provider_id: int | None
    planned_start: dt.date
    due_date: dt.date
    status: InterventionStatus
    cost: Decimal


class PlanOut(Schema):
    plan_version: int
    status: PlanStatus
    goal: RtwLevel
    goal_description: str
    designed_with_person: bool
    start_date: dt.date
    target_end_date: dt.date
    rejection_reason: str
    interventions: list[InterventionOut]


class PlansOut(Schema):
    case: CaseStateOut
    plans: list[PlanOut] = Field(description="Every version, newest first.")


class PlanStepOut(Schema):
    case: CaseStateOut
    plan: PlanOut


def _plan(plan: RehabPlan, interventions) -> dict:
    return {
        "plan_version": plan.version,
        "status": plan.status,
        "goal": plan.goal,
        "goal_description": plan.goal_description,
        "designed_with_person": plan.designed_with_person,
        "start_date": plan.start_date,
        "target_end_date": plan.target_end_date,
        "rejection_reason": plan.rejection_reason,
        "interventions": [
            {
                "id": i.pk,
                "kind": i.kind,
                "description": i.description,
                "provider_id": i.provider_id,
                "planned_start": i.planned_start,
                "due_date": i.due_date,
                "status": i.status,
                "cost": i.cost,
            }
            for i in interventions
        ],
    }


def _answer(case: Case, plan: RehabPlan) -> dict:
    plan = RehabPlan.objects.get(pk=plan.pk)
    return {"case": fresh_state(case), "plan": _plan(plan, plan.interventions.all())}


def _version_of(case: Case, plan_version: int) -> RehabPlan:
    plan = case.plans.filter(version=plan_version).first()
    if plan is None:
        raise NotFound(_("This case has no plan version %(v)s.") % {"v": plan_version})
    return plan


def _checked(case: Case, version: int | None) -> None:
    """409 when the client's case version is stale; call inside the transaction."""
    if version is not None:
        case_lock(case=case, expected_version=version)


class OptionalVersionIn(Schema):
    version: int | None = Field(
        None, ge=1, le=2_000_000_000, description="The case's version, to refuse a stale change."
    )


@router.get(
    "/cases/{number}/plans",
    response={200: PlansOut, **ERROR_RESPONSES},
    summary="The plan's versions",
)
def plans_get(request, number: str):
    _user, case = load_case(request, number)
    versions = plan_versions(case)
    by_plan: dict[int, list] = {p.pk: [] for p in versions}
    for item in Intervention.objects.filter(plan__case=case):
        by_plan[item.plan_id].append(item)
    return {
        "case": case_state(case),
        "plans": [_plan(plan, by_plan[plan.pk]) for plan in versions],
    }


class PlanIn(OptionalVersionIn):
    goal: RtwLevel | None = Field(
        None,
        description="The overall RTW goal, 1 (same job, same employer) to 7; "
        "left out for a new version, which copies the plan in force.",
    )
    start_date: dt.date | None = None
    target_end_date: dt.date | None = None
    goal_description: str = Field("", max_length=4000, pattern=NO_NUL)
    designed_with_person: bool = False


@router.post(
    "/cases/{number}/plans",
    response={201: PlanStepOut, **LIFECYCLE_RESPONSES},
    summary="Start a plan version",
)
def plan_post(request, number: str, body: PlanIn):
    """Version 1 of the plan, or the next version as a copy of the plan in force."""
    user, case = load_case(request, number)
    with refusals(), transaction.atomic():
        _checked(case, body.version)
        plan = plan_create(
            case=case,
            actor=user,
            goal=body.goal,
            start_date=body.start_date,
            target_end_date=body.target_end_date,
            goal_description=body.goal_description,
            designed_with_person=body.designed_with_person,
        )
    return 201, _answer(case, plan)


class PlanChangeIn(OptionalVersionIn):
    goal: RtwLevel | None = None
    start_date: dt.date | None = None
    target_end_date: dt.date | None = None
    goal_description: str | None = Field(None, max_length=4000, pattern=NO_NUL)
    designed_with_person: bool | None = None


@router.patch(
    "/cases/{number}/plans/{plan_version}",
    response={200: PlanStepOut, **LIFECYCLE_RESPONSES},
    summary="Change a draft plan",
)
def plan_patch(request, number: str, plan_version: int, body: PlanChangeIn):
    """Change the goal, the time frame or the person's part in a draft or returned
    version; the fields left out stay as they are."""
    user, case = load_case(request, number)
    plan = _version_of(case, plan_version)
    fields = {k: v for k, v in body.dict(exclude={"version"}).items() if v is not None}
    with refusals(), transaction.atomic():
        _checked(case, body.version)
        plan = plan_update(plan=plan, actor=user, **fields)
    return _answer(case, plan)


class InterventionIn(OptionalVersionIn):
    kind: InterventionKind
    planned_start: dt.date
    due_date: dt.date
    description: str = Field("", max_length=4000, pattern=NO_NUL)
    provider_id: int | None = Field(None, ge=1, le=2_000_000_000)
    cost: Decimal = Field(Decimal("0.00"), ge=0, max_digits=10, decimal_places=2)


@router.post(
    "/cases/{number}/plans/{plan_version}/interventions",
    response={201: PlanStepOut, **LIFECYCLE_RESPONSES},
    summary="Add an intervention",
)
def intervention_post(request, number: str, plan_version: int, body: InterventionIn):
    user, case = load_case(request, number)
    plan = _version_of(case, plan_version)
    provider = None
    if body.provider_id is not None:
        provider = Provider.objects.filter(pk=body.provider_id).first()
        if provider is None:
            raise field_errors({"provider_id": [_("No provider has this id.")]})
    with refusals(), transaction.atomic():
        _checked(case, body.version)
        intervention_add(
            plan=plan,
            actor=user,
            kind=body.kind,
            planned_start=body.planned_start,
            due_date=body.due_date,
            description=body.description,
            provider=provider,
            cost=body.cost,
        )
    return 201, _answer(case, plan)


@router.post(
    "/cases/{number}/plans/{plan_version}/submit",
    response={200: PlanStepOut, **LIFECYCLE_RESPONSES},
    summary="Submit a plan for approval",
)
def plan_submit_post(request, number: str, plan_version: int, body: OptionalVersionIn):
    """422 lists everything that stops the plan from going for approval."""
    user, case = load_case(request, number)
    plan = _version_of(case, plan_version)
    with refusals(), transaction.atomic():
        _checked(case, body.version)
        plan = plan_submit(plan=plan, actor=user)
    return _answer(case, plan)


class ApproveIn(VersionIn):
    reason: str = Field("", max_length=2000, pattern=NO_NUL)


@router.post(
    "/cases/{number}/plans/{plan_version}/approve",
    response={200: PlanStepOut, **LIFECYCLE_RESPONSES},
    summary="Approve a plan",
)
def plan_approve_post(request, number: str, plan_version: int, body: ApproveIn):
    """A supervisor of the case's office approves a submitted version; the first
    approval moves the case to "plan approved"."""
    user, case = load_case(request, number)
    plan = _version_of(case, plan_version)
    with refusals(), transaction.atomic():
        _checked(case, body.version)
        plan = plan_approve(plan=plan, actor=user, reason=body.reason)
    return _answer(case, plan)


class RejectIn(OptionalVersionIn):
    reason: str = Field(min_length=1, max_length=2000, pattern=NO_NUL)


@router.post(
    "/cases/{number}/plans/{plan_version}/reject",
    response={200: PlanStepOut, **LIFECYCLE_RESPONSES},
    summary="Return a plan for changes",
)
def plan_reject_post(request, number: str, plan_version: int, body: RejectIn):
    user, case = load_case(request, number)
    plan = _version_of(case, plan_version)
    with refusals(), transaction.atomic():
        _checked(case, body.version)
        plan = plan_reject(plan=plan, actor=user, reason=body.reason)
    return _answer(case, plan)


class StartOut(Schema):
    case: CaseStateOut


@router.post(
    "/cases/{number}/plans/{plan_version}/start",
    response={200: StartOut, **LIFECYCLE_RESPONSES},
    summary="Start the rehabilitation",
)
def plan_start_post(request, number: str, plan_version: int, body: VersionIn):
    """The case manager starts the rehabilitation of the approved plan."""
    user, case = load_case(request, number)
    _version_of(case, plan_version)
    with refusals():
        case = plan_start(case=case, actor=user, expected_version=body.version)
    return {"case": case_state(case)}
