"""The matching engine: hard constraints, then a score, over NumPy columns.

Pure: NumPy only, no Django, no database. It takes the arrays of arrays.py
and returns dataclasses; explain.py turns their reason codes into words.

How a match is decided, for a person p and a vacancy v:

1. Hard constraints, all of them, vectorised: v is open today (status open,
   opened, not closed); every demand of v is within p's capacity; every
   accessibility need of p is a feature of v; v is within p's travel
   distance, unless v offers remote work and p accepts it. Rows are in
   latitude order (arrays.py), so only the band of rows within reach north
   and south is scanned, as views; dimensions where p has no restriction are
   skipped; the byte comparisons run into two reused buffers; distance is
   computed only for rows that passed them. Remote vacancies outside the
   band (a short index) are checked apart for people who accept remote work.
2. The score of a survivor is a weighted sum of factors, each in [0, 1]
   (``Weights``): occupation closeness on the ISCO hierarchy (same unit 1,
   minor 0.75, sub-major 0.5, major 0.25, best over the previous and the
   preferred units, read from a per-person table of all 10,000 codes),
   skills overlap (1 - missing / asked; a vacancy asking none scores 1),
   wage against the person's minimum (wage/minimum, saturating at 1.25x:
   meeting the minimum exactly is 0.8), distance (1 at the door, 0 at the
   travel limit; remote work 1) and the RTW hierarchy of needs ((6 - level)
   / 5, so level 1 "same job, same employer" is 1 and level 6 "different
   job, different employer" is 0).
3. The best k by score (``np.argpartition``, then the k sorted by score,
   ties by row), and for those k only the factor breakdown and reason codes.

The RTW hierarchy as a factor, not a tie-break: "fit" is the score without
the RTW contribution. Between two vacancies of equal fit, the one at the
pre-injury employer has a hierarchy level 3 lower, so an RTW value 0.6
higher and a score 0.6 x weight higher: it ranks above, always (tested with
hypothesis). Likewise same job (0.4) > similar (0.2) > different (0). An
explicit factor also lets the officer see it in the breakdown, and lets a
pre-injury vacancy win over a slightly better fit elsewhere, which is what
the RTW hierarchy asks for (the previous employer is the first choice).

"Same job" is the same ISCO unit group as the pre-injury job, "similar job"
the same minor group (first three digits), as kembali.cases.hierarchy
classifies an outcome (a test holds the two together); an unknown code on
either side is a different job.

Skills are one uint64 bitmask per row (a vocabulary of at most 64 skills for
matching): the score uses ``1 - bitwise_count(v & ~p) * (1 / bitwise_count(v))``
with the inverse precomputed per vacancy, a few instructions per row and no
ragged arrays to gather. Matching skills are
the coarse families a job placement officer records (forklift licence, food
handling, basic computer ...); if the vocabulary outgrows 64 the column
becomes (W, N) words and the counts a sum over W, with the same code shape.

Distance is equirectangular at the person's latitude: within Malaysia (1-7
degrees north) and travel limits under 300 km it is within 0.5 % of the
great-circle distance (tested), a few hundred metres at most, and it costs
five float32 operations per row instead of the haversine's trigonometry.
"""

from __future__ import annotations

import datetime as dt
import functools
import threading
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np

from .arrays import (
    ACCESS_BITS,
    DIMENSION_MAX,
    DIMENSIONS,
    KM_PER_DEGREE,
    NO_EMPLOYER,
    NO_ISCO,
    REMOTE_WORK,
    PersonArrays,
    VacancyArrays,
    day_number,
    skill_ids,
)

FACTORS = ("occupation", "skills", "wage", "distance", "rtw")
_KM_PER_DEGREE = np.float32(KM_PER_DEGREE)
_WAGE_SATURATION = np.float32(1.25)
_ONE = np.float32(1.0)
_SAME_EMPLOYER_RTW = np.float32(0.6)  # three hierarchy levels of 0.2

_CLOSENESS = {"unit": 1.0, "minor": 0.75, "sub_major": 0.5, "major": 0.25, "none": 0.0}


@dataclass(frozen=True)
class Weights:
    occupation: float = 0.30
    skills: float = 0.25
    wage: float = 0.15
    distance: float = 0.10
    rtw: float = 0.20

    def as_dict(self) -> dict[str, float]:
        return {name: getattr(self, name) for name in FACTORS}


