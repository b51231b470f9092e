"""Writes to plans, interventions and provider referrals. Each service is one
transaction and leaves one audit record per object it changes.

Views and the API call these after access_case: the case is one the actor may see;
the services still check that the actor may do this particular thing to it."""

from __future__ import annotations

import datetime as dt
from contextlib import nullcontext
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from kembali.accounts.models import Role
from kembali.audit.services import audit_record, diff_fields
from kembali.cases.models import Case, Status
from kembali.cases.reasons import SystemReason
from kembali.cases.workflow import case_lock, transition_locked
from kembali.plans.cost_days import costs_kept
from kembali.plans.models import (
    EDITABLE_STATUSES,
    OPEN_STATUSES,
    Intervention,
    InterventionKind,
    InterventionStatus,
    PlanStatus,
    ProviderReferral,
    ReferralStatus,
    RehabPlan,
)

# Stages in which a plan may be designed or changed: from consent until the case
# moves towards its end.
PLANNING_STAGES = (
    Status.CONSENTED,
    Status.PLAN_APPROVED,
    Status.IN_REHABILITATION,
    Status.JOB_PLACEMENT,
    Status.RETURNED_TO_WORK,
    Status.FOLLOW_UP,
)
PLAN_FIELDS = ("goal", "goal_description", "designed_with_person", "start_date", "target_end_date")
INTERVENTION_FIELDS = ("kind", "description", "provider", "planned_start", "due_date", "cost")


class PlanError(Exception):
    """A refusal with a message for the user in `.detail`."""

    status_code = 400

    def __init__(self, detail: str):
        super().__init__(detail)
        self.detail = detail


class PlanForbidden(PlanError):
    status_code = 403


class PlanConflict(PlanError):
    status_code = 409


class PlanNotValid(PlanError):
    """The plan cannot be submitted; `.errors` lists every reason, not just the first."""

    def __init__(self, errors: list[str]):
        super().__init__(" ".join(errors))
        self.errors = errors


def may_edit_plan(user, case: Case) -> bool:
    """The case's own case manager, a supervisor of its office, a national admin."""
    if not (user and user.is_authenticated and user.is_active):
        return False
    if user.role == Role.NATIONAL_ADMIN:
        return True
    same_office = user.office_id is not None and user.office_id == case.office_id
    if user.role == Role.SUPERVISOR:
        return same_office
    return user.role == Role.CASE_MANAGER and same_office and case.case_manager_id == user.pk


def may_approve_plan(user, case: Case) -> bool:
    if not (user and user.is_authenticated and user.is_active):
        return False
    if user.role == Role.NATIONAL_ADMIN:
        return True
    return (
        user.role == Role.SUPERVISOR
        and user.office_id is not None
        and user.office_id == case.office_id
    )


def _require_editor(actor, case: Case) -> None:
    if not may_edit_plan(actor, case):
        raise PlanForbidden(_("You may not change the plan of this case."))


def _lock_plan(plan: RehabPlan) -> RehabPlan:
    return RehabPlan.objects.select_for_update().select_related("case").get(pk=plan.pk)


def _require_editable(plan: RehabPlan) -> None:
    if plan.status not in EDITABLE_STATUSES:
        raise PlanConflict(
            _(
                "Version %(version)s of the plan is %(status)s and can no longer be changed. "
                "To change an approved plan, start a new version."
            )
            % {"version": plan.version, "status": plan.get_status_display().lower()}
        )


def _day(value: dt.date) -> str:
    return date_format(value, "j F Y")


def _snapshot(obj, fields) -> dict[str, Any]:
    return {name: getattr(obj, name) for name in fields}


