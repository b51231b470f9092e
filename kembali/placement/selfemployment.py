"""The self-employment track of JPESS: the business idea and plan, the support given
for it, income milestones, and the business started, which is the case's return to
work at level 7 (self-employed) through the lifecycle's outcome service.

Who: the case's job placement officer or case manager, a supervisor of its office, a
national administrator (the people who keep the case's record). Starting the
business is a return to work, so the workflow decides who may record it.

Each write is one transaction that locks the case, checks, writes and leaves one
audit record; the timeline reads the rows (kembali.placement.timeline_followup)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, DecimalField, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from kembali.audit.models import AuditEvent
from kembali.audit.services import audit_record, diff_fields
from kembali.cases.models import Case, RtwOutcome
from kembali.cases.services_monitoring import may_work_on
from kembali.cases.services_outcome import NewJob, outcome_record
from kembali.cases.workflow import (
    CaseConflict,
    TransitionForbidden,
    TransitionNotAllowed,
    WorkflowError,
    case_lock,
)
from kembali.placement.models_selfemployment import (
    IncomeMilestone,
    SelfEmploymentPlan,
    SelfEmploymentSupport,
    SupportKind,
)
from kembali.placement.services import _require_jpess
from kembali.reference.models import IscoGroup

JOB_TITLE_LENGTH = 150


class SelfEmploymentInvalid(WorkflowError):
    """Input the track refuses. `errors` maps field to messages."""

    code = "invalid"
    status_code = 422

    def __init__(self, errors: dict[str, list[str]]):
        self.errors = errors
        super().__init__("; ".join(m for msgs in errors.values() for m in msgs))


def may_work_self_employment(user, case: Case) -> bool:
    return may_work_on(user, case)


def _begin(case: Case, actor, expected_version: int | None = None) -> Case:
    locked = case_lock(case=case, expected_version=expected_version)
    if not may_work_self_employment(actor, locked):
        raise TransitionForbidden(_("You may not change the self-employment plan of this case."))
    _require_jpess(locked)
    return locked


def _invalid(field: str, message: str) -> SelfEmploymentInvalid:
    return SelfEmploymentInvalid({field: [message]})


def _money(value, field: str, *, required: bool) -> Decimal | None:
    if value is None or value == "":
        if required:
            raise _invalid(field, _("Enter an amount in RM."))
        return None
    amount = Decimal(str(value))
    if amount < 0:
        raise _invalid(field, _("The amount cannot be negative."))
    if amount >= Decimal("10000000"):
        raise _invalid(field, _("Enter an amount below RM 10,000,000."))
    return amount.quantize(Decimal("0.01"))


def _not_future(day: dt.date, field: str) -> None:
    if day > timezone.localdate():
        raise _invalid(field, _("The date cannot be in the future."))


def _stale(plan: SelfEmploymentPlan) -> CaseConflict:
    last = (
        AuditEvent.objects.filter(
            object_type=SelfEmploymentPlan._meta.label_lower, object_id=str(plan.pk)
        )
        .select_related("actor")
        .order_by("-at", "-id")
        .first()
    )
    who = last.actor.display_name if last and last.actor else _("someone else")
    when = date_format(timezone.localtime(plan.updated_at), "DATETIME_FORMAT")
    return CaseConflict(
        _(
            "The self-employment plan was changed by %(who)s at %(when)s since you opened "
            "it; reload and try again."
        )
        % {"who": who, "when": when}
    )


# ---------------------------------------------------------------------------
# The plan


PLAN_FIELDS = ("business_idea", "business_plan", "isco_unit", "expected_monthly_income")


@transaction.atomic
def self_employment_plan_save(
    *,
    case: Case,
    actor,
    business_idea: str,
    business_plan: str = "",
    isco_unit: IscoGroup | None = None,
    expected_monthly_income: Decimal | None = None,
    expected_version: int | None = None,
) -> SelfEmploymentPlan:
    """Write the plan (the first time, create it). `expected_version` is the plan's
    version the user saw; a plan changed since is refused (CaseConflict, 409)."""
    locked = _begin(case, actor)
    plan = SelfEmploymentPlan.objects.select_for_update().filter(case=locked).first()
    if plan is not None and expected_version is not None and expected_version != plan.version:
        raise _stale(plan)
    business_idea = (business_idea or "").strip()
    if not business_idea:
        raise _invalid("business_idea", _("Describe the business idea."))
    if isco_unit is not None and isco_unit.level != IscoGroup.Level.UNIT:
        raise _invalid("isco_unit", _("Choose an ISCO-08 unit group (4 digits)."))
    new = {
        "business_idea": business_idea,
        "business_plan": (business_plan or "").strip(),
        "isco_unit": isco_unit,
        "expected_monthly_income": _money(
            expected_monthly_income, "expected_monthly_income", required=False
        ),
    }
    now = timezone.now()
    if plan is None:
        plan = SelfEmploymentPlan.objects.create(
            case=locked, created_by=actor, created_at=now, updated_at=now, **new
        )
        changes = diff_fields({}, new)
        action = "self_employment_plan.create"
    else:
        changes = diff_fields({name: getattr(plan, name) for name in PLAN_FIELDS}, new)
        if not changes:
            return plan
        for name, value in new.items():
            setattr(plan, name, value)
        plan.updated_at = now
        plan.version += 1
        plan.save()
        action = "self_employment_plan.update"
    audit_record(actor=actor, action=action, obj=plan, office=locked.office, changes=changes)
    return plan


# ---------------------------------------------------------------------------
# Support and milestones


@transaction.atomic
def self_employment_support_add(
    *,
    plan: SelfEmploymentPlan,
    actor,
    kind: str,
    description: str,
    amount: Decimal,
    given_on: dt.date,
) -> SelfEmploymentSupport:
    """Record support given for the business: equipment, a grant, training,
    mentoring. The amount is in RM, 0 for support in kind without a price."""
    locked = _begin(plan.case, actor)
    if kind not in SupportKind.values:
        raise _invalid("kind", _("Choose the kind of support."))
    description = (description or "").strip()
    if not description:
        raise _invalid("description", _("Say what was given."))
    amount = _money(amount, "amount", required=True)
    _not_future(given_on, "given_on")
    support = SelfEmploymentSupport.objects.create(
        plan=plan,
        kind=kind,
        description=description[:200],
        amount=amount,
        given_on=given_on,
        recorded_by=actor,
        recorded_at=timezone.now(),
    )
    audit_record(
        actor=actor,
        action="self_employment_support.add",
        obj=support,
        office=locked.office,
        changes={
            "kind": [None, kind],
            "amount": [None, amount],
            "given_on": [None, given_on.isoformat()],
        },
    )
    return support


@transaction.atomic
def income_milestone_add(
    *,
    plan: SelfEmploymentPlan,
    actor,
    due_on: dt.date,
    target_monthly_income: Decimal,
    notes: str = "",
) -> IncomeMilestone:
    """A monthly income the business should reach by a date."""
    locked = _begin(plan.case, actor)
    target = _money(target_monthly_income, "target_monthly_income", required=True)
    milestone = IncomeMilestone.objects.create(
        plan=plan, due_on=due_on, target_monthly_income=target, notes=(notes or "").strip()
    )
    audit_record(
        actor=actor,
        action="income_milestone.add",
        obj=milestone,
        office=locked.office,
        changes={"due_on": [None, due_on.isoformat()], "target_monthly_income": [None, target]},
    )
    return milestone


@transaction.atomic
def income_milestone_report(
    *,
    milestone: IncomeMilestone,
    actor,
    actual_monthly_income: Decimal,
    reported_on: dt.date,
    notes: str | None = None,
) -> IncomeMilestone:
    """What the business made a month, as reported on a day. A second report
    corrects the first (both are in the audit trail)."""
    locked = _begin(milestone.plan.case, actor)
    row = IncomeMilestone.objects.select_for_update().get(pk=milestone.pk)
    actual = _money(actual_monthly_income, "actual_monthly_income", required=True)
    _not_future(reported_on, "reported_on")
    old = {
        "actual_monthly_income": row.actual_monthly_income,
        "reported_on": row.reported_on,
        "notes": row.notes,
    }
    new = {
        "actual_monthly_income": actual,
        "reported_on": reported_on,
        "notes": row.notes if notes is None else notes.strip(),
    }
    changes = diff_fields(old, new)
    if not changes:
        return row
    for name, value in new.items():
        setattr(row, name, value)
    row.save(update_fields=list(new))
    audit_record(
        actor=actor,
        action="income_milestone.report",
        obj=row,
        office=locked.office,
        changes=changes,
    )
    return row


# ---------------------------------------------------------------------------
# The business started


def business_job_title(idea: str) -> str:
    """The outcome's job title: the first line of the business idea."""
    first = next((line.strip() for line in idea.splitlines() if line.strip()), "")
    if len(first) > JOB_TITLE_LENGTH:
        first = first[: JOB_TITLE_LENGTH - 1].rstrip() + "…"
    return first


