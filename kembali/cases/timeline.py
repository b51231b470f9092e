"""The case timeline: everything that happened to a case, newest first.

Each module contributes entries through a source: a function (case) -> entries that
makes ONE query (or none), so the case page's query count stays constant however
long the timeline grows. Later modules (notes, plans, interventions) register their
own source in their AppConfig.ready():

    from kembali.cases.timeline import register_timeline_source
    register_timeline_source(plan_timeline_entries)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from kembali.cases.models import Assignment, Case, Status, Transition
from kembali.cases.reasons import reason_text
from kembali.cases.workflow import edge_for


@dataclass(frozen=True)
class TimelineEntry:
    at: dt.datetime
    kind: str  # "transition", "assignment", "referral", "note", ...: for styling and tests
    title: str
    detail: str = ""
    actor: str = ""  # display name; empty for the system


TimelineSource = Callable[[Case], Iterable[TimelineEntry]]
_SOURCES: list[TimelineSource] = []


def register_timeline_source(source: TimelineSource) -> TimelineSource:
    if source not in _SOURCES:
        _SOURCES.append(source)
    return source


def timeline_sources() -> tuple[TimelineSource, ...]:
    return tuple(_SOURCES)


def case_timeline(case: Case) -> list[TimelineEntry]:
    entries: list[TimelineEntry] = []
    for source in _SOURCES:
        entries.extend(source(case))
    return sorted(entries, key=lambda e: e.at, reverse=True)


def _name(user) -> str:
    return user.display_name if user is not None else ""


def _transition_title(row: Transition) -> str:
    edge = edge_for(row.from_status, row.to_status)
    action = edge.action if edge else ""
    to_label = Status(row.to_status).label
    titles = {
        "decide_eligibility": _("Eligibility decided: %(status)s"),
        "override_eligibility": _("Eligibility decision overridden: %(status)s"),
        "request_closure": _("Closure requested"),
        "approve_closure": _("Closure approved: case closed"),
        "close_not_eligible": _("Case closed as not eligible"),
        "refuse_closure": _("Closure refused: back to %(status)s"),
        "reopen": _("Case reopened: %(status)s"),
    }
    return titles.get(action, _("Moved to %(status)s")) % {"status": to_label}


@register_timeline_source
def referral_entries(case: Case) -> Iterable[TimelineEntry]:
    detail = case.get_referral_source_display()
    if case.referred_by:
        detail = _("%(source)s, referred by %(who)s") % {"source": detail, "who": case.referred_by}
    yield TimelineEntry(
        at=case.created_at,
        kind="referral",
        title=_("Referral received, dated %(date)s") % {"date": date_format(case.referral_date)},
        detail=detail,
    )


@register_timeline_source
def transition_entries(case: Case) -> Iterable[TimelineEntry]:
    for row in Transition.objects.filter(case=case).select_related("actor"):
        yield TimelineEntry(
            at=row.at,
            kind="transition",
            title=_transition_title(row),
            detail=reason_text(row),
            actor=_name(row.actor),
        )


@register_timeline_source
def assignment_entries(case: Case) -> Iterable[TimelineEntry]:
    rows = Assignment.objects.filter(case=case).select_related("user", "assigned_by")
    for row in rows:
        title = _("%(name)s assigned as %(role)s") % {
            "name": row.user.display_name,
            "role": row.get_role_display().lower(),
        }
        yield TimelineEntry(
            at=row.assigned_at,
            kind="assignment",
            title=title,
            detail=row.reason,
            actor=_name(row.assigned_by),
        )
