"""The job coach and the coaching and counselling sessions of a JPESS case.

A job coach supports the person, mostly in the first weeks of a new job: a member of
staff of the case's office, or someone named by hand (usually from a provider). A
case has at most one current coach; assigning another ends the one before. Sessions
are logged after they happen, never ahead. Each service is one transaction that
locks the case, checks who acts, writes and leaves one audit record."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from kembali.audit.services import audit_record
from kembali.cases.models import OPEN_STATUSES, Case
from kembali.cases.workflow import TransitionForbidden, TransitionNotAllowed, case_lock
from kembali.placement.models_jobs import JobCoach, SessionKind, SupportSession
from kembali.placement.referrals import ReferralError, may_work_referrals

MAX_SESSION_MINUTES = 600


def may_coach(user, case: Case) -> bool:
    """Who assigns coaches and logs sessions: as for referrals to vacancies."""
    return may_work_referrals(user, case)


def _start(case: Case, actor) -> Case:
    locked = case_lock(case=case)
    if not may_coach(actor, locked):
        raise TransitionForbidden(
            _(
                "Only the case's job placement officer or case manager, or a supervisor of "
                "the office, may record job coaching and counselling."
            )
        )
    if not locked.in_jpess:
        raise TransitionNotAllowed(_("The case has not been referred to JPESS."))
    if locked.status not in OPEN_STATUSES:
        raise TransitionNotAllowed(
            _("A case in “%(status)s” cannot be changed.") % {"status": locked.get_status_display()}
        )
    return locked


def _add(errors: dict[str, list[str]], field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


def _check_staff(user, case: Case, field: str, errors) -> None:
    if user is None:
        return
    if not (user.is_active and user.office_id == case.office_id):
        _add(errors, field, _("Choose an active member of staff of the case's office."))


def current_coach(case: Case) -> JobCoach | None:
    return (
        JobCoach.objects.filter(case=case, ended_on__isnull=True)
        .select_related("coach_user", "provider")
        .first()
    )


@transaction.atomic
def job_coach_assign(
    *,
    case: Case,
    actor,
    coach_user=None,
    coach_name: str = "",
    provider=None,
    phone: str = "",
    assigned_on: dt.date | None = None,
) -> JobCoach:
    """Assign a job coach: a member of staff (coach_user) or a person named by hand,
    with their provider. The current coach, if any, ends the day the new one starts."""
    locked = _start(case, actor)
    today = timezone.localdate()
    assigned_on = assigned_on or today
    coach_name = (coach_name or "").strip()
    errors: dict[str, list[str]] = {}
    if coach_user is None and not coach_name:
        _add(errors, "coach_name", _("Choose a member of staff or enter the coach's name."))
    if coach_user is not None and coach_name:
        _add(errors, "coach_name", _("Choose a member of staff or enter a name, not both."))
    _check_staff(coach_user, locked, "coach_user", errors)
    if assigned_on > today:
        _add(errors, "assigned_on", _("The coach cannot start in the future: record it then."))
    previous = (
        JobCoach.objects.select_for_update().filter(case=locked, ended_on__isnull=True).first()
    )
    if previous is not None and assigned_on < previous.assigned_on:
        _add(
            errors,
            "assigned_on",
            _("The current coach started on %(date)s: the new one cannot start earlier.")
            % {"date": previous.assigned_on.isoformat()},
        )
    if errors:
        raise ReferralError(errors)
    if previous is not None:
        previous.ended_on = assigned_on
        previous.save(update_fields=["ended_on"])
        audit_record(
            actor=actor,
            action="job_coach.end",
            obj=previous,
            office=locked.office,
            changes={"ended_on": [None, assigned_on]},
        )
    coach = JobCoach.objects.create(
        case=locked,
        coach_user=coach_user,
        coach_name=coach_name,
        provider=provider,
        phone=(phone or "").strip(),
        assigned_by=actor,
        assigned_on=assigned_on,
    )
    audit_record(
        actor=actor,
        action="job_coach.assign",
        obj=coach,
        office=locked.office,
        changes={
            "coach_user": [None, coach_user],
            "coach_name": [None, coach_name],
            "provider": [None, provider],
            "assigned_on": [None, assigned_on],
        },
    )
    return coach


@transaction.atomic
def job_coach_end(*, case: Case, actor, ended_on: dt.date | None = None) -> JobCoach:
    """End the current job coach's support."""
    locked = _start(case, actor)
    today = timezone.localdate()
    ended_on = ended_on or today
    coach = JobCoach.objects.select_for_update().filter(case=locked, ended_on__isnull=True).first()
    if coach is None:
        raise TransitionNotAllowed(_("The case has no job coach now."))
    if ended_on > today:
        raise ReferralError({"ended_on": [_("The end cannot be in the future.")]})
    if ended_on < coach.assigned_on:
        raise ReferralError(
            {
                "ended_on": [
                    _("The coach started on %(date)s: the end cannot be earlier.")
                    % {"date": coach.assigned_on.isoformat()}
                ]
            }
        )
    coach.ended_on = ended_on
    coach.save(update_fields=["ended_on"])
    audit_record(
        actor=actor,
        action="job_coach.end",
        obj=coach,
        office=locked.office,
        changes={"ended_on": [None, ended_on]},
    )
    return coach


