"""The RTW hierarchy classifier: which of the seven outcomes a return to work is."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kembali.cases.hierarchy import Job, classify_rtw_level, job_similarity

# ISCO-08 unit groups: 7212 welders and flame cutters, 7213 sheet-metal workers
# (same minor group 721), 8322 car, taxi and van drivers, 2512 software developers.
WELDER, SHEET_METAL, DRIVER = "7212", "7213", "8322"


@pytest.mark.parametrize(
    ("before", "after", "level"),
    [
        (Job("E1", WELDER), Job("E1", WELDER), 1),
        (Job("E1", WELDER), Job("E1", SHEET_METAL), 2),
        (Job("E1", WELDER), Job("E1", DRIVER), 3),
        (Job("E1", WELDER), Job("E2", WELDER), 4),
        (Job("E1", WELDER), Job("E2", SHEET_METAL), 5),
        (Job("E1", WELDER), Job("E2", DRIVER), 6),
        (Job("E1", WELDER), Job(None, WELDER, self_employed=True), 7),
    ],
)
def test_each_level_by_example(before, after, level):
    assert classify_rtw_level(before, after) == level


@pytest.mark.parametrize(
    ("before", "after", "level", "why"),
    [
        (Job("E1", WELDER), Job("E1", WELDER, self_employed=True), 7, "self-employed wins"),
        (Job(None, WELDER), Job(None, WELDER), 4, "unknown employers are not the same"),
        (Job("", WELDER), Job("", WELDER), 4, "blank employers are not the same"),
        (Job(" E1 ", WELDER), Job("E1", WELDER), 1, "surrounding spaces do not count"),
        (Job("E1", None), Job("E1", WELDER), 3, "unknown occupation before: different job"),
        (Job("E1", WELDER), Job("E1", ""), 3, "unknown occupation after: different job"),
        (Job("E1", WELDER, self_employed=True), Job("E1", WELDER), 1, "only 'after' decides 7"),
    ],
)
def test_edge_cases(before, after, level, why):
    assert classify_rtw_level(before, after) == level, why


@pytest.mark.parametrize(
    ("before", "after", "similarity"),
    [
        (WELDER, WELDER, "same"),
        (WELDER, SHEET_METAL, "similar"),
        (WELDER, DRIVER, "different"),
        ("7212", "7312", "different"),
    ],  # same sub-major group 7 is not enough
)
def test_job_similarity(before, after, similarity):
    assert job_similarity(before, after) == similarity


@pytest.mark.parametrize("code", ["721", "72120", "72a2", "", "٧٢١٢"])
def test_malformed_isco_codes_are_refused(code):
    with pytest.raises(ValueError, match="4 digits"):
        job_similarity(code, WELDER)


units = st.text(alphabet="0123456789", min_size=4, max_size=4)
employers = st.one_of(st.none(), st.sampled_from(["", "E1", "E2", "E3"]))
jobs = st.builds(Job, employers, st.one_of(st.none(), units), st.booleans())


@given(jobs, jobs)
def test_self_employed_after_is_always_7(before, after):
    after = Job(after.employer_id, after.isco_unit, self_employed=True)
    assert classify_rtw_level(before, after) == 7


@given(jobs, jobs)
def test_same_employer_is_1_to_3_and_different_is_4_to_6(before, after):
    level = classify_rtw_level(before, after)
    if after.self_employed:
        assert level == 7
    elif before.employer_id and before.employer_id == after.employer_id:
        assert level in (1, 2, 3)
    else:
        assert level in (4, 5, 6)


@given(st.sampled_from(["E1", "E2"]), units, units)
def test_level_follows_similarity(after_employer, before_unit, after_unit):
    level = classify_rtw_level(Job("E1", before_unit), Job(after_employer, after_unit))
    offset = {"same": 0, "similar": 1, "different": 2}[job_similarity(before_unit, after_unit)]
    assert level == (1 if after_employer == "E1" else 4) + offset


@given(units, units, units)
def test_a_closer_job_never_ranks_worse(before, a, b):
    # Between two new jobs at the same kind of employer, the more similar one has
    # the better (lower) level.
    rank = {"same": 0, "similar": 1, "different": 2}
    for employer in ("E1", "E2"):
        level_a = classify_rtw_level(Job("E1", before), Job(employer, a))
        level_b = classify_rtw_level(Job("E1", before), Job(employer, b))
        if rank[job_similarity(before, a)] < rank[job_similarity(before, b)]:
            assert level_a < level_b
