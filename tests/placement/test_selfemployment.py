"""The self-employment track: the plan, support with its total, income milestones,
and the business started as a return to work at level 7."""

import datetime as dt
from decimal import Decimal

import pytest

from kembali.audit.models import AuditEvent
from kembali.cases.models import Case, RtwOutcome, Status
from kembali.cases.timeline import case_timeline
from kembali.cases.workflow import CaseConflict, TransitionForbidden, TransitionNotAllowed
from kembali.placement import selfemployment as track
from kembali.placement.models_followup import FollowUp
from kembali.placement.selfemployment import SelfEmploymentInvalid
from kembali.reference.models import IscoGroup


@pytest.fixture
def plan(jpess_case, bala):
    Case.objects.filter(pk=jpess_case.pk).update(referral_date=dt.date(2025, 6, 1))
    jpess_case.refresh_from_db()
    return track.self_employment_plan_save(
        case=jpess_case,
        actor=bala,
        business_idea="Nasi lemak stall at the LRT station\nMornings only",
        business_plan="Rent a stall; buy a gas stove and a cart.",
        isco_unit=IscoGroup.objects.get(code="5212"),
        expected_monthly_income=Decimal("2200"),
    )


def test_the_plan_is_written_and_versioned(plan, bala):
    assert plan.version == 1
    updated = track.self_employment_plan_save(
        case=plan.case,
        actor=bala,
        business_idea=plan.business_idea,
        business_plan="Rent a stall; a cart; a second helper after six months.",
        isco_unit=plan.isco_unit,
        expected_monthly_income=Decimal("2500"),
        expected_version=1,
    )

    assert updated.version == 2
    event = AuditEvent.objects.get(action="self_employment_plan.update")
    assert event.changes["expected_monthly_income"] == ["2200.00", "2500.00"]


def test_a_stale_plan_is_refused(plan, bala, chong):
    track.self_employment_plan_save(
        case=plan.case, actor=chong, business_idea="Nasi lemak and kuih", expected_version=1
    )

    with pytest.raises(CaseConflict, match="Chong Mei Ling"):
        track.self_employment_plan_save(
            case=plan.case, actor=bala, business_idea="Nasi lemak only", expected_version=1
        )


def test_the_plan_needs_an_idea_and_a_unit_group(jpess_case, bala):
    with pytest.raises(SelfEmploymentInvalid) as refused:
        track.self_employment_plan_save(case=jpess_case, actor=bala, business_idea="  ")
    assert "business_idea" in refused.value.errors

    with pytest.raises(SelfEmploymentInvalid):
        track.self_employment_plan_save(
            case=jpess_case,
            actor=bala,
            business_idea="Stall",
            isco_unit=IscoGroup.objects.get(code="52"),
        )


def test_supports_add_up(plan, bala):
    for kind, amount in [("equipment", "850.50"), ("grant", "3000"), ("mentoring", "0")]:
        track.self_employment_support_add(
            plan=plan,
            actor=bala,
            kind=kind,
            description=f"{kind} for the stall",
            amount=Decimal(amount),
            given_on=dt.date(2026, 2, 1),
        )

    summary = track.plan_summary(plan.case)
    assert summary.support_total == Decimal("3850.50")
    assert summary.support_count == 3
    assert AuditEvent.objects.filter(action="self_employment_support.add").count() == 3


@pytest.mark.parametrize(
    ("field", "overrides"),
    [
        ("amount", {"amount": Decimal("-1")}),
        ("given_on", {"given_on": dt.date.today() + dt.timedelta(days=1)}),
        ("kind", {"kind": "loan"}),
        ("description", {"description": " "}),
    ],
)
def test_bad_support_is_refused_with_the_field(plan, bala, field, overrides):
    values = {
        "kind": "grant",
        "description": "Start-up grant",
        "amount": Decimal("500"),
        "given_on": dt.date(2026, 2, 1),
    }
    values.update(overrides)

    with pytest.raises(SelfEmploymentInvalid) as refused:
        track.self_employment_support_add(plan=plan, actor=bala, **values)

    assert list(refused.value.errors) == [field]


def test_a_milestone_is_set_and_reported(plan, bala):
    milestone = track.income_milestone_add(
        plan=plan, actor=bala, due_on=dt.date(2026, 6, 30), target_monthly_income=Decimal("1500")
    )
    assert milestone.reached is None

    track.income_milestone_report(
        milestone=milestone,
        actor=bala,
        actual_monthly_income=Decimal("1650"),
        reported_on=dt.date(2026, 7, 2),
    )

    milestone.refresh_from_db()
    assert milestone.reached is True
    assert any("RM 1650.00 a month" in e.title for e in case_timeline(plan.case))


def test_the_business_started_is_a_level_7_return_with_follow_ups(plan, bala):
    outcome = track.self_employment_start(
        plan=plan,
        actor=bala,
        started_on=dt.date(2026, 3, 1),
        monthly_income=Decimal("1900"),
        hours_per_week=50,
        expected_version=1,
    )

    outcome = RtwOutcome.objects.get(pk=outcome.pk)
    assert (outcome.level, outcome.self_employed) == (7, True)
    assert outcome.job_title == "Nasi lemak stall at the LRT station"
    assert outcome.monthly_wage == Decimal("1900.00")
    plan.refresh_from_db()
    assert plan.outcome == outcome
    assert plan.started_on == dt.date(2026, 3, 1)
    case = Case.objects.get(pk=plan.case_id)
    assert (case.status, case.rtw_level) == (Status.RETURNED_TO_WORK, 7)
    assert list(FollowUp.objects.filter(outcome=outcome).values_list("months", "due_on")) == [
        (1, dt.date(2026, 4, 1)),
        (3, dt.date(2026, 6, 1)),
        (6, dt.date(2026, 9, 1)),
        (12, dt.date(2027, 3, 1)),
    ]
    assert AuditEvent.objects.filter(action="self_employment.start").count() == 1
    assert any(e.title.startswith("The business started") for e in case_timeline(case))

    with pytest.raises(TransitionNotAllowed):
        track.self_employment_start(
            plan=plan,
            actor=bala,
            started_on=dt.date(2026, 3, 1),
            monthly_income=Decimal("1900"),
            hours_per_week=50,
        )


def test_the_business_cannot_start_without_its_occupation(jpess_case, bala):
    Case.objects.filter(pk=jpess_case.pk).update(referral_date=dt.date(2025, 6, 1))
    plan = track.self_employment_plan_save(case=jpess_case, actor=bala, business_idea="Tailor")

    with pytest.raises(SelfEmploymentInvalid) as refused:
        track.self_employment_start(
            plan=plan,
            actor=bala,
            started_on=dt.date(2026, 3, 1),
            monthly_income=Decimal("900"),
            hours_per_week=30,
        )

    assert "isco_unit" in refused.value.errors
    assert not RtwOutcome.objects.exists()


def test_only_the_people_on_the_case_change_the_plan(plan, farid, gopal, ehsan):
    for outsider in (farid, gopal, ehsan):
        with pytest.raises(TransitionForbidden):
            track.self_employment_support_add(
                plan=plan,
                actor=outsider,
                kind="grant",
                description="Grant",
                amount=Decimal("1"),
                given_on=dt.date(2026, 2, 1),
            )


def test_a_case_outside_jpess_has_no_self_employment_track(case, aisyah):
    with pytest.raises(Exception, match="not been referred to JPESS"):
        track.self_employment_plan_save(case=case, actor=aisyah, business_idea="Stall")
