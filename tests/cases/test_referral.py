"""Referral intake: referral_create and the eligibility override."""

import datetime as dt
from dataclasses import replace
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from kembali.audit.models import AuditEvent
from kembali.cases.models import Case, EligibilityDecision, Status, Transition
from kembali.cases.services import (
    BenefitInput,
    BoardRecommendationInput,
    DuplicateOpenCase,
    EmploymentInput,
    InjuryInput,
    PersonInput,
    ReferralError,
    ReferralInput,
    eligibility_override,
    referral_create,
)
from kembali.cases.workflow import TransitionForbidden, TransitionNotAllowed, WorkflowError
from kembali.people.models import BenefitStatus, InsuredPerson
from tests.factories import CaseFactory, PersonFactory

pytestmark = pytest.mark.django_db

REFERRAL_DATE = dt.date(2026, 3, 2)


def referral(**changes) -> ReferralInput:
    """Siti, 35, hurt at work and on Temporary Disablement Benefit: eligible by rule 1."""
    person = PersonInput(
        nric="900115-14-5678",
        full_name="Siti Nurhaliza binti Ahmad",
        state_code="14",
        phone="012-3456789",
        preferred_language="ms",
        dependants=2,
    )
    base = ReferralInput(
        person=person,
        referral_date=REFERRAL_DATE,
        referral_reference="SOCSO-REF-0001",
        injury=InjuryInput(
            date=dt.date(2026, 1, 10),
            kind="industrial",
            work_related=True,
            description="Fall from scaffolding; fractured left wrist.",
            body_part="wrist",
        ),
        employment=EmploymentInput(
            employer_name="Binaan Jaya Sdn Bhd",
            isco_code="7411",
            job_title="Electrician",
            monthly_wage=Decimal("2800.00"),
            start_date=dt.date(2019, 5, 1),
        ),
        benefits=(
            BenefitInput(kind=BenefitStatus.Kind.TDB_RECEIVING, start_date=dt.date(2026, 1, 20)),
        ),
    )
    return replace(base, **changes)


def test_a_new_person_is_registered_and_the_case_is_decided_eligible(aisyah, kl_office):
    outcome = referral_create(actor=aisyah, office=kl_office, referral=referral())

    case = outcome.case
    assert outcome.created
    assert case.number == "RTW-2026-0000001"
    assert case.status == Status.ELIGIBLE
    assert case.eligible is True
    person = case.person
    assert (person.nric, person.date_of_birth, person.sex) == (
        "900115145678",
        dt.date(1990, 1, 15),
        "F",
    )
    assert case.injury.work_related
    assert case.pre_injury_employment.isco_unit_id == "7411"
    decision = case.eligibility
    assert decision.eligible and decision.matched_rules == [1]
    assert decision.age == 36
    assert len(decision.rules) == 4
    assert decision.rules[0]["reason"].startswith("Rule 1 met")
    assert decision.decided_by is None
    step = Transition.objects.get(case=case)
    assert (step.from_status, step.to_status, step.actor) == ("referred", "eligible", aisyah)


def test_case_numbers_follow_each_other(aisyah, kl_office):
    first = referral_create(actor=aisyah, office=kl_office, referral=referral()).case
    second = referral_create(
        actor=aisyah,
        office=kl_office,
        referral=referral(
            referral_reference="SOCSO-REF-0002",
            person=replace(referral().person, nric="850303-10-5431"),
        ),
    ).case
    assert (first.number, second.number) == ("RTW-2026-0000001", "RTW-2026-0000002")


def test_not_eligible_with_every_reason_recorded(aisyah, kl_office):
    outcome = referral_create(actor=aisyah, office=kl_office, referral=referral(benefits=()))
    case = outcome.case
    assert case.status == Status.NOT_ELIGIBLE
    assert case.eligible is False
    assert case.eligibility.matched_rules == []
    assert "not receiving Temporary Disablement Benefit" in case.eligibility.rules[0]["reason"]


def test_an_existing_person_is_reused_and_contact_details_updated(aisyah, kl_office):
    person = PersonFactory(
        nric="900115145678",
        date_of_birth=dt.date(1990, 1, 15),
        sex="F",
        phone="03-1111111",
        full_name="Siti Nurhaliza binti Ahmad",
    )
    closed = CaseFactory(person=person, office=kl_office, status=Status.CLOSED)

    case = referral_create(actor=aisyah, office=kl_office, referral=referral()).case

    assert case.person == person
    assert InsuredPerson.objects.count() == 1
    person.refresh_from_db()
    assert person.phone == "012-3456789"
    update = AuditEvent.objects.get(object_type="people.insuredperson", action="update")
    assert update.changes["phone"] == ["03-1111111", "012-3456789"]
    assert closed.pk != case.pk


def test_a_second_open_case_is_refused_with_the_open_case_number(aisyah, kl_office):
    first = referral_create(actor=aisyah, office=kl_office, referral=referral()).case

    with pytest.raises(DuplicateOpenCase) as error:
        referral_create(
            actor=aisyah, office=kl_office, referral=referral(referral_reference="OTHER-1")
        )
    assert error.value.case_number == first.number
    assert first.number in error.value.detail
    assert Case.objects.count() == 1


