"""A person's referral to a vacancy and what came of it: its own small workflow.

One explicit table of steps (STEPS): each names the status it leaves from, the status
it reaches, and what the step must be told. ``referral_step`` is the one service that
moves a referral along it: it locks the case and the referral, refuses a stale
``version`` (409), checks the table and who acts, writes, and leaves exactly one
audit record of the referral's fields, old and new. That audit record is also the
referral's history (codes and values, rendered in the reader's language when read:
see kembali.placement.timeline_jobs).

Starting work ("place") goes through the lifecycle's outcome service, so the new job
becomes the case's return-to-work outcome with its RTW level classified there, and
the case moves to returned_to_work. When a vacancy's placements reach its openings it
is closed as filled through the employers' vacancy service."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kembali.accounts.models import Role
from kembali.audit.services import audit_record, diff_fields
from kembali.cases.models import Case, Status
from kembali.cases.services_outcome import NewJob, OutcomeInvalid, outcome_record
from kembali.cases.workflow import (
    CaseConflict,
    ReasonRequired,
    TransitionForbidden,
    TransitionNotAllowed,
    WorkflowError,
    case_lock,
)
from kembali.employers.models import Vacancy
from kembali.employers.vacancies import vacancy_close
from kembali.placement.matching.index import explain_pair
from kembali.placement.models_jobs import (
    OPEN_REFERRAL_STATUSES,
    ReferralStatus,
    VacancyReferral,
)
from kembali.placement.services import is_oversight

S = ReferralStatus
MAX_REASONS = 20


@dataclass(frozen=True)
class Step:
    """One move of a referral. ``slug`` names it in URLs, the API and the audit."""

    slug: str
    sources: tuple[str, ...]
    target: str
    label: Any  # lazy: the button and the page heading
    reason_required: bool = False


STEPS: tuple[Step, ...] = (
    Step("interview", (S.REFERRED,), S.INTERVIEW, gettext_lazy("Record the interview")),
    Step("offer", (S.INTERVIEW,), S.OFFERED, gettext_lazy("Record the job offer")),
    Step(
        "not_selected",
        (S.REFERRED, S.INTERVIEW),
        S.NOT_SELECTED,
        gettext_lazy("Record that the employer said no"),
        reason_required=True,
    ),
    Step("accept", (S.OFFERED,), S.ACCEPTED, gettext_lazy("Record the acceptance")),
    Step(
        "decline",
        (S.OFFERED,),
        S.DECLINED,
        gettext_lazy("Record that the person declined"),
        reason_required=True,
    ),
    Step("place", (S.ACCEPTED,), S.PLACED, gettext_lazy("Record the start of work")),
    Step(
        "withdraw",
        tuple(OPEN_REFERRAL_STATUSES),
        S.WITHDRAWN,
        gettext_lazy("Withdraw the referral"),
        reason_required=True,
    ),
)
STEP_BY_SLUG: dict[str, Step] = {step.slug: step for step in STEPS}


def steps_from(status: str) -> list[Step]:
    """The steps a referral in this status can take, in the table's order."""
    return [step for step in STEPS if status in step.sources]


def step_between(source: str, target: str) -> Step | None:
    for step in STEPS:
        if source in step.sources and step.target == target:
            return step
    return None


class ReferralError(WorkflowError):
    """Input a step refuses. `errors` maps field to messages (422 in the API)."""

    code = "invalid"
    status_code = 422

    def __init__(self, errors: dict[str, list[str]]):
        self.errors = errors
        super().__init__("; ".join(m for messages in errors.values() for m in messages))


class ReferralConflict(CaseConflict):
    """The referral changed since the user read it."""


# ---------------------------------------------------------------------------
# Who may act


def may_work_referrals(user, case: Case) -> bool:
    """The case's job placement officer and case manager, supervisors of its office,
    national administrators."""
    if is_oversight(user, case):
        return True
    if not (user and user.is_authenticated and user.is_active):
        return False
    if user.office_id != case.office_id:
        return False
    if user.role == Role.PLACEMENT_OFFICER:
        return case.placement_officer_id == user.pk
    if user.role == Role.CASE_MANAGER:
        return case.case_manager_id == user.pk
    return False


def require_may_work_referrals(actor, case: Case) -> None:
    if not may_work_referrals(actor, case):
        raise TransitionForbidden(
            _(
                "Only the case's job placement officer or case manager, or a supervisor of "
                "the office, may work on its referrals to vacancies."
            )
        )


