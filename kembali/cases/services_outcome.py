"""The return to work: recording the new job, classifying it in the RTW hierarchy,
and starting the follow-up.

The level is decided by the pure classifier (kembali.cases.hierarchy) from the job
before the injury and the new one. A person may override it, but only with a reason;
the classifier's level is kept beside the one that stands."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kembali.audit.services import audit_record
from kembali.cases.hierarchy import Job, classify_rtw_level
from kembali.cases.models import Case, RtwLevel, RtwOutcome, Status
from kembali.cases.reasons import SystemReason
from kembali.cases.workflow import (
    ReasonRequired,
    TransitionNotAllowed,
    WorkflowError,
    case_lock,
    case_transition,
    transition_locked,
)
from kembali.reference.models import IscoGroup

RECORDABLE_FROM = (Status.IN_REHABILITATION, Status.JOB_PLACEMENT)


class OutcomeInvalid(WorkflowError):
    """The outcome's data does not hold together. `errors` maps field to messages."""

    code = "invalid"
    status_code = 422

    def __init__(self, errors: dict[str, list[str]]):
        self.errors = errors
        super().__init__("; ".join(m for msgs in errors.values() for m in msgs))


@dataclass(frozen=True)
class NewJob:
    return_date: dt.date
    isco_code: str  # 4-digit ISCO-08 unit group
    job_title: str
    monthly_wage: Decimal
    hours_per_week: int
    self_employed: bool = False
    employer: object | None = None  # an employers.Employer on file
    employer_name: str = ""  # the employer's name when it is not on file


def _employer_key(employer_id, employer_name: str) -> str | None:
    """Who the employer is, for comparing the job before and after: the employer on
    file when there is one, else its name (the same name written twice is the same
    employer; case and spacing aside)."""
    if employer_id:
        return f"id:{employer_id}"
    name = " ".join((employer_name or "").split()).casefold()
    return f"name:{name}" if name else None


def jobs_of(case: Case, job: NewJob) -> tuple[Job, Job]:
    """The job before the injury and the new one, as the classifier sees them."""
    before_employment = case.pre_injury_employment
    if before_employment is None:
        before = Job(employer_id=None, isco_unit=None)
    else:
        before = Job(
            employer_id=_employer_key(
                before_employment.employer_id, before_employment.employer_name
            ),
            isco_unit=before_employment.isco_unit_id,
        )
    employer_id = getattr(job.employer, "pk", None)
    employer_name = job.employer_name or getattr(job.employer, "name", "")
    # An employer on file before and the same employer typed by name after (or the
    # reverse) still compares by name, so it is not taken for a different one.
    if before_employment is not None and bool(before_employment.employer_id) != bool(employer_id):
        before = Job(
            employer_id=_employer_key(None, before_employment.employer_name),
            isco_unit=before.isco_unit,
        )
        after_key = _employer_key(None, employer_name)
    else:
        after_key = _employer_key(employer_id, employer_name)
    after = Job(employer_id=after_key, isco_unit=job.isco_code, self_employed=job.self_employed)
    return before, after


def classify_outcome(case: Case, job: NewJob) -> int:
    before, after = jobs_of(case, job)
    return classify_rtw_level(before, after)


def _check(case: Case, job: NewJob) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if job.return_date > timezone.localdate():
        add("return_date", _("The date of the return to work cannot be in the future."))
    if job.return_date < case.referral_date:
        add("return_date", _("The return to work cannot be before the referral."))
    if not IscoGroup.objects.filter(code=job.isco_code, level=IscoGroup.Level.UNIT).exists():
        add("isco_code", _("Enter a 4-digit ISCO-08 unit group code."))
    if not job.job_title.strip():
        add("job_title", _("Enter the job title."))
    if job.monthly_wage < 0:
        add("monthly_wage", _("The wage cannot be negative."))
    if not 1 <= job.hours_per_week <= 84:
        add("hours_per_week", _("Enter the hours worked in a week, from 1 to 84."))
    if not job.self_employed and job.employer is None and not job.employer_name.strip():
        add("employer_name", _("Enter the employer, or say the person is self-employed."))
    return errors


@transaction.atomic
def outcome_record(
    *,
    case: Case,
    actor,
    job: NewJob,
    level_override: int | None = None,
    override_reason: str = "",
    expected_version: int | None = None,
) -> RtwOutcome:
    """Record the return to work of a case in rehabilitation or job placement: store
    the outcome, set the case's level and date, and move it to returned_to_work.

    Raises CaseConflict (stale), TransitionNotAllowed (wrong stage),
    TransitionForbidden (not this user's step), ReasonRequired (an override without
    a reason) or OutcomeInvalid (per-field messages). Nothing is written then."""
    locked = case_lock(case=case, expected_version=expected_version)
    if locked.status not in RECORDABLE_FROM:
        raise TransitionNotAllowed(
            _(
                "A return to work can only be recorded for a case in rehabilitation or in "
                "job placement; this case is in “%(status)s”."
            )
            % {"status": locked.get_status_display()}
        )
    errors = _check(locked, job)
    if errors:
        raise OutcomeInvalid(errors)
    auto_level = classify_outcome(locked, job)
    level = auto_level
    override_reason = (override_reason or "").strip()
    if level_override is not None and int(level_override) != auto_level:
        if int(level_override) not in RtwLevel.values:
            raise OutcomeInvalid({"level_override": [_("Choose a level from 1 to 7.")]})
        if not override_reason:
            raise ReasonRequired(
                _("Say why the level differs from the classification (level %(level)s).")
                % {"level": auto_level}
            )
        level = int(level_override)
    else:
        override_reason = ""

    outcome = RtwOutcome.objects.create(
        case=locked,
        return_date=job.return_date,
        employer=job.employer,
        employer_name=(job.employer_name or getattr(job.employer, "name", "")).strip(),
        isco_unit_id=job.isco_code,
        job_title=job.job_title.strip(),
        monthly_wage=job.monthly_wage,
        hours_per_week=job.hours_per_week,
        self_employed=job.self_employed,
        auto_level=auto_level,
        level=level,
        override_reason=override_reason,
        overridden_by=actor if level != auto_level else None,
        recorded_by=actor,
        recorded_at=timezone.now(),
    )
    changes = {
        "rtw_level": [locked.rtw_level, level],
        "rtw_date": [locked.rtw_date, job.return_date],
    }
    if level != auto_level:
        changes["auto_level"] = [None, auto_level]
    audit_record(
        actor=actor,
        action="record_outcome",
        obj=outcome,
        office=locked.office,
        changes=changes,
        reason=override_reason,
    )
    locked.rtw_level = level
    locked.rtw_date = job.return_date
    locked.save(update_fields=["rtw_level", "rtw_date", "updated_at"])
    transition_locked(
        case=locked,
        to=Status.RETURNED_TO_WORK,
        actor=actor,
        reason=SystemReason("back_at_work", {"level": level}),
    )
    for field in ("status", "stage_changed_at", "version", "rtw_level", "rtw_date"):
        setattr(case, field, getattr(locked, field))
    return outcome


def follow_up_start(*, case: Case, actor, expected_version: int | None = None) -> Case:
    """Start the follow-up of a person back at work (is the person still employed
    and productive?)."""
    return case_transition(
        case=case, to=Status.FOLLOW_UP, actor=actor, expected_version=expected_version
    )


def latest_outcome(case: Case) -> RtwOutcome | None:
    return (
        RtwOutcome.objects.filter(case=case)
        .select_related("employer", "isco_unit", "recorded_by", "overridden_by")
        .first()
    )
