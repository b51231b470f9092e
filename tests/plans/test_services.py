import datetime as dt
from decimal import Decimal

import pytest

from kembali.audit.models import AuditEvent
from kembali.cases.models import Case, RtwLevel, Status, Transition
from kembali.cases.workflow import TransitionForbidden
from kembali.plans import services
from kembali.plans.models import Intervention, PlanStatus, RehabPlan
from kembali.plans.services import PlanConflict, PlanError, PlanForbidden, PlanNotValid
from tests.factories import CaseFactory
from tests.plans.conftest import END, START


def audit_actions(obj):
    return list(
        AuditEvent.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )


def test_a_plan_needs_consent_first(kl_office, aisyah):
    case = CaseFactory(office=kl_office, case_manager=aisyah, status=Status.ASSESSED)
    with pytest.raises(PlanConflict, match="consented"):
        services.plan_create(case=case, actor=aisyah, goal=1, start_date=START, target_end_date=END)


def test_only_one_draft_at_a_time(draft, aisyah):
    with pytest.raises(PlanConflict, match="Version 1"):
        services.plan_create(
            case=draft.case, actor=aisyah, goal=2, start_date=START, target_end_date=END
        )


def test_another_case_manager_cannot_touch_the_plan(case, bala, farid):
    for outsider in (bala, farid):
        with pytest.raises(PlanForbidden):
            services.plan_create(
                case=case, actor=outsider, goal=1, start_date=START, target_end_date=END
            )


def test_submit_lists_every_problem(case, aisyah):
    plan = services.plan_create(
        case=case, actor=aisyah, goal=1, start_date=END, target_end_date=START
    )
    with pytest.raises(PlanNotValid) as caught:
        services.plan_submit(plan=plan, actor=aisyah)
    errors = caught.value.errors
    assert "Confirm that the person took part in designing the plan." in errors
    assert "The target end date must be after the start date." in errors
    assert "Add at least one intervention." in errors
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT


def test_submit_refuses_an_intervention_outside_the_time_frame(draft, aisyah):
    services.intervention_add(
        plan=draft,
        actor=aisyah,
        kind="vocational",
        planned_start=dt.date(2026, 5, 1),
        due_date=dt.date(2026, 8, 1),
    )
    with pytest.raises(PlanNotValid) as caught:
        services.plan_submit(plan=draft, actor=aisyah)
    assert caught.value.errors == [
        "Vocational training (1 May 2026 to 1 August 2026) is outside the plan's time frame "
        "(5 January 2026 to 30 June 2026)."
    ]


def test_an_intervention_cannot_end_before_it_starts(draft, aisyah):
    with pytest.raises(PlanError, match="due date"):
        services.intervention_add(
            plan=draft,
            actor=aisyah,
            kind="pain",
            planned_start=dt.date(2026, 3, 1),
            due_date=dt.date(2026, 2, 1),
        )


def test_submit_records_who_and_when(submitted, aisyah):
    assert submitted.status == PlanStatus.SUBMITTED
    assert submitted.submitted_by == aisyah
    assert submitted.submitted_at is not None


def test_a_submitted_plan_is_not_edited(submitted, aisyah):
    with pytest.raises(PlanConflict):
        services.plan_update(plan=submitted, actor=aisyah, goal=3)


def test_only_a_supervisor_of_the_office_approves(submitted, aisyah, bala, gopal, farid):
    for not_approver in (aisyah, bala, gopal, farid):
        with pytest.raises(PlanForbidden):
            services.plan_approve(plan=submitted, actor=not_approver)
    submitted.refresh_from_db()
    assert submitted.status == PlanStatus.SUBMITTED


def test_approving_version_1_moves_the_case_to_plan_approved(approved, chong, aisyah):
    case = Case.objects.get(pk=approved.case_id)
    assert case.status == Status.PLAN_APPROVED
    transition = Transition.objects.get(case=case)
    assert (transition.from_status, transition.to_status) == (
        Status.CONSENTED,
        Status.PLAN_APPROVED,
    )
    assert transition.actor == chong
    approved.refresh_from_db()
    assert approved.status == PlanStatus.APPROVED
    # Both people are on the record: who submitted and who approved.
    assert approved.submitted_by == aisyah
    assert approved.approved_by == chong


def test_a_national_admin_may_approve(submitted, devi):
    plan = services.plan_approve(plan=submitted, actor=devi)
    assert plan.status == PlanStatus.APPROVED


def test_rejection_returns_the_plan_with_the_reason(submitted, chong, aisyah):
    with pytest.raises(PlanError, match="Say why"):
        services.plan_reject(plan=submitted, actor=chong, reason="  ")
    plan = services.plan_reject(plan=submitted, actor=chong, reason="Add a work-site visit")
    assert plan.status == PlanStatus.REJECTED
    assert plan.rejection_reason == "Add a work-site visit"
    # Returned: the case manager edits and resubmits it.
    services.plan_update(plan=plan, actor=aisyah, goal=RtwLevel.SIMILAR_JOB_SAME_EMPLOYER)
    plan = services.plan_submit(plan=plan, actor=aisyah)
    assert plan.status == PlanStatus.SUBMITTED
    assert Case.objects.get(pk=plan.case_id).status == Status.CONSENTED