DEFAULT_WEIGHTS = Weights()


class Factor(NamedTuple):
    value: float
    weight: float
    contribution: float


@dataclass(frozen=True)
class Reason:
    """One thing an officer can say about a match, before it is put in words."""

    code: str
    params: dict = field(default_factory=dict)


@dataclass(frozen=True)
class MatchResult:
    vacancy_index: int
    person_index: int
    score: float
    factors: dict[str, Factor]
    missing_skills: tuple[int, ...]
    reasons: tuple[Reason, ...]
    hierarchy_level: int

    @property
    def fit(self) -> float:
        """The score without the RTW hierarchy: what "equal fit" compares."""
        return self.score - self.factors["rtw"].contribution

    @property
    def lines(self) -> list[str]:
        from .explain import explain

        return explain(self)


@dataclass(frozen=True)
class NearMiss:
    """A vacancy that fails exactly one hard constraint."""

    vacancy_index: int
    person_index: int
    score: float
    failed: Reason

    @property
    def line(self) -> str:
        from .explain import explain_near_miss

        return explain_near_miss(self)


# ---------------------------------------------------------------- lookup tables


@functools.lru_cache(maxsize=4096)
def _closeness_table_of(units: tuple[int, ...]) -> np.ndarray:
    """closeness[code] = best closeness of an ISCO code to any of ``units``."""
    # Cached, and cheap anyway: a group is a contiguous range of codes, so each
    # unit is four slice assignments, not a pass over all 10,000 codes.
    table = np.zeros(NO_ISCO + 1, dtype=np.float32)
    for unit in units:
        if unit >= NO_ISCO:
            continue
        for value, size in ((0.25, 1000), (0.5, 100), (0.75, 10), (1.0, 1)):
            start = unit // size * size
            group = table[start : start + size]
            np.maximum(group, np.float32(value), out=group)
    table[NO_ISCO] = 0.0
    table.flags.writeable = False
    return table


@functools.lru_cache(maxsize=4096)
def _job_rtw_table(prev_unit: int) -> np.ndarray:
    """RTW value of the job part: same 0.4, similar 0.2, different 0."""
    table = np.zeros(NO_ISCO + 1, dtype=np.float32)
    if prev_unit < NO_ISCO:
        start = prev_unit // 10 * 10
        table[start : start + 10] = np.float32(0.2)
        table[prev_unit] = np.float32(0.4)
    table[NO_ISCO] = 0.0
    table.flags.writeable = False
    return table


_JOB_RTW = {"unit": np.float32(0.4), "minor": np.float32(0.2)}


def occupation_level(code: int, unit: int) -> str:
    if code >= NO_ISCO or unit >= NO_ISCO:
        return "none"
    for name, div in (("unit", 1), ("minor", 10), ("sub_major", 100), ("major", 1000)):
        if code // div == unit // div:
            return name
    return "none"


def hierarchy_level(*, same_employer: bool, code: int, prev_unit: int) -> int:
    """RTW hierarchy level 1..6 of a job (7, self-employment, is not a vacancy)."""
    level = occupation_level(code, prev_unit)
    job = 1 if level == "unit" else 2 if level == "minor" else 3
    return job if same_employer else job + 3


# ------------------------------------------------------------ shared kernels


def _distance_deg2(dlat, dlon, cos_lat):
    """Squared equirectangular distance in degrees of arc (float32)."""
    dx = dlon * cos_lat
    return dlat * dlat + dx * dx


def _radius_deg2(max_km):
    r = max_km / _KM_PER_DEGREE
    return r * r


def _wage_value(wage, minimum):
    safe = np.maximum(minimum, _ONE)
    value = np.minimum(wage / safe, _WAGE_SATURATION) / _WAGE_SATURATION
    return np.where(minimum > 0, value, _ONE).astype(np.float32)


def _skills_value(vac_skills, person_skills):
    required = np.bitwise_count(vac_skills)
    held = np.bitwise_count(vac_skills & person_skills)
    value = held.astype(np.float32) / np.maximum(required, 1).astype(np.float32)
    return np.where(required > 0, value, _ONE).astype(np.float32)


