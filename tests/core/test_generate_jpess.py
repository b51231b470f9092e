"""The generator's JPESS pass: outcomes that the classifier agrees with, assessments
for JPESS cases, placements, self-employment and follow-ups; idempotent."""

import datetime as dt
from collections import Counter

import pytest

from kembali.cases.hierarchy import Job, classify_rtw_level
from kembali.cases.models import Case, RtwOutcome
from kembali.core.generate.builder import generate
from kembali.core.generate.jpess import jpess_generate
from kembali.placement.models import (
    FollowUp,
    OutcomeMeasure,
    PlacementAssessment,
    SelfEmploymentPlan,
    VacancyReferral,
    VacancySkill,
)

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 6, 30)


@pytest.fixture
def generated(db, time_machine):
    time_machine.move_to(dt.datetime(2026, 6, 30, 12, tzinfo=dt.UTC))
    generate(cases=600, seed=3, today=TODAY)  # the JPESS pass runs at its end


def test_every_returned_case_has_an_outcome_the_classifier_agrees_with(generated):
    returned = Case.objects.filter(rtw_level__isnull=False)
    outcomes = RtwOutcome.objects.select_related("case__pre_injury_employment")
    assert outcomes.count() > 0
    # Only JPESS cases with no vacancy in their state to be placed from may lack one.
    assert returned.count() - outcomes.count() <= returned.filter(in_jpess=True).count()
    for outcome in outcomes:
        before = outcome.case.pre_injury_employment
        level = classify_rtw_level(
            Job(f"id:{before.employer_id}" if before.employer_id else None, before.isco_unit_id),
            Job(
                f"id:{outcome.employer_id}" if outcome.employer_id else None,
                outcome.isco_unit_id,
                outcome.self_employed,
            ),
        )
        assert outcome.level == outcome.auto_level == outcome.case.rtw_level
        if before.employer_id or outcome.level >= 4:
            assert level == outcome.level, outcome


def test_jpess_cases_have_assessments_placements_and_follow_ups(generated):
    assert PlacementAssessment.objects.count() > 0
    assert not PlacementAssessment.objects.filter(case__in_jpess=False).exists()
    assert OutcomeMeasure.objects.filter(kind="baseline").count() == (
        PlacementAssessment.objects.count()
    )
    placed = VacancyReferral.objects.filter(status="placed")
    assert placed.count() > 0
    for referral in placed.select_related("outcome", "vacancy"):
        assert referral.outcome.employer_id == referral.vacancy.employer_id
        assert referral.outcome.level in (4, 5, 6)
    assert SelfEmploymentPlan.objects.filter(outcome__level=7).count() == (
        RtwOutcome.objects.filter(case__in_jpess=True, level=7).count()
    )
    jpess_outcomes = RtwOutcome.objects.filter(case__in_jpess=True).count()
    assert FollowUp.objects.count() == 4 * jpess_outcomes
    assert Counter(FollowUp.objects.values_list("months", flat=True)) == {
        m: jpess_outcomes for m in (1, 3, 6, 12)
    }
    done = FollowUp.objects.filter(done_on__isnull=False)
    assert done.exists()
    assert not done.filter(done_on__gt=TODAY).exists()
    assert not done.filter(outcome_measure__isnull=True).exists()
    assert VacancySkill.objects.exists()


def test_running_it_again_adds_nothing(generated):
    counts = (RtwOutcome.objects.count(), FollowUp.objects.count(), VacancySkill.objects.count())
    again = jpess_generate(seed=3)
    assert (again.outcomes, again.assessments, again.follow_ups) == (0, 0, 0)
    assert (RtwOutcome.objects.count(), FollowUp.objects.count()) == counts[:2]
    assert VacancySkill.objects.count() == counts[2]
