"""The column layout the matching engine scans: one NumPy array per field.

Pure: NumPy only, no Django. Each array is one field of one table, in row
order, with a compact dtype, so the index builder can fill it from a
queryset's ``values_list`` with one ``np.fromiter`` (or ``np.array``) per
column and no per-row Python logic. The only derived columns (``cos_lat`` of
a person, the 2-D ``demands`` / ``capacity`` stacks) are vectorised one-liners
made by the constructors here.

The person's capacity and the vacancy's demands share one scale per dimension
(``DIMENSIONS``), so "every demand within capacity" is ``demand <= capacity``
on every row of the stack.

Rows are kept in latitude order, ties by id (``from_columns`` sorts them; ``ids``
maps a row back to its primary key; ``rows_replaced`` patches rows in place of a
rebuild and keeps the order). Everyone within a travel distance of r km lies
within r / 111.2 degrees of latitude, so the rows a person can reach are one
contiguous slice found by binary search: the engine scans that slice (a view,
no copy) instead of the whole country. Coordinates must be known: the index
builder uses the state capital's when a vacancy or a person has none.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TypeVar

import numpy as np

# Physical and cognitive demand dimensions, in stack order. The scale of each:
#   strength    1 sedentary, 2 light, 3 medium, 4 heavy, 5 very heavy
#   lift_kg     kilograms (0-255; nobody is asked to lift more)
#   standing, sitting, fine_hand, vision, hearing, speech, driving, cognitive
#               0 not needed, 1 low, 2 moderate, 3 high (employers.DemandLevel)
#   shift_work  0 no, 1 yes
DIMENSIONS: tuple[str, ...] = (
    "strength",
    "lift_kg",
    "standing",
    "sitting",
    "fine_hand",
    "vision",
    "hearing",
    "speech",
    "driving",
    "cognitive",
    "shift_work",
)
DIMENSION_MAX: dict[str, int] = {
    "strength": 5,
    "lift_kg": 255,
    "standing": 3,
    "sitting": 3,
    "fine_hand": 3,
    "vision": 3,
    "hearing": 3,
    "speech": 3,
    "driving": 3,
    "cognitive": 3,
    "shift_work": 1,
}

# Accessibility: a person's needs and a vacancy's features as bits of one byte,
# so "every need met" is ``needs & ~features == 0``.
WHEELCHAIR = 1
ACCESSIBLE_TOILET = 2
FLEXIBLE_HOURS = 4
REMOTE_WORK = 8
ASSISTIVE_TECH = 16
ACCESS_BITS: tuple[tuple[int, str], ...] = (
    (WHEELCHAIR, "wheelchair_access"),
    (ACCESSIBLE_TOILET, "accessible_toilet"),
    (FLEXIBLE_HOURS, "flexible_hours"),
    (REMOTE_WORK, "remote_work"),
    (ASSISTIVE_TECH, "assistive_technology"),
)

# ISCO-08 unit groups are 4-digit codes (0110..9629), stored as integers. A
# missing code is NO_ISCO, one past the last possible code, so a lookup table
# of NO_ISCO + 1 entries answers it with 0 and it never shares a group.
NO_ISCO = 10000
# A missing employer (or no pre-injury employer) never equals a real id (>= 1).
NO_EMPLOYER = -1
# Skills are bits of one uint64: the skills vocabulary used for matching is
# capped at 64 ids (0..63). See engine.py for why.
MAX_SKILLS = 64
# Dates are days since 2000-01-01 in a uint16 (good until 2179): half the
# bytes of int32 for the two "is it open today" comparisons.
EPOCH = dt.date(2000, 1, 1)
NO_CLOSING_DAY = np.iinfo(np.uint16).max

# Mean Earth radius (IUGG) in km, and km per degree of arc on it.
EARTH_RADIUS_KM = 6371.0088
KM_PER_DEGREE = EARTH_RADIUS_KM * math.pi / 180.0


def day_number(day: dt.date | None, *, missing: int = 0) -> int:
    """A date as the uint16 day number the arrays hold."""
    if day is None:
        return missing
    return min(max((day - EPOCH).days, 0), int(NO_CLOSING_DAY) - 1)


def skills_mask(skill_ids: Iterable[int]) -> int:
    """A set of skill ids (0..63) as the bitmask stored in ``skills``."""
    mask = 0
    for skill in skill_ids:
        if not 0 <= skill < MAX_SKILLS:
            raise ValueError(f"skill id {skill} is outside 0..{MAX_SKILLS - 1}")
        mask |= 1 << skill
    return mask


def skill_ids(mask: int) -> list[int]:
    """The skill ids set in a bitmask, lowest first."""
    mask = int(mask) & (1 << MAX_SKILLS) - 1
    ids = []
    while mask:
        low = mask & -mask
        ids.append(low.bit_length() - 1)
        mask ^= low
    return ids


def _col(values, dtype) -> np.ndarray:
    return np.ascontiguousarray(np.asarray(values), dtype=dtype)


@dataclass(frozen=True, eq=False)
class VacancyArrays:
    """N vacancies, one array per field (see the module docstring)."""

    ids: np.ndarray  # int64, the database primary keys; row i is vacancy ids[i]
    demands: np.ndarray  # uint8 (len(DIMENSIONS), N), one row per dimension
    features: np.ndarray  # uint8, ACCESS_BITS
    lat: np.ndarray  # float32 degrees
    lon: np.ndarray  # float32 degrees
    wage: np.ndarray  # float32 RM per month
    isco: np.ndarray  # uint16 unit group code, NO_ISCO if unknown
    skills: np.ndarray  # uint64 bitmask
    employer: np.ndarray  # int32 employer id
    status_open: np.ndarray  # bool, status is "open"
    opens_day: np.ndarray  # uint16 day number
    closes_day: np.ndarray  # uint16 day number, NO_CLOSING_DAY if none
    remote_rows: np.ndarray  # intp, derived: rows offering remote work
    skills_inv: np.ndarray  # float32, derived: 1 / number of skills asked (0 if none)

    def __len__(self) -> int:
        return int(self.ids.shape[0])

    @classmethod
    def from_columns(
        cls,
        *,
        ids,
        demands: dict[str, Sequence[int]] | np.ndarray,
        features,
        lat,
        lon,
        wage,
        isco,
        skills,
        employer,
        status_open,
        opens_day,
        closes_day,
    ) -> VacancyArrays:
        lat32 = _col(lat, np.float32)
        ids64 = _col(ids, np.int64)
        order = _latitude_order(lat32, ids64)
        features8 = _col(features, np.uint8)[order]
        skills64 = _col(skills, np.uint64)[order]
        asked = np.bitwise_count(skills64).astype(np.float32)
        return cls(
            ids=ids64[order],
            demands=np.ascontiguousarray(_stack(demands)[:, order]),
            features=features8,
            lat=lat32[order],
            lon=_col(lon, np.float32)[order],
            wage=_col(wage, np.float32)[order],
            isco=_col(isco, np.uint16)[order],
            skills=skills64,
            employer=_col(employer, np.int32)[order],
            status_open=_col(status_open, np.bool_)[order],
            opens_day=_col(opens_day, np.uint16)[order],
            closes_day=_col(closes_day, np.uint16)[order],
            remote_rows=np.flatnonzero(features8 & REMOTE_WORK),
            skills_inv=np.divide(1, asked, out=np.zeros_like(asked), where=asked > 0),
        )


@dataclass(frozen=True, eq=False)
class PersonArrays:
    """M persons (job placement candidates), one array per field."""

    ids: np.ndarray  # int64 primary keys (of the placement assessment or case)
    capacity: np.ndarray  # uint8 (len(DIMENSIONS), M)
    needs: np.ndarray  # uint8, ACCESS_BITS
    lat: np.ndarray  # float32 degrees
    lon: np.ndarray  # float32 degrees
    cos_lat: np.ndarray  # float32, derived: the equirectangular x scale at home
    max_km: np.ndarray  # float32, how far the person can travel
    accepts_remote: np.ndarray  # bool, remote work counts as in reach
    min_wage: np.ndarray  # float32 RM per month, 0 if none given
    prev_isco: np.ndarray  # uint16 unit group of the pre-injury job
    pref_isco: np.ndarray  # uint16 (P, M) preferred unit groups, NO_ISCO padded
    skills: np.ndarray  # uint64 bitmask
    employer: np.ndarray  # int32 pre-injury employer id, NO_EMPLOYER if none
    active: np.ndarray  # bool, an active JPESS candidate
    max_km_max: float  # derived: the widest travel limit, for the latitude band

    def __len__(self) -> int:
        return int(self.ids.shape[0])

    @classmethod
    def from_columns(
        cls,
        *,
        ids,
        capacity: dict[str, Sequence[int]] | np.ndarray,
        needs,
        lat,
        lon,
        max_km,
        accepts_remote,
        min_wage,
        prev_isco,
        pref_isco,
        skills,
        employer,
        active,
    ) -> PersonArrays:
        lat32 = _col(lat, np.float32)
        ids64 = _col(ids, np.int64)
        order = _latitude_order(lat32, ids64)
        lat32 = lat32[order]
        needs8 = _col(needs, np.uint8)[order]
        pref = np.asarray(pref_isco)
        if pref.ndim == 1:
            pref = pref[None, :]
        max_km32 = _col(max_km, np.float32)[order]
        return cls(
            ids=ids64[order],
            capacity=np.ascontiguousarray(_stack(capacity)[:, order]),
            needs=needs8,
            lat=lat32,
            lon=_col(lon, np.float32)[order],
            cos_lat=cos_latitude(lat32),
            max_km=max_km32,
            # Someone who needs remote work obviously accepts it.
            accepts_remote=_col(accepts_remote, np.bool_)[order] | ((needs8 & REMOTE_WORK) != 0),
            min_wage=_col(min_wage, np.float32)[order],
            prev_isco=_col(prev_isco, np.uint16)[order],
            pref_isco=np.ascontiguousarray(_col(pref, np.uint16)[:, order]),
            skills=_col(skills, np.uint64)[order],
            employer=_col(employer, np.int32)[order],
            active=_col(active, np.bool_)[order],
            max_km_max=float(max_km32.max()) if max_km32.size else 0.0,
        )


def _stack(columns: dict[str, Sequence[int]] | np.ndarray) -> np.ndarray:
    if isinstance(columns, dict):
        missing = set(DIMENSIONS) - set(columns)
        if missing:
            raise ValueError(f"missing dimensions: {sorted(missing)}")
        rows = [np.asarray(columns[name]) for name in DIMENSIONS]
        stacked = np.stack(rows)
    else:
        stacked = np.asarray(columns)
    if stacked.shape[0] != len(DIMENSIONS):
        raise ValueError(f"expected {len(DIMENSIONS)} dimension rows, got {stacked.shape[0]}")
    return np.ascontiguousarray(np.clip(stacked, 0, 255), dtype=np.uint8)


def _latitude_order(lat: np.ndarray, ids: np.ndarray) -> np.ndarray:
    """Rows by latitude, then id: the order depends on the rows only, never on the
    order they came in, so a patched index equals a rebuilt one row for row."""
    if np.isnan(lat).any():
        raise ValueError("every row needs coordinates (use the state capital's if unknown)")
    return np.lexsort((ids, lat))


# Columns derived from the whole set of rows, not row by row: recomputed by a patch.
_WHOLE_SET = {"remote_rows", "max_km_max"}

Arrays = TypeVar("Arrays", "VacancyArrays", "PersonArrays")


def rows_replaced(arrays: Arrays, drop_ids, new: Arrays) -> Arrays:
    """``arrays`` without the rows whose id is in ``drop_ids``, plus the rows of ``new``
    (made by ``from_columns``): the arrays a build from the changed rows would give,
    row for row. ``new`` must not hold an id that stays.

    The kept rows are already in (latitude, id) order and ``new`` is too, so the new
    rows are merged in at their places (a binary search each) rather than every
    row sorted again: a copy of each column, no sort."""
    keep = ~np.isin(arrays.ids, np.asarray(drop_ids, dtype=np.int64))
    kept_lat, kept_ids = arrays.lat[keep], arrays.ids[keep]
    lo = np.searchsorted(kept_lat, new.lat, side="left")
    hi = np.searchsorted(kept_lat, new.lat, side="right")
    at = lo.copy()
    for j in np.flatnonzero(hi > lo):  # a kept row on the same latitude: order by id
        at[j] += int(np.searchsorted(kept_ids[lo[j] : hi[j]], new.ids[j]))
    columns = {}
    for field in dataclasses.fields(arrays):
        if field.name in _WHOLE_SET:
            continue
        old, added = getattr(arrays, field.name), getattr(new, field.name)
        axis = old.ndim - 1  # the 2-D stacks hold one column per row
        kept = np.compress(keep, old, axis=axis)
        columns[field.name] = np.ascontiguousarray(np.insert(kept, at, added, axis=axis))
    if isinstance(arrays, VacancyArrays):
        columns["remote_rows"] = np.flatnonzero(columns["features"] & REMOTE_WORK)
    else:
        max_km = columns["max_km"]
        columns["max_km_max"] = float(max_km.max()) if max_km.size else 0.0
    return type(arrays)(**columns)


def cos_latitude(lat: np.ndarray) -> np.ndarray:
    """cos(latitude) in float32, computed once per person so both matching
    directions use bit-identical distances."""
    return np.cos(np.radians(lat.astype(np.float64))).astype(np.float32)


def haversine_km(lat1, lon1, lat2, lon2):
    """Great-circle distance, float64: the reference the fast distance is
    checked against, and the figure shown for a few results."""
    lat1, lon1, lat2, lon2 = (
        np.radians(np.asarray(x, dtype=np.float64)) for x in (lat1, lon1, lat2, lon2)
    )
    a = np.sin((lat2 - lat1) / 2) ** 2
    a = a + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.minimum(a, 1.0)))
