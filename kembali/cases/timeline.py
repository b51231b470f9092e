"""The case timeline: everything that happened to a case, newest first.

Each module contributes entries through a source: a function (case) -> entries that
makes ONE query (or none), so the case page's query count stays constant however
long the timeline grows. Later modules (notes, plans, interventions) register their
own source in their AppConfig.ready():

    from kembali.cases.timeline import register_timeline_source
    register_timeline_source(plan_timeline_entries, rows=(RehabPlan, "case"))

`rows` (optional) names the model the source reads and the lookup from it to the
case: every row the source could show must be such a row. Most cases have nothing
in most sources (a new case has no plan, no placement, no follow-up), and a query
costs about a millisecond of Python to build even when it finds nothing; so the
case page first asks ONE query which of these sources have any row for the case
(an EXISTS per source, its SQL built once per database and reused), then runs
only those. A source registered without `rows` always runs. The page's query
count then depends on which kinds of records a case holds, never on how many.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import connections, router
from django.db.models import Exists, Model, OuterRef
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

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
SourceRows = tuple[type[Model], str]  # (model, lookup from it to the case)
_SOURCES: list[TimelineSource] = []
_ROWS: dict[TimelineSource, SourceRows] = {}
# The probe's SQL, per database alias and set of probed sources: building the ORM
# query costs more than running it.
_PROBE_SQL: dict[tuple, tuple[str, tuple, int]] = {}
_CASE_PK_MARK = -7_000_000_001  # stands for the case's id while the SQL is built


def register_timeline_source(
    source: TimelineSource, *, rows: SourceRows | None = None
) -> TimelineSource:
    if source not in _SOURCES:
        _SOURCES.append(source)
    if rows is not None:
        _ROWS[source] = rows
    return source


def timeline_sources() -> tuple[TimelineSource, ...]:
    return tuple(_SOURCES)


def case_timeline(case: Case) -> list[TimelineEntry]:
    entries: list[TimelineEntry] = []
    empty = _sources_without_rows(case)
    for source in _SOURCES:
        if source not in empty:
            entries.extend(source(case))
    return sorted(entries, key=lambda e: e.at, reverse=True)


def _sources_without_rows(case: Case) -> set[TimelineSource]:
    """The probed sources that have nothing for this case: one query."""
    probed = [source for source in _SOURCES if source in _ROWS]
    if not probed:
        return set()
    alias = router.db_for_read(Case, instance=case)
    key = (alias, tuple(probed))
    if key not in _PROBE_SQL:
        _PROBE_SQL[key] = _probe_sql(probed, alias)
    sql, params, at = _PROBE_SQL[key]
    params = (*params[:at], case.pk, *params[at + 1 :])
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, params)
        found = cursor.fetchone()
    if found is None:  # the case is gone: nothing to show from any source
        return set(probed)
    return {source for source, has_rows in zip(probed, found, strict=True) if not has_rows}


def _probe_sql(probed: list[TimelineSource], alias: str) -> tuple[str, tuple, int]:
    """SELECT EXISTS(rows of source 1), EXISTS(rows of source 2), ... for one case,
    with the position of the case's id among the parameters."""
    exists = {}
    for n, source in enumerate(probed):
        model, to_case = _ROWS[source]
        rows = model._base_manager.filter(**{to_case: OuterRef("pk")}).order_by()
        exists[f"s{n}"] = Exists(rows.values("pk"))
    query = (
        Case._base_manager.using(alias)
        .filter(pk=_CASE_PK_MARK)
        .annotate(**exists)
        .order_by()
        .values_list(*exists)
    )
    sql, params = query.query.get_compiler(alias).as_sql()
    marks = [n for n, value in enumerate(params) if value == _CASE_PK_MARK]
    if len(marks) != 1:  # never expected: the case's id is the only parameter
        raise RuntimeError(f"timeline probe: cannot place the case id in {params!r}")
    return sql, tuple(params), marks[0]


def _name(user) -> str:
    return user.display_name if user is not None else ""


# Lazy, so that a title is translated when used: building the whole table per
# transition translated eight strings to use one.
_TRANSITION_TITLES = {
    "decide_eligibility": gettext_lazy("Eligibility decided: %(status)s"),
    "override_eligibility": gettext_lazy("Eligibility decision overridden: %(status)s"),
    "request_closure": gettext_lazy("Closure requested"),
    "approve_closure": gettext_lazy("Closure approved: case closed"),
    "close_not_eligible": gettext_lazy("Case closed as not eligible"),
    "refuse_closure": gettext_lazy("Closure refused: back to %(status)s"),
    "reopen": gettext_lazy("Case reopened: %(status)s"),
}
_MOVED_TO = gettext_lazy("Moved to %(status)s")


def _transition_title(row: Transition) -> str:
    edge = edge_for(row.from_status, row.to_status)
    title = _TRANSITION_TITLES.get(edge.action if edge else "", _MOVED_TO)
    return str(title) % {"status": Status(row.to_status).label}


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


def transition_entries(case: Case) -> Iterable[TimelineEntry]:
    for row in Transition.objects.filter(case=case).select_related("actor"):
        yield TimelineEntry(
            at=row.at,
            kind="transition",
            title=_transition_title(row),
            detail=reason_text(row),
            actor=_name(row.actor),
        )


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


register_timeline_source(transition_entries, rows=(Transition, "case"))
register_timeline_source(assignment_entries, rows=(Assignment, "case"))
