"""Referrals to vacancies, the job coach and support sessions through the API: the
same services, permissions and audit as the pages (kembali.placement.referrals and
kembali.placement.coaching).

Each endpoint: load_case (403 for a role without personal data, 404 when the case
is missing or not yours), then the service. A referral's step sends the referral's
``version`` as last read: a stale one is 409, a step not open from its status is
409, a step this user may not take 403, refused input 422 naming the field."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.responses import Status

from kembali.accounts.models import User
from kembali.api.errors import ERROR_RESPONSES, NotFound
from kembali.audit.services import access_record
from kembali.cases.api.common import (
    LIFECYCLE_RESPONSES,
    NO_NUL,
    aware,
    field_errors,
    load_case,
    refusals,
)
from kembali.employers.models import Vacancy
from kembali.placement import coaching, referrals
from kembali.placement.models_jobs import (
    JobCoach,
    ReferralStatus,
    SessionKind,
    SupportSession,
    VacancyReferral,
)
from kembali.providers.models import Provider

router = Router(tags=["JPESS referrals to vacancies and coaching"])

StepName = Literal[tuple(referrals.STEP_BY_SLUG)]
SessionKindName = Literal[tuple(SessionKind.values)]


def text(max_length: int, **kwargs):
    return Field(max_length=max_length, pattern=NO_NUL, **kwargs)


# --- schemas


class VacancyReferralOut(Schema):
    id: int
    version: int = Field(description="Send it with the next step.")
    status: str = Field(json_schema_extra={"enum": list(ReferralStatus.values)})
    status_label: str
    next_steps: list[str] = Field(description="The steps open from this status.")
    vacancy_id: int
    vacancy_title: str
    employer_name: str
    referred_at: dt.datetime
    referred_by: str
    match_score: Decimal | None
    match_reasons: list[str]
    notes: str
    interview_at: dt.datetime | None
    interview_place: str
    employer_feedback: bool | None
    employer_feedback_reason: str
    offered_on: dt.date | None
    offered_wage: Decimal | None
    offered_hours: int | None
    accepted_on: dt.date | None
    start_date: dt.date | None
    outcome_level: int | None = Field(description="The RTW level, once placed.")
    closed_reason: str


def _referral_out(row: VacancyReferral) -> dict:
    return {
        "id": row.pk,
        "version": row.version,
        "status": row.status,
        "status_label": str(row.get_status_display()),
        "next_steps": [step.slug for step in referrals.steps_from(row.status)],
        "vacancy_id": row.vacancy_id,
        "vacancy_title": row.vacancy.title,
        "employer_name": row.vacancy.employer.name,
        "referred_at": row.referred_at,
        "referred_by": row.referred_by.display_name,
        "match_score": row.match_score,
        "match_reasons": [str(line) for line in row.match_reasons or []],
        "notes": row.notes,
        "interview_at": row.interview_at,
        "interview_place": row.interview_place,
        "employer_feedback": row.employer_feedback,
        "employer_feedback_reason": row.employer_feedback_reason,
        "offered_on": row.offered_on,
        "offered_wage": row.offered_wage,
        "offered_hours": row.offered_hours,
        "accepted_on": row.accepted_on,
        "start_date": row.start_date,
        "outcome_level": row.outcome.level if row.outcome_id else None,
        "closed_reason": row.closed_reason,
    }


def _one(case, referral_id: int) -> VacancyReferral:
    row = (
        VacancyReferral.objects.filter(case=case, pk=referral_id)
        .select_related("vacancy__employer", "referred_by", "outcome")
        .first()
    )
    if row is None:
        raise NotFound(_("The case has no referral to a vacancy with this id."))
    return row


# --- referrals to vacancies


@router.get(
    "/cases/{number}/vacancy-referrals",
    response={200: list[VacancyReferralOut], **ERROR_RESPONSES},
    summary="List the case's referrals to vacancies",
)
def referrals_list(request, number: str):
    """Newest first."""
    user, case = load_case(request, number)
    rows = (
        VacancyReferral.objects.filter(case=case)
        .select_related("vacancy__employer", "referred_by", "outcome")
        .order_by("-referred_at", "-id")
    )
    access_record(actor=user, what="vacancy_referral.api_list", obj=case, request=request)
    return [_referral_out(row) for row in rows]


class ReferIn(Schema):
    vacancy_id: int = Field(ge=1)
    notes: str = text(2000, default="")


@router.post(
    "/cases/{number}/vacancy-referrals",
    response={201: VacancyReferralOut, **LIFECYCLE_RESPONSES},
    summary="Refer the person to a vacancy",
)
def referral_create(request, number: str, body: ReferIn):
    """Only for a JPESS case in job placement and an open vacancy. The match score and
    its reasons are worked out and kept as the officer would have seen them."""
    user, case = load_case(request, number)
    vacancy = Vacancy.objects.filter(pk=body.vacancy_id).first()
    if vacancy is None:
        raise field_errors({"vacancy_id": [_("No vacancy has this id.")]})
    with refusals():
        referrals.require_may_work_referrals(user, case)
        explained = referrals.match_explanation(case, vacancy)
        row = referrals.vacancy_refer(
            case=case,
            vacancy=vacancy,
            actor=user,
            notes=body.notes,
            score=explained["score"] if explained else None,
            reasons=explained["reasons"] if explained else (),
        )
    return Status(201, _referral_out(_one(case, row.pk)))


@router.get(
    "/cases/{number}/vacancy-referrals/{referral_id}",
    response={200: VacancyReferralOut, **ERROR_RESPONSES},
    summary="Read one referral to a vacancy",
)
def referral_read(request, number: str, referral_id: int):
    user, case = load_case(request, number)
    row = _one(case, referral_id)
    access_record(actor=user, what="vacancy_referral.api_view", obj=row, request=request)
    return _referral_out(row)


class StepIn(Schema):
    version: int = Field(ge=1, le=2_000_000_000, description="The referral's version.")
    step: StepName = Field(
        description="interview, offer, accept, place (start of work), not_selected, "
        "decline or withdraw."
    )
    interview_at: dt.datetime | None = Field(None, description="interview: when.")
    interview_place: str = text(200, default="", description="interview: where.")
    offered_on: dt.date | None = Field(None, description="offer: the day of the offer.")
    offered_wage: Decimal | None = Field(
        None, ge=0, max_digits=9, decimal_places=2, description="offer: RM a month."
    )
    offered_hours: int | None = Field(None, ge=1, le=84, description="offer: hours a week.")
    feedback: str = text(2000, default="", description="offer: what the employer said.")
    accepted_on: dt.date | None = Field(None, description="accept: the day.")
    start_date: dt.date | None = Field(None, description="accept: the agreed start.")
    started_on: dt.date | None = Field(
        None, description="place: the day work started (default: the agreed start)."
    )
    reason: str = text(2000, default="", description="not_selected, decline, withdraw: why.")


@router.post(
    "/cases/{number}/vacancy-referrals/{referral_id}/steps",
    response={200: VacancyReferralOut, **LIFECYCLE_RESPONSES},
    summary="Take the next step of a referral to a vacancy",
)
def referral_step_post(request, number: str, referral_id: int, body: StepIn):
    """Placing the person ("place") records the case's return to work, with its RTW
    level classified, and moves the case to returned_to_work."""
    user, case = load_case(request, number)
    row = _one(case, referral_id)
    data = body.dict(exclude={"version", "step"})
    if data["interview_at"] is not None:
        data["interview_at"] = aware(data["interview_at"], "interview_at")
    with refusals():
        referrals.referral_step(
            referral=row, step=body.step, actor=user, expected_version=body.version, **data
        )
    return _referral_out(_one(case, referral_id))


# --- the job coach


class JobCoachOut(Schema):
    id: int
    name: str
    staff_username: str | None
    provider: str | None
    phone: str
    assigned_on: dt.date
    ended_on: dt.date | None


def _coach_out(row: JobCoach) -> dict:
    return {
        "id": row.pk,
        "name": row.display_name,
        "staff_username": row.coach_user.username if row.coach_user_id else None,
        "provider": row.provider.code if row.provider_id else None,
        "phone": row.phone,
        "assigned_on": row.assigned_on,
        "ended_on": row.ended_on,
    }


@router.get(
    "/cases/{number}/job-coaches",
    response={200: list[JobCoachOut], **ERROR_RESPONSES},
    summary="List the case's job coaches",
)
def coaches_list(request, number: str):
    """The current coach (no end date) first."""
    _user, case = load_case(request, number)
    return [_coach_out(row) for row in coaching.coach_history(case)]


def _staff(username: str, field: str):
    if not username:
        return None
    found = User.objects.filter(username=username).first()
    if found is None:
        raise field_errors({field: [_("No member of staff has this username.")]})
    return found


class CoachIn(Schema):
    staff_username: str = text(150, default="", description="A member of staff as coach.")
    name: str = text(150, default="", description="Or the coach's name.")
    provider_code: str = text(40, default="", description="The coach's provider.")
    phone: str = text(30, default="")
    assigned_on: dt.date | None = Field(None, description="Default: today.")


@router.post(
    "/cases/{number}/job-coaches",
    response={201: JobCoachOut, **LIFECYCLE_RESPONSES},
    summary="Assign a job coach",
)
def coach_assign(request, number: str, body: CoachIn):
    """The current coach, if any, ends the day the new one starts."""
    user, case = load_case(request, number)
    provider = None
    if body.provider_code:
        provider = Provider.objects.filter(code=body.provider_code).first()
        if provider is None:
            raise field_errors({"provider_code": [_("No provider has this code.")]})
    with refusals():
        row = coaching.job_coach_assign(
            case=case,
            actor=user,
            coach_user=_staff(body.staff_username, "staff_username"),
            coach_name=body.name,
            provider=provider,
            phone=body.phone,
            assigned_on=body.assigned_on,
        )
    return Status(201, _coach_out(row))


class CoachEndIn(Schema):
    ended_on: dt.date | None = Field(None, description="Default: today.")


@router.post(
    "/cases/{number}/job-coaches/end",
    response={200: JobCoachOut, **LIFECYCLE_RESPONSES},
    summary="End the current job coach's support",
)
def coach_end(request, number: str, body: CoachEndIn):
    user, case = load_case(request, number)
    with refusals():
        row = coaching.job_coach_end(case=case, actor=user, ended_on=body.ended_on)
    return _coach_out(row)


# --- sessions


class SessionOut(Schema):
    id: int
    kind: str = Field(json_schema_extra={"enum": list(SessionKind.values)})
    held_on: dt.date
    duration_minutes: int
    given_by: str
    place: str
    topics: str
    next_steps: str


def _session_out(row: SupportSession) -> dict:
    return {
        "id": row.pk,
        "kind": row.kind,
        "held_on": row.held_on,
        "duration_minutes": row.duration_minutes,
        "given_by": row.given_by_user.display_name if row.given_by_user_id else row.given_by_name,
        "place": row.place,
        "topics": row.topics,
        "next_steps": row.next_steps,
    }


@router.get(
    "/cases/{number}/support-sessions",
    response={200: list[SessionOut], **ERROR_RESPONSES},
    summary="List the coaching and counselling sessions",
)
def sessions_list(request, number: str):
    """Newest first."""
    user, case = load_case(request, number)
    access_record(actor=user, what="support_session.api_list", obj=case, request=request)
    return [_session_out(row) for row in coaching.case_sessions(case)]


class SessionIn(Schema):
    kind: SessionKindName
    held_on: dt.date
    duration_minutes: int = Field(ge=1, le=coaching.MAX_SESSION_MINUTES)
    given_by_username: str = text(150, default="", description="Staff who gave it.")
    given_by_name: str = text(150, default="", description="Or who gave it, by name.")
    place: str = text(150, default="")
    topics: str = text(4000, min_length=1)
    next_steps: str = text(4000, default="")


@router.post(
    "/cases/{number}/support-sessions",
    response={201: SessionOut, **LIFECYCLE_RESPONSES},
    summary="Log a coaching or counselling session",
)
def session_create(request, number: str, body: SessionIn):
    """Logged once it has taken place: a date in the future is refused."""
    user, case = load_case(request, number)
    with refusals():
        row = coaching.support_session_log(
            case=case,
            actor=user,
            kind=body.kind,
            held_on=body.held_on,
            duration_minutes=body.duration_minutes,
            given_by_user=_staff(body.given_by_username, "given_by_username"),
            given_by_name=body.given_by_name,
            place=body.place,
            topics=body.topics,
            next_steps=body.next_steps,
        )
    return Status(201, _session_out(row))
