"""The matching index: the engine's arrays (arrays.py), built from the database.

Each builder reads one ``values_list`` per table (the rows of vacancies or of
job placement assessments, with the few joined columns they need; the skills
through-table; the preferred occupations) and turns each column into a NumPy
array with one vectorised call: no model instances, no per-row ORM access. Skill
bits become a bitmask with ``np.bitwise_or.at``.

What is in each index, and why:

- **Vacancies**: every vacancy whose status is open, including those that open
  later and those whose closing date has passed in the last
  ``RECENTLY_CLOSED_DAYS`` days. The engine's hard constraints exclude both
  from the matches, but its near misses name them ("the vacancy opens on ...",
  "the vacancy closed on ..."), which an officer can act on. Filled and closed
  vacancies are left out: nothing can be done about them.
- **Persons** (the candidates for a vacancy): the current job placement
  assessment of every case in JPESS in the stage *job placement*: people
  looking for work now. Earlier stages are still in rehabilitation, later ones
  have work; a case in any stage can still see the vacancies for itself,
  because ``person_arrays`` builds that single row afresh per request.
  A person's id in the arrays is the **case** id.

Coordinates: a vacancy's own point, else its state's point (``reference.State``
holds one point per state, which stands in for the capital). A person's home
is always known: the assessment service stores the state's point when the home
is not known (``home_estimated``).

Pre-injury job (for the RTW hierarchy): the ISCO unit group and employer of the
assessment's ``previous_employment``, else of the case's ``pre_injury_employment``.

Freshness, across threads and gunicorn workers. Each process keeps one index of
vacancies and one of persons in module globals, swapped whole under a lock (a
reader holds a reference to a complete, immutable index; it never sees half a
rebuild or half a patch). Nothing is shared between worker processes: each polls.

- Markers. Each index has a marker row: ``employers.VacancyIndexVersion`` and
  ``placement.CandidateIndexVersion`` (version and changed-at). Every request reads
  the marker of the index it uses: one primary-key read, well under a millisecond
  (bench/RESULTS.md). Every write that can change an index row bumps its marker
  and logs the row's id (``VacancyIndexChange`` / ``CandidateIndexChange``) in the
  writing transaction: vacancies in ``kembali.employers.freshness`` (saves, deletes,
  skills, the CSV import), candidates in ``kembali.placement.matching.candidates``
  (assessments; a case's stage, JPESS flag, office or pre-injury employment; that
  employment's occupation or employer). Versions are handed out under the marker
  row's lock, so they follow commit order: a reader that sees version V sees every
  log row up to V.
- Patches. When the marker moved, the first request of a process reads the ids
  logged since the version its index was built at (two queries), re-reads only
  those rows (the vacancies or candidates that are still in the index; the others
  left it) and builds a new index from the old one: rows of changed ids dropped,
  re-read rows appended, all re-sorted by latitude then id (arrays.rows_replaced),
  so a patched index equals a full build row for row and ranks identically. Then
  it swaps it in. A changed vacancy or candidate is matchable at the next request,
  tens of milliseconds after its commit at 100,000 rows (bench/RESULTS.md).
- Full rebuilds instead, when a patch would be large or could be wrong: more than
  ``PATCH_SHARE`` (5 %) of the rows changed (at least ``PATCH_MIN``), a bulk write
  logged "everything" (the data generator), the log does not continue the history
  the index was built from (no row for its version: never logged, as before the
  first change, pruned, or another database), and,
  for vacancies, a new day ("open today" moves at midnight; the day is part of the
  key). ``stats`` counts builds and patches per process.

A rebuild or patch happens on the request that finds the index stale; other
requests of the same process wait for it (one rebuild, not many).
"""

from __future__ import annotations

import datetime as dt
import functools
import threading
import time
from collections import Counter
from dataclasses import dataclass

import numpy as np
from django.db import connections
from django.db.models import Q, QuerySet
from django.utils import timezone

