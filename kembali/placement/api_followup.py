"""Follow-ups, the job lost and the self-employment track through the API: the same
services, permissions and audit as the pages (kembali.placement.followups and
kembali.placement.selfemployment).

Each endpoint: personal_data_user (403 for the analyst), access_case (404 when the
case is missing or not yours), then the service. A stale version or a step the
case's stage does not allow is 409; a step this user may not take is 403; refused
input is 422 with the field (kembali.cases.api.common.refusals)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from kembali.api.errors import ERROR_RESPONSES, NotFound
from kembali.audit.services import access_record
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
from kembali.cases.api.lifecycle import StepOut
from kembali.placement import followups
from kembali.placement import selfemployment as track
from kembali.placement.models import OUTCOME_RATINGS
from kembali.placement.models_followup import FollowUp
from kembali.placement.models_selfemployment import IncomeMilestone, SupportKind
from kembali.reference.models import IscoGroup

router = Router(tags=["JPESS follow-ups and self-employment"])

# A Literal, not the enum: ninja names an enum's schema after its class.
SupportKindIn = Literal[tuple(SupportKind.values)]
Rating = Field(ge=1, le=5, description="The person's own rating: 1 very poor ... 5 very good.")
Money = Field(ge=0, max_digits=9, decimal_places=2)


def text(max_length: int, **kwargs):
    return Field(max_length=max_length, pattern=NO_NUL, **kwargs)


# --- follow-ups


class FollowUpRatingsOut(Schema):
    skills: int
    career_goals: int
    independence: int
    self_esteem: int
    health: int


class FollowUpOut(Schema):
    id: int
    months: int = Field(description="Months after the return to work.")
    due_on: dt.date
    state: Literal["done", "overdue", "due", "not_yet"]
    done_on: dt.date | None
    still_employed: bool | None
    same_employer: bool | None
    hours_per_week: int | None
    monthly_wage: Decimal | None
    problems: str
    actions: str
    ratings: FollowUpRatingsOut | None = Field(description="The ratings at this follow-up.")
    overdue_task_id: int | None


class FollowUpsOut(Schema):
    follow_ups: list[FollowUpOut]
    case: CaseStateOut


def _follow_up_out(row: FollowUp, state: str) -> dict:
    measure = row.outcome_measure
    return {
        "id": row.pk,
        "months": row.months,
        "due_on": row.due_on,
        "state": state,
        "done_on": row.done_on,
        "still_employed": row.still_employed,
        "same_employer": row.same_employer,
        "hours_per_week": row.hours_per_week,
        "monthly_wage": row.monthly_wage,
        "problems": row.problems,
        "actions": row.actions,
        "ratings": {n: getattr(measure, n) for n in OUTCOME_RATINGS} if measure else None,
        "overdue_task_id": row.overdue_task_id,
    }


@router.get(
    "/cases/{number}/follow-ups",
    response={200: FollowUpsOut, **ERROR_RESPONSES},
    summary="The follow-ups of a case",
)
def follow_ups_get(request, number: str):
    """The follow-ups scheduled at the return to work (1, 3, 6 and 12 months unless
    configured otherwise), by due date, with what each is now."""
    user, case = load_case(request, number)
    rows = FollowUp.objects.filter(case=case).select_related("outcome_measure")
    states = {r.follow_up.pk: r.state for r in followups.follow_up_rows(case)}
    access_record(actor=user, what="follow_up.api", obj=case, request=request)
    return {
        "follow_ups": [_follow_up_out(row, states[row.pk]) for row in rows],
        "case": case_state(case),
    }


class FollowUpIn(Schema):
    done_on: dt.date
    still_employed: bool
    same_employer: bool | None = Field(None, description="Required when still in work.")
    hours_per_week: int | None = Field(None, ge=1, le=84, description="When still in work.")
    monthly_wage: Decimal | None = Field(None, ge=0, max_digits=9, decimal_places=2)
    problems: str = text(4000, default="", description="Required when no longer in work.")
    actions: str = text(4000, default="")
    skills: int = Rating
    career_goals: int = Rating
    independence: int = Rating
    self_esteem: int = Rating
    health: int = Rating
    job_lost_reason: str = text(
        2000,
        default="",
        description="When no longer in work: return the case to job placement for this reason.",
    )


class FollowUpRecordedOut(Schema):
    follow_up: FollowUpOut
    case: CaseStateOut


@router.post(
    "/cases/{number}/follow-ups/{follow_up_id}",
    response={200: FollowUpRecordedOut, **LIFECYCLE_RESPONSES},
    summary="Record a follow-up",
)
def follow_up_post(request, number: str, follow_up_id: int, body: FollowUpIn):
    """Record whether the person is still in work, with whom, hours, wage, problems,
    actions and their own ratings. The first one moves a case back at work on to
    follow-up; with `job_lost_reason` the case returns to job placement."""
    user, case = load_case(request, number)
    row = FollowUp.objects.filter(pk=follow_up_id, case=case).select_related("case").first()
    if row is None:
        raise NotFound(_("The case has no follow-up with this id."))
    data = body.dict()
    ratings = {name: data.pop(name) for name in OUTCOME_RATINGS}
    with refusals():
        row = followups.follow_up_record(follow_up=row, actor=user, ratings=ratings, **data)
    row = FollowUp.objects.select_related("outcome_measure").get(pk=row.pk)
    return {"follow_up": _follow_up_out(row, "done"), "case": fresh_state(case)}


class JobLostIn(VersionIn):
    reason: str = text(2000, min_length=1, description="What happened to the job.")


@router.post(
    "/cases/{number}/job-lost",
    response={200: StepOut, **LIFECYCLE_RESPONSES},
    summary="The person lost the job",
)
def job_lost_post(request, number: str, body: JobLostIn):
    """A case back at work returns to job placement with the reason; the follow-ups
    not yet recorded are removed."""
    user, case = load_case(request, number)
    with refusals():
        case = followups.follow_up_job_lost(
            case=case, actor=user, reason=body.reason, expected_version=body.version
        )
    return {"case": case_state(case)}


# --- self-employment


class SelfEmploymentSupportOut(Schema):
    id: int
    kind: str
    description: str
    amount: Decimal
    given_on: dt.date


class IncomeMilestoneOut(Schema):
    id: int
    due_on: dt.date
    target_monthly_income: Decimal
    actual_monthly_income: Decimal | None
    reported_on: dt.date | None
    reached: bool | None
    notes: str


class SelfEmploymentPlanOut(Schema):
    version: int = Field(description="Send it with the next change of the plan.")
    business_idea: str
    business_plan: str
    isco_code: str | None
    expected_monthly_income: Decimal | None
    started_on: dt.date | None
    outcome_level: int | None = Field(description="7 (self-employed) once the business started.")
    supports: list[SelfEmploymentSupportOut]
    support_total: Decimal
    milestones: list[IncomeMilestoneOut]
    case: CaseStateOut


def _plan_out(case) -> dict:
    plan = track.plan_with_details(case)
    if plan is None:
        raise NotFound(_("The case has no self-employment plan yet."))
    return {
        "version": plan.version,
        "business_idea": plan.business_idea,
        "business_plan": plan.business_plan,
        "isco_code": plan.isco_unit_id,
        "expected_monthly_income": plan.expected_monthly_income,
        "started_on": plan.started_on,
        "outcome_level": plan.outcome.level if plan.outcome else None,
        "supports": [_support_out(s) for s in plan.supports.all()],
        "support_total": track.support_total(plan),
        "milestones": [_milestone_out(m) for m in plan.milestones.all()],
        "case": fresh_state(case),
    }


def _support_out(support) -> dict:
    return {
        "id": support.pk,
        "kind": support.kind,
        "description": support.description,
        "amount": support.amount,
        "given_on": support.given_on,
    }


def _milestone_out(milestone) -> dict:
    return {
        "id": milestone.pk,
        "due_on": milestone.due_on,
        "target_monthly_income": milestone.target_monthly_income,
        "actual_monthly_income": milestone.actual_monthly_income,
        "reported_on": milestone.reported_on,
        "reached": milestone.reached,
        "notes": milestone.notes,
    }


@router.get(
    "/cases/{number}/self-employment",
    response={200: SelfEmploymentPlanOut, **ERROR_RESPONSES},
    summary="The self-employment plan of a case",
)
def self_employment_get(request, number: str):
    user, case = load_case(request, number)
    out = _plan_out(case)
    access_record(actor=user, what="self_employment.api", obj=case, request=request)
    return out


class SelfEmploymentPlanIn(Schema):
    version: int | None = Field(
        None, ge=1, le=2_000_000_000, description="The plan's version; omit to create it."
    )
    business_idea: str = text(4000, min_length=1)
    business_plan: str = text(20000, default="")
    isco_code: str | None = Field(None, pattern=r"^[0-9]{4}$", description="ISCO-08 unit group.")
    expected_monthly_income: Decimal | None = Field(None, ge=0, max_digits=9, decimal_places=2)


def _plan_or_404(case):
    plan = track.plan_with_details(case)
    if plan is None:
        raise NotFound(_("The case has no self-employment plan yet."))
    return plan


@router.put(
    "/cases/{number}/self-employment",
    response={200: SelfEmploymentPlanOut, **LIFECYCLE_RESPONSES},
    summary="Write the self-employment plan",
)
def self_employment_put(request, number: str, body: SelfEmploymentPlanIn):
    """Create the plan, or change it with the version you last read (409 if stale)."""
    user, case = load_case(request, number)
    unit = None
    if body.isco_code:
        unit = IscoGroup.objects.filter(code=body.isco_code, level=4).first()
        if unit is None:
            raise field_errors({"isco_code": [_("No ISCO-08 unit group has this code.")]})
    with refusals():
        track.self_employment_plan_save(
            case=case,
            actor=user,
            business_idea=body.business_idea,
            business_plan=body.business_plan,
            isco_unit=unit,
            expected_monthly_income=body.expected_monthly_income,
            expected_version=body.version,
        )
    return _plan_out(case)


class SelfEmploymentSupportIn(Schema):
    kind: SupportKindIn
    description: str = text(200, min_length=1)
    amount: Decimal = Money
    given_on: dt.date


class SelfEmploymentSupportCreatedOut(SelfEmploymentSupportOut):
    support_total: Decimal


@router.post(
    "/cases/{number}/self-employment/supports",
    response={201: SelfEmploymentSupportCreatedOut, **LIFECYCLE_RESPONSES},
    summary="Record support for the business",
)
def support_post(request, number: str, body: SelfEmploymentSupportIn):
    user, case = load_case(request, number)
    plan = _plan_or_404(case)
    with refusals():
        support = track.self_employment_support_add(plan=plan, actor=user, **body.dict())
    plan = _plan_or_404(case)
    return 201, {**_support_out(support), "support_total": track.support_total(plan)}


class IncomeMilestoneIn(Schema):
    due_on: dt.date
    target_monthly_income: Decimal = Money
    notes: str = text(2000, default="")


@router.post(
    "/cases/{number}/self-employment/milestones",
    response={201: IncomeMilestoneOut, **LIFECYCLE_RESPONSES},
    summary="Add an income milestone",
)
def milestone_post(request, number: str, body: IncomeMilestoneIn):
    user, case = load_case(request, number)
    plan = _plan_or_404(case)
    with refusals():
        milestone = track.income_milestone_add(plan=plan, actor=user, **body.dict())
    return 201, _milestone_out(milestone)


class IncomeMilestoneReportIn(Schema):
    actual_monthly_income: Decimal = Money
    reported_on: dt.date
    notes: str | None = Field(None, max_length=2000, pattern=NO_NUL)


@router.post(
    "/cases/{number}/self-employment/milestones/{milestone_id}/report",
    response={200: IncomeMilestoneOut, **LIFECYCLE_RESPONSES},
    summary="Report the business's income for a milestone",
)
def milestone_report_post(request, number: str, milestone_id: int, body: IncomeMilestoneReportIn):
    user, case = load_case(request, number)
    plan = _plan_or_404(case)
    milestone = IncomeMilestone.objects.filter(pk=milestone_id, plan=plan).first()
    if milestone is None:
        raise NotFound(_("The plan has no income milestone with this id."))
    with refusals():
        milestone = track.income_milestone_report(milestone=milestone, actor=user, **body.dict())
    return _milestone_out(milestone)


class SelfEmploymentStartIn(Schema):
    version: int = Field(ge=1, le=2_000_000_000, description="The plan's version.")
    started_on: dt.date
    monthly_income: Decimal = Money
    hours_per_week: int = Field(ge=1, le=84)


class SelfEmploymentStartedOut(Schema):
    outcome_id: int
    level: int = Field(description="7: self-employed.")
    case: CaseStateOut


@router.post(
    "/cases/{number}/self-employment/start",
    response={201: SelfEmploymentStartedOut, **LIFECYCLE_RESPONSES},
    summary="The business has started",
)
def start_post(request, number: str, body: SelfEmploymentStartIn):
    """Records the return to work as self-employed (level 7) and schedules the
    follow-ups."""
    user, case = load_case(request, number)
    plan = _plan_or_404(case)
    with refusals():
        outcome = track.self_employment_start(
            plan=plan,
            actor=user,
            started_on=body.started_on,
            monthly_income=body.monthly_income,
            hours_per_week=body.hours_per_week,
            expected_version=body.version,
        )
    return 201, {"outcome_id": outcome.pk, "level": outcome.level, "case": fresh_state(case)}
