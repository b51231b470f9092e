"""rows_replaced, without a database: patching rows into the arrays gives exactly the
arrays built from the changed set of rows, for vacancies and for persons, whatever
rows are dropped, replaced or added and however many share a latitude."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from kembali.placement.matching.arrays import (
    DIMENSIONS,
    PersonArrays,
    VacancyArrays,
    rows_replaced,
)
from tests.placement.conftest import assert_same_arrays

# Few latitudes, so that many rows tie and the id order among them matters.
LATITUDES = [1.5, 3.15, 3.15000001, 5.4]


def _vacancies(rows: dict[int, tuple]) -> VacancyArrays:
    ids = sorted(rows)
    lat = [LATITUDES[rows[i][0]] for i in ids]
    n = len(ids)
    return VacancyArrays.from_columns(
        ids=ids,
        demands=np.tile([rows[i][1] for i in ids], (len(DIMENSIONS), 1)).reshape(
            len(DIMENSIONS), n
        ),
        features=[rows[i][2] for i in ids],
        lat=lat,
        lon=[101.0 + rows[i][1] for i in ids],
        wage=[1500 + rows[i][1] for i in ids],
        isco=[4110] * n,
        skills=[rows[i][2] * 3 for i in ids],
        employer=[rows[i][1] for i in ids],
        status_open=[True] * n,
        opens_day=[0] * n,
        closes_day=[9000] * n,
    )


def _persons(rows: dict[int, tuple]) -> PersonArrays:
    ids = sorted(rows)
    n = len(ids)
    return PersonArrays.from_columns(
        ids=ids,
        capacity=np.full((len(DIMENSIONS), n), 3),
        needs=[rows[i][2] for i in ids],
        lat=[LATITUDES[rows[i][0]] for i in ids],
        lon=[101.0] * n,
        max_km=[10.0 * (1 + rows[i][1]) for i in ids],
        accepts_remote=[rows[i][1] % 2 == 0 for i in ids],
        min_wage=[0] * n,
        prev_isco=[4110] * n,
        pref_isco=np.full((3, n), 10000),
        skills=[rows[i][2] for i in ids],
        employer=[-1] * n,
        active=[True] * n,
    )


ROW = st.tuples(st.integers(0, len(LATITUDES) - 1), st.integers(0, 5), st.integers(0, 31))
TABLE = st.dictionaries(st.integers(1, 60), ROW, max_size=25)


@settings(max_examples=200, deadline=None)
@given(before=TABLE, changed=TABLE, dropped=st.sets(st.integers(1, 60), max_size=10))
def test_a_patch_equals_a_build_of_the_changed_rows(before, changed, dropped):
    after = {i: row for i, row in before.items() if i not in dropped} | changed
    touched = sorted(set(changed) | set(dropped))
    for build in (_vacancies, _persons):
        patched = rows_replaced(build(before), touched, build(changed))
        assert_same_arrays(patched, build(after))