@transaction.atomic
def plan_create(
    *,
    case: Case,
    actor,
    goal: int | None = None,
    start_date=None,
    target_end_date=None,
    goal_description: str = "",
    designed_with_person: bool = False,
) -> RehabPlan:
    """Start version 1 of the case's plan, or the next version as a copy of the plan
    in force (its interventions copied too). Only one version is open at a time."""
    _require_editor(actor, case)
    case = case_lock(case=case)
    if case.status not in PLANNING_STAGES:
        raise PlanConflict(
            _("A plan can be made once the person has consented; this case is “%(status)s”.")
            % {"status": case.get_status_display()}
        )
    open_plan = case.plans.filter(status__in=OPEN_STATUSES).first()
    if open_plan is not None:
        raise PlanConflict(
            _("Version %(version)s of the plan is already being worked on; change that one.")
            % {"version": open_plan.version}
        )
    last_version = case.plans.aggregate(last=Max("version"))["last"] or 0
    in_force = case.plans.filter(status=PlanStatus.APPROVED).first()
    if in_force is None:
        if goal is None or start_date is None or target_end_date is None:
            raise PlanError(_("Give the goal, the start date and the target end date."))
        plan = RehabPlan.objects.create(
            case=case,
            version=last_version + 1,
            goal=goal,
            goal_description=goal_description,
            designed_with_person=designed_with_person,
            start_date=start_date,
            target_end_date=target_end_date,
            created_by=actor,
        )
    else:
        # designed_with_person is not copied: each version is to be agreed with the
        # person again before it goes for approval.
        plan = RehabPlan.objects.create(
            case=case,
            version=last_version + 1,
            goal=in_force.goal,
            goal_description=in_force.goal_description,
            designed_with_person=False,
            start_date=in_force.start_date,
            target_end_date=in_force.target_end_date,
            created_by=actor,
        )
        Intervention.objects.bulk_create(
            Intervention(
                plan=plan,
                kind=old.kind,
                description=old.description,
                provider_id=old.provider_id,
                planned_start=old.planned_start,
                due_date=old.due_date,
                status=old.status,
                cost=old.cost,
                copied_from=old,
                **_report_copies(case),
            )
            for old in in_force.interventions.all()
        )
    audit_record(
        actor=actor,
        action="plan.create",
        obj=plan,
        office=case.office,
        changes={
            "version": [None, plan.version],
            "status": [None, plan.status],
            **{f: [None, getattr(plan, f)] for f in PLAN_FIELDS},
        },
        reason=_("copy of version %(version)s") % {"version": in_force.version} if in_force else "",
    )
    return plan


@transaction.atomic
def plan_update(*, plan: RehabPlan, actor, **fields) -> RehabPlan:
    """Change the goal, the time frame or the person's part in a draft."""
    unknown = set(fields) - set(PLAN_FIELDS)
    if unknown:
        raise TypeError(f"plan_update() got unexpected fields {sorted(unknown)}")
    plan = _lock_plan(plan)
    _require_editor(actor, plan.case)
    _require_editable(plan)
    old = _snapshot(plan, fields)
    for name, value in fields.items():
        setattr(plan, name, value)
    changes = diff_fields(old, fields)
    if changes:
        plan.save(update_fields=list(fields))
        audit_record(
            actor=actor, action="plan.update", obj=plan, changes=changes, office=plan.case.office
        )
    return plan


def _report_copies(case: Case) -> dict[str, Any]:
    """The case's columns an intervention keeps for the reports (Intervention.office)."""
    return {"office_id": case.office_id, "person_sex": case.person_sex}


def _check_intervention_dates(planned_start: dt.date, due_date: dt.date) -> None:
    if due_date < planned_start:
        raise PlanError(_("The due date must be on or after the planned start."))


@transaction.atomic
def intervention_add(
    *,
    plan: RehabPlan,
    actor,
    kind: str,
    planned_start: dt.date,
    due_date: dt.date,
    description: str = "",
    provider=None,
    cost: Decimal = Decimal("0.00"),
) -> Intervention:
    plan = _lock_plan(plan)
    _require_editor(actor, plan.case)
    _require_editable(plan)
    _check_intervention_dates(planned_start, due_date)
    item = Intervention.objects.create(
        plan=plan,
        kind=kind,
        description=description,
        provider=provider,
        planned_start=planned_start,
        due_date=due_date,
        cost=cost,
        **_report_copies(plan.case),
    )
    audit_record(
        actor=actor,
        action="intervention.add",
        obj=item,
        office=plan.case.office,
        changes={f: [None, getattr(item, f)] for f in (*INTERVENTION_FIELDS, "status")},
        reason=str(plan),
    )
    return item


