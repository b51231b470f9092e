"""What follow-ups and the self-employment track add to the case timeline. The text is
made from the rows when the timeline is read, so each reader sees it in their own
language. One query per source, however many rows."""

from __future__ import annotations

import functools
from collections.abc import Iterable

from django.db.models import QuerySet
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from kembali.cases.models import Case
from kembali.cases.timeline import (
    NAME_PARTS,
    TimelineEntry,
    day_text,
    name_from_parts,
    reads,
    source_rows,
    start_of_day,
)
from kembali.placement.models_followup import FollowUp
from kembali.placement.models_selfemployment import (
    IncomeMilestone,
    SelfEmploymentPlan,
    SelfEmploymentSupport,
    SupportKind,
)


def _follow_up_rows(case_id: int) -> QuerySet:
    return FollowUp.objects.filter(case_id=case_id, done_on__isnull=False).values_list(
        "months",
        "still_employed",
        "hours_per_week",
        "monthly_wage",
        "same_employer",
        "problems",
        "recorded_at",
        "done_on",
        *(f"recorded_by__{part}" for part in NAME_PARTS),
    )


@functools.lru_cache(maxsize=8)
def _follow_up_texts(language: str) -> dict[str, str]:
    """A follow-up entry's sentences in `language` (called with it active): a case in
    work has one every few months, each of which translated three of them."""
    return {
        "in_work": _("%(months)s-month follow-up: still in work"),
        "hours": _("%(hours)s hours a week, RM %(wage)s a month, %(employer)s."),
        "same": _("same employer"),
        "another": _("another employer"),
        "out_of_work": _("%(months)s-month follow-up: no longer in work"),
    }


@reads(_follow_up_rows)
def follow_up_entries(case: Case) -> Iterable[TimelineEntry]:
    texts = _follow_up_texts(get_language())
    for row in source_rows(case, _follow_up_rows):
        months, still_employed, hours, wage, same_employer, problems, recorded_at, done_on = row[:8]
        if still_employed:
            title = texts["in_work"] % {"months": months}
            detail = texts["hours"] % {
                "hours": hours,
                "wage": wage,
                "employer": texts["same"] if same_employer else texts["another"],
            }
        else:
            title = texts["out_of_work"] % {"months": months}
            detail = problems
        yield TimelineEntry(
            at=recorded_at or start_of_day(done_on),
            kind="follow_up",
            title=title,
            detail=detail,
            actor=name_from_parts(*row[8:]),
        )


def _self_employment_rows(case_id: int) -> QuerySet:
    return SelfEmploymentPlan.objects.filter(case_id=case_id).values_list(
        "created_at",
        "business_idea",
        "started_on",
        *(f"created_by__{part}" for part in NAME_PARTS),
    )


@reads(_self_employment_rows)
def self_employment_entries(case: Case) -> Iterable[TimelineEntry]:
    rows = source_rows(case, _self_employment_rows)
    if not rows:
        return
    created_at, business_idea, started_on, *by = rows[0]  # one plan per case
    yield TimelineEntry(
        at=created_at,
        kind="self_employment",
        title=_("Self-employment plan written"),
        detail=business_idea,
        actor=name_from_parts(*by),
    )
    if started_on is not None:
        yield TimelineEntry(
            at=start_of_day(started_on),
            kind="self_employment",
            title=_("The business started, on %(date)s") % {"date": day_text(started_on)},
        )


def _support_rows(case_id: int) -> QuerySet:
    return SelfEmploymentSupport.objects.filter(plan__case_id=case_id).values_list(
        "given_on",
        "kind",
        "amount",
        "description",
        *(f"recorded_by__{part}" for part in NAME_PARTS),
    )


@reads(_support_rows)
def support_entries(case: Case) -> Iterable[TimelineEntry]:
    kinds = dict(SupportKind.choices)
    for given_on, kind, amount, description, *by in source_rows(case, _support_rows):
        yield TimelineEntry(
            at=start_of_day(given_on),
            kind="self_employment",
            title=_("Self-employment support given: %(kind)s, RM %(amount)s")
            % {"kind": kinds.get(kind, kind), "amount": amount},
            detail=description,
            actor=name_from_parts(*by),
        )


def _milestone_rows(case_id: int) -> QuerySet:
    return IncomeMilestone.objects.filter(
        plan__case_id=case_id, reported_on__isnull=False
    ).values_list("reported_on", "actual_monthly_income", "target_monthly_income", "notes")


@reads(_milestone_rows)
def milestone_entries(case: Case) -> Iterable[TimelineEntry]:
    for reported_on, actual, target, notes in source_rows(case, _milestone_rows):
        yield TimelineEntry(
            at=start_of_day(reported_on),
            kind="self_employment",
            title=_("Business income reported: RM %(actual)s a month (target RM %(target)s)")
            % {"actual": actual, "target": target},
            detail=notes,
        )
