"""The matching engine's pure core: hand examples, then hypothesis properties
checked against a slow, obvious reference written here pair by pair."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from kembali.placement.matching import engine
from kembali.placement.matching.arrays import (
    ACCESSIBLE_TOILET,
    DIMENSION_MAX,
    DIMENSIONS,
    KM_PER_DEGREE,
    NO_CLOSING_DAY,
    NO_EMPLOYER,
    NO_ISCO,
    REMOTE_WORK,
    WHEELCHAIR,
    PersonArrays,
    VacancyArrays,
    haversine_km,
    skills_mask,
)
from kembali.placement.matching.explain import explain, explain_near_miss

TODAY = 9000
KL = (3.139, 101.687)
# One km north of a point, in degrees of latitude.
KM = 1 / KM_PER_DEGREE


def vacancy(**kw) -> dict:
    row = {
        "demands": {name: 0 for name in DIMENSIONS} | {"strength": 1},
        "features": 0,
        "lat": KL[0],
        "lon": KL[1],
        "wage": 2000,
        "isco": 4321,
        "skills": 0,
        "employer": 1,
        "status_open": True,
        "opens_day": 0,
        "closes_day": NO_CLOSING_DAY,
    }
    demands = kw.pop("demands", {})
    row.update(kw)
    row["demands"] = row["demands"] | demands
    return row


def vacancies(*rows: dict) -> VacancyArrays:
    rows = rows or ()
    return VacancyArrays.from_columns(
        ids=list(range(1, len(rows) + 1)),
        demands={name: [r["demands"][name] for r in rows] for name in DIMENSIONS},
        **{
            key: [r[key] for r in rows]
            for key in (
                "features",
                "lat",
                "lon",
                "wage",
                "isco",
                "skills",
                "employer",
                "status_open",
                "opens_day",
                "closes_day",
            )
        },
    )


def person(**kw) -> dict:
    row = {
        "capacity": dict(DIMENSION_MAX),
        "needs": 0,
        "lat": KL[0],
        "lon": KL[1],
        "max_km": 30,
        "accepts_remote": False,
        "min_wage": 1500,
        "prev_isco": 8332,
        "pref_isco": [NO_ISCO, NO_ISCO],
        "skills": 0,
        "employer": 99,
        "active": True,
    }
    capacity = kw.pop("capacity", {})
    row.update(kw)
    row["capacity"] = row["capacity"] | capacity
    return row


def persons(*rows: dict) -> PersonArrays:
    return PersonArrays.from_columns(
        ids=list(range(1, len(rows) + 1)),
        capacity={name: [r["capacity"][name] for r in rows] for name in DIMENSIONS},
        pref_isco=np.array([r["pref_isco"] for r in rows]).T.reshape(-1, len(rows)),
        **{
            key: [r[key] for r in rows]
            for key in (
                "needs",
                "lat",
                "lon",
                "max_km",
                "accepts_remote",
                "min_wage",
                "prev_isco",
                "skills",
                "employer",
                "active",
            )
        },
    )


def best(vac, per, p=0, k=20):
    return engine.best_vacancies(vac, per, p, k=k, today=TODAY)


def ids(vac, results):
    return [int(vac.ids[r.vacancy_index]) for r in results]


# ------------------------------------------------------------ hard constraints


@pytest.mark.parametrize(
    ("dimension", "capacity", "demand", "words"),
    [
        ("lift_kg", 10, 20, "needs lifting 20 kg; limit is 10 kg"),
        ("strength", 2, 4, "needs heavy work; capacity is light work"),
        ("standing", 1, 3, "standing and walking: needs high; tolerance is low"),
        ("driving", 0, 2, "driving: needs moderate; tolerance is not needed"),
        ("shift_work", 0, 1, "needs shift work; the person cannot work shifts"),
        ("vision", 2, 3, "vision: needs high; tolerance is moderate"),
    ],
)
def test_a_demand_beyond_capacity_excludes_the_job_and_is_a_named_near_miss(
    dimension, capacity, demand, words
):
    vac = vacancies(
        vacancy(demands={dimension: demand}),
        vacancy(demands={dimension: capacity}),
    )
    per = persons(person(capacity={dimension: capacity}))
    assert ids(vac, best(vac, per)) == [2]
    misses = engine.near_misses(vac, per, 0, today=TODAY)
    assert [int(vac.ids[m.vacancy_index]) for m in misses] == [1]
    assert explain_near_miss(misses[0]) == words


def test_every_accessibility_need_must_be_a_feature():
    vac = vacancies(
        vacancy(features=WHEELCHAIR),
        vacancy(features=WHEELCHAIR | ACCESSIBLE_TOILET),
        vacancy(features=0),
    )
    per = persons(person(needs=WHEELCHAIR | ACCESSIBLE_TOILET))
    results = best(vac, per)
    assert ids(vac, results) == [2]
    assert "has wheelchair access, an accessible toilet" in results[0].lines
    misses = engine.near_misses(vac, per, 0, today=TODAY)
    # Lacking two features is two failed constraints: not a near miss.
    assert [int(vac.ids[m.vacancy_index]) for m in misses] == [1]
    assert misses[0].line == "needs an accessible toilet; the workplace does not have it"


def test_travel_limit_and_remote_work():
    far = (KL[0] + 40 * KM, KL[1])
    vac = vacancies(
        vacancy(lat=KL[0] + 12 * KM),
        vacancy(lat=far[0]),
        vacancy(lat=far[0], features=REMOTE_WORK),
        vacancy(lat=5.98, lon=116.07, features=REMOTE_WORK),  # Kota Kinabalu
    )
    homebody = persons(person(max_km=30))
    assert ids(vac, best(vac, homebody)) == [1]
    miss = engine.near_misses(vac, homebody, 0, today=TODAY)
    assert miss[0].line in {"40 km away; travel limit is 30 km"}
    remote = persons(person(max_km=30, accepts_remote=True))
    results = best(vac, remote)
    assert sorted(ids(vac, results)) == [1, 3, 4]
    assert "remote work" in results[0].lines
    assert results[0].factors["distance"].value == 1.0
    # Needing remote work is accepting it, and then only remote jobs qualify.
    needs_remote = persons(person(max_km=30, needs=REMOTE_WORK))
    assert sorted(ids(vac, best(vac, needs_remote))) == [3, 4]


def test_only_open_vacancies_match():
    vac = vacancies(
        vacancy(),
        vacancy(status_open=False),
        vacancy(opens_day=TODAY + 1),
        vacancy(closes_day=TODAY - 1),
        vacancy(opens_day=TODAY, closes_day=TODAY),
    )
    per = persons(person())
    assert sorted(ids(vac, best(vac, per))) == [1, 5]
    lines = {
        int(vac.ids[m.vacancy_index]): m.line for m in engine.near_misses(vac, per, 0, today=TODAY)
    }
    assert lines[2] == "the vacancy is not open"
    assert lines[3].startswith("the vacancy opens on 2024-")
    assert lines[4].startswith("the vacancy closed on 2024-")


def test_equirectangular_distance_is_within_half_a_percent_in_malaysia():
    rng = np.random.default_rng(1)
    lat1 = rng.uniform(0.9, 7.3, 5000)
    lon1 = rng.uniform(99.7, 119.2, 5000)
    bearing = rng.uniform(0, 2 * np.pi, 5000)
    reach = rng.uniform(0.5, 300, 5000) / KM_PER_DEGREE
    lat2 = lat1 + reach * np.cos(bearing)
    lon2 = lon1 + reach * np.sin(bearing) / np.cos(np.radians(lat1))
    true = haversine_km(lat1, lon1, lat2, lon2)
    per = persons(*(person(lat=a, lon=b) for a, b in zip(lat1, lon1, strict=True)))
    order = per.ids - 1  # rows are stored in latitude order
    deg2 = engine._distance_deg2(
        lat2[order].astype(np.float32) - per.lat,
        lon2[order].astype(np.float32) - per.lon,
        per.cos_lat,
    )
    fast = np.sqrt(deg2.astype(np.float64)) * KM_PER_DEGREE
    assert np.all(np.abs(fast - true[order]) <= 0.005 * true[order] + 0.01)


# -------------------------------------------------------------------- factors


@pytest.mark.parametrize(
    ("code", "closeness", "words"),
    [
        (8332, 1.0, "same occupation as before"),
        (8331, 0.75, "same occupation group as before"),
        (8322, 0.5, "related occupation to before"),
        (8111, 0.25, "same broad field of work as before"),
        (2511, 0.0, "a different occupation"),
    ],
)
def test_occupation_closeness_on_the_isco_hierarchy(code, closeness, words):
    vac = vacancies(vacancy(isco=code))
    (result,) = best(vac, persons(person(prev_isco=8332)))
    assert result.factors["occupation"].value == closeness
    assert words in result.lines


def test_occupation_takes_the_best_of_previous_and_preferred():
    vac = vacancies(vacancy(isco=4321))
    (result,) = best(vac, persons(person(prev_isco=8332, pref_isco=[4321, NO_ISCO])))
    assert result.factors["occupation"].value == 1.0
    assert "a preferred occupation" in result.lines


def test_skills_overlap_and_missing_skills():
    vac = vacancies(vacancy(skills=skills_mask([1, 2, 5])), vacancy(skills=0))
    per = persons(person(skills=skills_mask([2, 7])))
    results = {int(vac.ids[r.vacancy_index]): r for r in best(vac, per)}
    assert results[1].factors["skills"].value == pytest.approx(1 / 3)
    assert results[1].missing_skills == (1, 5)
    names = {1: "forklift licence", 5: "food handling"}
    lines = explain(results[1], skill_name=names.get)
    assert "missing skills: forklift licence, food handling" in lines
    assert "has 1 of the 3 skills asked for" in lines
    assert results[2].factors["skills"].value == 1.0
    assert results[2].missing_skills == ()


def test_wage_saturates_and_says_whether_it_meets_the_minimum():
    vac = vacancies(vacancy(wage=1350), vacancy(wage=1800), vacancy(wage=2250), vacancy(wage=9000))
    results = {int(vac.ids[r.vacancy_index]): r for r in best(vac, persons(person(min_wage=1800)))}
    values = [results[i].factors["wage"].value for i in (1, 2, 3, 4)]
    assert values == pytest.approx([0.6, 0.8, 1.0, 1.0])
    assert "wage RM 1,350 is below the minimum RM 1,800" in results[1].lines
    assert "wage RM 2,250 meets the minimum RM 1,800" in results[3].lines


def test_closer_is_better():
    vac = vacancies(vacancy(lat=KL[0] + 3 * KM), vacancy(lat=KL[0] + 15 * KM))
    results = best(vac, persons(person(max_km=30)))
    assert ids(vac, results) == [1, 2]
    assert results[1].factors["distance"].value == pytest.approx(0.5, abs=0.01)


def test_the_officer_reads_the_example_explanation():
    vac = vacancies(
        vacancy(
            demands={"lift_kg": 5},
            lat=KL[0] + 12 * KM,
            isco=8331,
            wage=2100,
            skills=skills_mask([3]),
        )
    )
    per = persons(person(capacity={"lift_kg": 10}, prev_isco=8332, min_wage=1800))
    (result,) = best(vac, per)
    lines = explain(result, skill_name={3: "forklift licence"}.get)
    assert lines[:2] == ["within lifting limit 10 kg (job needs 5 kg)", "12 km away"]
    assert "same occupation group as before" in lines
    assert "wage RM 2,100 meets the minimum RM 1,800" in lines
    assert "missing skills: forklift licence" in lines
    assert "RTW level 5: similar job, different employer" in lines


def test_explanations_go_through_the_translator_it_is_given():
    malay = {
        "{km} km away": "{km} km jauhnya",
        "within lifting limit {capacity} kg (job needs {demand} kg)": (
            "dalam had angkat {capacity} kg (kerja perlu {demand} kg)"
        ),
    }
    vac = vacancies(vacancy(demands={"lift_kg": 5}, lat=KL[0] + 12 * KM))
    (result,) = best(vac, persons(person(capacity={"lift_kg": 10})))
    lines = explain(result, gettext=lambda s: malay.get(s, s))
    assert lines[:2] == ["dalam had angkat 10 kg (kerja perlu 5 kg)", "12 km jauhnya"]


def test_pre_injury_employer_ranks_above_an_equal_job_elsewhere():
    vac = vacancies(vacancy(employer=5), vacancy(employer=99), vacancy(employer=7))
    results = best(vac, persons(person(employer=99)))
    assert ids(vac, results)[0] == 2
    assert results[0].hierarchy_level == 6 - 3
    assert "at the pre-injury employer" in results[0].lines


def test_same_job_above_similar_above_different():
    vac = vacancies(vacancy(isco=2511), vacancy(isco=8331), vacancy(isco=8332))
    results = best(vac, persons(person(prev_isco=8332)))
    assert ids(vac, results) == [3, 2, 1]
    assert [r.hierarchy_level for r in results] == [4, 5, 6]


@pytest.mark.parametrize("code", [8332, 8331, 8322, 8111, 2511, NO_ISCO])
@pytest.mark.parametrize("prev", [8332, 2511, NO_ISCO])
@pytest.mark.parametrize("same_employer", [True, False])
def test_hierarchy_levels_agree_with_the_case_outcome_classifier(code, prev, same_employer):
    from kembali.cases.hierarchy import Job, classify_rtw_level

    def job(employer, unit):
        return Job(employer_id=employer, isco_unit=None if unit >= NO_ISCO else f"{unit:04d}")

    expected = classify_rtw_level(job("E1", prev), job("E1" if same_employer else "E2", code))
    level = engine.hierarchy_level(same_employer=same_employer, code=code, prev_unit=prev)
    assert level == expected


def test_candidates_for_a_vacancy():
    vac = vacancies(vacancy(demands={"lift_kg": 15}, isco=8332))
    per = persons(
        person(capacity={"lift_kg": 10}),
        person(capacity={"lift_kg": 20}, prev_isco=8332),
        person(capacity={"lift_kg": 20}, prev_isco=2511),
        person(capacity={"lift_kg": 20}, active=False),
    )
    results = engine.best_candidates(vac, per, 0, k=5, today=TODAY)
    assert [int(per.ids[r.person_index]) for r in results] == [2, 3]


def test_no_candidates_for_a_closed_vacancy():
    vac = vacancies(vacancy(status_open=False))
    assert engine.best_candidates(vac, persons(person()), 0, today=TODAY) == []


# ------------------------------------------------- the slow reference, pairwise


def ref_pair(vac: VacancyArrays, per: PersonArrays, v: int, p: int):
    """(passes, ambiguous, score, fit) of one pair, in plain Python floats."""
    day_ok = bool(vac.status_open[v]) and vac.opens_day[v] <= TODAY <= vac.closes_day[v]
    physical = all(
        int(vac.demands[d, v]) <= int(per.capacity[d, p]) for d in range(len(DIMENSIONS))
    )
    needs = int(per.needs[p])
    access = needs & int(vac.features[v]) == needs
    dlat = float(vac.lat[v]) - float(per.lat[p])
    dlon = (float(vac.lon[v]) - float(per.lon[p])) * math.cos(math.radians(float(per.lat[p])))
    km = math.hypot(dlat, dlon) * KM_PER_DEGREE
    limit = float(per.max_km[p])
    remote = bool(vac.features[v] & REMOTE_WORK) and bool(per.accepts_remote[p])
    near = km <= limit
    ambiguous = not remote and abs(km - limit) < 1e-3 * max(limit, 1)
    passes = day_ok and physical and access and (near or remote)

    def closeness(a, b):
        if a >= NO_ISCO or b >= NO_ISCO:
            return 0.0
        for value, div in ((1.0, 1), (0.75, 10), (0.5, 100), (0.25, 1000)):
            if a // div == b // div:
                return value
        return 0.0

    code = int(vac.isco[v])
    units = [int(per.prev_isco[p])] + [int(u) for u in per.pref_isco[:, p]]
    occ = max(closeness(code, u) for u in units)
    vs, ps = int(vac.skills[v]), int(per.skills[p])
    skills = 1.0 if vs == 0 else bin(vs & ps).count("1") / bin(vs).count("1")
    minimum = float(per.min_wage[p])
    wage = 1.0 if minimum <= 0 else min(float(vac.wage[v]) / minimum, 1.25) / 1.25
    dist = 1.0 if remote else min(max(1 - km / max(limit, 1.0), 0.0), 1.0)
    prev = int(per.prev_isco[p])
    if prev >= NO_ISCO or code >= NO_ISCO:
        job = 0.0  # an unknown job is never "the same" as anything
    else:
        job = 0.4 if code == prev else 0.2 if code // 10 == prev // 10 else 0.0
    same_employer = int(per.employer[p]) != NO_EMPLOYER and per.employer[p] == vac.employer[v]
    rtw = job + (0.6 if same_employer else 0.0)
    w = engine.DEFAULT_WEIGHTS
    fit = w.occupation * occ + w.skills * skills + w.wage * wage + w.distance * dist
    return passes, ambiguous, fit + w.rtw * rtw, fit


small = st.integers


@st.composite
def vacancy_rows(draw, n):
    rows = []
    for _ in range(n):
        rows.append(
            vacancy(
                demands={
                    "strength": draw(small(1, 5)),
                    "lift_kg": draw(st.sampled_from([0, 5, 10, 20, 40])),
                    "standing": draw(small(0, 3)),
                    "vision": draw(small(0, 3)),
                    "driving": draw(small(0, 3)),
                    "shift_work": draw(small(0, 1)),
                },
                features=draw(small(0, 31)),
                lat=KL[0] + draw(small(-40, 40)) * KM,
                lon=KL[1] + draw(small(-40, 40)) * KM,
                wage=draw(st.sampled_from([1200, 1500, 1800, 2500, 4000])),
                isco=draw(st.sampled_from([8332, 8331, 8322, 8111, 2511, 4321, NO_ISCO])),
                skills=draw(small(0, 15)),
                employer=draw(small(1, 4)),
                status_open=draw(st.booleans()) or draw(st.booleans()),
                opens_day=TODAY - draw(small(-2, 30)),
                closes_day=TODAY + draw(small(-2, 30)),
            )
        )
    return rows


@st.composite
def person_rows(draw, m):
    return [
        person(
            capacity={
                "strength": draw(small(1, 5)),
                "lift_kg": draw(st.sampled_from([5, 10, 20, 255])),
                "standing": draw(small(0, 3)),
                "vision": draw(small(0, 3)),
                "driving": draw(small(0, 3)),
                "shift_work": draw(small(0, 1)),
            },
            needs=draw(st.sampled_from([0, 0, WHEELCHAIR, REMOTE_WORK, 5])),
            lat=KL[0] + draw(small(-40, 40)) * KM,
            lon=KL[1] + draw(small(-40, 40)) * KM,
            max_km=draw(st.sampled_from([5, 10, 20, 30, 50])),
            accepts_remote=draw(st.booleans()),
            min_wage=draw(st.sampled_from([0, 1500, 2000])),
            prev_isco=draw(st.sampled_from([8332, 2511, NO_ISCO])),
            pref_isco=[draw(st.sampled_from([4321, 8111, NO_ISCO])), NO_ISCO],
            skills=draw(small(0, 15)),
            employer=draw(st.sampled_from([1, 2, NO_EMPLOYER])),
        )
        for _ in range(m)
    ]


@st.composite
def worlds(draw):
    n = draw(small(0, 30))
    m = draw(small(1, 5))
    return vacancies(*draw(vacancy_rows(n))), persons(*draw(person_rows(m)))


PROPS = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPS
@given(worlds(), small(1, 8))
def test_results_obey_every_hard_constraint_and_are_the_k_best(world, k):
    vac, per = world
    for p in range(len(per)):
        results = best(vac, per, p, k=k)
        reference = [ref_pair(vac, per, v, p) for v in range(len(vac))]
        assume(not any(amb for _, amb, _, _ in reference))
        for r in results:
            passes, _, score, _ = reference[r.vacancy_index]
            assert passes
            assert r.score == pytest.approx(score, abs=1e-5)
        scores = [r.score for r in results]
        assert scores == sorted(scores, reverse=True)
        expected = sorted((s for ok, _, s, _ in reference if ok), reverse=True)[:k]
        assert scores == pytest.approx(expected, abs=1e-5)


@PROPS
@given(small(0, 20).flatmap(vacancy_rows), person_rows(1), st.data())
def test_a_pre_injury_employer_vacancy_with_equal_fit_always_ranks_first(base, who, data):
    me = who[0] | {"employer": data.draw(st.sampled_from([1, 2]))}
    # A job the person can do, offered twice: elsewhere and at the pre-injury employer.
    job = vacancy(
        lat=me["lat"],
        lon=me["lon"],
        features=31,
        isco=data.draw(st.sampled_from([8332, 8331, 2511, NO_ISCO])),
        skills=data.draw(small(0, 15)),
        wage=data.draw(st.sampled_from([1200, 2000, 4000])),
        employer=4000,
    )
    vac = vacancies(*base, job, job | {"employer": me["employer"]})
    results = best(vac, persons(me), k=len(vac))
    rank = {int(vac.ids[r.vacancy_index]): i for i, r in enumerate(results)}
    elsewhere, at_employer = rank[len(base) + 1], rank[len(base) + 2]
    assert at_employer < elsewhere
    assert results[at_employer].fit == pytest.approx(results[elsewhere].fit)
    for i, r in enumerate(results):
        if r.factors["rtw"].value < 0.6:
            continue
        for other in results[:i]:
            # Anything above a pre-injury-employer job is a strictly better
            # fit, or at the pre-injury employer too.
            assert other.fit > r.fit + 1e-6 or other.factors["rtw"].value >= 0.6


def _row(vac: VacancyArrays, i: int) -> dict:
    return {
        "demands": {name: int(vac.demands[d, i]) for d, name in enumerate(DIMENSIONS)},
        "features": int(vac.features[i]),
        "lat": float(vac.lat[i]),
        "lon": float(vac.lon[i]),
        "wage": float(vac.wage[i]),
        "isco": int(vac.isco[i]),
        "skills": int(vac.skills[i]),
        "employer": int(vac.employer[i]),
        "status_open": bool(vac.status_open[i]),
        "opens_day": int(vac.opens_day[i]),
        "closes_day": int(vac.closes_day[i]),
    }


@PROPS
@given(vacancy_rows(1), person_rows(1), st.sampled_from([8332, 2511, 7212]), st.booleans())
def test_same_job_above_similar_above_different_for_otherwise_equal_jobs(
    base, who, prev, at_employer
):
    (me,) = who
    me = me | {"prev_isco": prev, "pref_isco": [NO_ISCO, NO_ISCO]}
    me["capacity"] = dict(DIMENSION_MAX)
    employer = 1 if at_employer else 3
    me["employer"] = 1
    job = base[0] | {"status_open": True, "opens_day": 0, "closes_day": NO_CLOSING_DAY}
    job |= {"lat": me["lat"], "lon": me["lon"], "employer": employer, "features": 31}
    same, similar, different = prev, prev // 10 * 10 + (prev + 1) % 10, 9629
    vac = vacancies(job | {"isco": different}, job | {"isco": similar}, job | {"isco": same})
    results = best(vac, persons(me))
    assert ids(vac, results) == [3, 2, 1]
    levels = [r.hierarchy_level for r in results]
    assert levels == ([1, 2, 3] if at_employer else [4, 5, 6])


@PROPS
@given(worlds())
def test_both_directions_agree(world):
    vac, per = world
    forward = {p: best(vac, per, p, k=len(vac) + 1) for p in range(len(per))}
    backward = {
        v: engine.best_candidates(vac, per, v, k=len(per), today=TODAY) for v in range(len(vac))
    }
    pairs_forward = {(r.vacancy_index, r.person_index): r for rs in forward.values() for r in rs}
    pairs_backward = {(r.vacancy_index, r.person_index): r for rs in backward.values() for r in rs}
    # Persons are all active here, so both sides see the same pairs...
    assert pairs_forward.keys() == pairs_backward.keys()
    for pair, r in pairs_forward.items():
        # ...with the same score, to the bit, and the same breakdown.
        assert pairs_backward[pair].score == r.score
        assert pairs_backward[pair].factors == r.factors