def referable_problem(case: Case) -> str:
    """Why the case cannot be referred to a vacancy now, or "" when it can."""
    if not case.in_jpess:
        return _("The case has not been referred to JPESS.")
    if case.status != Status.JOB_PLACEMENT:
        return _(
            "Only a case in job placement can be referred to a vacancy; this case is in "
            "“%(status)s”."
        ) % {"status": case.get_status_display()}
    return ""


def vacancy_problem(vacancy: Vacancy, today: dt.date | None = None) -> str:
    """Why nobody can be referred to the vacancy now, or "" when they can."""
    today = today or timezone.localdate()
    if vacancy.status != Vacancy.Status.OPEN:
        return _("The vacancy is %(status)s: refer the person to an open one.") % {
            "status": vacancy.get_status_display().lower()
        }
    if vacancy.closes_on is not None and vacancy.closes_on < today:
        return _("The vacancy closed for applications on %(date)s.") % {
            "date": vacancy.closes_on.isoformat()
        }
    return ""


def match_explanation(case: Case, vacancy: Vacancy) -> dict | None:
    """The match of the person and the vacancy as the matching index explains it
    (score, reasons, or the constraints that failed), or None when it cannot say
    (the person has no job placement assessment yet)."""
    found = explain_pair(case, vacancy)
    if not found or not found.get("has_assessment"):
        return None
    failed = found.get("failed") or []
    return {
        "score": found.get("score"),
        "reasons": [str(line) for line in found.get("reasons") or []],
        "failed": [str(line) for line in ([failed] if isinstance(failed, str) else failed)],
        "factors": list(found.get("factors") or []),
        "missing_skills": [str(name) for name in found.get("missing_skills") or []],
    }


# ---------------------------------------------------------------------------
# Referring


def _clean_reasons(reasons: Iterable[Any]) -> list[str]:
    return [str(line).strip()[:300] for line in reasons if str(line).strip()][:MAX_REASONS]


@transaction.atomic
def vacancy_refer(
    *,
    case: Case,
    vacancy: Vacancy,
    actor,
    notes: str = "",
    score: float | Decimal | None = None,
    reasons: Iterable[Any] = (),
) -> VacancyReferral:
    """Put the person forward for the vacancy. `score` and `reasons` are the match as
    the officer saw it, kept as a record."""
    locked = case_lock(case=case)
    require_may_work_referrals(actor, locked)
    problem = referable_problem(locked)
    if problem:
        raise TransitionNotAllowed(problem)
    vacancy = Vacancy.objects.select_related("employer").get(pk=vacancy.pk)
    problem = vacancy_problem(vacancy)
    if problem:
        raise ReferralError({"vacancy": [problem]})
    if VacancyReferral.objects.filter(
        case=locked, vacancy=vacancy, status__in=OPEN_REFERRAL_STATUSES
    ).exists():
        raise ReferralError(
            {"vacancy": [_("The person is already referred to this vacancy and it is still open.")]}
        )
    if score is not None:
        score = Decimal(str(round(float(score), 3)))
        if not Decimal(0) <= score <= Decimal(1):
            raise ReferralError({"score": [_("A match score is between 0 and 1.")]})
    referral = VacancyReferral.objects.create(
        case=locked,
        vacancy=vacancy,
        referred_by=actor,
        referred_at=timezone.now(),
        match_score=score,
        match_reasons=_clean_reasons(reasons),
        notes=(notes or "").strip(),
    )
    audit_record(
        actor=actor,
        action="vacancy_referral.refer",
        obj=referral,
        office=locked.office,
        changes={
            "status": [None, referral.status],
            "vacancy": [None, vacancy.pk],
            "match_score": [None, score],
        },
    )
    return referral


# ---------------------------------------------------------------------------
# Moving along


def _lock(referral: VacancyReferral, expected_version: int | None) -> VacancyReferral:
    locked = VacancyReferral.objects.select_for_update().get(pk=referral.pk)
    if expected_version is not None and int(expected_version) != locked.version:
        raise ReferralConflict(
            _(
                "This referral was changed by someone else since you opened it (it is now "
                "at version %(version)s): reload it and try again."
            )
            % {"version": locked.version}
        )
    return locked


def _text(data: Mapping[str, Any], name: str) -> str:
    return str(data.get(name) or "").strip()


class _Errors(dict):
    def add(self, field: str, message: str) -> None:
        self.setdefault(field, []).append(message)


