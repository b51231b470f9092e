"""The generator's rehabilitation pass: each case carries the assessment, consent,
plan, interventions, referrals, notes, contacts and tasks its history implies, dated
within the stages they belong to; deterministic and idempotent."""

import datetime as dt
from collections import defaultdict

import pytest
from django.utils import timezone

from kembali.cases.models import (
    OPEN_STATUSES,
    Assessment,
    Case,
    CaseContact,
    CaseNote,
    CaseTask,
    ClosureReason,
    Consent,
    Status,
    Transition,
)
from kembali.core.generate.builder import generate, generated_data_reset
from kembali.core.generate.rehab import KIND_SERVICES, rehab_generate
from kembali.plans.models import (
    Intervention,
    InterventionKind,
    InterventionStatus,
    PlanStatus,
    ProviderReferral,
    ReferralStatus,
    RehabPlan,
)
from kembali.providers.models import ProviderService

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 6, 30)
RECORD_MODELS = (Assessment, Consent, RehabPlan, CaseNote, CaseContact, CaseTask)


@pytest.fixture
def generated(db, time_machine):
    time_machine.move_to(dt.datetime(2026, 6, 30, 12, tzinfo=dt.UTC))
    generate(cases=600, seed=3, today=TODAY)  # the rehabilitation pass runs with it


def entered() -> dict[int, dict[str, dt.datetime]]:
    """When each case first entered each stage."""
    stages: dict[int, dict[str, dt.datetime]] = defaultdict(dict)
    for case_id, to, at in Transition.objects.order_by("at", "id").values_list(
        "case_id", "to_status", "at"
    ):
        stages[case_id].setdefault(to, at)
    return stages


def day(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment).date()


def by_case(model, *fields, case="case_id"):
    rows = defaultdict(list)
    for case_id, *values in model.objects.order_by("pk").values_list(case, *fields):
        rows[case_id].append(tuple(values))
    return rows


def test_a_case_has_the_records_of_the_stages_it_reached_and_no_others(generated):
    stages = entered()
    assessments = by_case(Assessment, "is_initial")
    consents = by_case(Consent, "pk")
    plans = by_case(RehabPlan, "status")
    worked = {model: set(by_case(model, "pk")) for model in (CaseNote, CaseContact, CaseTask)}
    reached = defaultdict(int)
    for case_id, cm in Case.objects.values_list("pk", "case_manager_id"):
        stage = stages[case_id]
        initial = [a for a in assessments[case_id] if a[0]]
        assert len(initial) == (Status.ASSESSED in stage), case_id
        if not initial:
            assert not assessments[case_id]
        assert len(consents[case_id]) == (Status.CONSENTED in stage), case_id
        in_force = [p for p in plans[case_id] if p[0] == PlanStatus.APPROVED]
        assert len(in_force) == (Status.PLAN_APPROVED in stage), case_id
        if Status.PLAN_APPROVED not in stage:
            assert not plans[case_id]
        if Status.ASSIGNED not in stage:
            assert cm is None
            assert not any(case_id in cases for cases in worked.values())
        for status in stage:
            reached[status] += 1
    # Each stage was reached by enough cases for the checks to mean something.
    for status in (Status.ASSESSED, Status.CONSENTED, Status.PLAN_APPROVED, Status.CLOSED):
        assert reached[status] > 30, status
    assert Assessment.objects.filter(is_initial=False).exists()
    assert CaseNote.objects.count() > Case.objects.count()
    assert CaseContact.objects.exists()
    assert Consent.providers.through.objects.exists()
    assert Consent.employers.through.objects.exists()