@transaction.atomic
def self_employment_start(
    *,
    plan: SelfEmploymentPlan,
    actor,
    started_on: dt.date,
    monthly_income: Decimal,
    hours_per_week: int,
    expected_version: int | None = None,
) -> RtwOutcome:
    """The business has started: record the return to work as self-employed (level 7)
    through the outcome service, and link it to the plan. The follow-ups are
    scheduled with the outcome. Raises what outcome_record raises."""
    locked = _begin(plan.case, actor)
    row = SelfEmploymentPlan.objects.select_for_update().get(pk=plan.pk)
    if expected_version is not None and expected_version != row.version:
        raise _stale(row)
    if row.started_on is not None:
        raise TransitionNotAllowed(
            _("The business was already recorded as started, on %(date)s.")
            % {"date": date_format(row.started_on)}
        )
    if row.isco_unit_id is None:
        raise _invalid(
            "isco_unit", _("Choose the business's occupation on the plan before it starts.")
        )
    monthly_income = _money(monthly_income, "monthly_income", required=True)
    outcome = outcome_record(
        case=locked,
        actor=actor,
        job=NewJob(
            return_date=started_on,
            isco_code=row.isco_unit_id,
            job_title=business_job_title(row.business_idea),
            monthly_wage=monthly_income,
            hours_per_week=hours_per_week,
            self_employed=True,
        ),
    )
    row.started_on = started_on
    row.outcome = outcome
    row.version += 1
    row.updated_at = timezone.now()
    row.save(update_fields=["started_on", "outcome", "version", "updated_at"])
    audit_record(
        actor=actor,
        action="self_employment.start",
        obj=row,
        office=locked.office,
        changes={"started_on": [None, started_on.isoformat()], "outcome": [None, outcome.pk]},
    )
    for field in ("status", "stage_changed_at", "version", "rtw_level", "rtw_date"):
        setattr(plan.case, field, getattr(locked, field))
    return outcome


# ---------------------------------------------------------------------------
# Reads


@dataclass
class PlanSummary:
    plan: SelfEmploymentPlan
    support_total: Decimal
    support_count: int


def plan_summary(case: Case) -> PlanSummary | None:
    """The plan with its support's total and count: 1 query."""
    plan = (
        SelfEmploymentPlan.objects.filter(case=case)
        .select_related("isco_unit")
        .annotate(
            total=Coalesce(
                Sum("supports__amount"),
                Value(Decimal("0")),
                output_field=DecimalField(max_digits=12, decimal_places=2),
            ),
            count=Count("supports"),
        )
        .first()
    )
    if plan is None:
        return None
    return PlanSummary(plan=plan, support_total=plan.total, support_count=plan.count)


def plan_with_details(case: Case) -> SelfEmploymentPlan | None:
    """The plan, its supports and milestones: 3 queries."""
    return (
        SelfEmploymentPlan.objects.filter(case=case)
        .select_related("isco_unit", "outcome", "created_by")
        .prefetch_related("supports__recorded_by", "milestones")
        .first()
    )


def support_total(plan: SelfEmploymentPlan) -> Decimal:
    return sum((s.amount for s in plan.supports.all()), Decimal("0.00"))