from kembali.cases.models import Status
from kembali.cases.selectors_prepared import PreparedQuery
from kembali.employers.models import (
    ACCESSIBILITY_FIELDS,
    DEMAND_FIELDS,
    Vacancy,
    VacancyIndexChange,
    VacancyIndexVersion,
)
from kembali.placement.matching.arrays import (
    ACCESS_BITS,
    DIMENSIONS,
    EPOCH,
    NO_CLOSING_DAY,
    NO_EMPLOYER,
    NO_ISCO,
    PersonArrays,
    VacancyArrays,
    rows_replaced,
)
from kembali.placement.models import (
    CandidateIndexChange,
    CandidateIndexVersion,
    PlacementAssessment,
    VacancySkill,
)

RECENTLY_CLOSED_DAYS = 30
# Up to this many ids go to the database as a list, more as a subquery (no limit on
# query parameters; a full build).
LIST_IDS_MAX = 500
# The assessment service allows at most 3 preferred occupations.
PREFERRED_SLOTS = 3
# Cases whose people are looking for work now: the candidates for a vacancy.
CANDIDATE_STATUSES = (Status.JOB_PLACEMENT,)

# Model fields in the engine's dimension order (arrays.DIMENSIONS).
DIMENSION_FIELDS = (
    "strength_level",
    "max_lift_kg",
    "standing_walking",
    "sitting",
    "fine_hand_use",
    "vision",
    "hearing",
    "speech",
    "driving",
    "cognitive_load",
    "shift_work",
)
assert len(DIMENSION_FIELDS) == len(DIMENSIONS)
assert set(DEMAND_FIELDS) <= set(DIMENSION_FIELDS)
# Accessibility fields in bit order; the model and the engine name them alike.
ACCESS_FIELDS = tuple(label for _bit, label in ACCESS_BITS)
ACCESS_WEIGHTS = np.array([bit for bit, _label in ACCESS_BITS], dtype=np.uint8)
assert set(ACCESS_FIELDS) == set(ACCESSIBILITY_FIELDS)

_EPOCH64 = np.datetime64(EPOCH, "D")


# ----------------------------------------------------------------- columns


def _columns(rows: list[tuple], width: int) -> list[tuple]:
    return list(zip(*rows, strict=True)) if rows else [()] * width


