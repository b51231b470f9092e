"""What referrals to vacancies, job coaches and support sessions add to the case
timeline. One query per source, however many rows.

A referral's steps are read from its audit records: each holds the step's code
(``vacancy_referral.<step>``) and the values it wrote, so the words are chosen here,
at read time, in the reader's language."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db.models import BigIntegerField, CharField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Cast, Left
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from kembali.audit.models import AuditEvent
from kembali.cases.models import Case
from kembali.cases.timeline import (
    NAME_PARTS,
    TimelineEntry,
    name_from_parts,
    reads,
    source_rows,
    start_of_day,
)
from kembali.placement.models_jobs import JobCoach, SessionKind, SupportSession, VacancyReferral

REFERRAL_TYPE = VacancyReferral._meta.label_lower
# The actions of a referral's audit records begin with this (kembali.placement.referrals
# writes them, in lower case).
STEP_PREFIX = "vacancy_referral."


def _name(user) -> str:
    return user.display_name if user is not None else ""


def _new(event, field: str):
    pair = (event.changes or {}).get(field)
    return pair[1] if isinstance(pair, list) and len(pair) == 2 else None


def _day(value) -> str:
    try:
        return date_format(dt.date.fromisoformat(str(value)[:10]))
    except (TypeError, ValueError):
        return ""


def _moment(value) -> str:
    try:
        moment = dt.datetime.fromisoformat(str(value))
    except (TypeError, ValueError):
        return ""
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return date_format(moment, "DATETIME_FORMAT")


def _money(value) -> str:
    try:
        return f"RM {Decimal(str(value)):,.2f}"
    except (InvalidOperation, TypeError, ValueError):
        return ""


def step_text(event, vacancy: str) -> tuple[str, str]:
    """(title, detail) of one referral step, from its audit record (an AuditEvent,
    or the values the case timeline reads of one: its action, reason and changes)."""
    step = event.action.removeprefix(STEP_PREFIX)
    values = {"vacancy": vacancy}
    reason = event.reason or str(_new(event, "closed_reason") or "")
    if step == "refer":
        score = _new(event, "match_score")
        detail = _("Match score %(score)s") % {"score": score} if score not in (None, "") else ""
        return _("Referred to a vacancy: %(vacancy)s") % values, detail
    if step == "interview":
        detail = _("%(when)s, at %(place)s") % {
            "when": _moment(_new(event, "interview_at")),
            "place": _new(event, "interview_place") or "",
        }
        return _("Interview arranged: %(vacancy)s") % values, detail
    if step == "offer":
        parts = [_("Offered on %(date)s") % {"date": _day(_new(event, "offered_on"))}]
        if _new(event, "offered_wage") not in (None, ""):
            parts.append(_("%(wage)s a month") % {"wage": _money(_new(event, "offered_wage"))})
        if _new(event, "offered_hours"):
            parts.append(_("%(hours)s hours a week") % {"hours": _new(event, "offered_hours")})
        if _new(event, "employer_feedback_reason"):
            parts.append(str(_new(event, "employer_feedback_reason")))
        return _("Job offered: %(vacancy)s") % values, "; ".join(parts)
    if step == "accept":
        detail = _("Starts on %(date)s") % {"date": _day(_new(event, "start_date"))}
        return _("Offer accepted: %(vacancy)s") % values, detail
    if step == "place":
        detail = _("Started on %(date)s") % {"date": _day(_new(event, "start_date"))}
        return _("Started work: %(vacancy)s") % values, detail
    if step == "not_selected":
        return _("Not selected by the employer: %(vacancy)s") % values, reason
    if step == "decline":
        return _("Offer declined by the person: %(vacancy)s") % values, reason
    if step == "withdraw":
        return _("Referral withdrawn: %(vacancy)s") % values, reason
    return event.action, ""


def _of_referral(path: str) -> Subquery:
    """A value of the referral an audit record is about, in the same query."""
    same = VacancyReferral.objects.filter(pk=Cast(OuterRef("object_id"), BigIntegerField()))
    return Subquery(same.values(path)[:1])


def referral_events(referrals: QuerySet) -> QuerySet:
    """The audit records of these referrals, each with its vacancy's title and
    employer (one query when evaluated), oldest first."""
    ids = referrals.annotate(sid=Cast("pk", CharField())).values("sid")
    # The prefix compared whole, not with startswith: SQLite plans a statement whose
    # LIKE pattern is a parameter again on every run (the case page's prepared read
    # of these records took 85 µs instead of 11).
    return (
        AuditEvent.objects.alias(step_prefix=Left("action", len(STEP_PREFIX)))
        .filter(object_type=REFERRAL_TYPE, object_id__in=ids, step_prefix=STEP_PREFIX)
        .annotate(
            vacancy_title=_of_referral("vacancy__title"),
            employer_name=_of_referral("vacancy__employer__name"),
        )
        .select_related("actor")
        .order_by("at", "id")
    )


def _label(event) -> str:
    if event.vacancy_title and event.employer_name:
        return f"{event.vacancy_title}, {event.employer_name}"
    return event.vacancy_title or ""


def referral_history(referral: VacancyReferral) -> list[TimelineEntry]:
    """One referral's steps, oldest first: 1 query."""
    entries = []
    for event in referral_events(VacancyReferral.objects.filter(pk=referral.pk)):
        title, detail = step_text(event, _label(event))
        entries.append(
            TimelineEntry(
                at=event.at,
                kind="vacancy_referral",
                title=title,
                detail=detail,
                actor=_name(event.actor),
            )
        )
    return entries