@transaction.atomic
def support_session_log(
    *,
    case: Case,
    actor,
    kind: str,
    held_on: dt.date,
    duration_minutes: int,
    topics: str,
    given_by_user=None,
    given_by_name: str = "",
    place: str = "",
    next_steps: str = "",
) -> SupportSession:
    """Log a job coaching or counselling session that took place."""
    locked = _start(case, actor)
    errors: dict[str, list[str]] = {}
    given_by_name = (given_by_name or "").strip()
    topics = (topics or "").strip()
    if kind not in SessionKind.values:
        _add(errors, "kind", _("Choose job coaching or counselling."))
    if not isinstance(held_on, dt.date):
        _add(errors, "held_on", _("Enter the date of the session."))
    elif held_on > timezone.localdate():
        _add(errors, "held_on", _("A session is logged once it has taken place, not ahead."))
    elif held_on < locked.referral_date:
        _add(errors, "held_on", _("The session cannot be before the referral of the case."))
    try:
        minutes = int(duration_minutes)
    except (TypeError, ValueError):
        minutes = 0
    if not 1 <= minutes <= MAX_SESSION_MINUTES:
        _add(
            errors,
            "duration_minutes",
            _("Enter how long it took, from 1 to %(max)s minutes.") % {"max": MAX_SESSION_MINUTES},
        )
    if given_by_user is None and not given_by_name:
        _add(errors, "given_by_name", _("Say who gave the session: staff or a name."))
    if given_by_user is not None and given_by_name:
        _add(errors, "given_by_name", _("Choose a member of staff or enter a name, not both."))
    _check_staff(given_by_user, locked, "given_by_user", errors)
    if not topics:
        _add(errors, "topics", _("Write what was worked on."))
    if errors:
        raise ReferralError(errors)
    session = SupportSession.objects.create(
        case=locked,
        kind=kind,
        held_on=held_on,
        duration_minutes=minutes,
        given_by_user=given_by_user,
        given_by_name=given_by_name[:150],
        place=(place or "").strip()[:150],
        topics=topics,
        next_steps=(next_steps or "").strip(),
        recorded_by=actor,
        recorded_at=timezone.now(),
    )
    audit_record(
        actor=actor,
        action="support_session.log",
        obj=session,
        office=locked.office,
        changes={
            "kind": [None, kind],
            "held_on": [None, held_on],
            "duration_minutes": [None, minutes],
            "given_by_user": [None, given_by_user],
        },
    )
    return session


# ---------------------------------------------------------------------------
# Reads


def coach_history(case: Case) -> list[JobCoach]:
    """Every coach of the case, the current one first: 1 query."""
    return list(
        JobCoach.objects.filter(case=case)
        .select_related("coach_user", "provider", "assigned_by")
        .order_by(F("ended_on").asc(nulls_first=True), "-assigned_on", "-id")
    )


def case_sessions(case: Case) -> list[SupportSession]:
    """The case's sessions, newest first: 1 query."""
    return list(
        SupportSession.objects.filter(case=case).select_related("given_by_user", "recorded_by")
    )