def _fetch(queryset, columns: tuple[str, ...]) -> list[tuple]:
    """The rows of ``queryset.values_list(*columns)`` as the database driver returns
    them, without Django's per-value converters (Decimal, date and boolean objects
    for every cell are most of the cost at 100,000 rows). The column helpers below
    accept both forms: SQLite's ISO date strings and 0/1, PostgreSQL's dates and
    booleans."""
    query = queryset.values_list(*columns)
    sql, params = query.query.sql_with_params()
    with connections[query.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _owners(queryset, ids: np.ndarray):
    """The rows' ids for the follow-up queries (skills, occupations): the list when it
    is short (a few changed rows: the database goes straight to them), else the
    queryset as a subquery (a full build)."""
    return ids.tolist() if ids.size <= LIST_IDS_MAX else queryset.order_by().values("id")


def _days(values, *, missing: int) -> np.ndarray:
    """Dates (None allowed) as the engine's uint16 day numbers."""
    dates = np.array(values, dtype="datetime64[D]")
    days = (dates - _EPOCH64).astype(np.int64)
    days = np.clip(days, 0, int(NO_CLOSING_DAY) - 1)
    return np.where(np.isnat(dates), missing, days).astype(np.uint16)


def _floats(values) -> np.ndarray:
    """Numbers, Decimals or None (NaN) as float64."""
    return np.array([np.nan if v is None else float(v) for v in values], dtype=np.float64)


def _isco(values) -> np.ndarray:
    return np.array([int(v) if v else NO_ISCO for v in values], dtype=np.uint16)


def _ids(values) -> np.ndarray:
    return np.array([NO_EMPLOYER if v is None else v for v in values], dtype=np.int64)


def _bits(flags: list[tuple]) -> np.ndarray:
    """Boolean columns (in ACCESS_BITS order) as one byte per row."""
    if not flags or not flags[0]:
        return np.zeros(len(flags[0]) if flags else 0, dtype=np.uint8)
    stack = np.array(flags, dtype=np.uint8)  # (fields, rows)
    return (stack * ACCESS_WEIGHTS[:, None]).sum(axis=0, dtype=np.uint8)


def _skill_masks(owner_ids: np.ndarray, links: list[tuple[int, int]]) -> np.ndarray:
    """uint64 masks, one per owner (ids sorted ascending), from (owner id, bit) pairs."""
    masks = np.zeros(owner_ids.size, dtype=np.uint64)
    if not links or owner_ids.size == 0:
        return masks
    owners, bits = (np.array(c, dtype=np.int64) for c in zip(*links, strict=True))
    rows = np.searchsorted(owner_ids, owners)
    ok = (rows < owner_ids.size) & (owner_ids[np.minimum(rows, owner_ids.size - 1)] == owners)
    values = np.left_shift(np.uint64(1), bits[ok].astype(np.uint64))
    np.bitwise_or.at(masks, rows[ok], values)
    return masks


# ---------------------------------------------------------------- vacancies

VACANCY_COLUMNS = (
    "id",
    "employer_id",
    "isco_unit_id",
    "latitude",
    "longitude",
    "state__latitude",
    "state__longitude",
    "monthly_wage",
    "status",
    "opened_on",
    "closes_on",
    *DIMENSION_FIELDS,
    *ACCESS_FIELDS,
)


def indexed_vacancies(today: dt.date):
    """The vacancies the index holds (see the module docstring)."""
    since = today - dt.timedelta(days=RECENTLY_CLOSED_DAYS)
    return Vacancy.objects.filter(status=Vacancy.Status.OPEN).filter(
        Q(closes_on__isnull=True) | Q(closes_on__gte=since)
    )


def vacancy_arrays(queryset) -> VacancyArrays:
    """VacancyArrays of the vacancies of ``queryset``: two queries (the rows, their skills)."""
    rows = _fetch(queryset.order_by("id"), VACANCY_COLUMNS)
    c = dict(zip(VACANCY_COLUMNS, _columns(rows, len(VACANCY_COLUMNS)), strict=True))
    ids = np.array(c["id"], dtype=np.int64)
    links = list(
        VacancySkill.objects.filter(vacancy__in=_owners(queryset, ids)).values_list(
            "vacancy_id", "skill__bit"
        )
    )
    lat, lon = _floats(c["latitude"]), _floats(c["longitude"])
    unknown = np.isnan(lat) | np.isnan(lon)
    lat = np.where(unknown, _floats(c["state__latitude"]), lat)
    lon = np.where(unknown, _floats(c["state__longitude"]), lon)
    return VacancyArrays.from_columns(
        ids=ids,
        demands=np.array([c[f] for f in DIMENSION_FIELDS], dtype=np.int64).reshape(
            len(DIMENSIONS), ids.size
        ),
        features=_bits([c[f] for f in ACCESS_FIELDS]),
        lat=lat,
        lon=lon,
        wage=_floats(c["monthly_wage"]),
        isco=_isco(c["isco_unit_id"]),
        skills=_skill_masks(ids, links),
        employer=_ids(c["employer_id"]),
        status_open=np.array(c["status"], dtype=object) == Vacancy.Status.OPEN,
        opens_day=_days(c["opened_on"], missing=0),
        closes_day=_days(c["closes_on"], missing=int(NO_CLOSING_DAY)),
    )


# ------------------------------------------------------------------ persons

PERSON_COLUMNS = (
    "id",
    "case_id",
    "case__status",
    *DIMENSION_FIELDS,
    *ACCESS_FIELDS,
    "home_latitude",
    "home_longitude",
    "max_travel_km",
    "accepts_remote",
    "min_monthly_wage",
    "previous_employment__isco_unit_id",
    "previous_employment__employer_id",
    "case__pre_injury_employment__isco_unit_id",
    "case__pre_injury_employment__employer_id",
)


def candidate_assessments():
    """The current assessments of the people looking for work now."""
    return PlacementAssessment.objects.filter(
        is_current=True, case__in_jpess=True, case__status__in=CANDIDATE_STATUSES
    )


def person_arrays(queryset) -> PersonArrays:
    """PersonArrays of the assessments of ``queryset``, one row per case (ids are
    case ids): three queries (the rows, their skills, their preferred occupations).
    ``active`` is True for every row; narrow it to what a user may see."""
    rows = _fetch(queryset.order_by("id"), PERSON_COLUMNS)
    subquery = _owners(queryset, np.array([row[0] for row in rows], dtype=np.int64))
    through_skills = PlacementAssessment.skills.through.objects
    skill_links = list(
        through_skills.filter(placementassessment_id__in=subquery).values_list(
            "placementassessment_id", "skill__bit"
        )
    )
    through_units = PlacementAssessment.preferred_isco_units.through.objects
    unit_links = list(
        through_units.filter(placementassessment_id__in=subquery)
        .order_by("placementassessment_id", "iscogroup_id")
        .values_list("placementassessment_id", "iscogroup_id")
    )
    return _persons_from(rows, skill_links, unit_links)


# The read of one case's person, which every match page makes: one query, its SQL
# built once per database (kembali.cases.selectors_prepared), as compiling it through
# the ORM cost more than running it. Built with a stand-in case id.
_PREPARED: dict[tuple, PreparedQuery] = {}
_CASE_MARK = -7_000_000_021


def _case_person_query(alias: str) -> PreparedQuery:
    key = ("person", alias)
    if key not in _PREPARED:
        # The skills and preferred occupations joined in: a row per (skill, unit)
        # pair, a few dozen at most, instead of two more queries.
        queryset = (
            PlacementAssessment.objects.using(alias)
            .filter(case_id=_CASE_MARK, is_current=True)
            .order_by("id")
            .values_list(*PERSON_COLUMNS, "skills__bit", "preferred_isco_units")
        )
        _PREPARED[key] = PreparedQuery(queryset, {_CASE_MARK: "case_id"}, required=("case_id",))
    return _PREPARED[key]


def case_person_arrays(case_id: int) -> PersonArrays | None:
    """The one row of the case's current assessment, read afresh, or None without
    one: what ``person_arrays`` gives for that assessment, in one query."""
    rows = _case_person_query(PlacementAssessment.objects.db).rows(case_id=case_id)
    if not rows:
        return None
    # At most one current assessment per case (placement_assessment_one_current).
    width = len(PERSON_COLUMNS)
    assessment_id = rows[0][0]
    bits = {row[width] for row in rows if row[width] is not None}
    units = {row[width + 1] for row in rows if row[width + 1] is not None}
    return _persons_from(
        [rows[0][:width]],
        [(assessment_id, bit) for bit in bits],
        [(assessment_id, unit) for unit in sorted(units)],
    )


def _persons_from(rows: list[tuple], skill_links: list, unit_links: list) -> PersonArrays:
    """PersonArrays from the rows of PERSON_COLUMNS (sorted by assessment id) and the
    (assessment id, skill bit) and (assessment id, ISCO unit) links, the latter
    sorted by assessment then unit."""
    c = dict(zip(PERSON_COLUMNS, _columns(rows, len(PERSON_COLUMNS)), strict=True))
    assessment_ids = np.array(c["id"], dtype=np.int64)
    m = assessment_ids.size
    pref = np.full((PREFERRED_SLOTS, m), NO_ISCO, dtype=np.uint16)
    if unit_links:
        owners = np.array([a for a, _u in unit_links], dtype=np.int64)
        codes = _isco([u for _a, u in unit_links])
        rows_of = np.searchsorted(assessment_ids, owners)
        # The rank of each link within its assessment (links come sorted by owner).
        starts = np.r_[0, np.flatnonzero(np.diff(rows_of)) + 1]
        rank = np.arange(rows_of.size) - np.repeat(starts, np.diff(np.r_[starts, rows_of.size]))
        keep = rank < PREFERRED_SLOTS
        pref[rank[keep], rows_of[keep]] = codes[keep]

    # The pre-injury job: the assessment's, else the case's.
    own = np.array([v is not None for v in c["previous_employment__isco_unit_id"]], dtype=bool)
    prev_isco = np.where(
        own,
        _isco(c["previous_employment__isco_unit_id"]),
        _isco(c["case__pre_injury_employment__isco_unit_id"]),
    )
    employer = np.where(
        own,
        _ids(c["previous_employment__employer_id"]),
        _ids(c["case__pre_injury_employment__employer_id"]),
    )
    return PersonArrays.from_columns(
        ids=np.array(c["case_id"], dtype=np.int64),
        capacity=np.array([c[f] for f in DIMENSION_FIELDS], dtype=np.int64).reshape(
            len(DIMENSIONS), m
        ),
        needs=_bits([c[f] for f in ACCESS_FIELDS]),
        lat=_floats(c["home_latitude"]),
        lon=_floats(c["home_longitude"]),
        max_km=np.array(c["max_travel_km"], dtype=np.float32),
        accepts_remote=np.array(c["accepts_remote"], dtype=np.bool_),
        min_wage=_floats(c["min_monthly_wage"]),
        prev_isco=prev_isco,
        pref_isco=pref,
        skills=_skill_masks(assessment_ids, skill_links),
        employer=employer,
        active=np.ones(m, dtype=np.bool_),
    )


# -------------------------------------------------------------- the caches

# Patch an index when at most this share of its rows changed (or PATCH_MIN rows,
# for small indexes); rebuild it whole beyond that.
PATCH_SHARE = 0.05
PATCH_MIN = 50


def _patch_limit(rows: int) -> int:
    return max(PATCH_MIN, int(rows * PATCH_SHARE))


@dataclass(frozen=True)
class Changes:
    """The ids logged between two marker versions: ``ids`` to drop from an index,
    ``rows`` the same ids to re-read them with (the list, or a subquery of the log)."""

    ids: list[int]
    rows: list[int] | QuerySet


def changes_since(log, id_field: str, built: tuple, now: tuple, *, limit: int) -> Changes | None:
    """What changed between the marker an index was built at (``built``) and ``now``,
    or None when the index must be rebuilt instead: the log does not continue the
    history the index was built from (another database, pruned rows), a bulk write
    changed "everything", or more than ``limit`` versions or ids changed. Two queries."""
    (v0, t0), (v1, _t1) = built, now
    if t0 is None or not v0 < v1 <= v0 + limit:
        return None
    if not log.objects.filter(version=v0, changed_at=t0).exists():
        return None
    window = log.objects.filter(version__gt=v0, version__lte=v1)
    ids = set(window.order_by().values_list(id_field, flat=True).distinct()[: limit + 1])
    if None in ids or len(ids) > limit:
        return None
    ids = sorted(ids)
    # A short list of ids lets the database go straight to the rows (on SQLite, a
    # subquery made it scan every assessment: 3 ms against 100-400 ms at 100,000).
    return Changes(ids, ids if len(ids) <= LIST_IDS_MAX else window.values(id_field))


@dataclass(frozen=True, eq=False)
class VacancyIndex:
    arrays: VacancyArrays
    key: tuple
    day: dt.date
    build_seconds: float
    patched: bool = False

    @classmethod
    def build(cls, key: tuple, day: dt.date) -> VacancyIndex:
        started = time.perf_counter()
        arrays = vacancy_arrays(indexed_vacancies(day))
        return cls(arrays, key, day, time.perf_counter() - started)

    def patch(self, key: tuple, changes: Changes) -> VacancyIndex:
        """A new index: this one with the changed vacancies re-read (those that left
        the index, filled or closed, are dropped). This one stays as it was."""
        started = time.perf_counter()
        fresh = vacancy_arrays(indexed_vacancies(self.day).filter(pk__in=changes.rows))
        arrays = rows_replaced(self.arrays, changes.ids, fresh)
        return VacancyIndex(arrays, key, self.day, time.perf_counter() - started, patched=True)

    @functools.cached_property
    def _by_id(self) -> tuple[np.ndarray, np.ndarray]:
        # Sorted on first use (the candidates page), not on every patch.
        order = np.argsort(self.arrays.ids, kind="stable")
        return self.arrays.ids[order], order

    def row_of(self, pk: int) -> int | None:
        """The row of vacancy ``pk``, or None when the index does not hold it."""
        sorted_ids, rows = self._by_id
        i = int(np.searchsorted(sorted_ids, pk))
        if i < sorted_ids.size and sorted_ids[i] == pk:
            return int(rows[i])
        return None


@dataclass(frozen=True, eq=False)
class PersonIndex:
    arrays: PersonArrays
    key: tuple
    build_seconds: float
    patched: bool = False

    @classmethod
    def build(cls, key: tuple) -> PersonIndex:
        started = time.perf_counter()
        arrays = person_arrays(candidate_assessments())
        return cls(arrays, key, time.perf_counter() - started)

    def patch(self, key: tuple, changes: Changes) -> PersonIndex:
        """A new index: this one with the changed cases' rows re-read (cases that are
        no longer candidates are dropped)."""
        started = time.perf_counter()
        fresh = person_arrays(candidate_assessments().filter(case_id__in=changes.rows))
        arrays = rows_replaced(self.arrays, changes.ids, fresh)
        return PersonIndex(arrays, key, time.perf_counter() - started, patched=True)


_lock = threading.Lock()
_vacancies: VacancyIndex | None = None
_persons: PersonIndex | None = None
# How often each index was built whole or patched in this process (tests, benches).
stats: Counter[str] = Counter()


def _marker(model) -> tuple:
    # Every match page reads one: prepared, as the person's read above.
    key = ("marker", model._meta.label, model.objects.db)
    if key not in _PREPARED:
        marker = model.objects.filter(pk=1).values_list("version", "changed_at")[:1]
        _PREPARED[key] = PreparedQuery(marker, {})
    rows = _PREPARED[key].rows()
    return tuple(rows[0]) if rows else (0, None)


def vacancy_marker() -> tuple:
    """(version, changed_at) of the vacancy marker: one primary-key read. The time
    tells apart two databases whose counters happen to agree (tests, restores)."""
    return _marker(VacancyIndexVersion)


def persons_marker() -> tuple:
    """(version, changed_at) of the candidate marker: one primary-key read."""
    return _marker(CandidateIndexVersion)


def _vacancies_fresh(current: VacancyIndex | None, key: tuple, day: dt.date) -> VacancyIndex:
    if current is not None and current.day == day:
        limit = _patch_limit(len(current.arrays))
        changes = changes_since(VacancyIndexChange, "vacancy_id", current.key, key, limit=limit)
        if changes is not None:
            stats["vacancies patched"] += 1
            return current.patch(key, changes)
    stats["vacancies built"] += 1
    return VacancyIndex.build(key, day)


def _persons_fresh(current: PersonIndex | None, key: tuple) -> PersonIndex:
    if current is not None:
        limit = _patch_limit(len(current.arrays))
        changes = changes_since(CandidateIndexChange, "case_id", current.key, key, limit=limit)
        if changes is not None:
            stats["persons patched"] += 1
            return current.patch(key, changes)
    stats["persons built"] += 1
    return PersonIndex.build(key)


def vacancy_index(*, today: dt.date | None = None) -> VacancyIndex:
    """The vacancy index, patched or rebuilt first if a vacancy changed since."""
    global _vacancies
    day = today or timezone.localdate()
    key = vacancy_marker()
    current = _vacancies
    if current is not None and current.key == key and current.day == day:
        return current
    with _lock:
        current = _vacancies
        if current is None or current.key != key or current.day != day:
            current = _vacancies_fresh(current, key, day)
            _vacancies = current
    return current


def person_index() -> PersonIndex:
    """The candidates' index, patched or rebuilt first if a candidate changed since."""
    global _persons
    key = persons_marker()
    current = _persons
    if current is not None and current.key == key:
        return current
    with _lock:
        current = _persons
        if current is None or current.key != key:
            current = _persons_fresh(current, key)
            _persons = current
    return current


def index_reset() -> None:
    """Forget both indexes and the counts (tests; a management command after a restore)."""
    global _vacancies, _persons
    with _lock:
        _vacancies = None
        _persons = None
        stats.clear()


# The names the other JPESS parts build on; the Django-facing layer is
# kembali.placement.match (imported late: it imports this module).


def match_vacancies_for_case(case, *, k: int = 20, user=None):
    from kembali.placement.match import match_vacancies_for_case as matches

    return matches(case, k=k, user=user)


def explain_pair(case, vacancy) -> dict:
    from kembali.placement.match import explain_pair as explain

    return explain(case, vacancy)