def test_records_are_dated_within_their_stages_and_in_order(generated):
    stages = entered()
    start_of_today = timezone.make_aware(dt.datetime.combine(TODAY, dt.time(0)))
    cases = {
        pk: (referral, closed)
        for pk, referral, closed in Case.objects.values_list("pk", "referral_date", "closed_at")
    }
    initial = {}
    for a in Assessment.objects.all():
        stage = stages[a.case_id]
        referral = cases[a.case_id][0]
        if a.is_initial:
            assert day(stage[Status.ASSIGNED]) <= a.assessed_on <= day(stage[Status.ASSESSED])
            assert referral <= a.assessed_on
            assert a.created_at == stage[Status.ASSESSED]
            initial[a.case_id] = a.assessed_on
        else:
            assert stage[Status.IN_REHABILITATION] <= a.created_at <= start_of_today
            assert (
                Status.CLOSURE_PENDING not in stage or a.created_at < stage[Status.CLOSURE_PENDING]
            )
        assert a.person_goal and a.assessed_by_id
        assert all(0 <= getattr(a, f"{k}_rating") <= 3 for k in ("medical", "vocational"))
    given = {}
    for c in Consent.objects.all():
        stage = stages[c.case_id]
        assert initial[c.case_id] <= c.given_on <= day(stage[Status.CONSENTED])
        assert c.recorded_at == stage[Status.CONSENTED]
        assert c.joins_programme and c.intention_confirmed and not c.signed_form
        given[c.case_id] = c.given_on
    for plan in RehabPlan.objects.filter(version=1):
        stage = stages[plan.case_id]
        assert plan.approved_at == stage[Status.PLAN_APPROVED]
        assert given[plan.case_id] <= day(plan.approved_at)
        assert stage[Status.CONSENTED] < plan.created_at < plan.submitted_at < plan.approved_at
        if plan.rejected_at:
            assert plan.created_at < plan.rejected_at < plan.submitted_at
            assert plan.rejection_reason and plan.rejected_by_id == plan.approved_by_id
        assert day(plan.approved_at) <= plan.start_date < plan.target_end_date
        assert plan.designed_with_person
    # Notes, contacts and tasks belong to the case's open life, from its assignment.
    for model, field in (
        (CaseNote, "created_at"),
        (CaseContact, "contacted_at"),
        (CaseContact, "created_at"),
        (CaseTask, "created_at"),
        (CaseTask, "done_at"),
    ):
        for case_id, at in model.objects.exclude(**{field: None}).values_list("case_id", field):
            closed = cases[case_id][1]
            assert stages[case_id][Status.ASSIGNED] <= at <= (closed or start_of_today), model


def test_plans_follow_the_plan_workflow(generated):
    plans = by_case(RehabPlan, "version", "status", "approved_at", "superseded_at")
    second = [rows for rows in plans.values() if len(rows) == 2]
    assert second, "some cases have a second version of their plan"
    for first, later in (sorted(rows) for rows in second):
        assert (first[:2], later[:2]) == ((1, PlanStatus.SUPERSEDED), (2, PlanStatus.APPROVED))
        assert first[2] < later[2] == first[3]
    assert RehabPlan.objects.filter(rejected_at__isnull=False).exists()
    assert not RehabPlan.objects.filter(status__in=(PlanStatus.DRAFT, PlanStatus.REJECTED)).exists()
    copies = Intervention.objects.filter(plan__version=2)
    assert copies.filter(copied_from__isnull=False).exists()
    for item in copies.filter(copied_from__isnull=False).select_related("copied_from__plan"):
        assert item.copied_from.plan.case_id == item.plan.case_id
        assert (item.kind, item.planned_start) == (
            item.copied_from.kind,
            item.copied_from.planned_start,
        )


def test_interventions_fit_their_plan_and_the_cases_stage(generated):
    stages = entered()
    counts = defaultdict(int)
    status_of = dict(Case.objects.values_list("pk", "status"))
    for item in Intervention.objects.select_related("plan"):
        plan, case_id = item.plan, item.plan.case_id
        counts[plan.pk] += 1
        assert plan.start_date <= item.planned_start <= item.due_date <= plan.target_end_date
        if plan.status != PlanStatus.APPROVED:
            continue
        status = status_of[case_id]
        if item.kind == InterventionKind.JOB_PLACEMENT:
            assert Status.JOB_PLACEMENT in stages[case_id]
        elif Status.JOB_PLACEMENT in stages[case_id] or Status.RETURNED_TO_WORK in stages[case_id]:
            assert item.status in (InterventionStatus.COMPLETED, InterventionStatus.CANCELLED)
        elif status == Status.PLAN_APPROVED:
            assert item.status in (InterventionStatus.PLANNED, InterventionStatus.OVERDUE)
        if status == Status.IN_REHABILITATION and item.status == InterventionStatus.PLANNED:
            assert item.planned_start > TODAY
    assert all(1 <= n <= 4 for n in counts.values())
    in_rehab = Intervention.objects.filter(
        plan__status=PlanStatus.APPROVED, plan__case__status=Status.IN_REHABILITATION
    )
    assert in_rehab.filter(status=InterventionStatus.IN_PROGRESS).exists()


def test_provider_referrals_go_to_providers_of_the_service(generated):
    offers = defaultdict(set)
    for provider, service in ProviderService.objects.values_list("provider_id", "service"):
        offers[provider].add(service)
    referrals = ProviderReferral.objects.select_related("intervention__plan")
    assert referrals.count() > 20
    for referral in referrals:
        item = referral.intervention
        assert item.plan.case_id == referral.case_id
        assert referral.provider_id == item.provider_id
        assert offers[referral.provider_id] & set(KIND_SERVICES[item.kind][0])
        assert day(item.plan.approved_at) <= referral.referred_on <= TODAY
        if referral.accepted_on:
            assert referral.referred_on <= referral.accepted_on
        if referral.status == ReferralStatus.REPORT_RECEIVED:
            assert referral.report_summary
            assert (referral.accepted_on or referral.referred_on) <= referral.report_received_on
            assert referral.report_received_on <= TODAY
        else:
            assert referral.report_received_on is None and not referral.report_summary