def _values_for(step: Step, referral: VacancyReferral, data: Mapping[str, Any]) -> dict:
    """The fields the step writes, checked. Raises ReasonRequired or ReferralError."""
    today = timezone.localdate()
    errors = _Errors()
    values: dict[str, Any] = {"status": step.target}
    if step.reason_required:
        reason = _text(data, "reason")
        if not reason:
            raise ReasonRequired(_("Say why: the reason is kept with the referral."))
        values["closed_reason"] = reason
        if step.slug == "not_selected":
            values["employer_feedback"] = False
            values["employer_feedback_reason"] = reason
    if step.slug == "interview":
        at = data.get("interview_at")
        if not isinstance(at, dt.datetime):
            errors.add("interview_at", _("Enter the date and time of the interview."))
        elif timezone.is_naive(at):
            at = timezone.make_aware(at)
        place = _text(data, "interview_place")
        if not place:
            errors.add("interview_place", _("Enter where the interview is."))
        values.update(interview_at=at, interview_place=place[:200])
    elif step.slug == "offer":
        offered_on = data.get("offered_on")
        wage = data.get("offered_wage")
        hours = data.get("offered_hours")
        if not isinstance(offered_on, dt.date):
            errors.add("offered_on", _("Enter the date of the offer."))
        elif offered_on > today:
            errors.add("offered_on", _("The offer cannot be dated in the future."))
        if wage is not None and Decimal(wage) < 0:
            errors.add("offered_wage", _("The wage cannot be negative."))
        if hours is not None and not 1 <= int(hours) <= 84:
            errors.add("offered_hours", _("Enter the hours a week, from 1 to 84."))
        values.update(
            employer_feedback=True,
            employer_feedback_reason=_text(data, "feedback"),
            offered_on=offered_on,
            offered_wage=wage,
            offered_hours=hours,
        )
    elif step.slug == "accept":
        accepted_on = data.get("accepted_on")
        start = data.get("start_date")
        if not isinstance(accepted_on, dt.date):
            errors.add("accepted_on", _("Enter the date the person accepted."))
        elif accepted_on > today:
            errors.add("accepted_on", _("The acceptance cannot be dated in the future."))
        elif referral.offered_on and accepted_on < referral.offered_on:
            errors.add("accepted_on", _("The offer was accepted before it was made."))
        if not isinstance(start, dt.date):
            errors.add("start_date", _("Enter the day the person starts work."))
        elif isinstance(accepted_on, dt.date) and start < accepted_on:
            errors.add("start_date", _("The start cannot be before the acceptance."))
        values.update(accepted_on=accepted_on, start_date=start)
    elif step.slug == "place":
        started = data.get("started_on") or referral.start_date
        if not isinstance(started, dt.date):
            errors.add("started_on", _("Enter the day the person started work."))
        elif started > today:
            errors.add(
                "started_on",
                _("The person has not started yet: record it on or after %(date)s.")
                % {"date": started.isoformat()},
            )
        values["start_date"] = started
    if errors:
        raise ReferralError(dict(errors))
    return values


def _place(referral: VacancyReferral, actor, start: dt.date) -> None:
    """The new job becomes the case's return-to-work outcome (level classified by
    the lifecycle); the vacancy is filled once its openings are taken."""
    vacancy = referral.vacancy
    job = NewJob(
        return_date=start,
        isco_code=vacancy.isco_unit_id,
        job_title=vacancy.title,
        monthly_wage=referral.offered_wage
        if referral.offered_wage is not None
        else vacancy.monthly_wage,
        hours_per_week=referral.offered_hours or vacancy.hours_per_week,
        employer=vacancy.employer,
    )
    try:
        referral.outcome = outcome_record(case=referral.case, actor=actor, job=job)
    except OutcomeInvalid as error:
        renamed = {"return_date": "started_on"}
        raise ReferralError({renamed.get(k, k): v for k, v in error.errors.items()}) from None


def _fill_vacancy(vacancy: Vacancy, actor) -> None:
    placed = VacancyReferral.objects.filter(vacancy=vacancy, status=S.PLACED).count()
    if vacancy.status == Vacancy.Status.OPEN and placed >= vacancy.openings:
        vacancy_close(actor=actor, vacancy=vacancy, status=Vacancy.Status.FILLED)