@dataclass(frozen=True)
class _Step:
    """What step_text reads of an audit record."""

    action: str
    reason: str
    changes: dict | None


def _case_referral_rows(case_id: int) -> QuerySet:
    return referral_events(VacancyReferral.objects.filter(case_id=case_id)).values_list(
        "at",
        "action",
        "reason",
        "changes",
        "vacancy_title",
        "employer_name",
        *(f"actor__{part}" for part in NAME_PARTS),
    )


@reads(_case_referral_rows)
def vacancy_referral_entries(case: Case) -> Iterable[TimelineEntry]:
    """The steps of the case's referrals: values, not audit records, read with SQL
    built once (kembali.cases.timeline.source_rows)."""
    for at, action, reason, changes, title, employer, *actor in source_rows(
        case, _case_referral_rows
    ):
        label = f"{title}, {employer}" if title and employer else title or ""
        title, detail = step_text(_Step(action, reason, changes), label)
        yield TimelineEntry(
            at=at,
            kind="vacancy_referral",
            title=title,
            detail=detail,
            actor=name_from_parts(*actor),
        )


def _job_coach_rows(case_id: int) -> QuerySet:
    return JobCoach.objects.filter(case_id=case_id).values_list(
        "assigned_on",
        "ended_on",
        "coach_user_id",
        "coach_name",
        *(f"coach_user__{part}" for part in NAME_PARTS),
        *(f"assigned_by__{part}" for part in NAME_PARTS),
    )


@reads(_job_coach_rows)
def job_coach_entries(case: Case) -> Iterable[TimelineEntry]:
    for assigned_on, ended_on, coach_user_id, coach_name, *names in source_rows(
        case, _job_coach_rows
    ):
        # JobCoach.display_name: the staff member's name, else the name typed in.
        name = {"name": name_from_parts(*names[:3]) if coach_user_id else coach_name}
        yield TimelineEntry(
            at=start_of_day(assigned_on),
            kind="job_coach",
            title=_("Job coach assigned: %(name)s") % name,
            actor=name_from_parts(*names[3:]),
        )
        if ended_on:
            yield TimelineEntry(
                at=start_of_day(ended_on),
                kind="job_coach",
                title=_("Job coach's support ended: %(name)s") % name,
            )


def _support_session_rows(case_id: int) -> QuerySet:
    return SupportSession.objects.filter(case_id=case_id).values_list(
        "held_on",
        "kind",
        "duration_minutes",
        "topics",
        "given_by_name",
        *(f"given_by_user__{part}" for part in NAME_PARTS),
    )


@reads(_support_session_rows)
def support_session_entries(case: Case) -> Iterable[TimelineEntry]:
    coaching = _("Job coaching session, %(minutes)s minutes")
    counselling = _("Counselling session, %(minutes)s minutes")
    for held_on, kind, minutes, topics, given_by_name, *given_by in source_rows(
        case, _support_session_rows
    ):
        title = coaching if kind == SessionKind.COACHING else counselling
        yield TimelineEntry(
            at=start_of_day(held_on),
            kind="support_session",
            title=title % {"minutes": minutes},
            detail=topics,
            actor=name_from_parts(*given_by) or given_by_name,
        )
