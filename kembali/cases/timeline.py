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
(a COUNT per source, its SQL built once per database and reused; the case page
asks it with its read of the case: probe_annotations), then runs only those. A
source registered without `rows` always runs. The page's query count then depends
on which kinds of records a case holds, never on how many.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import connections, router
from django.db.models import Case as Choose
from django.db.models import F, Func, JSONField, Model, OuterRef, QuerySet, Subquery, When
from django.utils import dateformat, timezone
from django.utils.formats import date_format, get_format
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from kembali.cases.models import Assignment, Case, Status, Transition
from kembali.cases.reasons import reason_text
from kembali.cases.selectors_prepared import PreparedQuery
from kembali.cases.workflow import edge_for
from kembali.core.dbbatch import fetch_together, sends_together


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
    # What the probe found absent, for the rest of the page to skip its own read
    # of the same rows (the case page's open tasks: kembali.cases.services_monitoring).
    case._timeline_rows_absent = frozenset(_ROWS[source] for source in empty)
    running = [source for source in _SOURCES if source not in empty]
    _read_together(case, running)
    try:
        for source in running:
            entries.extend(source(case))
    finally:
        case.__dict__.pop("_timeline_read", None)
    return sorted(entries, key=lambda e: e.at, reverse=True)


def timeline_rows_absent(case: Case) -> frozenset[SourceRows]:
    """The (model, lookup) of each probed source with no rows for the case, as
    case_timeline leaves them on the case: from the counts the case carries."""
    return frozenset(_ROWS[source] for source in _sources_without_rows(case))


def reads(rows_of: Callable[[int], QuerySet]):
    """Marks a source that reads its rows with source_rows(case, rows_of): the
    timeline can then send that read with the other sources' in one round trip
    (kembali.core.dbbatch), before it runs the source."""

    def mark(source: TimelineSource) -> TimelineSource:
        source.timeline_reads = rows_of
        return source

    return mark


def _read_together(case: Case, running: list[TimelineSource]) -> None:
    """On a database with a round trip to save (PostgreSQL), read the marked
    sources' rows together; source_rows then finds them on the case."""
    alias = router.db_for_read(Case, instance=case)
    if not sends_together(alias):
        return
    marked = [source.timeline_reads for source in running if hasattr(source, "timeline_reads")]
    if len(marked) < 2:
        return
    prepared = [_prepared_read(alias, rows_of) for rows_of in marked]
    fetched = fetch_together(
        alias, [(read.sql, read.params_for(case_id=case.pk)) for read in prepared]
    )
    case._timeline_read = {
        rows_of: read.rows_from(rows)
        for rows_of, read, rows in zip(marked, prepared, fetched, strict=True)
    }


# A page that reads the case anyway can ask the probe there (probe_annotations):
# the case then carries one flag per probed source under these names.
_PROBE_AS = "timeline_probe_"


def _probed() -> list[TimelineSource]:
    return [source for source in _SOURCES if source in _ROWS]


def _rows_count(source: TimelineSource) -> Subquery:
    """COUNT(rows of this source for the case of the outer query): none says the
    source has nothing to show; the number is part of the key a kept timeline is
    found by (kembali.cases.timeline_kept)."""
    model, to_case = _ROWS[source]
    rows = model._base_manager.filter(**{to_case: OuterRef("pk")}).order_by()
    return Subquery(rows.annotate(n=Func(F("pk"), function="COUNT")).values("n"))


def probe_annotations() -> dict[str, Subquery]:
    """The probe as annotations for a query of cases: the case page reads its case
    with them, and case_timeline then asks no probe of its own (a query fewer)."""
    return {f"{_PROBE_AS}{n}": _rows_count(source) for n, source in enumerate(_probed())}


def probe_counts(case: Case) -> tuple[int, ...] | None:
    """The probed sources' counts of rows that the case carries from
    probe_annotations, in the sources' order; None when it carries none."""
    carried = case.__dict__
    names = [f"{_PROBE_AS}{n}" for n in range(len(_probed()))]
    if not all(name in carried for name in names):
        return None
    return tuple(carried[name] or 0 for name in names)


