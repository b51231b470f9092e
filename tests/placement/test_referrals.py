"""Referrals to vacancies: the state machine, placement as the case's return to work,
concurrency, reasons, audit and who may act."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from kembali.audit.models import AuditEvent
from kembali.cases.models import RtwOutcome, Status
from kembali.cases.workflow import ReasonRequired, TransitionForbidden, TransitionNotAllowed
from kembali.employers.models import Vacancy
from kembali.placement import referrals
from kembali.placement.models_jobs import ReferralStatus as S
from kembali.placement.models_jobs import VacancyReferral
from kembali.placement.referrals import ReferralConflict, ReferralError
from tests.factories import EmployerFactory, VacancyFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def step_data(step: str) -> dict:
    today = TODAY()
    return {
        "interview": {
            "interview_at": timezone.make_aware(dt.datetime.combine(today, dt.time(10, 30))),
            "interview_place": "Menara Jaya, level 3",
        },
        "offer": {"offered_on": today, "offered_wage": Decimal("1950.00"), "offered_hours": 40},
        "accept": {"accepted_on": today, "start_date": today},
        "place": {"started_on": today},
        "not_selected": {"reason": "Another candidate had a forklift licence."},
        "decline": {"reason": "The shift pattern does not fit the therapy."},
        "withdraw": {"reason": "The person moved to Johor."},
    }[step]


@pytest.fixture
def placement_case(jpess_case):
    """In job placement since the referral to JPESS; the referral was weeks ago."""
    assert jpess_case.status == Status.JOB_PLACEMENT
    jpess_case.referral_date = TODAY() - dt.timedelta(days=60)
    jpess_case.save(update_fields=["referral_date"])
    return jpess_case


def refer(case, actor, **vacancy):
    return referrals.vacancy_refer(
        case=case, vacancy=VacancyFactory(**vacancy), actor=actor, notes="Keen on office work."
    )


def referral_in(case, actor, status: str) -> VacancyReferral:
    """A referral brought to `status` through the service, step by step."""
    row = refer(case, actor)
    path = {
        S.REFERRED: [],
        S.INTERVIEW: ["interview"],
        S.OFFERED: ["interview", "offer"],
        S.ACCEPTED: ["interview", "offer", "accept"],
        S.PLACED: ["interview", "offer", "accept", "place"],
        S.NOT_SELECTED: ["not_selected"],
        S.DECLINED: ["interview", "offer", "decline"],
        S.WITHDRAWN: ["withdraw"],
    }[status]
    for step in path:
        referrals.referral_step(referral=row, step=step, actor=actor, **step_data(step))
    row.refresh_from_db()
    assert row.status == status
    return row


EVERY_PAIR = [(status, step.slug) for status in S.values for step in referrals.STEPS]


@pytest.mark.parametrize("status, step", EVERY_PAIR)
def test_the_transition_table_allows_exactly_its_edges(placement_case, bala, status, step):
    row = referral_in(placement_case, bala, status)
    spec = referrals.STEP_BY_SLUG[step]
    before = row.version
    if status in spec.sources:
        referrals.referral_step(
            referral=row, step=step, actor=bala, expected_version=before, **step_data(step)
        )
        row.refresh_from_db()
        assert row.status == spec.target
        assert row.version == before + 1
    else:
        with pytest.raises(TransitionNotAllowed):
            referrals.referral_step(referral=row, step=step, actor=bala, **step_data(step))
        row.refresh_from_db()
        assert (row.status, row.version) == (status, before)


def test_the_table_reads_as_the_brief_says():
    edges = {(src, step.target) for step in referrals.STEPS for src in step.sources}
    assert edges == {
        (S.REFERRED, S.INTERVIEW),
        (S.INTERVIEW, S.OFFERED),
        (S.OFFERED, S.ACCEPTED),
        (S.ACCEPTED, S.PLACED),
        (S.REFERRED, S.NOT_SELECTED),
        (S.INTERVIEW, S.NOT_SELECTED),
        (S.OFFERED, S.DECLINED),
        *((src, S.WITHDRAWN) for src in (S.REFERRED, S.INTERVIEW, S.OFFERED, S.ACCEPTED)),
    }


def _place(case, actor, vacancy):
    row = referrals.vacancy_refer(case=case, vacancy=vacancy, actor=actor)
    for step in ("interview", "offer", "accept", "place"):
        referrals.referral_step(referral=row, step=step, actor=actor, **step_data(step))
    row.refresh_from_db()
    return row


@pytest.mark.parametrize(
    "same_employer, isco, level",
    [(True, "8332", 1), (True, "8331", 2), (True, "4110", 3), (False, "8332", 4),
     (False, "8331", 5), (False, "4110", 6)],
)  # fmt: skip
def test_placement_records_the_outcome_with_the_classified_level(
    placement_case, bala, lorry_job, same_employer, isco, level
):
    employer = EmployerFactory(name="Syarikat Angkut Jaya")
    if same_employer:
        lorry_job.employer = employer
        lorry_job.save(update_fields=["employer"])
    vacancy = VacancyFactory(
        employer=employer if same_employer else EmployerFactory(), isco_unit_id=isco
    )

    row = _place(placement_case, bala, vacancy)

    outcome = RtwOutcome.objects.get(case=placement_case)
    assert row.outcome == outcome and row.status == S.PLACED
    assert (outcome.level, outcome.auto_level) == (level, level)
    assert outcome.employer == vacancy.employer
    assert (outcome.isco_unit_id, outcome.job_title) == (isco, vacancy.title)
    # The offer's wage and hours, not the vacancy's.
    assert (outcome.monthly_wage, outcome.hours_per_week) == (Decimal("1950.00"), 40)
    assert outcome.return_date == TODAY()
    placement_case.refresh_from_db()
    assert placement_case.status == Status.RETURNED_TO_WORK
    assert placement_case.rtw_level == level


def test_without_an_offered_wage_the_vacancys_wage_stands(placement_case, bala):
    row = referral_in(placement_case, bala, S.INTERVIEW)
    referrals.referral_step(
        referral=row, step="offer", actor=bala, offered_on=TODAY(), offered_wage=None
    )
    referrals.referral_step(referral=row, step="accept", actor=bala, **step_data("accept"))
    referrals.referral_step(referral=row, step="place", actor=bala)
    outcome = RtwOutcome.objects.get(case=placement_case)
    assert (outcome.monthly_wage, outcome.hours_per_week) == (Decimal("1800.00"), 40)


def test_a_start_in_the_future_cannot_be_placed_yet(placement_case, bala):
    row = referral_in(placement_case, bala, S.OFFERED)
    later = TODAY() + dt.timedelta(days=14)
    referrals.referral_step(
        referral=row, step="accept", actor=bala, accepted_on=TODAY(), start_date=later
    )
    with pytest.raises(ReferralError) as raised:
        referrals.referral_step(referral=row, step="place", actor=bala)
    assert "started_on" in raised.value.errors
    assert not RtwOutcome.objects.exists()
    row.refresh_from_db()
    assert row.status == S.ACCEPTED


def test_a_stale_version_is_a_conflict_and_writes_nothing(placement_case, bala, aisyah):
    row = refer(placement_case, bala)
    seen = row.version
    referrals.referral_step(referral=row, step="interview", actor=aisyah, **step_data("interview"))
    events = AuditEvent.objects.count()
    stale = VacancyReferral.objects.get(pk=row.pk)
    with pytest.raises(ReferralConflict) as raised:
        referrals.referral_step(
            referral=stale, step="withdraw", actor=bala, expected_version=seen, reason="Moved."
        )
    assert raised.value.status_code == 409
    stale.refresh_from_db()
    assert stale.status == S.INTERVIEW
    assert AuditEvent.objects.count() == events


@pytest.mark.parametrize("step", ["not_selected", "decline", "withdraw"])
def test_an_ending_needs_a_reason(placement_case, bala, step):
    row = referral_in(placement_case, bala, S.OFFERED if step == "decline" else S.REFERRED)
    with pytest.raises(ReasonRequired):
        referrals.referral_step(referral=row, step=step, actor=bala, reason="  ")
    referrals.referral_step(referral=row, step=step, actor=bala, reason="Moved to Johor.")
    row.refresh_from_db()
    assert row.closed_reason == "Moved to Johor."


def test_the_employers_no_is_kept_as_its_feedback(placement_case, bala):
    row = referral_in(placement_case, bala, S.INTERVIEW)
    referrals.referral_step(
        referral=row, step="not_selected", actor=bala, reason="Needs a driving licence."
    )
    row.refresh_from_db()
    assert row.employer_feedback is False
    assert row.employer_feedback_reason == "Needs a driving licence."


def test_each_action_leaves_exactly_one_audit_record(placement_case, bala):
    row = refer(placement_case, bala)
    assert AuditEvent.objects.filter(action="vacancy_referral.refer").count() == 1
    for step in ("interview", "offer", "accept", "place"):
        referrals.referral_step(referral=row, step=step, actor=bala, **step_data(step))
        events = AuditEvent.objects.filter(action=f"vacancy_referral.{step}", object_id=row.pk)
        assert events.count() == 1, step
    offer = AuditEvent.objects.get(action="vacancy_referral.offer")
    assert offer.changes["status"] == ["interview", "offered"]
    assert offer.changes["offered_wage"] == [None, "1950.00"]
    # The outcome and the case's move are the lifecycle's own records, once each.
    assert AuditEvent.objects.filter(action="record_outcome").count() == 1


def test_who_may_work_on_referrals(placement_case, aisyah, bala, chong, devi, hamid, farid, gopal):
    case = placement_case
    assert all(referrals.may_work_referrals(u, case) for u in (aisyah, bala, chong, devi))
    assert not any(referrals.may_work_referrals(u, case) for u in (hamid, farid, gopal))
    for outsider in (hamid, farid):
        with pytest.raises(TransitionForbidden):
            refer(case, outsider)
    row = refer(case, chong)
    with pytest.raises(TransitionForbidden):
        referrals.referral_step(
            referral=row, step="interview", actor=farid, **step_data("interview")
        )
    assert not VacancyReferral.objects.filter(status=S.INTERVIEW).exists()


def test_only_a_case_in_job_placement_is_referred(case, aisyah):
    with pytest.raises(TransitionNotAllowed, match="JPESS"):
        refer(case, aisyah)
    assert not VacancyReferral.objects.exists()


@pytest.mark.parametrize(
    "vacancy, message",
    [
        ({"status": Vacancy.Status.FILLED}, "filled"),
        ({"closes_on": dt.date(2020, 1, 1), "opened_on": dt.date(2019, 1, 1)}, "closed"),
    ],
)
def test_only_an_open_vacancy_takes_referrals(placement_case, bala, vacancy, message):
    with pytest.raises(ReferralError, match=message):
        refer(placement_case, bala, **vacancy)


def test_one_open_referral_per_person_and_vacancy(placement_case, bala):
    vacancy = VacancyFactory()
    referrals.vacancy_refer(case=placement_case, vacancy=vacancy, actor=bala)
    with pytest.raises(ReferralError, match="already referred"):
        referrals.vacancy_refer(case=placement_case, vacancy=vacancy, actor=bala)


def test_the_last_opening_taken_fills_the_vacancy_and_ends_other_referrals(placement_case, bala):
    vacancy = VacancyFactory(openings=1)
    other = refer(placement_case, bala)
    row = _place(placement_case, bala, vacancy)
    vacancy.refresh_from_db()
    assert vacancy.status == Vacancy.Status.FILLED
    assert AuditEvent.objects.filter(action="vacancy.update", object_id=vacancy.pk).count() == 1
    other.refresh_from_db()
    assert other.status == S.WITHDRAWN
    assert vacancy.employer.name in other.closed_reason
    assert row.status == S.PLACED


def test_a_vacancy_with_openings_left_stays_open(placement_case, bala):
    vacancy = VacancyFactory(openings=2)
    _place(placement_case, bala, vacancy)
    vacancy.refresh_from_db()
    assert vacancy.status == Vacancy.Status.OPEN