@transaction.atomic
def intervention_update(*, intervention: Intervention, actor, **fields) -> Intervention:
    """Change an intervention of a draft; on an approved plan only its status moves
    (planned, in progress, completed, cancelled) as the work is done."""
    allowed = {*INTERVENTION_FIELDS, "status"}
    unknown = set(fields) - allowed
    if unknown:
        raise TypeError(f"intervention_update() got unexpected fields {sorted(unknown)}")
    plan = _lock_plan(intervention.plan)
    _require_editor(actor, plan.case)
    item = Intervention.objects.select_for_update().get(pk=intervention.pk, plan=plan)
    if plan.status == PlanStatus.APPROVED:
        if set(fields) - {"status"}:
            raise PlanConflict(
                _(
                    "The plan is approved: only the status of an intervention can change. "
                    "To change anything else, start a new version of the plan."
                )
            )
    else:
        _require_editable(plan)
    _check_intervention_dates(
        fields.get("planned_start", item.planned_start), fields.get("due_date", item.due_date)
    )
    old = _snapshot(item, fields)
    for name, value in fields.items():
        setattr(item, name, value)
    changes = diff_fields(old, fields)
    if changes:
        # On the plan in force a cancellation (or its undoing) changes the reports'
        # sums of its costs; a draft's interventions are in no sum.
        kept = Intervention.objects.filter(pk=item.pk)
        with costs_kept(kept) if item.plan_in_force else nullcontext():
            item.save(update_fields=list(fields))
        audit_record(
            actor=actor,
            action="intervention.update",
            obj=item,
            changes=changes,
            office=plan.case.office,
            reason=str(plan),
        )
    return item


@transaction.atomic
def intervention_remove(*, intervention: Intervention, actor) -> None:
    plan = _lock_plan(intervention.plan)
    _require_editor(actor, plan.case)
    _require_editable(plan)
    item = Intervention.objects.get(pk=intervention.pk, plan=plan)
    audit_record(
        actor=actor,
        action="intervention.remove",
        obj=item,
        office=plan.case.office,
        changes={f: [getattr(item, f), None] for f in (*INTERVENTION_FIELDS, "status")},
        reason=str(plan),
    )
    item.delete()


def plan_problems(plan: RehabPlan) -> list[str]:
    """Everything that stops this version from going for approval (empty: it can)."""
    problems = []
    interventions = list(plan.interventions.all())
    if not plan.designed_with_person:
        problems.append(_("Confirm that the person took part in designing the plan."))
    if plan.target_end_date <= plan.start_date:
        problems.append(_("The target end date must be after the start date."))
    if not interventions:
        problems.append(_("Add at least one intervention."))
    for item in interventions:
        if item.due_date < item.planned_start:
            problems.append(
                _("%(kind)s: the due date is before the planned start.")
                % {"kind": item.get_kind_display()}
            )
        if item.planned_start < plan.start_date or item.due_date > plan.target_end_date:
            problems.append(
                _(
                    "%(kind)s (%(start)s to %(due)s) is outside the plan's time frame "
                    "(%(plan_start)s to %(plan_end)s)."
                )
                % {
                    "kind": item.get_kind_display(),
                    "start": _day(item.planned_start),
                    "due": _day(item.due_date),
                    "plan_start": _day(plan.start_date),
                    "plan_end": _day(plan.target_end_date),
                }
            )
    return problems


