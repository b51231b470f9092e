"""JPESS writes: referral, the job placement officer's assignment, the job placement
assessment with the baseline outcome measures, and the employment support plan.

Each service is one transaction that starts by locking the case (case_lock), checks
who may act, writes, and leaves one audit record."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kembali.accounts.models import Role
from kembali.audit.services import audit_record, diff_fields
from kembali.cases.models import OPEN_STATUSES, Assignment, Case, Status
from kembali.cases.workflow import (
    TransitionForbidden,
    TransitionNotAllowed,
    WorkflowError,
    case_lock,
    case_touch,
    edge_for,
    may_perform,
    transition_locked,
)
from kembali.cases.workload import placement_officer_loads
from kembali.employers.models import ACCESSIBILITY_FIELDS, DEMAND_FIELDS
from kembali.placement.models import (
    OUTCOME_RATINGS,
    ActivityStatus,
    Barrier,
    JpessReferral,
    OutcomeMeasure,
    PlacementAssessment,
    Skill,
    SupportActivity,
    SupportPlan,
)

# A case can be referred to JPESS once someone manages it and until it ends.
REFERRABLE_STATUSES = (
    Status.ASSIGNED,
    Status.ASSESSED,
    Status.CONSENTED,
    Status.PLAN_APPROVED,
    Status.IN_REHABILITATION,
)
MAX_PREFERRED_OCCUPATIONS = 3


class PlacementError(WorkflowError):
    code = "placement_error"


# ---------------------------------------------------------------------------
# Who may do what


def _active(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def is_oversight(user, case: Case) -> bool:
    if not _active(user):
        return False
    if user.role == Role.NATIONAL_ADMIN:
        return True
    return user.role == Role.SUPERVISOR and user.office_id == case.office_id


def may_refer(user, case: Case) -> bool:
    """The case's own case manager, or oversight."""
    if is_oversight(user, case):
        return True
    return _active(user) and user.role == Role.CASE_MANAGER and case.case_manager_id == user.pk


def may_assign_officer(user, case: Case) -> bool:
    return is_oversight(user, case)


def may_work_placement(user, case: Case) -> bool:
    """The case's job placement officer, or oversight: the assessment and the plan."""
    if is_oversight(user, case):
        return True
    return (
        _active(user)
        and user.role == Role.PLACEMENT_OFFICER
        and user.office_id == case.office_id
        and case.placement_officer_id == user.pk
    )


def _require_jpess(case: Case) -> None:
    if not case.in_jpess:
        raise PlacementError(_("The case has not been referred to JPESS."))
    if case.status not in OPEN_STATUSES:
        raise PlacementError(
            _("A case in “%(status)s” cannot be changed.") % {"status": case.get_status_display()}
        )


# ---------------------------------------------------------------------------
# Referral and assignment


@transaction.atomic
def jpess_refer(
    *, case: Case, actor, reason: str, expected_version: int | None = None
) -> JpessReferral:
    """Refer the case to JPESS because the person cannot go back to the previous
    employer. A case in rehabilitation moves on to job placement when the workflow
    lets this actor move it; otherwise it stays where it is, now in JPESS."""
    reason = (reason or "").strip()
    locked = case_lock(case=case, expected_version=expected_version)
    if not may_refer(actor, locked):
        raise TransitionForbidden(
            _("Only the case manager or a supervisor of the office may refer the case to JPESS.")
        )
    if not reason:
        raise PlacementError(_("Say why the person needs job placement."))
    if locked.status not in REFERRABLE_STATUSES:
        raise TransitionNotAllowed(
            _("A case in “%(status)s” cannot be referred to JPESS.")
            % {"status": locked.get_status_display()}
        )
    edge = edge_for(locked.status, Status.JOB_PLACEMENT)
    moves_on = edge is not None and may_perform(actor, locked, edge)
    if locked.in_jpess and not moves_on:
        raise PlacementError(_("The case is already in JPESS."))

    referral = jpess_referral_record(case=locked, actor=actor, reason=reason)
    if moves_on:
        transition_locked(case=locked, to=Status.JOB_PLACEMENT, actor=actor, reason=reason)
    else:
        case_touch(case=locked)
    _hand_back(case, locked)
    return referral


