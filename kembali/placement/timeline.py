"""What JPESS adds to the case timeline: referrals, assessments and the support
plan's activities. One query per source, however many rows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from kembali.cases.models import Case
from kembali.cases.timeline import TimelineEntry
from kembali.placement.models import (
    ActivityStatus,
    JpessReferral,
    PlacementAssessment,
    SupportActivity,
)


def _name(user) -> str:
    return user.display_name if user is not None else ""


def _on(day: dt.date) -> dt.datetime:
    """Activity dates are days; on the timeline they sit at the start of the day."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def referral_entries(case: Case) -> Iterable[TimelineEntry]:
    for row in JpessReferral.objects.filter(case=case).select_related("referred_by"):
        yield TimelineEntry(
            at=row.referred_at,
            kind="jpess",
            title=_("Referred to JPESS"),
            detail=row.reason,
            actor=_name(row.referred_by),
        )


def assessment_entries(case: Case) -> Iterable[TimelineEntry]:
    for row in PlacementAssessment.objects.filter(case=case).select_related("assessed_by"):
        yield TimelineEntry(
            at=row.created_at,
            kind="placement_assessment",
            title=_("Job placement assessment recorded, dated %(date)s")
            % {"date": date_format(row.assessed_on)},
            detail=_("Strength: %(strength)s. Heaviest safe lift %(kg)s kg.")
            % {"strength": row.get_strength_level_display(), "kg": row.max_lift_kg},
            actor=_name(row.assessed_by),
        )


def activity_entries(case: Case) -> Iterable[TimelineEntry]:
    rows = SupportActivity.objects.filter(plan__case=case).select_related("created_by", "owner")
    for row in rows:
        yield TimelineEntry(
            at=row.created_at,
            kind="support_activity",
            title=_("Support plan activity planned: %(kind)s, for %(date)s")
            % {"kind": row.get_kind_display(), "date": date_format(row.planned_on)},
            detail=row.description,
            actor=_name(row.created_by),
        )
        if row.status == ActivityStatus.DONE and row.done_on:
            yield TimelineEntry(
                at=_on(row.done_on),
                kind="support_activity",
                title=_("Support plan activity done: %(kind)s") % {"kind": row.get_kind_display()},
                actor=row.owner_name,
            )
