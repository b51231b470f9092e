"""A small programme counted by hand (the tests say what each figure must be).

Period: 2025. Kuala Lumpur (state 14) and Pulau Pinang (state 07).

case  office sex ref         eligible jpess level rtw         days status
c1    KL     M   2025-01-10  yes      no    1     2025-03-11   60  closed 2025-04-01
c2    KL     F   2025-01-20  yes      yes   4     2025-05-20  120  follow_up
c3    KL     F   2025-02-05  yes      yes   5     2025-06-05  120  follow_up
c4    KL     M   2025-02-15  yes      yes   6     2025-08-15  181  returned_to_work
c5    KL     M   2025-03-01  no       no    -     -             -  not_eligible, closed 2025-03-05
c6    KL     M   2025-03-10  -        no    -     -             -  referred
c7    KL     M   2024-11-01  yes      yes   -     -             -  in_rehabilitation
c8    PNG    F   2025-04-01  yes      no    7     2025-07-10  100  follow_up
c9    PNG    M   2025-04-15  yes      yes   4     2025-09-12  150  follow_up
c10   PNG    F   2025-05-01  yes      no    -     -             -  closed 2025-06-01 (lost contact)
c11   PNG    M   2025-06-01  yes      no    -     -             -  assigned
c12   PNG    M   2026-01-05  yes      no    -     -             -  referred (after the period)
"""

import datetime as dt
import itertools
from decimal import Decimal
from zoneinfo import ZoneInfo

from kembali.cases.models import (
    ClosureReason,
    EligibilityDecision,
    RtwLevel,
    RtwOutcome,
    Status,
)
from kembali.employers.models import Training, TrainingAttendance
from kembali.people.models import Injury, InsuredPerson, Sex
from kembali.placement.models import FollowUp, SelfEmploymentPlan, SelfEmploymentSupport
from kembali.plans.cost_days import cost_days_add, sums_of
from kembali.plans.models import (
    Intervention,
    InterventionStatus,
    PlanStatus,
    ProviderReferral,
    RehabPlan,
)
from kembali.providers.models import Provider
from kembali.reference.models import IscoGroup
from tests.factories import CaseFactory, EmployerFactory, nric_for, state

KL_TZ = ZoneInfo("Asia/Kuala_Lumpur")
D = dt.date


def at(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, 10, 0, tzinfo=KL_TZ)


_serials = itertools.count(1)


def person(sex: str, name: str) -> InsuredPerson:
    """A person born in 1980, made without PersonFactory: its date-of-birth sequence
    walks into the future once a test run has made a few hundred people."""
    serial = next(_serials)
    birth = dt.date(1980, 1, 1) + dt.timedelta(days=serial % 3000)
    return InsuredPerson.objects.create(
        nric=nric_for(birth, 500 + serial, sex == Sex.FEMALE, place="99"),
        full_name=name,
        date_of_birth=birth,
        sex=sex,
        state=state("14"),
    )