@transaction.atomic
def plan_submit(*, plan: RehabPlan, actor) -> RehabPlan:
    plan = _lock_plan(plan)
    _require_editor(actor, plan.case)
    _require_editable(plan)
    problems = plan_problems(plan)
    if problems:
        raise PlanNotValid(problems)
    old_status = plan.status
    plan.status = PlanStatus.SUBMITTED
    plan.submitted_by = actor
    plan.submitted_at = timezone.now()
    plan.save(update_fields=["status", "submitted_by", "submitted_at"])
    audit_record(
        actor=actor,
        action="plan.submit",
        obj=plan,
        office=plan.case.office,
        changes={"status": [old_status, plan.status], "submitted_by": [None, actor]},
    )
    return plan


def _require_approver(actor, plan: RehabPlan) -> None:
    if not may_approve_plan(actor, plan.case):
        raise PlanForbidden(
            _(
                "Only a supervisor of the case's office or a national administrator can "
                "approve or return a plan."
            )
        )
    if plan.status != PlanStatus.SUBMITTED:
        raise PlanConflict(
            _("Version %(version)s of the plan is not waiting for approval (it is %(status)s).")
            % {"version": plan.version, "status": plan.get_status_display().lower()}
        )


@transaction.atomic
def plan_approve(*, plan: RehabPlan, actor, reason: str = "") -> RehabPlan:
    """Approve a submitted version. It becomes the plan in force: the previous approved
    version is superseded; the first approval moves the case to "plan approved"; a job
    placement intervention enters the person into JPESS."""
    case = case_lock(case=plan.case)
    plan = _lock_plan(plan)
    _require_approver(actor, plan)
    if case.status not in PLANNING_STAGES:
        raise PlanConflict(
            _("This case is “%(status)s”: its plan can no longer be approved.")
            % {"status": case.get_status_display()}
        )
    now = timezone.now()
    # The plan in force changes: the reports' sums of its costs move with it.
    with costs_kept(Intervention.objects.filter(plan__case=case)):
        for previous in case.plans.select_for_update().filter(status=PlanStatus.APPROVED):
            previous.status = PlanStatus.SUPERSEDED
            previous.superseded_at = now
            previous.save(update_fields=["status", "superseded_at"])
            previous.interventions.update(plan_in_force=False)
            audit_record(
                actor=actor,
                action="plan.supersede",
                obj=previous,
                office=case.office,
                changes={"status": [PlanStatus.APPROVED, PlanStatus.SUPERSEDED]},
                reason=_("replaced by version %(version)s") % {"version": plan.version},
            )
        plan.status = PlanStatus.APPROVED
        plan.approved_by = actor
        plan.approved_at = now
        plan.save(update_fields=["status", "approved_by", "approved_at"])
        plan.interventions.update(plan_in_force=True)
    if plan.version == 1:
        # The reports' copy of the first approval's day (Case.plan_approved_on): not a
        # change of the case anyone edits, so its version stays.
        case.plan_approved_on = timezone.localdate(now)
        Case.objects.filter(pk=case.pk).update(plan_approved_on=case.plan_approved_on)
    audit_record(
        actor=actor,
        action="plan.approve",
        obj=plan,
        office=case.office,
        reason=reason,
        changes={"status": [PlanStatus.SUBMITTED, plan.status], "approved_by": [None, actor]},
    )

    if case.status == Status.CONSENTED:
        transition_locked(
            case=case,
            to=Status.PLAN_APPROVED,
            actor=actor,
            reason=SystemReason("plan_approved", {"version": plan.version}),
        )
    places = plan.interventions.filter(kind=InterventionKind.JOB_PLACEMENT).exclude(
        status=InterventionStatus.CANCELLED
    )
    if not case.in_jpess and places.exists():
        case.in_jpess = True
        case.version += 1
        case.save(update_fields=["in_jpess", "version", "updated_at"])
        audit_record(
            actor=actor,
            action="case.jpess_entry",
            obj=case,
            office=case.office,
            changes={"in_jpess": [False, True]},
            reason=_("Job placement in plan version %(version)s") % {"version": plan.version},
        )
    plan.case = case
    return plan