def _sources_without_rows(case: Case) -> set[TimelineSource]:
    """The probed sources that have nothing for this case: what the case carries
    from probe_annotations, else one query."""
    probed = _probed()
    if not probed:
        return set()
    counts = probe_counts(case)
    if counts is not None:
        return {source for source, count in zip(probed, counts, strict=True) if not count}
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
    return {source for source, count in zip(probed, found, strict=True) if not count}


def _probe_sql(probed: list[TimelineSource], alias: str) -> tuple[str, tuple, int]:
    """SELECT COUNT(rows of source 1), COUNT(rows of source 2), ... for one case,
    with the position of the case's id among the parameters."""
    exists = {f"s{n}": _rows_count(source) for n, source in enumerate(probed)}
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


# The sources' reads, per database alias and source (see source_rows).
_PREPARED: dict[tuple, PreparedQuery] = {}


def source_rows(case: Case, rows_of: Callable[[int], QuerySet]) -> list[tuple]:
    """What `rows_of(case_id)` (a values_list query) reads for this case, as tuples.

    A source's query is the same for every case but the case's id, and building it
    through the ORM cost more than running it (about a millisecond each, for a
    dozen rows): its SQL is built once per database and source, then run with this
    case's id (kembali.cases.selectors_prepared)."""
    read_before = case.__dict__.get("_timeline_read")  # by case_timeline: _read_together
    if read_before is not None and rows_of in read_before:
        return read_before.pop(rows_of)
    alias = router.db_for_read(Case, instance=case)
    return _prepared_read(alias, rows_of).rows(case_id=case.pk)


def _prepared_read(alias: str, rows_of: Callable[[int], QuerySet]) -> PreparedQuery:
    key = (alias, rows_of)
    prepared = _PREPARED.get(key)
    if prepared is None:
        queryset = rows_of(_CASE_PK_MARK).using(alias)
        prepared = _PREPARED[key] = PreparedQuery(
            queryset, {_CASE_PK_MARK: "case_id"}, required=("case_id",)
        )
    return prepared


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


def _transition_title(row) -> str:
    return _transition_title_in(get_language(), row.from_status, row.to_status)


@functools.lru_cache(maxsize=512)
def _transition_title_in(language: str, from_status: str, to_status: str) -> str:
    """The title of a step from one status to another in `language` (called with it
    active): a long history repeats a dozen kinds of step, each title two lazy
    translations."""
    edge = edge_for(from_status, to_status)
    title = _TRANSITION_TITLES.get(edge.action if edge else "", _MOVED_TO)
    return str(title) % {"status": Status(to_status).label}


@functools.lru_cache(maxsize=8)
def _referral_sources(language: str) -> dict[str, str]:
    """Case.referral_source's labels in `language` (called with it active)."""
    return {value: str(label) for value, label in Case.Source.choices}


@functools.lru_cache(maxsize=8)
def _assignment_roles(language: str) -> dict[str, str]:
    """Assignment.role's labels as a title shows them, in `language` (called with it
    active)."""
    return {value: str(label).lower() for value, label in Assignment.Role.choices}


@functools.lru_cache(maxsize=8)
def _texts(language: str) -> dict[str, str]:
    """The referral's and the assignments' sentences in `language` (called with it
    active): every case shows them, each a translation per entry and page."""
    return {
        "referred_by": _("%(source)s, referred by %(who)s"),
        "received": _("Referral received, dated %(date)s"),
        "assigned": _("%(name)s assigned as %(role)s"),
    }


@register_timeline_source
def referral_entries(case: Case) -> Iterable[TimelineEntry]:
    language = get_language()
    texts = _texts(language)
    source = case.referral_source
    detail = _referral_sources(language).get(source, source)
    if case.referred_by:
        detail = texts["referred_by"] % {"source": detail, "who": case.referred_by}
    yield TimelineEntry(
        at=case.created_at,
        kind="referral",
        title=texts["received"] % {"date": day_text(case.referral_date)},
        detail=detail,
    )