def build(kl, penang, actor):
    rows = {
        "c1": (kl, Sex.MALE, D(2025, 1, 10), True, False, 1, D(2025, 3, 11), Status.CLOSED),
        "c2": (kl, Sex.FEMALE, D(2025, 1, 20), True, True, 4, D(2025, 5, 20), Status.FOLLOW_UP),
        "c3": (kl, Sex.FEMALE, D(2025, 2, 5), True, True, 5, D(2025, 6, 5), Status.FOLLOW_UP),
        "c4": (kl, Sex.MALE, D(2025, 2, 15), True, True, 6, D(2025, 8, 15),
               Status.RETURNED_TO_WORK),
        "c5": (kl, Sex.MALE, D(2025, 3, 1), False, False, None, None, Status.NOT_ELIGIBLE),
        "c6": (kl, Sex.MALE, D(2025, 3, 10), None, False, None, None, Status.REFERRED),
        "c7": (kl, Sex.MALE, D(2024, 11, 1), True, True, None, None, Status.IN_REHABILITATION),
        "c8": (penang, Sex.FEMALE, D(2025, 4, 1), True, False, 7, D(2025, 7, 10),
               Status.FOLLOW_UP),
        "c9": (penang, Sex.MALE, D(2025, 4, 15), True, True, 4, D(2025, 9, 12),
               Status.FOLLOW_UP),
        "c10": (penang, Sex.FEMALE, D(2025, 5, 1), True, False, None, None, Status.CLOSED),
        "c11": (penang, Sex.MALE, D(2025, 6, 1), True, False, None, None, Status.ASSIGNED),
        "c12": (penang, Sex.MALE, D(2026, 1, 5), True, False, None, None, Status.REFERRED),
    }  # fmt: skip
    cases = {}
    for name, (office, sex, ref, eligible, jpess, level, rtw, status) in rows.items():
        cases[name] = CaseFactory(
            office=office,
            person=person(sex, f"Person {name}"),
            referral_date=ref,
            eligible=eligible,
            in_jpess=jpess,
            rtw_level=level,
            rtw_date=rtw,
            status=status,
        )
    closed = {
        "c1": (D(2025, 4, 1), ClosureReason.RETURNED_TO_WORK),
        "c5": (D(2025, 3, 5), ClosureReason.NOT_ELIGIBLE),
        "c10": (D(2025, 6, 1), ClosureReason.LOST_CONTACT),
    }
    for name, (day, reason) in closed.items():
        case = cases[name]
        case.closed_at, case.closure_reason = at(day), reason
        case.save(update_fields=["closed_at", "closure_reason"])

    # Injuries and eligibility decisions for the group, age and rule filters.
    for name, kind in (
        ("c1", Injury.Kind.INDUSTRIAL_ACCIDENT),
        ("c2", Injury.Kind.INDUSTRIAL_ACCIDENT),
    ):
        case = cases[name]
        case.injury = Injury.objects.create(
            person=case.person, date=case.referral_date, kind=kind, work_related=True,
            description="Fall",
        )  # fmt: skip
        case.save(update_fields=["injury"])
    for name, age, rules in (("c1", 25, [1]), ("c2", 45, [2, 3])):
        EligibilityDecision.objects.create(
            case=cases[name], eligible=True, age=age, matched_rules=rules,
            decided_at=at(D(2025, 1, 21)),
        )  # fmt: skip
        # As the referral service records a decision: its age copied onto the case.
        cases[name].referral_age = age
        cases[name].save(update_fields=["referral_age"])

    # Plans: first approvals c1 +30 days, c2 +20, c3 +40, c4 +40 (c7 approved in 2024).
    def plan(case, version, status, approved):
        if version == 1:
            # As plan_approve records a first approval: its day copied onto the case.
            case.plan_approved_on = approved
            case.save(update_fields=["plan_approved_on"])
        return RehabPlan.objects.create(
            case=case, version=version, status=status, goal=RtwLevel.SAME_JOB_SAME_EMPLOYER,
            start_date=approved, target_end_date=approved + dt.timedelta(days=90),
            created_by=actor, approved_at=at(approved), approved_by=actor,
        )  # fmt: skip

    p1 = plan(cases["c1"], 1, PlanStatus.APPROVED, D(2025, 2, 9))
    plan(cases["c2"], 1, PlanStatus.APPROVED, D(2025, 2, 9))
    p3v1 = plan(cases["c3"], 1, PlanStatus.SUPERSEDED, D(2025, 3, 17))
    p3v2 = plan(cases["c3"], 2, PlanStatus.APPROVED, D(2025, 3, 30))
    p4 = plan(cases["c4"], 1, PlanStatus.APPROVED, D(2025, 3, 27))
    plan(cases["c7"], 1, PlanStatus.APPROVED, D(2024, 12, 1))

    def intervention(p, cost, start, status=InterventionStatus.PLANNED):
        # With the reports' copies, as plans.services and plan_approve keep them.
        return Intervention.objects.create(
            plan=p, kind="physical", planned_start=start, due_date=start + dt.timedelta(days=30),
            cost=Decimal(cost), status=status, office_id=p.case.office_id,
            person_sex=p.case.person_sex, plan_in_force=p.status == PlanStatus.APPROVED,
        )  # fmt: skip

    i1 = intervention(p1, "1000.00", D(2025, 2, 10))  # counted
    intervention(p1, "500.00", D(2025, 2, 10), InterventionStatus.CANCELLED)  # cancelled
    intervention(p3v1, "300.00", D(2025, 3, 18))  # superseded plan
    intervention(p3v2, "700.00", D(2025, 4, 1))  # counted
    intervention(p4, "400.00", D(2024, 12, 1))  # before the period
    # The reports' sums of their costs, as the services keep them.
    cost_days_add(sums_of(Intervention.objects.all()))
    provider = Provider.objects.first() or _provider()
    ProviderReferral.objects.create(
        case=cases["c2"], provider=provider, referred_on=D(2025, 3, 1), cost=Decimal("250.00"),
        created_by=actor,
    )  # counted (not tied to an intervention)  # fmt: skip
    ProviderReferral.objects.create(
        case=cases["c1"], provider=provider, intervention=i1, referred_on=D(2025, 2, 11),
        cost=Decimal("999.00"), created_by=actor,
    )  # in the intervention's cost already  # fmt: skip
    se_plan = SelfEmploymentPlan.objects.create(
        case=cases["c8"], business_idea="Kedai", created_by=actor,
        created_at=at(D(2025, 5, 1)), updated_at=at(D(2025, 5, 1)),
    )  # fmt: skip
    SelfEmploymentSupport.objects.create(
        plan=se_plan, kind="equipment", description="Oven", amount=Decimal("2000.00"),
        given_on=D(2025, 7, 1), recorded_by=actor, recorded_at=at(D(2025, 7, 1)),
    )  # fmt: skip

    # Follow-ups at 6 months: c2 done in the period and in work, c3 done and not,
    # c4 done in 2026 (outside), c9 not done yet.
    unit = IscoGroup.objects.filter(level=4).first()

    def outcome(case):
        return RtwOutcome.objects.create(
            case=case, return_date=case.rtw_date, isco_unit=unit, job_title="Clerk",
            monthly_wage=Decimal("2000"), hours_per_week=40, auto_level=case.rtw_level,
            level=case.rtw_level, recorded_by=actor, recorded_at=at(case.rtw_date),
        )  # fmt: skip

    for name, done, kept in (
        ("c2", D(2025, 11, 20), True),
        ("c3", D(2025, 12, 5), False),
        ("c4", D(2026, 2, 15), True),
        ("c9", None, None),
    ):
        case = cases[name]
        # Recording an outcome may schedule its follow-ups already: fill in the 6th month.
        FollowUp.objects.update_or_create(
            outcome=outcome(case), months=6,
            defaults=dict(case=case, due_on=case.rtw_date + dt.timedelta(days=182),
                          done_on=done, still_employed=kept),
        )  # fmt: skip

    # Employers: E1 (KL) and E2 (Penang) first engaged in 2025, E3 (KL) in 2024.
    e1 = EmployerFactory(state=state("14"), engaged_on=D(2025, 3, 1))
    e2 = EmployerFactory(state=state("07"), engaged_on=D(2025, 6, 1))
    e3 = EmployerFactory(state=state("14"), engaged_on=D(2024, 12, 31))

    # Trainings: T1 in KL (E1 and E3 came, E2 did not), T2 in Penang (E1 came again),
    # T3 in 2024 (outside).
    def training(day, code, attendances):
        t = Training.objects.create(
            date=day, place="Dewan", state=state(code), trainer="Puan A", topic="Disability"
        )
        for employer, attended in attendances:
            TrainingAttendance.objects.create(training=t, employer=employer, attended=attended)

    training(D(2025, 5, 1), "14", [(e1, True), (e3, True), (e2, False)])
    training(D(2025, 10, 1), "07", [(e1, True)])
    training(D(2024, 10, 1), "07", [(e2, True)])
    return cases


def _provider():
    return Provider.objects.create(
        code="h5-test", name="Pusat Rehab Ujian", state=state("14"), city="Kuala Lumpur"
    )