def _distance_value(deg2, max_km, remote_ok):
    km = np.sqrt(deg2) * _KM_PER_DEGREE
    value = _ONE - km / np.maximum(max_km, _ONE)
    value = np.clip(value, np.float32(0.0), _ONE)
    return np.where(remote_ok, _ONE, value).astype(np.float32), km


@functools.lru_cache(maxsize=4096)
def _base_table(units: tuple[int, ...], prev_unit: int, w: Weights) -> np.ndarray:
    """base[code] = occupation x weight + job part of RTW x weight, the two
    factors that depend on the vacancy's code only: one gather per row."""
    table = _closeness_table_of(units) * np.float32(w.occupation)
    table += _job_rtw_table(prev_unit) * np.float32(w.rtw)
    table.flags.writeable = False
    return table


# The score of a survivor, in one fixed order of float32 operations shared by
# both directions, so a pair scores the same to the bit whichever side asks:
#   s  = occupation x w + job part of RTW x w            (_base_table)
#   s += 0.6 x w_rtw                  at the pre-injury employer
#   s += (1 - missing skills / vacancy skills) x w_skills
#   s += min(wage, 1.25 x minimum) / (1.25 x minimum) x w_wage     (1 if no minimum)
#   s += max(1 - km / travel limit, 0) x w_distance                (1 if remote)


def _add_employer(s, same, w: Weights):
    np.add(s, _SAME_EMPLOYER_RTW * np.float32(w.rtw), out=s, where=same)


def _add_skills(s, missing, inv, w: Weights):
    t = missing * inv
    np.subtract(_ONE, t, out=t)
    t *= np.float32(w.skills)
    s += t


def _add_wage(s, wage, minimum, w: Weights):
    cap = minimum * _WAGE_SATURATION
    if np.ndim(minimum) == 0:
        if minimum > 0:
            t = np.minimum(wage, cap)
            t /= cap
            t *= np.float32(w.wage)
            s += t
        else:
            s += _ONE * np.float32(w.wage)
        return
    has_minimum = minimum > 0
    safe = np.where(has_minimum, cap, _ONE)
    t = np.minimum(wage, safe)
    t /= safe
    np.copyto(t, _ONE, where=~has_minimum)
    t *= np.float32(w.wage)
    s += t


def _add_distance(s, deg2, max_km, remote_ok, w: Weights):
    t = np.sqrt(deg2)
    t *= _KM_PER_DEGREE / np.maximum(max_km, _ONE)
    np.subtract(_ONE, t, out=t)
    np.maximum(t, np.float32(0.0), out=t)
    if remote_ok is not None:
        np.copyto(t, _ONE, where=remote_ok)
    t *= np.float32(w.distance)
    s += t


def _top_k(scores: np.ndarray, k: int, rows: np.ndarray) -> np.ndarray:
    """Positions of the k best scores, best first, ties by row."""
    n = scores.shape[0]
    if n == 0 or k <= 0:
        return np.empty(0, dtype=np.intp)
    part = np.argpartition(-scores, k - 1)[:k] if n > k else np.arange(n)
    order = np.lexsort((rows[part], -scores[part]))
    return part[order]


def _today(today: dt.date | int | None) -> int:
    if isinstance(today, int):
        return today
    return day_number(today or dt.date.today())


# ---------------------------------------------------- person -> vacancies


class _Person(NamedTuple):
    capacity: np.ndarray
    needs: int
    lat: np.float32
    lon: np.float32
    cos_lat: np.float32
    max_km: np.float32
    accepts_remote: bool
    min_wage: np.float32
    prev_isco: int
    units: np.ndarray
    skills: np.uint64
    employer: int


def _person(persons: PersonArrays, p: int) -> _Person:
    return _Person(
        capacity=persons.capacity[:, p],
        needs=int(persons.needs[p]),
        lat=persons.lat[p],
        lon=persons.lon[p],
        cos_lat=persons.cos_lat[p],
        max_km=persons.max_km[p],
        accepts_remote=bool(persons.accepts_remote[p]),
        min_wage=persons.min_wage[p],
        prev_isco=int(persons.prev_isco[p]),
        units=np.concatenate(([persons.prev_isco[p]], persons.pref_isco[:, p])),
        skills=persons.skills[p],
        employer=int(persons.employer[p]),
    )