# What a timeline row shows of the person who acted: their name's parts, read with
# the row (values, not a model instance per row and per user: the case page
# showed a long case's history at a third of the cost).
NAME_PARTS = ("first_name", "last_name", "username")


def name_from_parts(first, last, username) -> str:
    """User.display_name from its parts (NAME_PARTS); empty for no one (the system)."""
    if username is None:
        return ""
    return f"{first} {last}".strip() or username


def day_text(day: dt.date) -> str:
    """date_format(day): the day in the active language's DATE_FORMAT. Kept per
    language, format and day: an entry's day cost 14 µs to format, and the days a
    history shows come from a few years' worth."""
    if type(day) is not dt.date:  # a datetime, or None: formatted as date_format does
        return date_format(day)
    return _day_text(get_language(), get_format("DATE_FORMAT"), day)


@functools.lru_cache(maxsize=4096)
def _day_text(language: str, format_: str, day: dt.date) -> str:
    return dateformat.format(day, format_)  # with `language` active


def start_of_day(day: dt.date) -> dt.datetime:
    """Dates recorded as days sit at the start of their day on the timeline."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


@dataclass(frozen=True)
class _TransitionRow:
    """What _transition_title and reason_text read of a Transition."""

    from_status: str
    to_status: str
    reason: str
    reason_code: str
    reason_params: dict


def _transition_rows(case_id: int) -> QuerySet:
    # A coded reason's params only (reason_text reads none for a typed reason):
    # decoding every transition's JSON cost more than the rest of its row.
    coded_params = Choose(
        When(reason_code="", then=None), default=F("reason_params"), output_field=JSONField()
    )
    return Transition.objects.filter(case_id=case_id).values_list(
        "from_status",
        "to_status",
        "reason",
        "reason_code",
        coded_params,
        "at",
        *(f"actor__{part}" for part in NAME_PARTS),
    )


@reads(_transition_rows)
def transition_entries(case: Case) -> Iterable[TimelineEntry]:
    rows = source_rows(case, _transition_rows)
    # Newest first (Transition's ordering): the latest request for closure says what
    # status_before_closure answers, without a read of its own on the case page.
    case._status_before_closure = next(
        (row[0] for row in rows if row[1] == Status.CLOSURE_PENDING), None
    )
    language = get_language()
    for from_status, to_status, reason, code, params, at, *actor in rows:
        row = _TransitionRow(from_status, to_status, reason, code, params)
        yield TimelineEntry(
            at=at,
            kind="transition",
            title=_transition_title_in(language, from_status, to_status),
            detail=reason_text(row),
            actor=name_from_parts(*actor),
        )


def _assignment_rows(case_id: int) -> QuerySet:
    return Assignment.objects.filter(case_id=case_id).values_list(
        "role",
        "assigned_at",
        "reason",
        *(f"user__{part}" for part in NAME_PARTS),
        *(f"assigned_by__{part}" for part in NAME_PARTS),
    )


@reads(_assignment_rows)
def assignment_entries(case: Case) -> Iterable[TimelineEntry]:
    rows = source_rows(case, _assignment_rows)
    language = get_language()
    roles, assigned = _assignment_roles(language), _texts(language)["assigned"]
    for role, assigned_at, reason, *names in rows:
        title = assigned % {
            "name": name_from_parts(*names[:3]),
            "role": roles.get(role) or str(role).lower(),
        }
        yield TimelineEntry(
            at=assigned_at,
            kind="assignment",
            title=title,
            detail=reason,
            actor=name_from_parts(*names[3:]),
        )


register_timeline_source(transition_entries, rows=(Transition, "case"))
register_timeline_source(assignment_entries, rows=(Assignment, "case"))
