"""What plans and provider referrals add to the case timeline. One query per source,
whatever the number of versions or referrals."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from kembali.cases.models import Case
from kembali.cases.timeline import TimelineEntry, start_of_day
from kembali.plans.models import PlanStatus, ProviderReferral, RehabPlan


def _name(user) -> str:
    return user.display_name if user is not None else ""


def plan_entries(case: Case) -> Iterable[TimelineEntry]:
    plans = RehabPlan.objects.filter(case=case).select_related(
        "created_by", "submitted_by", "approved_by", "rejected_by"
    )
    for plan in plans:
        frame = _("Goal: %(goal)s. Time frame %(start)s to %(end)s.") % {
            "goal": plan.get_goal_display(),
            "start": date_format(plan.start_date),
            "end": date_format(plan.target_end_date),
        }
        yield TimelineEntry(
            at=plan.created_at,
            kind="plan",
            title=_("Rehabilitation plan version %(version)s started") % {"version": plan.version},
            detail=frame,
            actor=_name(plan.created_by),
        )
        if plan.submitted_at:
            yield TimelineEntry(
                at=plan.submitted_at,
                kind="plan",
                title=_("Plan version %(version)s submitted for approval")
                % {"version": plan.version},
                actor=_name(plan.submitted_by),
            )
        if plan.status == PlanStatus.REJECTED and plan.rejected_at:
            yield TimelineEntry(
                at=plan.rejected_at,
                kind="plan",
                title=_("Plan version %(version)s returned for changes")
                % {"version": plan.version},
                detail=plan.rejection_reason,
                actor=_name(plan.rejected_by),
            )
        if plan.approved_at:
            yield TimelineEntry(
                at=plan.approved_at,
                kind="plan",
                title=_("Plan version %(version)s approved") % {"version": plan.version},
                detail=frame,
                actor=_name(plan.approved_by),
            )
        if plan.superseded_at:
            yield TimelineEntry(
                at=plan.superseded_at,
                kind="plan",
                title=_("Plan version %(version)s superseded") % {"version": plan.version},
            )


def referral_entries(case: Case) -> Iterable[TimelineEntry]:
    referrals = ProviderReferral.objects.filter(case=case).select_related(
        "provider", "intervention", "created_by"
    )
    for referral in referrals:
        provider = referral.provider.local_name
        detail = referral.intervention.get_kind_display() if referral.intervention else ""
        yield TimelineEntry(
            at=start_of_day(referral.referred_on),
            kind="provider_referral",
            title=_("Referred to %(provider)s") % {"provider": provider},
            detail=detail,
            actor=_name(referral.created_by),
        )
        if referral.accepted_on:
            yield TimelineEntry(
                at=start_of_day(referral.accepted_on),
                kind="provider_referral",
                title=_("%(provider)s accepted the referral") % {"provider": provider},
            )
        if referral.report_received_on:
            yield TimelineEntry(
                at=start_of_day(referral.report_received_on),
                kind="provider_referral",
                title=_("Report received from %(provider)s") % {"provider": provider},
                detail=referral.report_summary,
            )
