"""What JPESS adds to the case timeline: referrals, assessments and the support
plan's activities. One query per source, however many rows."""

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
from kembali.employers.models import StrengthLevel
from kembali.placement.models import (
    ActivityKind,
    ActivityStatus,
    JpessReferral,
    PlacementAssessment,
    SupportActivity,
)


def _referral_rows(case_id: int) -> QuerySet:
    return JpessReferral.objects.filter(case_id=case_id).values_list(
        "referred_at", "reason", *(f"referred_by__{part}" for part in NAME_PARTS)
    )


@reads(_referral_rows)
def referral_entries(case: Case) -> Iterable[TimelineEntry]:
    for referred_at, reason, *by in source_rows(case, _referral_rows):
        yield TimelineEntry(
            at=referred_at,
            kind="jpess",
            title=_("Referred to JPESS"),
            detail=reason,
            actor=name_from_parts(*by),
        )


def _assessment_rows(case_id: int) -> QuerySet:
    return PlacementAssessment.objects.filter(case_id=case_id).values_list(
        "created_at",
        "assessed_on",
        "strength_level",
        "max_lift_kg",
        *(f"assessed_by__{part}" for part in NAME_PARTS),
    )


@functools.lru_cache(maxsize=8)
def _assessment_texts(language: str) -> dict:
    """An assessment entry's sentences and the strength levels' labels in
    `language` (called with it active), translated once rather than per entry."""
    return {
        "title": _("Job placement assessment recorded, dated %(date)s"),
        "detail": _("Strength: %(strength)s. Heaviest safe lift %(kg)s kg."),
        "strengths": {value: str(label) for value, label in StrengthLevel.choices},
    }


@reads(_assessment_rows)
def assessment_entries(case: Case) -> Iterable[TimelineEntry]:
    texts = _assessment_texts(get_language())
    strengths = texts["strengths"]
    for created_at, assessed_on, strength, kg, *by in source_rows(case, _assessment_rows):
        yield TimelineEntry(
            at=created_at,
            kind="placement_assessment",
            title=texts["title"] % {"date": day_text(assessed_on)},
            detail=texts["detail"] % {"strength": strengths.get(strength, strength), "kg": kg},
            actor=name_from_parts(*by),
        )


def _activity_rows(case_id: int) -> QuerySet:
    return SupportActivity.objects.filter(plan__case_id=case_id).values_list(
        "created_at",
        "kind",
        "planned_on",
        "description",
        "status",
        "done_on",
        "owner_id",
        *(f"created_by__{part}" for part in NAME_PARTS),
        *(f"owner__{part}" for part in NAME_PARTS),
    )


@reads(_activity_rows)
def activity_entries(case: Case) -> Iterable[TimelineEntry]:
    kinds = dict(ActivityKind.choices)
    for row in source_rows(case, _activity_rows):
        created_at, kind, planned_on, description, status, done_on, owner_id = row[:7]
        kind = kinds.get(kind, kind)
        yield TimelineEntry(
            at=created_at,
            kind="support_activity",
            title=_("Support plan activity planned: %(kind)s, for %(date)s")
            % {"kind": kind, "date": day_text(planned_on)},
            detail=description,
            actor=name_from_parts(*row[7:10]),
        )
        if status == ActivityStatus.DONE and done_on:
            # SupportActivity.owner_name: the owner, or the person themself.
            owner = name_from_parts(*row[10:13]) if owner_id else str(_("The person"))
            yield TimelineEntry(
                at=start_of_day(done_on),
                kind="support_activity",
                title=_("Support plan activity done: %(kind)s") % {"kind": kind},
                actor=owner,
            )