def _withdraw_others(referral: VacancyReferral, actor) -> None:
    """Once the person has started work, their other referrals are over."""
    reason = _("The person started work at %(employer)s.") % {
        "employer": referral.vacancy.employer.name
    }
    others = VacancyReferral.objects.select_for_update().filter(
        case_id=referral.case_id, status__in=OPEN_REFERRAL_STATUSES
    )
    for other in others.exclude(pk=referral.pk):
        old = {"status": other.status, "closed_reason": other.closed_reason}
        other.status, other.closed_reason = S.WITHDRAWN, reason
        other.version += 1
        other.save(update_fields=["status", "closed_reason", "version", "updated_at"])
        audit_record(
            actor=actor,
            action="vacancy_referral.withdraw",
            obj=other,
            office=referral.case.office,
            changes=diff_fields(old, {"status": other.status, "closed_reason": reason}),
            reason=reason,
        )


@transaction.atomic
def referral_step(
    *,
    referral: VacancyReferral,
    step: str,
    actor,
    expected_version: int | None = None,
    **data: Any,
) -> VacancyReferral:
    """Take one step of STEPS (by slug) with its data:

    - interview: interview_at (datetime), interview_place
    - offer: offered_on, offered_wage and offered_hours (optional: the vacancy's
      stand), feedback (what the employer said)
    - accept: accepted_on, start_date
    - place: started_on (default: the agreed start date; not in the future)
    - not_selected, decline, withdraw: reason

    Raises ReferralConflict (stale version), TransitionNotAllowed (not from this
    status), TransitionForbidden (not this user's), ReasonRequired or
    ReferralError (per field); nothing is written then."""
    if step not in STEP_BY_SLUG:
        raise ReferralError({"step": [_("There is no step “%(step)s”.") % {"step": step}]})
    spec = STEP_BY_SLUG[step]
    case = case_lock(case=referral.case)
    locked = _lock(referral, expected_version)
    locked.case = case
    require_may_work_referrals(actor, case)
    if locked.status not in spec.sources:
        allowed = ", ".join(str(s.label) for s in steps_from(locked.status))
        raise TransitionNotAllowed(
            _("A referral that is “%(status)s” cannot go on to “%(to)s”.")
            % {"status": locked.get_status_display(), "to": S(spec.target).label}
            + (" " + _("Next it can be: %(steps)s.") % {"steps": allowed} if allowed else "")
        )
    if step != "withdraw" and case.status != Status.JOB_PLACEMENT:
        raise TransitionNotAllowed(
            referable_problem(case) or _("The case is not in job placement.")
        )
    values = _values_for(spec, locked, data)
    old = {name: getattr(locked, name) for name in values}
    for name, value in values.items():
        setattr(locked, name, value)
    if step == "place":
        locked.vacancy = Vacancy.objects.select_related("employer").get(pk=locked.vacancy_id)
        _place(locked, actor, values["start_date"])
        values["outcome"] = locked.outcome
        old["outcome"] = None
    locked.version += 1
    locked.save(update_fields=[*values, "version", "updated_at"])
    audit_record(
        actor=actor,
        action=f"vacancy_referral.{step}",
        obj=locked,
        office=case.office,
        changes=diff_fields(old, values),
        reason=values.get("closed_reason", ""),
    )
    if step == "place":
        _withdraw_others(locked, actor)
        _fill_vacancy(locked.vacancy, actor)
    # Hand the caller's object the new state, so it can keep using it.
    for field in VacancyReferral._meta.concrete_fields:
        setattr(referral, field.attname, getattr(locked, field.attname))
    return locked


# ---------------------------------------------------------------------------
# Reads


def case_referrals(case: Case) -> list[VacancyReferral]:
    """The case's referrals to vacancies with their vacancy and employer: 1 query."""
    return list(
        VacancyReferral.objects.filter(case=case).select_related(
            "vacancy__employer", "vacancy__isco_unit", "referred_by"
        )
    )


def placements_count(vacancy: Vacancy) -> dict[str, int]:
    """How many people the vacancy has placed and has in play."""
    counts = VacancyReferral.objects.filter(vacancy=vacancy).aggregate(
        placed=Count("pk", filter=Q(status=S.PLACED)),
        open=Count("pk", filter=Q(status__in=OPEN_REFERRAL_STATUSES)),
    )
    return {"placed": counts["placed"] or 0, "open": counts["open"] or 0}


def check_vacancy_value(value) -> int:
    """A vacancy id from a form or query string, or ValidationError."""
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        raise ValidationError(_("Enter the vacancy's number, as shown on its page.")) from None
    if number < 1:
        raise ValidationError(_("Enter the vacancy's number, as shown on its page."))
    return number