def jpess_referral_record(*, case: Case, actor, reason: str) -> JpessReferral:
    """The referral row, the case's in_jpess flag and their audit event, for a case
    the caller has locked (jpess_refer, and a job lost by someone not yet in JPESS)."""
    referral = JpessReferral.objects.create(
        case=case, reason=reason, referred_by=actor, referred_at=timezone.now()
    )
    was_in_jpess = case.in_jpess
    if not was_in_jpess:
        case.in_jpess = True
        case.save(update_fields=["in_jpess", "updated_at"])
    audit_record(
        actor=actor,
        action="case.jpess_refer",
        obj=case,
        office=case.office,
        reason=reason,
        changes={"in_jpess": [was_in_jpess, True]},
    )
    return referral


def placement_officer_suggest(*, office):
    """The least-loaded active job placement officer of the office, or None."""
    loads = placement_officer_loads(office=office)
    return loads[0].user if loads else None


@transaction.atomic
def placement_officer_assign(
    *, case: Case, officer, actor, reason: str = "", expected_version: int | None = None
) -> Case:
    """Assign (or reassign) the case's job placement officer, beside its case manager.
    The previous assignment is closed and kept as history."""
    reason = (reason or "").strip()
    locked = case_lock(case=case, expected_version=expected_version)
    if not may_assign_officer(actor, locked):
        raise TransitionForbidden(
            _("Only a supervisor of the case's office may assign its job placement officer.")
        )
    if not (
        officer.is_active
        and officer.role == Role.PLACEMENT_OFFICER
        and officer.office_id == locked.office_id
    ):
        raise PlacementError(
            _("%(name)s is not an active job placement officer of the case's office.")
            % {"name": officer.display_name}
        )
    _require_jpess(locked)
    if locked.placement_officer_id == officer.pk:
        raise PlacementError(
            _("%(name)s is already the job placement officer.") % {"name": officer.display_name}
        )
    now = timezone.now()
    previous = locked.placement_officer_id
    Assignment.objects.filter(
        case=locked, role=Assignment.Role.PLACEMENT_OFFICER, unassigned_at__isnull=True
    ).update(unassigned_at=now)
    Assignment.objects.create(
        case=locked,
        role=Assignment.Role.PLACEMENT_OFFICER,
        user=officer,
        assigned_by=actor,
        assigned_at=now,
        reason=reason,
    )
    locked.placement_officer = officer
    locked.save(update_fields=["placement_officer", "updated_at"])
    audit_record(
        actor=actor,
        action="case.placement_officer_assign",
        obj=locked,
        office=locked.office,
        reason=reason,
        changes={"placement_officer": [previous, officer.pk]},
    )
    case_touch(case=locked)
    _hand_back(case, locked)
    case.placement_officer = officer
    return locked


def _hand_back(case: Case, locked: Case) -> None:
    """Give the caller's object the new state, so it can keep using it."""
    for field in ("status", "stage_changed_at", "version", "in_jpess", "placement_officer_id"):
        setattr(case, field, getattr(locked, field))


# ---------------------------------------------------------------------------
# The job placement assessment


def _check_ratings(ratings: Mapping[str, int]) -> dict[str, int]:
    errors = {}
    clean = {}
    for name in OUTCOME_RATINGS:
        value = ratings.get(name)
        try:
            number = int(value)
        except (TypeError, ValueError):
            number = 0
        if not 1 <= number <= 5:
            errors[name] = _("Rate it from 1 to 5.")
        clean[name] = number
    if errors:
        raise ValidationError(errors)
    return clean


