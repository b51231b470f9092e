"""What follow-ups and the self-employment track add to the case timeline. The text is
made from the rows when the timeline is read, so each reader sees it in their own
language. One query per source, however many rows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from kembali.cases.models import Case
from kembali.cases.timeline import TimelineEntry
from kembali.placement.models_followup import FollowUp
from kembali.placement.models_selfemployment import (
    IncomeMilestone,
    SelfEmploymentPlan,
    SelfEmploymentSupport,
)


def _name(user) -> str:
    return user.display_name if user is not None else ""


def _on(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def follow_up_entries(case: Case) -> Iterable[TimelineEntry]:
    rows = FollowUp.objects.filter(case=case, done_on__isnull=False).select_related("recorded_by")
    for row in rows:
        if row.still_employed:
            title = _("%(months)s-month follow-up: still in work") % {"months": row.months}
            detail = _("%(hours)s hours a week, RM %(wage)s a month, %(employer)s.") % {
                "hours": row.hours_per_week,
                "wage": row.monthly_wage,
                "employer": _("same employer") if row.same_employer else _("another employer"),
            }
        else:
            title = _("%(months)s-month follow-up: no longer in work") % {"months": row.months}
            detail = row.problems
        yield TimelineEntry(
            at=row.recorded_at or _on(row.done_on),
            kind="follow_up",
            title=title,
            detail=detail,
            actor=_name(row.recorded_by),
        )


def self_employment_entries(case: Case) -> Iterable[TimelineEntry]:
    plan = SelfEmploymentPlan.objects.filter(case=case).select_related("created_by").first()
    if plan is None:
        return
    yield TimelineEntry(
        at=plan.created_at,
        kind="self_employment",
        title=_("Self-employment plan written"),
        detail=plan.business_idea,
        actor=_name(plan.created_by),
    )
    if plan.started_on is not None:
        yield TimelineEntry(
            at=_on(plan.started_on),
            kind="self_employment",
            title=_("The business started, on %(date)s") % {"date": date_format(plan.started_on)},
        )


def support_entries(case: Case) -> Iterable[TimelineEntry]:
    rows = SelfEmploymentSupport.objects.filter(plan__case=case).select_related("recorded_by")
    for row in rows:
        yield TimelineEntry(
            at=_on(row.given_on),
            kind="self_employment",
            title=_("Self-employment support given: %(kind)s, RM %(amount)s")
            % {"kind": row.get_kind_display(), "amount": row.amount},
            detail=row.description,
            actor=_name(row.recorded_by),
        )


def milestone_entries(case: Case) -> Iterable[TimelineEntry]:
    rows = IncomeMilestone.objects.filter(plan__case=case, reported_on__isnull=False)
    for row in rows:
        yield TimelineEntry(
            at=_on(row.reported_on),
            kind="self_employment",
            title=_("Business income reported: RM %(actual)s a month (target RM %(target)s)")
            % {"actual": row.actual_monthly_income, "target": row.target_monthly_income},
            detail=row.notes,
        )
