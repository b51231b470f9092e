"""Properties the engine's own tests leave out: a near miss fails exactly one hard
constraint, the one it names, and no candidate for a vacancy breaks one either."""

from __future__ import annotations

import math

from hypothesis import assume, given

from kembali.placement.matching import engine
from kembali.placement.matching.arrays import DIMENSIONS, KM_PER_DEGREE, REMOTE_WORK
from tests.placement.test_matching_engine import PROPS, TODAY, ref_pair, small, worlds


def failed_constraints(vac, per, v, p) -> set[str]:
    """The hard constraints the pair fails, by the engine's reason codes."""
    failed = set()
    if not (vac.status_open[v] and vac.opens_day[v] <= TODAY <= vac.closes_day[v]):
        failed.add("open")
    for d in range(len(DIMENSIONS)):
        if int(vac.demands[d, v]) > int(per.capacity[d, p]):
            failed.add(f"dimension:{DIMENSIONS[d]}")
    if int(per.needs[p]) & ~int(vac.features[v]):
        failed.add("access")
    dlat = float(vac.lat[v]) - float(per.lat[p])
    dlon = (float(vac.lon[v]) - float(per.lon[p])) * math.cos(math.radians(float(per.lat[p])))
    km = math.hypot(dlat, dlon) * KM_PER_DEGREE
    remote = bool(vac.features[v] & REMOTE_WORK) and bool(per.accepts_remote[p])
    if km > float(per.max_km[p]) and not remote:
        failed.add("distance")
    return failed


def named(reason) -> str:
    if reason.code in ("closed", "not_open_yet", "closed_on"):
        return "open"
    if reason.code == "exceeds_limit":
        return f"dimension:{reason.params['dimension']}"
    if reason.code == "access_missing":
        return "access"
    return "distance"


@PROPS
@given(worlds(), small(1, 6))
def test_a_near_miss_fails_exactly_the_one_constraint_it_names(world, k):
    vac, per = world
    for p in range(len(per)):
        assume(not any(ref_pair(vac, per, v, p)[1] for v in range(len(vac))))
        for miss in engine.near_misses(vac, per, p, k=k, today=TODAY):
            failed = failed_constraints(vac, per, miss.vacancy_index, p)
            assert failed == {named(miss.failed)}
            assert miss.line


@PROPS
@given(worlds(), small(1, 6))
def test_no_candidate_for_a_vacancy_breaks_a_hard_constraint(world, k):
    vac, per = world
    for v in range(len(vac)):
        for r in engine.best_candidates(vac, per, v, k=k, today=TODAY):
            passes, ambiguous, _score, _fit = ref_pair(vac, per, v, r.person_index)
            assert passes or ambiguous