@transaction.atomic
def placement_assessment_record(
    *,
    case: Case,
    actor,
    assessed_on: dt.date,
    capacity: Mapping[str, int],
    max_lift_kg: int,
    shift_work: bool,
    needs: Mapping[str, bool],
    skills: Iterable[Skill],
    education_level: str,
    previous_employment=None,
    work_history_notes: str = "",
    preferred_isco_units: Iterable = (),
    max_travel_km: int,
    min_monthly_wage: Decimal,
    hours_per_week: int,
    accepts_remote: bool,
    home_latitude: float | None = None,
    home_longitude: float | None = None,
    barriers: Iterable[str] = (),
    barrier_notes: str = "",
    ratings: Mapping[str, int],
) -> PlacementAssessment:
    """Record a job placement assessment and the person's baseline outcome ratings.
    It becomes the case's current assessment; the one before stays as history.

    `capacity` maps each of employers.DEMAND_FIELDS to the person's level on the
    vacancy's scale; `needs` each of ACCESSIBILITY_FIELDS to whether it is needed.
    Raises ValidationError (by field) on a value off its scale."""
    locked = case_lock(case=case)
    if not may_work_placement(actor, locked):
        raise TransitionForbidden(
            _("Only the case's job placement officer or a supervisor may record the assessment.")
        )
    _require_jpess(locked)
    preferred = list(preferred_isco_units)
    if len(preferred) > MAX_PREFERRED_OCCUPATIONS:
        raise ValidationError(
            {
                "preferred_isco_units": _("Choose at most %(n)s occupations.")
                % {"n": MAX_PREFERRED_OCCUPATIONS}
            }
        )
    if any(unit.level != 4 for unit in preferred):
        raise ValidationError({"preferred_isco_units": _("Choose ISCO-08 unit groups.")})
    if previous_employment is not None and previous_employment.person_id != locked.person_id:
        raise ValidationError({"previous_employment": _("Choose one of the person's own jobs.")})
    unknown = set(barriers) - set(Barrier.values)
    if unknown:
        raise ValidationError({"barriers": _("Choose barriers from the list.")})
    clean_ratings = _check_ratings(ratings)
    estimated = home_latitude is None or home_longitude is None
    if estimated:
        state = locked.person.state
        home_latitude, home_longitude = state.latitude, state.longitude

    assessment = PlacementAssessment(
        case=locked,
        is_current=True,
        assessed_on=assessed_on,
        assessed_by=actor,
        max_lift_kg=max_lift_kg,
        shift_work=bool(shift_work),
        education_level=education_level,
        previous_employment=previous_employment,
        work_history_notes=(work_history_notes or "").strip(),
        max_travel_km=max_travel_km,
        min_monthly_wage=min_monthly_wage,
        hours_per_week=hours_per_week,
        accepts_remote=bool(accepts_remote),
        home_latitude=home_latitude,
        home_longitude=home_longitude,
        home_estimated=estimated,
        barriers=[code for code in Barrier.values if code in set(barriers)],
        barrier_notes=(barrier_notes or "").strip(),
    )
    for name in DEMAND_FIELDS:
        setattr(assessment, name, capacity.get(name))
    for name in ACCESSIBILITY_FIELDS:
        setattr(assessment, name, bool(needs.get(name, False)))
    # The model's validators are the one statement of every scale.
    assessment.full_clean(exclude=["case", "assessed_by", "previous_employment"])

    previous = (
        PlacementAssessment.objects.filter(case=locked, is_current=True)
        .values(*DEMAND_FIELDS, "max_lift_kg", "shift_work", *ACCESSIBILITY_FIELDS)
        .first()
    )
    PlacementAssessment.objects.filter(case=locked, is_current=True).update(is_current=False)
    assessment.save()
    assessment.skills.set(list(skills))
    assessment.preferred_isco_units.set(preferred)
    OutcomeMeasure.objects.create(
        case=locked,
        kind=OutcomeMeasure.Kind.BASELINE,
        assessment=assessment,
        recorded_on=assessed_on,
        recorded_by=actor,
        **clean_ratings,
    )
    new_values = {
        name: getattr(assessment, name)
        for name in (*DEMAND_FIELDS, "max_lift_kg", "shift_work", *ACCESSIBILITY_FIELDS)
    }
    audit_record(
        actor=actor,
        action="placement_assessment.record",
        obj=assessment,
        office=locked.office,
        changes=diff_fields(previous or {}, new_values),
    )
    case_touch(case=locked)
    _hand_back(case, locked)
    return assessment


# ---------------------------------------------------------------------------
# The individual employment support plan