def test_withdrawn_consents_only_on_consent_withdrawn_endings(generated):
    stages = entered()
    withdrawn = Consent.objects.filter(withdrawn_at__isnull=False).select_related("case")
    assert withdrawn.exists()
    for consent in withdrawn:
        assert consent.case.closure_reason == ClosureReason.CONSENT_WITHDRAWN
        assert consent.withdrawn_at == stages[consent.case_id][Status.CLOSURE_PENDING]
        assert consent.given_on <= consent.withdrawn_on <= day(consent.withdrawn_at)
        assert consent.withdrawal_reason and consent.withdrawn_by_id
    ended = Consent.objects.filter(
        case__closure_reason=ClosureReason.CONSENT_WITHDRAWN,
        case__status__in=(Status.CLOSURE_PENDING, Status.CLOSED),
    )
    assert ended.count() == withdrawn.count()
    assert (
        not Consent.objects.filter(withdrawn_at__isnull=True).exclude(withdrawal_reason="").exists()
    )


def test_closed_cases_tasks_are_done_and_open_cases_tasks_are_due_soon(generated):
    closed = CaseTask.objects.filter(case__status=Status.CLOSED)
    assert closed.exists() and not closed.filter(done_at__isnull=True).exists()
    still_to_do = CaseTask.objects.filter(done_at__isnull=True).select_related("case")
    assert still_to_do.exists()
    for task in still_to_do:
        assert task.case.status in OPEN_STATUSES
        assert task.assigned_to_id == task.case.case_manager_id
        assert TODAY - dt.timedelta(days=5) <= task.due_date <= TODAY + dt.timedelta(days=21)
        assert day(task.created_at) <= task.due_date
    for task in CaseTask.objects.filter(done_at__isnull=False):
        assert task.created_at <= task.done_at and task.done_by_id


def fingerprint():
    return (
        list(
            Assessment.objects.order_by("case__person__nric", "assessed_on").values_list(
                "case__person__nric", "assessed_on", "medical_rating", "person_goal", "created_at"
            )
        ),
        list(
            Consent.objects.order_by(
                "case__person__nric", "providers", "employers__employer_code"
            ).values_list(
                "case__person__nric",
                "given_on",
                "method",
                "providers",
                "employers__employer_code",
                "withdrawn_on",
            )
        ),
        list(
            Intervention.objects.order_by(
                "plan__case__person__nric", "plan__version", "pk"
            ).values_list(
                "plan__case__person__nric", "plan__status", "kind", "provider", "due_date", "status"
            )
        ),
        list(
            ProviderReferral.objects.order_by("case__person__nric", "pk").values_list(
                "case__person__nric", "referred_on", "status"
            )
        ),
        list(
            CaseNote.objects.order_by("case__person__nric", "created_at").values_list(
                "case__person__nric", "text", "created_at"
            )
        ),
        list(
            CaseTask.objects.order_by("case__person__nric", "pk").values_list(
                "case__person__nric", "title", "due_date", "done_at"
            )
        ),
    )


def test_the_same_seed_gives_the_same_records(db, time_machine):
    time_machine.move_to(dt.datetime(2026, 6, 30, 12, tzinfo=dt.UTC))
    generate(cases=120, seed=8, today=TODAY)
    first = fingerprint()
    assert first[0] and first[2]
    generated_data_reset()
    generate(cases=120, seed=8, today=TODAY)
    assert fingerprint() == first


def test_running_it_again_adds_nothing(generated):
    models = (*RECORD_MODELS, Intervention, ProviderReferral)
    counts = [model.objects.count() for model in models]
    again = rehab_generate(seed=3, today=TODAY)
    assert again.assessments == again.consents == again.plans == again.notes == again.tasks == 0
    assert [model.objects.count() for model in models] == counts


def test_appended_cases_get_their_records_and_the_others_keep_theirs(generated):
    before = set(CaseNote.objects.values_list("pk", flat=True))
    old_cases = set(Case.objects.values_list("pk", flat=True))
    generate(cases=40, seed=4, today=TODAY)
    new_notes = CaseNote.objects.exclude(pk__in=before)
    assert new_notes.exists()
    assert not new_notes.filter(case__in=old_cases).exists()