@transaction.atomic
def plan_reject(*, plan: RehabPlan, actor, reason: str) -> RehabPlan:
    """Return a submitted version to its author with the reason; it is edited and
    submitted again."""
    reason = (reason or "").strip()
    plan = _lock_plan(plan)
    _require_approver(actor, plan)
    if not reason:
        raise PlanError(_("Say why the plan is returned, so it can be put right."))
    plan.status = PlanStatus.REJECTED
    plan.rejected_by = actor
    plan.rejected_at = timezone.now()
    plan.rejection_reason = reason
    plan.save(update_fields=["status", "rejected_by", "rejected_at", "rejection_reason"])
    audit_record(
        actor=actor,
        action="plan.reject",
        obj=plan,
        office=plan.case.office,
        reason=reason,
        changes={"status": [PlanStatus.SUBMITTED, plan.status]},
    )
    return plan


@transaction.atomic
def plan_start(*, case: Case, actor, expected_version: int | None = None) -> Case:
    """Start the rehabilitation of an approved plan (the case manager's step)."""
    case = case_lock(case=case, expected_version=expected_version)
    if not case.plans.filter(status=PlanStatus.APPROVED).exists():
        raise PlanConflict(_("The rehabilitation can start once a plan is approved."))
    transition_locked(
        case=case,
        to=Status.IN_REHABILITATION,
        actor=actor,
        reason=SystemReason("rehabilitation_started"),
    )
    return case


REFERRAL_FIELDS = ("provider", "intervention", "referred_on", "cost")


@transaction.atomic
def provider_referral_create(
    *,
    case: Case,
    actor,
    provider,
    referred_on: dt.date,
    intervention: Intervention | None = None,
    cost: Decimal | None = None,
) -> ProviderReferral:
    _require_editor(actor, case)
    if not provider.is_active:
        raise PlanError(_("%(provider)s no longer takes referrals.") % {"provider": provider})
    if intervention is not None and intervention.plan.case_id != case.pk:
        raise PlanError(_("That intervention belongs to another case."))
    referral = ProviderReferral.objects.create(
        case=case,
        provider=provider,
        intervention=intervention,
        referred_on=referred_on,
        cost=cost,
        created_by=actor,
    )
    audit_record(
        actor=actor,
        action="provider_referral.create",
        obj=referral,
        office=case.office,
        changes={f: [None, getattr(referral, f)] for f in (*REFERRAL_FIELDS, "status")},
    )
    return referral


@transaction.atomic
def provider_referral_record_report(
    *,
    referral: ProviderReferral,
    actor,
    accepted_on: dt.date | None = None,
    report_received_on: dt.date | None = None,
    report_summary: str = "",
    cost: Decimal | None = None,
    cancelled: bool = False,
) -> ProviderReferral:
    """Record what came back from the provider: acceptance, the report and its date,
    the final cost; or that the referral was cancelled."""
    referral = (
        ProviderReferral.objects.select_for_update().select_related("case").get(pk=referral.pk)
    )
    _require_editor(actor, referral.case)
    if report_received_on and report_received_on < referral.referred_on:
        raise PlanError(_("The report cannot arrive before the referral was made."))
    if accepted_on and accepted_on < referral.referred_on:
        raise PlanError(_("The provider cannot accept before the referral was made."))
    if report_received_on and not report_summary.strip():
        raise PlanError(_("Summarise the provider's report."))
    if cancelled:
        status = ReferralStatus.CANCELLED
    elif report_received_on:
        status = ReferralStatus.REPORT_RECEIVED
    elif accepted_on:
        status = ReferralStatus.ACCEPTED
    else:
        status = ReferralStatus.REFERRED
    new = {
        "accepted_on": accepted_on,
        "report_received_on": report_received_on,
        "report_summary": report_summary.strip(),
        "cost": cost,
        "status": status,
    }
    old = _snapshot(referral, new)
    changes = diff_fields(old, new)
    if changes:
        for name, value in new.items():
            setattr(referral, name, value)
        referral.save(update_fields=list(new))
        audit_record(
            actor=actor,
            action="provider_referral.report",
            obj=referral,
            office=referral.case.office,
            changes=changes,
        )
    return referral