def test_the_same_reference_returns_the_existing_case_and_creates_nothing(aisyah, kl_office):
    first = referral_create(actor=aisyah, office=kl_office, referral=referral())
    events = AuditEvent.objects.count()

    again = referral_create(actor=aisyah, office=kl_office, referral=referral())

    assert not again.created
    assert again.case.pk == first.case.pk
    assert Case.objects.count() == 1
    assert AuditEvent.objects.count() == events


def test_a_reference_used_for_another_person_is_refused(aisyah, kl_office):
    referral_create(actor=aisyah, office=kl_office, referral=referral())
    other = replace(referral().person, nric="850303-10-5431")
    with pytest.raises(ReferralError) as error:
        referral_create(actor=aisyah, office=kl_office, referral=referral(person=other))
    assert "referral_reference" in error.value.errors


def test_a_birth_date_that_does_not_match_the_nric_is_refused_and_nothing_saved(aisyah, kl_office):
    person = replace(referral().person, date_of_birth=dt.date(1990, 1, 16), sex="M")
    with pytest.raises(ReferralError) as error:
        referral_create(actor=aisyah, office=kl_office, referral=referral(person=person))
    assert "1990-01-15" in error.value.errors["person.date_of_birth"][0]
    assert "person.sex" in error.value.errors
    assert not InsuredPerson.objects.exists()
    assert not Case.objects.exists()


def test_an_invalid_nric_says_why(aisyah, kl_office):
    person = replace(referral().person, nric="901315-14-5678")
    with pytest.raises(ReferralError) as error:
        referral_create(actor=aisyah, office=kl_office, referral=referral(person=person))
    assert "not a real date" in error.value.errors["person.nric"][0]


def test_an_unknown_isco_code_is_refused(aisyah, kl_office):
    employment = replace(referral().employment, isco_code="9999")
    with pytest.raises(ReferralError) as error:
        referral_create(actor=aisyah, office=kl_office, referral=referral(employment=employment))
    assert "employment.isco_code" in error.value.errors


def test_only_staff_of_the_office_or_a_national_admin_may_refer(
    farid, bala, ehsan, devi, kl_office
):
    for refused in (farid, bala, ehsan):
        with pytest.raises(PermissionDenied):
            referral_create(actor=refused, office=kl_office, referral=referral())
    assert referral_create(actor=devi, office=kl_office, referral=referral()).created


def test_eligibility_uses_board_recommendations_and_age_on_the_referral_date(aisyah, kl_office):
    # Born 1976-03-03: 49 on 2026-03-02, so rule 3 (below 50) still holds.
    outcome = referral_create(
        actor=aisyah,
        office=kl_office,
        referral=referral(
            person=replace(referral().person, nric="760303-14-5671"),
            injury=replace(referral().injury, work_related=False, kind="illness"),
            benefits=(BenefitInput(kind="invalidity", start_date=dt.date(2026, 2, 1)),),
            board_recommendations=(
                BoardRecommendationInput(
                    board="mb", date=dt.date(2026, 2, 15), recommended_rehabilitation=True
                ),
            ),
        ),
    )
    assert outcome.case.eligibility.matched_rules == [3]
    assert outcome.case.eligibility.age == 49


# --- the override


@pytest.fixture
def refused_case(aisyah, kl_office):
    return referral_create(actor=aisyah, office=kl_office, referral=referral(benefits=())).case


def test_a_supervisor_overrides_a_negative_decision_with_a_reason(refused_case, chong):
    eligibility_override(
        case=refused_case,
        actor=chong,
        reason="TDB approved late; letter on file.",
        expected_version=refused_case.version,
    )
    refused_case.refresh_from_db()
    assert refused_case.status == Status.ELIGIBLE
    assert refused_case.eligible is True
    decision = EligibilityDecision.objects.get(case=refused_case)
    assert decision.overridden_by == chong
    assert decision.override_reason == "TDB approved late; letter on file."
    assert decision.eligible is False  # the rules' decision stays as it was made
    assert AuditEvent.objects.filter(action="override", actor=chong).count() == 1


def test_only_a_supervisor_of_the_office_may_override(refused_case, aisyah, gopal):
    for refused in (aisyah, gopal):
        with pytest.raises(TransitionForbidden):
            eligibility_override(case=refused_case, actor=refused, reason="Because.")
    refused_case.refresh_from_db()
    assert refused_case.status == Status.NOT_ELIGIBLE


def test_the_override_needs_a_reason(refused_case, chong):
    with pytest.raises(WorkflowError, match="reason"):
        eligibility_override(case=refused_case, actor=chong, reason="  ")
    assert not EligibilityDecision.objects.filter(overridden_at__isnull=False).exists()


def test_a_positive_decision_cannot_be_overridden(aisyah, chong, kl_office):
    case = referral_create(actor=aisyah, office=kl_office, referral=referral()).case
    with pytest.raises(TransitionNotAllowed):
        eligibility_override(case=case, actor=chong, reason="Why not.")
