"""What plans and provider referrals add to the case timeline. One query per source,
whatever the number of versions or referrals: values, read with SQL built once
(kembali.cases.timeline.source_rows)."""

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
from kembali.plans.models import InterventionKind, PlanStatus, ProviderReferral, RehabPlan

_PLAN_USERS = ("created_by", "submitted_by", "rejected_by", "approved_by")


def _plan_rows(case_id: int) -> QuerySet:
    # Newest version first, as RehabPlan's ordering gives a case's plans (without its
    # join to the case that ordering by "case" would add).
    return (
        RehabPlan.objects.filter(case_id=case_id)
        .order_by("-version")
        .values_list(
            "version",
            "goal",
            "start_date",
            "target_end_date",
            "status",
            "created_at",
            "submitted_at",
            "rejected_at",
            "rejection_reason",
            "approved_at",
            "superseded_at",
            *(f"{user}__{part}" for user in _PLAN_USERS for part in NAME_PARTS),
        )
    )


@functools.lru_cache(maxsize=8)
def _plan_texts(language: str) -> dict:
    """RehabPlan.goal's labels and the plan entries' sentences in `language` (called
    with it active): a case's versions repeat them, each a translation."""
    field = RehabPlan._meta.get_field("goal")
    return {
        "goals": {value: str(label) for value, label in field.flatchoices},
        "frame": _("Goal: %(goal)s. Time frame %(start)s to %(end)s."),
        "started": _("Rehabilitation plan version %(version)s started"),
        "submitted": _("Plan version %(version)s submitted for approval"),
        "returned": _("Plan version %(version)s returned for changes"),
        "approved": _("Plan version %(version)s approved"),
        "superseded": _("Plan version %(version)s superseded"),
    }


@reads(_plan_rows)
def plan_entries(case: Case) -> Iterable[TimelineEntry]:
    texts = _plan_texts(get_language())
    goals = texts["goals"]
    for row in source_rows(case, _plan_rows):
        version, goal, start, end, status, created_at, submitted_at = row[:7]
        rejected_at, rejection_reason, approved_at, superseded_at = row[7:11]
        created_by, submitted_by, rejected_by, approved_by = (
            name_from_parts(*row[at : at + 3]) for at in range(11, 23, 3)
        )
        numbered = {"version": version}
        frame = texts["frame"] % {
            "goal": goals.get(goal, goal),
            "start": day_text(start),
            "end": day_text(end),
        }
        yield TimelineEntry(
            at=created_at,
            kind="plan",
            title=texts["started"] % numbered,
            detail=frame,
            actor=created_by,
        )
        if submitted_at:
            yield TimelineEntry(
                at=submitted_at,
                kind="plan",
                title=texts["submitted"] % numbered,
                actor=submitted_by,
            )
        if status == PlanStatus.REJECTED and rejected_at:
            yield TimelineEntry(
                at=rejected_at,
                kind="plan",
                title=texts["returned"] % numbered,
                detail=rejection_reason,
                actor=rejected_by,
            )
        if approved_at:
            yield TimelineEntry(
                at=approved_at,
                kind="plan",
                title=texts["approved"] % numbered,
                detail=frame,
                actor=approved_by,
            )
        if superseded_at:
            yield TimelineEntry(at=superseded_at, kind="plan", title=texts["superseded"] % numbered)


def _referral_rows(case_id: int) -> QuerySet:
    return ProviderReferral.objects.filter(case_id=case_id).values_list(
        "referred_on",
        "accepted_on",
        "report_received_on",
        "report_summary",
        "provider__name",
        "provider__name_ms",
        "intervention__kind",
        *(f"created_by__{part}" for part in NAME_PARTS),
    )


@functools.lru_cache(maxsize=8)
def _kinds(language: str) -> dict[str, str]:
    """InterventionKind's labels in `language` (called with it active)."""
    return {value: str(label) for value, label in InterventionKind.choices}


@reads(_referral_rows)
def referral_entries(case: Case) -> Iterable[TimelineEntry]:
    language = get_language()
    kinds = _kinds(language)
    for row in source_rows(case, _referral_rows):
        referred_on, accepted_on, report_on, summary, name, name_ms, kind = row[:7]
        # Provider.local_name: the Malay name for a Malay reader, where there is one.
        provider = {"provider": name_ms if language == "ms" and name_ms else name}
        yield TimelineEntry(
            at=start_of_day(referred_on),
            kind="provider_referral",
            title=_("Referred to %(provider)s") % provider,
            detail=kinds.get(kind, kind) if kind else "",  # the intervention's kind
            actor=name_from_parts(*row[7:10]),
        )
        if accepted_on:
            yield TimelineEntry(
                at=start_of_day(accepted_on),
                kind="provider_referral",
                title=_("%(provider)s accepted the referral") % provider,
            )
        if report_on:
            yield TimelineEntry(
                at=start_of_day(report_on),
                kind="provider_referral",
                title=_("Report received from %(provider)s") % provider,
                detail=summary,
            )
