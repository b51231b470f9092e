"""Recording the initial assessment, and later reassessments.

The first assessment of an assigned case moves it to assessed; a reassessment while
the case is further along is kept beside the earlier ones (the newest is shown) and
does not move the case. The workflow decides who may take the first step: only the
case's own case manager. A supervisor of the office may record a reassessment."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from kembali.accounts.models import Role
from kembali.audit.services import audit_record
from kembali.cases.assessment import AREA_KEYS
from kembali.cases.models import Assessment, Case, IssueRating, Status
from kembali.cases.workflow import (
    TransitionForbidden,
    TransitionNotAllowed,
    WorkflowError,
    case_lock,
    case_touch,
    transition_locked,
)

# Stages in which a reassessment may be recorded: from the first assessment until
# the case's work stops (closure pending or closed).
REASSESSABLE = (
    Status.ASSESSED,
    Status.CONSENTED,
    Status.PLAN_APPROVED,
    Status.IN_REHABILITATION,
    Status.JOB_PLACEMENT,
    Status.RETURNED_TO_WORK,
    Status.FOLLOW_UP,
)


class StepInvalid(WorkflowError):
    """Input a service refused. `errors` maps a field name ("" for the whole form) to
    messages; `detail` joins them for the API."""

    code = "invalid"
    status_code = 422

    def __init__(self, errors: dict[str, list[str]]):
        self.errors = errors
        super().__init__("; ".join(m for messages in errors.values() for m in messages))


def _active(actor) -> bool:
    return bool(actor and actor.is_authenticated and actor.is_active)


def is_case_manager_of(actor, case: Case) -> bool:
    return _active(actor) and case.case_manager_id is not None and case.case_manager_id == actor.pk


def is_supervisor_of(actor, case: Case) -> bool:
    return _active(actor) and actor.role == Role.SUPERVISOR and actor.office_id == case.office_id


def may_record_assessment(actor, case: Case) -> bool:
    """Whether the user may record an assessment of the case in its present stage."""
    if case.status == Status.ASSIGNED:
        return is_case_manager_of(actor, case)
    if case.status in REASSESSABLE:
        return is_case_manager_of(actor, case) or is_supervisor_of(actor, case)
    return False


def date_problem(*, case: Case, on: dt.date | None, today: dt.date | None = None) -> str:
    """What is wrong with the date of a step, as a code: "missing", "future",
    "before_referral"; "" when the date is fine. Each step words its own message."""
    today = today or timezone.localdate()
    if on is None:
        return "missing"
    if on > today:
        return "future"
    if on < case.referral_date:
        return "before_referral"
    return ""


def _date_message(problem: str, case: Case) -> str:
    if problem == "missing":
        return _("Enter the date of the assessment.")
    if problem == "future":
        return _("The date of the assessment cannot be in the future.")
    return _("The assessment cannot date from before the referral, dated %(date)s.") % {
        "date": date_format(case.referral_date)
    }


@transaction.atomic
def assessment_record(
    *,
    case: Case,
    actor,
    assessed_on: dt.date,
    person_goal: str,
    medical_rating: int,
    functional_rating: int,
    psychosocial_rating: int,
    workplace_rating: int,
    vocational_rating: int,
    medical_notes: str = "",
    functional_notes: str = "",
    psychosocial_notes: str = "",
    workplace_notes: str = "",
    vocational_notes: str = "",
    expected_version: int | None = None,
) -> Assessment:
    """Record an assessment of the key issues. The first one moves an assigned case
    to assessed. Raises CaseConflict, TransitionForbidden, TransitionNotAllowed or
    StepInvalid (per field); nothing is written then."""
    locked = case_lock(case=case, expected_version=expected_version)
    initial = locked.status == Status.ASSIGNED
    if not initial and locked.status not in REASSESSABLE:
        raise TransitionNotAllowed(
            _(
                "An assessment can be recorded once a case manager is assigned and until "
                "the case ends; this case is “%(status)s”."
            )
            % {"status": locked.get_status_display()}
        )
    if not may_record_assessment(actor, locked):
        if initial and is_supervisor_of(actor, locked):
            raise TransitionForbidden(
                _(
                    "The case manager records the initial assessment; a supervisor may "
                    "record a later reassessment."
                )
            )
        raise TransitionForbidden(
            _(
                "Only the case's case manager or a supervisor of its office may record "
                "an assessment."
            )
        )

    ratings = {
        "medical": medical_rating,
        "functional": functional_rating,
        "psychosocial": psychosocial_rating,
        "workplace": workplace_rating,
        "vocational": vocational_rating,
    }
    notes = {
        "medical": medical_notes,
        "functional": functional_notes,
        "psychosocial": psychosocial_notes,
        "workplace": workplace_notes,
        "vocational": vocational_notes,
    }
    errors: dict[str, list[str]] = {}
    problem = date_problem(case=locked, on=assessed_on)
    if problem:
        errors["assessed_on"] = [_date_message(problem, locked)]
    person_goal = (person_goal or "").strip()
    if not person_goal:
        errors["person_goal"] = [_("Enter the person's own goal, in their words.")]
    for key in AREA_KEYS:
        if ratings[key] not in IssueRating.values:
            errors[f"{key}_rating"] = [
                _("Choose a rating from 0 (no issue) to 3 (severe barrier).")
            ]
    if errors:
        raise StepInvalid(errors)

    fields = {f"{key}_rating": int(ratings[key]) for key in AREA_KEYS}
    fields.update({f"{key}_notes": (notes[key] or "").strip() for key in AREA_KEYS})
    assessment = Assessment.objects.create(
        case=locked,
        assessed_on=assessed_on,
        assessed_by=actor,
        is_initial=initial,
        person_goal=person_goal,
        **fields,
    )
    audit_record(
        actor=actor,
        action="create",
        obj=assessment,
        office=locked.office,
        changes={name: [None, value] for name, value in fields.items() if name.endswith("_rating")},
    )
    if initial:
        transition_locked(case=locked, to=Status.ASSESSED, actor=actor)
    else:
        case_touch(case=locked)
    # Hand the caller's object the new state, as case_transition does.
    for name in ("status", "stage_changed_at", "version"):
        setattr(case, name, getattr(locked, name))
    return assessment