def vacancy_filter(
    vac: VacancyArrays, persons: PersonArrays, p: int, *, today: dt.date | int | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Rows of the vacancies that pass every hard constraint for person p, and
    their squared distance in degrees. This alone is the benchmark's floor."""
    me = _person(persons, p)
    day = _today(today)
    lo, hi = _band(vac.lat, me.lat, float(me.max_km))
    mask, tmp = _scratch(hi - lo)
    _vacancy_cheap_mask(vac, me, day, slice(lo, hi), mask, tmp)
    rows = np.flatnonzero(mask)
    rows += lo
    extra = np.empty(0, dtype=rows.dtype)
    if me.accepts_remote and vac.remote_rows.size:
        # Remote vacancies beyond the band are in reach too: few, checked apart.
        remote = vac.remote_rows
        remote = remote[(remote < lo) | (remote >= hi)]
        m2, t2 = np.empty(remote.size, np.bool_), np.empty(remote.size, np.bool_)
        _vacancy_cheap_mask(vac, me, day, remote, m2, t2)
        extra = remote[m2]
    deg2 = _distance_deg2(vac.lat[rows] - me.lat, vac.lon[rows] - me.lon, me.cos_lat)
    ok = deg2 <= _radius_deg2(me.max_km)
    if me.accepts_remote:
        ok |= (vac.features[rows] & REMOTE_WORK) != 0
    rows, deg2 = rows[ok], deg2[ok]
    if extra.size:
        extra_deg2 = _distance_deg2(vac.lat[extra] - me.lat, vac.lon[extra] - me.lon, me.cos_lat)
        rows = np.concatenate((rows, extra))
        deg2 = np.concatenate((deg2, extra_deg2))
    return rows, deg2


def _vacancy_cheap_mask(vac, me: _Person, day: int, sel, mask, tmp) -> None:
    """Into mask: open today, every demand within capacity, every need met,
    for the rows ``sel`` (a slice, scanned in place, or an index array)."""
    np.less_equal(vac.opens_day[sel], day, out=mask)
    np.greater_equal(vac.closes_day[sel], day, out=tmp)
    np.logical_and(mask, tmp, out=mask)
    np.logical_and(mask, vac.status_open[sel], out=mask)
    for d, name in enumerate(DIMENSIONS):
        cap = int(me.capacity[d])
        if cap >= DIMENSION_MAX[name]:
            continue  # no restriction on this dimension: every demand fits
        np.less_equal(vac.demands[d, sel], cap, out=tmp)
        np.logical_and(mask, tmp, out=mask)
    if me.needs:
        needs = np.uint8(me.needs)
        np.equal(vac.features[sel] & needs, needs, out=tmp)
        np.logical_and(mask, tmp, out=mask)


def _band(lat: np.ndarray, centre, km: float) -> tuple[int, int]:
    """The slice of latitude-sorted rows within ``km`` north or south of
    ``centre``. A small margin keeps float32 rounding on the safe side: rows
    in the band are checked exactly, rows outside are surely too far."""
    reach = km / KM_PER_DEGREE * 1.0001 + 1e-4
    centre = float(centre)
    lo = int(np.searchsorted(lat, np.float32(centre - reach), side="left"))
    hi = int(np.searchsorted(lat, np.float32(centre + reach), side="right"))
    return lo, hi


_local = threading.local()


def _scratch(n: int) -> tuple[np.ndarray, np.ndarray]:
    """Two reusable bool buffers of length n for this thread: the mask pass
    allocates nothing per call."""
    bufs = getattr(_local, "bufs", None)
    if bufs is None or bufs[0].shape[0] < n:
        bufs = (np.empty(n, dtype=np.bool_), np.empty(n, dtype=np.bool_))
        _local.bufs = bufs
    return bufs[0][:n], bufs[1][:n]


def _score_vacancies(vac, me: _Person, rows, deg2, weights):
    units = tuple(sorted({int(u) for u in me.units}))
    s = _base_table(units, me.prev_isco, weights)[vac.isco[rows]]
    if me.employer != NO_EMPLOYER:
        _add_employer(s, vac.employer[rows] == me.employer, weights)
    missing = np.bitwise_count(vac.skills[rows] & ~me.skills)
    _add_skills(s, missing, vac.skills_inv[rows], weights)
    _add_wage(s, vac.wage[rows], me.min_wage, weights)
    remote_ok = (vac.features[rows] & REMOTE_WORK) != 0 if me.accepts_remote else None
    _add_distance(s, deg2, me.max_km, remote_ok, weights)
    return s


def best_vacancies(
    vac: VacancyArrays,
    persons: PersonArrays,
    p: int,
    *,
    k: int = 20,
    today: dt.date | int | None = None,
    weights: Weights = DEFAULT_WEIGHTS,
) -> list[MatchResult]:
    """The k best vacancies for person p, best first, each explaining itself."""
    rows, deg2 = vacancy_filter(vac, persons, p, today=today)
    me = _person(persons, p)
    scores = _score_vacancies(vac, me, rows, deg2, weights)
    top = _top_k(scores, k, rows)
    vrows, prows = rows[top], np.full(top.size, p)
    return _results(vac, persons, vrows, prows, scores[top], deg2[top], weights)


# ---------------------------------------------------- vacancy -> persons


def person_filter(
    vac: VacancyArrays, persons: PersonArrays, v: int, *, today: dt.date | int | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Rows of the persons for whom vacancy v passes every hard constraint."""
    day = _today(today)
    if not (vac.status_open[v] and vac.opens_day[v] <= day <= vac.closes_day[v]):
        return np.empty(0, dtype=np.intp), np.empty(0, dtype=np.float32)
    remote_vacancy = bool(vac.features[v] & REMOTE_WORK)
    if remote_vacancy:
        lo, hi = 0, len(persons)
    else:
        lo, hi = _band(persons.lat, vac.lat[v], persons.max_km_max)
    sel = slice(lo, hi)
    mask, tmp = _scratch(hi - lo)
    np.copyto(mask, persons.active[sel])
    for d in range(len(DIMENSIONS)):
        demand = int(vac.demands[d, v])
        if demand == 0:
            continue  # every capacity is at least 0
        np.greater_equal(persons.capacity[d, sel], demand, out=tmp)
        np.logical_and(mask, tmp, out=mask)
    lacking = np.uint8(~int(vac.features[v]) & 0xFF)
    np.equal(persons.needs[sel] & lacking, 0, out=tmp)
    np.logical_and(mask, tmp, out=mask)
    rows = np.flatnonzero(mask)
    rows += lo
    # Vacancy minus person, as in vacancy_filter, so a pair gets the same
    # distance, bit for bit, whichever side asks.
    dlat = vac.lat[v] - persons.lat[rows]
    dlon = vac.lon[v] - persons.lon[rows]
    deg2 = _distance_deg2(dlat, dlon, persons.cos_lat[rows])
    ok = deg2 <= _radius_deg2(persons.max_km[rows])
    if remote_vacancy:
        ok |= persons.accepts_remote[rows]
    return rows[ok], deg2[ok]


def best_candidates(
    vac: VacancyArrays,
    persons: PersonArrays,
    v: int,
    *,
    k: int = 20,
    today: dt.date | int | None = None,
    weights: Weights = DEFAULT_WEIGHTS,
) -> list[MatchResult]:
    """The k best active candidates for vacancy v, best first."""
    rows, deg2 = person_filter(vac, persons, v, today=today)
    code = int(vac.isco[v])
    # Closeness is symmetric: the table of the vacancy's code, read at each
    # person's units. Then the same float32 operations as _base_table.
    table = _closeness_table_of((code,))
    occ = table[persons.prev_isco[rows]]
    for j in range(persons.pref_isco.shape[0]):
        np.maximum(occ, table[persons.pref_isco[j, rows]], out=occ)
    prev = persons.prev_isco[rows].astype(np.int32)
    known = (prev < NO_ISCO) & (code < NO_ISCO)
    job = np.where(
        known & (prev == code),
        np.float32(0.4),
        np.where(known & (prev // 10 == code // 10), np.float32(0.2), np.float32(0.0)),
    ).astype(np.float32)
    s = occ * np.float32(weights.occupation)
    s += job * np.float32(weights.rtw)
    employer = int(vac.employer[v])
    if employer != NO_EMPLOYER:
        _add_employer(s, persons.employer[rows] == employer, weights)
    missing = np.bitwise_count(vac.skills[v] & ~persons.skills[rows])
    _add_skills(s, missing, vac.skills_inv[v], weights)
    _add_wage(s, vac.wage[v], persons.min_wage[rows], weights)
    remote_ok = persons.accepts_remote[rows] if vac.features[v] & REMOTE_WORK else None
    _add_distance(s, deg2, persons.max_km[rows], remote_ok, weights)
    top = _top_k(s, k, rows)
    vrows, prows = np.full(top.size, v), rows[top]
    return _results(vac, persons, vrows, prows, s[top], deg2[top], weights)


def _pair_parts(vac, persons, vrows, prows, deg2):
    """The factor values of k pairs, for the breakdown (the same definitions
    as the score, computed again for the few pairs shown)."""
    codes = vac.isco[vrows]
    occ = np.empty(vrows.size, dtype=np.float32)
    rtw = np.empty(vrows.size, dtype=np.float32)
    prevs = persons.prev_isco[prows].tolist()
    prefs = persons.pref_isco[:, prows].T.tolist()
    for i, (code, prev, pref) in enumerate(zip(codes.tolist(), prevs, prefs, strict=True)):
        occ[i] = max(_CLOSENESS[occupation_level(code, u)] for u in (prev, *pref))
        rtw[i] = _JOB_RTW.get(occupation_level(code, prev), np.float32(0.0))
    employer = persons.employer[prows]
    same = (employer != NO_EMPLOYER) & (employer == vac.employer[vrows])
    rtw += same * _SAME_EMPLOYER_RTW
    skl = _skills_value(vac.skills[vrows], persons.skills[prows])
    wag = _wage_value(vac.wage[vrows], persons.min_wage[prows])
    remote_ok = ((vac.features[vrows] & REMOTE_WORK) != 0) & persons.accepts_remote[prows]
    dst, km = _distance_value(deg2, persons.max_km[prows], remote_ok)
    return occ, skl, wag, dst, rtw, km, remote_ok


# ------------------------------------------------------------- explanations


def _results(vac, persons, vrows, prows, scores, deg2, weights) -> list[MatchResult]:
    """MatchResults for k pairs, reading every column once for all k (plain
    Python values from here on: k is small, per-element NumPy access is not)."""
    columns = [x.tolist() for x in _pair_parts(vac, persons, vrows, prows, deg2)]
    demands = vac.demands[:, vrows].T.tolist()
    capacity = persons.capacity[:, prows].T.tolist()
    prefs = persons.pref_isco[:, prows].T.tolist()
    fields = zip(
        vrows.tolist(),
        prows.tolist(),
        scores.tolist(),
        zip(*columns, strict=True),
        demands,
        capacity,
        prefs,
        vac.isco[vrows].tolist(),
        persons.prev_isco[prows].tolist(),
        vac.skills[vrows].tolist(),
        persons.skills[prows].tolist(),
        vac.wage[vrows].tolist(),
        persons.min_wage[prows].tolist(),
        vac.employer[vrows].tolist(),
        persons.employer[prows].tolist(),
        persons.needs[prows].tolist(),
        persons.max_km[prows].tolist(),
        strict=True,
    )
    w = weights.as_dict()
    out = []
    for (v, p, score, part, dem, cap, pref, code, prev, vsk, psk, wage, minimum, vemp, pemp,
         needs, max_km) in fields:  # fmt: skip
        occ, skl, wag, dst, rtw, km, remote_ok = part
        factors = {
            name: Factor(value, w[name], value * w[name])
            for name, value in zip(FACTORS, (occ, skl, wag, dst, rtw), strict=True)
        }
        reasons: list[Reason] = []
        for name, c, d in zip(DIMENSIONS, cap, dem, strict=True):
            if d and c < DIMENSION_MAX[name]:
                limit = {"dimension": name, "capacity": c, "demand": d}
                reasons.append(Reason("within_limit", limit))
        if not reasons:
            reasons.append(Reason("no_restriction_applies"))
        if needs:
            met = [label for bit, label in ACCESS_BITS if needs & bit]
            reasons.append(Reason("access_met", {"features": met}))
        if remote_ok:
            reasons.append(Reason("remote"))
        else:
            reasons.append(Reason("distance", {"km": km, "limit": max_km}))

        prev_level = occupation_level(code, prev)
        best_pref = max(
            (occupation_level(code, u) for u in pref), key=_CLOSENESS.__getitem__, default="none"
        )
        if _CLOSENESS[prev_level] >= _CLOSENESS[best_pref]:
            occupation = {"level": prev_level, "source": "previous", "code": code}
        else:
            occupation = {"level": best_pref, "source": "preferred", "code": code}
        reasons.append(Reason("occupation", occupation))

        missing = tuple(skill_ids(vsk & ~psk))
        if vsk:
            held = len(skill_ids(vsk & psk))
            reasons.append(Reason("skills", {"held": held, "required": held + len(missing)}))
        if missing:
            reasons.append(Reason("missing_skills", {"skills": missing}))

        if minimum > 0:
            code_w = "wage_meets" if wage >= minimum else "wage_below"
            reasons.append(Reason(code_w, {"wage": wage, "minimum": minimum}))
        else:
            reasons.append(Reason("wage", {"wage": wage}))

        same_employer = pemp != NO_EMPLOYER and pemp == vemp
        level = hierarchy_level(same_employer=same_employer, code=code, prev_unit=prev)
        if same_employer:
            reasons.append(Reason("pre_injury_employer"))
        reasons.append(Reason("rtw_level", {"level": level}))
        out.append(
            MatchResult(
                vacancy_index=v,
                person_index=p,
                score=score,
                factors=factors,
                missing_skills=missing,
                reasons=tuple(reasons),
                hierarchy_level=level,
            )
        )
    return out


# ------------------------------------------------------------- near misses


def near_misses(
    vac: VacancyArrays,
    persons: PersonArrays,
    p: int,
    *,
    k: int = 5,
    today: dt.date | int | None = None,
    weights: Weights = DEFAULT_WEIGHTS,
) -> list[NearMiss]:
    """The k best vacancies that fail exactly one hard constraint for person p,
    each saying which one and by how much."""
    me = _person(persons, p)
    day = _today(today)
    n = len(vac)
    fails = np.zeros(n, dtype=np.uint8)
    closed = ~(vac.status_open & (vac.opens_day <= day) & (vac.closes_day >= day))
    fails += closed
    for d in range(len(DIMENSIONS)):
        fails += vac.demands[d] > int(me.capacity[d])
    unmet = np.bitwise_count(np.uint8(me.needs) & ~vac.features)
    fails += unmet
    deg2_all = _distance_deg2(vac.lat - me.lat, vac.lon - me.lon, me.cos_lat)
    far = deg2_all > _radius_deg2(me.max_km)
    if me.accepts_remote:
        far &= (vac.features & REMOTE_WORK) == 0
    fails += far
    rows = np.flatnonzero(fails == 1)
    scores = _score_vacancies(vac, me, rows, deg2_all[rows], weights)
    top = _top_k(scores, k, rows)
    out = []
    for i in top:
        v = int(rows[i])
        out.append(NearMiss(v, p, float(scores[i]), _failed(vac, me, v, day, deg2_all[v])))
    return out


def _failed(vac: VacancyArrays, me: _Person, v: int, day: int, deg2) -> Reason:
    if not vac.status_open[v]:
        return Reason("closed", {})
    if vac.opens_day[v] > day:
        return Reason("not_open_yet", {"opens_day": int(vac.opens_day[v])})
    if vac.closes_day[v] < day:
        return Reason("closed_on", {"closes_day": int(vac.closes_day[v])})
    for d, name in enumerate(DIMENSIONS):
        demand, cap = int(vac.demands[d, v]), int(me.capacity[d])
        if demand > cap:
            return Reason("exceeds_limit", {"dimension": name, "capacity": cap, "demand": demand})
    lacking = me.needs & ~int(vac.features[v])
    if lacking:
        label = next(label for bit, label in ACCESS_BITS if lacking & bit)
        return Reason("access_missing", {"feature": label})
    km = float(np.sqrt(deg2) * _KM_PER_DEGREE)
    return Reason("too_far", {"km": km, "limit": float(me.max_km)})
