"""The matching index built from the database: what the engine receives, what it
ranks, and how fast a changed vacancy is seen (no restart, no waiting)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import numpy as np
import pytest
from django.utils import timezone

from kembali.cases.models import Status
from kembali.cases.workflow import transition_locked
from kembali.employers.models import StrengthLevel, Vacancy
from kembali.employers.vacancies import vacancy_create, vacancy_update
from kembali.placement import services
from kembali.placement.match import case_matches, explain_pair, match_candidates_for_vacancy
from kembali.placement.matching import index
from kembali.placement.matching.arrays import (
    DIMENSIONS,
    FLEXIBLE_HOURS,
    NO_CLOSING_DAY,
    NO_EMPLOYER,
    NO_ISCO,
    day_number,
    skills_mask,
)
from kembali.placement.models import Skill
from kembali.placement.vacancy_skills import vacancy_skills_set
from tests.employers.conftest import vacancy_input
from tests.factories import EmployerFactory
from tests.placement.conftest import assessment_arguments

HOME = (3.139, 101.687)  # Kuala Lumpur
NEAR = (3.150, 101.700)  # under 2 km away


@pytest.fixture
def lorry_firm(db):
    return EmployerFactory(employer_code="E140000777", name="Syarikat Angkut Jaya Sdn Bhd")


@pytest.fixture
def other_firm(db):
    return EmployerFactory(employer_code="E140000888", name="Gudang Sentral Sdn Bhd")


@pytest.fixture
def assessed_case(jpess_case, lorry_job, lorry_firm, bala):
    """Siti: light work, lifts 10 kg, 25 km, at least RM 1,700, basic computer use and
    customer service; her lorry-driving job (8332) was at Syarikat Angkut Jaya."""
    lorry_job.employer = lorry_firm
    lorry_job.save()
    services.placement_assessment_record(
        case=jpess_case,
        actor=bala,
        **assessment_arguments(
            previous_employment=lorry_job,
            home_latitude=HOME[0],
            home_longitude=HOME[1],
            needs={},
            accepts_remote=False,
            assessed_on=timezone.localdate(),
        ),
    )
    jpess_case.refresh_from_db()
    return jpess_case


def make_vacancy(employer, actor, **overrides) -> Vacancy:
    today = timezone.localdate()
    values = {
        "isco_code": "4321",
        "title": "Stock clerk",
        "monthly_wage": Decimal("1800.00"),
        "latitude": NEAR[0],
        "longitude": NEAR[1],
        "opened_on": today - dt.timedelta(days=10),
        "closes_on": today + dt.timedelta(days=30),
        "strength_level": StrengthLevel.LIGHT,
        "max_lift_kg": 5,
    }
    values.update(overrides)
    return vacancy_create(actor=actor, data=vacancy_input(employer, **values))


@pytest.fixture
def three_vacancies(assessed_case, lorry_firm, other_firm, bala):
    """The same clerk's job elsewhere and at her pre-injury employer, and a loader's
    job that asks a 25 kg lift."""
    return {
        "elsewhere": make_vacancy(other_firm, bala, title="Stock clerk"),
        "pre_injury": make_vacancy(lorry_firm, bala, title="Dispatch clerk"),
        "too_heavy": make_vacancy(other_firm, bala, title="Loader", max_lift_kg=25),
    }


def test_the_person_row_is_what_the_assessment_says(assessed_case, lorry_firm):
    persons = index.person_arrays(index.candidate_assessments())

    assert persons.ids.tolist() == [assessed_case.pk]
    capacity = dict(zip(DIMENSIONS, persons.capacity[:, 0].tolist(), strict=True))
    assert capacity["strength"] == StrengthLevel.LIGHT
    assert capacity["lift_kg"] == 10
    assert capacity["driving"] == 0
    assert capacity["shift_work"] == 0
    assert int(persons.needs[0]) == 0
    assert float(persons.max_km[0]) == 25
    assert float(persons.min_wage[0]) == 1700
    assert int(persons.prev_isco[0]) == 8332
    assert int(persons.employer[0]) == lorry_firm.pk
    assert persons.pref_isco[:, 0].tolist() == [NO_ISCO] * index.PREFERRED_SLOTS
    bits = Skill.objects.filter(code__in=["computer-literacy", "customer-service"])
    assert int(persons.skills[0]) == skills_mask(s.bit for s in bits)
    assert persons.lat[0] == pytest.approx(HOME[0])


def test_preferred_occupations_and_needs_fill_their_columns(jpess_case, bala):
    from kembali.reference.models import IscoGroup

    units = list(IscoGroup.objects.filter(code__in=["4110", "4321", "5223"]))
    services.placement_assessment_record(
        case=jpess_case,
        actor=bala,
        **assessment_arguments(preferred_isco_units=units, needs={"flexible_hours": True}),
    )
    persons = index.person_arrays(index.candidate_assessments())

    assert sorted(persons.pref_isco[:, 0].tolist()) == [4110, 4321, 5223]
    assert int(persons.needs[0]) == FLEXIBLE_HOURS
    # No previous employment on the assessment: the case's pre-injury job counts,
    # and its employer is only a name, so no employer id.
    assert int(persons.prev_isco[0]) == 8332
    assert int(persons.employer[0]) == NO_EMPLOYER


def test_the_vacancy_rows_are_what_the_vacancies_say(three_vacancies, other_firm, bala):
    skill = Skill.objects.get(code="forklift-licence")
    vacancy_skills_set(vacancy=three_vacancies["too_heavy"], skills=[skill], actor=bala)
    no_point = make_vacancy(other_firm, bala, latitude=None, longitude=None, closes_on=None)

    vac = index.vacancy_index().arrays
    row = {int(pk): i for i, pk in enumerate(vac.ids.tolist())}

    heavy = row[three_vacancies["too_heavy"].pk]
    assert int(vac.demands[DIMENSIONS.index("lift_kg"), heavy]) == 25
    assert int(vac.skills[heavy]) == skills_mask([skill.bit])
    assert float(vac.wage[heavy]) == 1800
    assert int(vac.isco[heavy]) == 4321
    assert int(vac.employer[heavy]) == other_firm.pk
    assert int(vac.opens_day[heavy]) == day_number(timezone.localdate() - dt.timedelta(days=10))
    # Without a point of its own, the vacancy stands at its state's point.
    kl = no_point.state
    i = row[no_point.pk]
    assert (float(vac.lat[i]), float(vac.lon[i])) == pytest.approx((kl.latitude, kl.longitude))
    assert int(vac.closes_day[i]) == NO_CLOSING_DAY


def test_filled_and_long_closed_vacancies_are_not_indexed(three_vacancies, other_firm, bala):
    today = timezone.localdate()
    filled = make_vacancy(other_firm, bala, status=Vacancy.Status.FILLED)
    lapsed = make_vacancy(
        other_firm,
        bala,
        opened_on=today - dt.timedelta(days=200),
        closes_on=today - dt.timedelta(days=index.RECENTLY_CLOSED_DAYS + 1),
    )
    recent = make_vacancy(
        other_firm,
        bala,
        opened_on=today - dt.timedelta(days=60),
        closes_on=today - dt.timedelta(days=3),
    )

    ids = set(index.vacancy_index().arrays.ids.tolist())

    assert filled.pk not in ids and lapsed.pk not in ids
    assert recent.pk in ids  # a near miss "closed on ..." can name it


def test_the_heavy_job_is_excluded_and_the_pre_injury_employer_ranks_first(
    three_vacancies, assessed_case
):
    found = case_matches(assessed_case)

    titles = [row.vacancy.title for row in found.rows]
    assert titles == ["Dispatch clerk", "Stock clerk"]
    first, second = found.rows
    assert first.hierarchy_level == 3  # different job, same employer
    assert second.hierarchy_level == 6
    assert "at the pre-injury employer" in first.lines
    assert first.score > second.score
    # Equal fit: the difference is exactly the RTW hierarchy's.
    fit = [r.score - next(f for f in r.factors if f.name == "rtw").contribution for r in found.rows]
    assert fit[0] == pytest.approx(fit[1])
    (miss,) = found.near_misses
    assert miss.vacancy == three_vacancies["too_heavy"]
    assert miss.failed == "needs lifting 25 kg; limit is 10 kg"


def test_explain_pair_gives_the_score_or_every_failed_limit(assessed_case, three_vacancies):
    good = explain_pair(assessed_case, three_vacancies["pre_injury"])
    assert good["matches"] and good["hierarchy_level"] == 3
    assert "within lifting limit 10 kg (job needs 5 kg)" in good["reasons"]
    assert {f.name for f in good["factors"]} == {"occupation", "skills", "wage", "distance", "rtw"}

    heavy = three_vacancies["too_heavy"]
    heavy.strength_level = StrengthLevel.HEAVY
    heavy.save()
    bad = explain_pair(assessed_case, heavy)
    assert not bad["matches"]
    assert bad["failed"] == [
        "needs heavy work; capacity is light work",
        "needs lifting 25 kg; limit is 10 kg",
    ]


def test_a_changed_wage_is_seen_by_the_next_match_without_a_restart(
    three_vacancies, bala, assessed_case
):
    case = assessed_case
    before = case_matches(case)
    assert [r.vacancy.title for r in before.rows][0] == "Dispatch clerk"
    built = index.vacancy_index()

    stock = three_vacancies["elsewhere"]
    vacancy_update(
        actor=bala,
        vacancy=stock,
        changes={"monthly_wage": Decimal("1200.00")},
        expected_version=stock.version,
    )

    assert index.vacancy_index() is not built  # rebuilt on this request
    after = case_matches(case)
    row = next(r for r in after.rows if r.vacancy.pk == stock.pk)
    assert "wage RM 1,200 is below the minimum RM 1,700" in row.lines


def test_a_closed_vacancy_leaves_the_next_match(three_vacancies, bala, assessed_case):
    case = assessed_case
    assert len(case_matches(case).rows) == 2
    pre_injury = three_vacancies["pre_injury"]
    vacancy_update(
        actor=bala,
        vacancy=pre_injury,
        changes={"status": Vacancy.Status.CLOSED},
        expected_version=pre_injury.version,
    )

    assert [r.vacancy.title for r in case_matches(case).rows] == ["Stock clerk"]


def test_new_skills_are_seen_by_the_next_match(three_vacancies, bala, assessed_case):
    case = assessed_case
    forklift = Skill.objects.get(code="forklift-licence")
    vacancy_skills_set(vacancy=three_vacancies["elsewhere"], skills=[forklift], actor=bala)

    row = next(r for r in case_matches(case).rows if r.vacancy.title == "Stock clerk")
    assert row.missing_skills == ["Forklift licence"]
    assert "missing skills: Forklift licence" in row.lines


def test_an_unchanged_index_is_not_rebuilt(three_vacancies):
    first = index.vacancy_index()
    assert index.vacancy_index() is first


def test_candidates_are_the_cases_in_job_placement(three_vacancies, chong, aisyah, assessed_case):
    case = assessed_case
    vacancy = three_vacancies["pre_injury"]
    assert case.status == Status.JOB_PLACEMENT

    rows = match_candidates_for_vacancy(vacancy, user=chong)
    assert [r.case for r in rows] == [case]
    assert rows[0].hierarchy_level == 3

    # Back at work: no longer a candidate, at the next request.
    from kembali.cases.workflow import case_lock

    locked = case_lock(case=case)
    transition_locked(case=locked, to=Status.RETURNED_TO_WORK, actor=aisyah, reason="Started")
    assert match_candidates_for_vacancy(vacancy, user=chong) == []


def test_candidates_never_include_a_case_the_user_cannot_see(three_vacancies, farid, gopal):
    vacancy = three_vacancies["pre_injury"]

    assert match_candidates_for_vacancy(vacancy, user=gopal) == []
    assert match_candidates_for_vacancy(vacancy, user=farid) == []


def test_the_person_index_follows_a_new_assessment(three_vacancies, bala, assessed_case):
    case = assessed_case
    vacancy = three_vacancies["pre_injury"]
    assert match_candidates_for_vacancy(vacancy, user=bala)
    # A new assessment: she can no longer travel; nothing is near enough... except
    # that the job is under 2 km away, so lower the lift limit instead.
    services.placement_assessment_record(
        case=case,
        actor=bala,
        **assessment_arguments(max_lift_kg=2, needs={}, home_latitude=HOME[0],
                               home_longitude=HOME[1]),
    )  # fmt: skip

    assert match_candidates_for_vacancy(vacancy, user=bala) == []
    persons = index.person_index().arrays
    assert int(persons.capacity[DIMENSIONS.index("lift_kg"), 0]) == 2


def test_an_empty_database_builds_empty_indexes(db):
    assert len(index.vacancy_index().arrays) == 0
    assert len(index.person_index().arrays) == 0
    assert np.asarray(index.person_index().arrays.pref_isco).size == 0