@transaction.atomic
def support_plan_save(
    *, case: Case, actor, goals: str, target_date: dt.date | None = None
) -> SupportPlan:
    """Write the plan's goals (the first time, the plan itself)."""
    locked = case_lock(case=case)
    if not may_work_placement(actor, locked):
        raise TransitionForbidden(
            _("Only the case's job placement officer or a supervisor may change the plan.")
        )
    _require_jpess(locked)
    goals = (goals or "").strip()
    if not goals:
        raise ValidationError({"goals": _("Write at least one employment goal.")})
    now = timezone.now()
    plan = SupportPlan.objects.filter(case=locked).first()
    if plan is None:
        plan = SupportPlan.objects.create(
            case=locked,
            goals=goals,
            target_date=target_date,
            created_by=actor,
            created_at=now,
            updated_at=now,
        )
        changes = {"goals": [None, goals], "target_date": [None, target_date]}
        action = "support_plan.create"
    else:
        changes = diff_fields(
            {"goals": plan.goals, "target_date": plan.target_date},
            {"goals": goals, "target_date": target_date},
        )
        plan.goals, plan.target_date, plan.updated_at = goals, target_date, now
        plan.save(update_fields=["goals", "target_date", "updated_at"])
        action = "support_plan.update"
    audit_record(actor=actor, action=action, obj=plan, office=locked.office, changes=changes)
    return plan


def _check_owner(owner, case: Case) -> None:
    if owner is None:
        return
    if not (owner.is_active and owner.office_id == case.office_id):
        raise ValidationError({"owner": _("Choose someone of the case's office, or the person.")})


def _check_dates(status: str, planned_on: dt.date, done_on: dt.date | None) -> None:
    if status == ActivityStatus.DONE and done_on is None:
        raise ValidationError({"done_on": _("Give the date the activity was done.")})
    if done_on is not None and status != ActivityStatus.DONE:
        raise ValidationError({"status": _("An activity with a date done is done.")})


@transaction.atomic
def support_activity_add(
    *,
    plan: SupportPlan,
    actor,
    kind: str,
    planned_on: dt.date,
    owner=None,
    description: str = "",
    status: str = ActivityStatus.PLANNED,
    done_on: dt.date | None = None,
) -> SupportActivity:
    locked = case_lock(case=plan.case)
    if not may_work_placement(actor, locked):
        raise TransitionForbidden(
            _("Only the case's job placement officer or a supervisor may change the plan.")
        )
    _require_jpess(locked)
    _check_owner(owner, locked)
    _check_dates(status, planned_on, done_on)
    activity = SupportActivity(
        plan=plan,
        kind=kind,
        planned_on=planned_on,
        owner=owner,
        description=(description or "").strip(),
        status=status,
        done_on=done_on,
        created_at=timezone.now(),
        created_by=actor,
    )
    activity.full_clean(exclude=["plan", "owner", "created_by"])
    activity.save()
    audit_record(
        actor=actor,
        action="support_activity.add",
        obj=activity,
        office=locked.office,
        changes={"kind": [None, kind], "planned_on": [None, planned_on], "owner": [None, owner]},
    )
    return activity


ACTIVITY_FIELDS = ("kind", "description", "owner", "planned_on", "done_on", "status")


@transaction.atomic
def support_activity_update(*, activity: SupportActivity, actor, **fields) -> SupportActivity:
    locked = case_lock(case=activity.plan.case)
    if not may_work_placement(actor, locked):
        raise TransitionForbidden(
            _("Only the case's job placement officer or a supervisor may change the plan.")
        )
    _require_jpess(locked)
    unknown = set(fields) - set(ACTIVITY_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    old = {name: getattr(activity, name) for name in ACTIVITY_FIELDS}
    new = {**old, **fields}
    if "description" in fields:
        new["description"] = (new["description"] or "").strip()
    _check_owner(new["owner"], locked)
    _check_dates(new["status"], new["planned_on"], new["done_on"])
    for name, value in new.items():
        setattr(activity, name, value)
    activity.full_clean(exclude=["plan", "owner", "created_by"])
    changes = diff_fields(old, new)
    if not changes:
        return activity
    activity.save(update_fields=list(changes))
    audit_record(
        actor=actor,
        action="support_activity.update",
        obj=activity,
        office=locked.office,
        changes=changes,
    )
    return activity
