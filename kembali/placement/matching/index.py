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
rebuild). Nothing is shared between worker processes: each one polls.

- Vacancies: every request reads the marker row of
  ``kembali.employers.freshness`` (version and changed-at: one primary-key read).
  Every vacancy write bumps it in the writing transaction, so the first request
  after a change, in any worker, sees a different marker and rebuilds: a
  changed vacancy is matchable at the next request, a second or so later at
  100,000 vacancies (bench/RESULTS.md), never minutes. The day is part of the
  key too, so "open today" moves at midnight.
- Persons: a fingerprint instead of a counter: the number of cases in the job
  placement stage and their latest ``updated_at`` (one aggregate over the
  status index). Recording an assessment touches the case and a stage change
  saves it, so both change the fingerprint. A change to an employment record
  alone (the pre-injury employer) is seen at the next write to any candidate's
  case.

A rebuild happens on the request that finds the index stale; other requests of
the same process wait for it (one rebuild, not many).
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from dataclasses import dataclass

import numpy as np
from django.db import connections
from django.db.models import Count, Max, Q
from django.utils import timezone

from kembali.cases.models import Case, Status
from kembali.employers.models import (
    ACCESSIBILITY_FIELDS,
    DEMAND_FIELDS,
    Vacancy,
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
)
from kembali.placement.models import PlacementAssessment, VacancySkill

RECENTLY_CLOSED_DAYS = 30
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
        VacancySkill.objects.filter(vacancy__in=queryset.order_by().values("id")).values_list(
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
    c = dict(zip(PERSON_COLUMNS, _columns(rows, len(PERSON_COLUMNS)), strict=True))
    assessment_ids = np.array(c["id"], dtype=np.int64)
    m = assessment_ids.size
    subquery = queryset.order_by().values("id")
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


@dataclass(frozen=True, eq=False)
class VacancyIndex:
    arrays: VacancyArrays
    key: tuple
    day: dt.date
    build_seconds: float
    _sorted_ids: np.ndarray
    _sorted_rows: np.ndarray

    @classmethod
    def build(cls, key: tuple, day: dt.date) -> VacancyIndex:
        started = time.perf_counter()
        arrays = vacancy_arrays(indexed_vacancies(day))
        order = np.argsort(arrays.ids, kind="stable")
        return cls(arrays, key, day, time.perf_counter() - started, arrays.ids[order], order)

    def row_of(self, pk: int) -> int | None:
        """The row of vacancy ``pk``, or None when the index does not hold it."""
        i = int(np.searchsorted(self._sorted_ids, pk))
        if i < self._sorted_ids.size and self._sorted_ids[i] == pk:
            return int(self._sorted_rows[i])
        return None


@dataclass(frozen=True, eq=False)
class PersonIndex:
    arrays: PersonArrays
    key: tuple
    build_seconds: float

    @classmethod
    def build(cls, key: tuple) -> PersonIndex:
        started = time.perf_counter()
        arrays = person_arrays(candidate_assessments())
        return cls(arrays, key, time.perf_counter() - started)


_lock = threading.Lock()
_vacancies: VacancyIndex | None = None
_persons: PersonIndex | None = None


def vacancy_marker() -> tuple:
    """(version, changed_at) of the vacancy marker: one primary-key read. The time
    tells apart two databases whose counters happen to agree (tests, restores)."""
    row = VacancyIndexVersion.objects.filter(pk=1).values_list("version", "changed_at").first()
    return tuple(row) if row else (0, None)


def persons_marker() -> tuple:
    """(how many candidates, their latest change): one aggregate query."""
    found = Case.objects.filter(status__in=CANDIDATE_STATUSES, in_jpess=True).aggregate(
        n=Count("id"), touched=Max("updated_at")
    )
    return (found["n"], found["touched"])


def vacancy_index(*, today: dt.date | None = None) -> VacancyIndex:
    """The vacancy index, rebuilt first if a vacancy changed since it was built."""
    global _vacancies
    day = today or timezone.localdate()
    key = vacancy_marker()
    current = _vacancies
    if current is not None and current.key == key and current.day == day:
        return current
    with _lock:
        current = _vacancies
        if current is None or current.key != key or current.day != day:
            current = VacancyIndex.build(key, day)
            _vacancies = current
    return current


def person_index() -> PersonIndex:
    """The candidates' index, rebuilt first if a candidate's case changed."""
    global _persons
    key = persons_marker()
    current = _persons
    if current is not None and current.key == key:
        return current
    with _lock:
        current = _persons
        if current is None or current.key != key:
            current = PersonIndex.build(key)
            _persons = current
    return current


def index_reset() -> None:
    """Forget both indexes (tests; a management command after a restore)."""
    global _vacancies, _persons
    with _lock:
        _vacancies = None
        _persons = None


# The names the other JPESS parts build on; the Django-facing layer is
# kembali.placement.match (imported late: it imports this module).


def match_vacancies_for_case(case, *, k: int = 20, user=None):
    from kembali.placement.match import match_vacancies_for_case as matches

    return matches(case, k=k, user=user)


def explain_pair(case, vacancy) -> dict:
    from kembali.placement.match import explain_pair as explain

    return explain(case, vacancy)