def test_changing_an_approved_plan_makes_a_new_version(approved, aisyah, chong):
    with pytest.raises(PlanConflict):
        services.plan_update(plan=approved, actor=aisyah, goal=2)
    old_item = approved.interventions.get()
    with pytest.raises(PlanConflict, match="only the status"):
        services.intervention_update(intervention=old_item, actor=aisyah, cost=Decimal("1"))

    v2 = services.plan_create(case=approved.case, actor=aisyah)
    assert v2.version == 2
    assert v2.status == PlanStatus.DRAFT
    assert v2.goal == approved.goal
    copied = v2.interventions.get()
    assert (copied.kind, copied.provider_id, copied.cost) == (
        old_item.kind,
        old_item.provider_id,
        old_item.cost,
    )
    assert copied.copied_from == old_item

    services.intervention_update(intervention=copied, actor=aisyah, cost=Decimal("3000.00"))
    services.plan_update(plan=v2, actor=aisyah, designed_with_person=True)
    # The approved version is unchanged while the draft is worked on.
    old_item.refresh_from_db()
    assert old_item.cost == Decimal("2400.00")
    approved.refresh_from_db()
    assert approved.status == PlanStatus.APPROVED

    services.plan_submit(plan=v2, actor=aisyah)
    services.plan_approve(plan=v2, actor=chong)
    approved.refresh_from_db()
    assert approved.status == PlanStatus.SUPERSEDED
    assert approved.superseded_at is not None
    assert approved.interventions.get().cost == Decimal("2400.00")
    assert RehabPlan.objects.get(pk=v2.pk).status == PlanStatus.APPROVED
    # The case only moved once, on the first approval.
    assert Transition.objects.filter(case=approved.case).count() == 1


def test_status_of_an_approved_intervention_can_move(approved, aisyah):
    item = approved.interventions.get()
    services.intervention_update(intervention=item, actor=aisyah, status="in_progress")
    item.refresh_from_db()
    assert item.status == "in_progress"


def test_job_placement_enters_the_person_into_jpess(draft, aisyah, chong):
    services.intervention_add(
        plan=draft,
        actor=aisyah,
        kind="job_placement",
        planned_start=dt.date(2026, 4, 1),
        due_date=dt.date(2026, 6, 1),
    )
    services.plan_submit(plan=draft, actor=aisyah)
    assert not Case.objects.get(pk=draft.case_id).in_jpess
    services.plan_approve(plan=draft, actor=chong)
    assert Case.objects.get(pk=draft.case_id).in_jpess


def test_a_plan_without_job_placement_leaves_jpess_alone(approved):
    assert not Case.objects.get(pk=approved.case_id).in_jpess


def test_start_of_rehabilitation_is_the_case_managers_step(approved, aisyah, chong):
    case = Case.objects.get(pk=approved.case_id)
    with pytest.raises(TransitionForbidden):
        services.plan_start(case=case, actor=chong)
    services.plan_start(case=case, actor=aisyah)
    assert Case.objects.get(pk=case.pk).status == Status.IN_REHABILITATION


def test_every_action_is_audited_once_with_old_and_new(draft, aisyah, chong, provider):
    item = services.intervention_add(
        plan=draft,
        actor=aisyah,
        kind="pain",
        planned_start=dt.date(2026, 2, 1),
        due_date=dt.date(2026, 3, 1),
        cost=Decimal("500"),
    )
    services.intervention_update(intervention=item, actor=aisyah, cost=Decimal("650.50"))
    services.plan_update(plan=draft, actor=aisyah, goal=2)
    services.plan_update(plan=draft, actor=aisyah, goal=2)  # nothing changed: no record
    services.plan_submit(plan=draft, actor=aisyah)
    services.plan_approve(plan=draft, actor=chong)
    assert audit_actions(draft) == ["plan.create", "plan.update", "plan.submit", "plan.approve"]
    assert audit_actions(item) == ["intervention.add", "intervention.update"]
    update = AuditEvent.objects.get(action="intervention.update")
    assert update.changes == {"cost": ["500.00", "650.50"]}
    assert AuditEvent.objects.get(action="plan.update").changes == {"goal": [1, 2]}
    approval = AuditEvent.objects.get(action="plan.approve")
    assert approval.actor == chong
    assert approval.changes["status"] == ["submitted", "approved"]


def test_removing_an_intervention_is_audited(ready_draft, aisyah):
    item = ready_draft.interventions.get()
    services.intervention_remove(intervention=item, actor=aisyah)
    assert not Intervention.objects.filter(pk=item.pk).exists()
    event = AuditEvent.objects.get(action="intervention.remove")
    assert event.changes["kind"] == ["physical", None]


def test_provider_referral_and_its_report(approved, aisyah, provider):
    item = approved.interventions.get()
    referral = services.provider_referral_create(
        case=approved.case,
        actor=aisyah,
        provider=provider,
        intervention=item,
        referred_on=dt.date(2026, 1, 6),
        cost=Decimal("2400.00"),
    )
    assert referral.status == "referred"
    with pytest.raises(PlanError, match="Summarise"):
        services.provider_referral_record_report(
            referral=referral, actor=aisyah, report_received_on=dt.date(2026, 4, 1)
        )
    referral = services.provider_referral_record_report(
        referral=referral,
        actor=aisyah,
        accepted_on=dt.date(2026, 1, 8),
        report_received_on=dt.date(2026, 4, 1),
        report_summary="Full grip strength regained",
        cost=Decimal("2200.00"),
    )
    assert referral.status == "report_received"
    assert audit_actions(referral) == ["provider_referral.create", "provider_referral.report"]
    report = AuditEvent.objects.get(action="provider_referral.report")
    assert report.changes["cost"] == ["2400.00", "2200.00"]


def test_an_inactive_provider_takes_no_referrals(case, aisyah, provider):
    provider.is_active = False
    provider.save()
    with pytest.raises(PlanError, match="no longer takes referrals"):
        services.provider_referral_create(
            case=case, actor=aisyah, provider=provider, referred_on=START
        )
