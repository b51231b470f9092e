"""The reports' copies of a plan's approval and of its interventions' case
(Case.plan_approved_on; Intervention.office, person_sex, plan_in_force) and the sums of
the costs counted (InterventionCostDay) stay equal to what they copy through the plan
workflow and the generator, and the migrations fill them in for older rows; the
dashboard's plan and cost figures follow them."""

import datetime as dt
import importlib
from decimal import Decimal

import pytest
from django.apps import apps
from django.db import connection

from kembali.cases.models import Case
from kembali.core.generate.builder import generate
from kembali.plans import services
from kembali.plans.models import (
    Intervention,
    InterventionCostDay,
    InterventionStatus,
    RehabPlan,
)
from kembali.reports.kpis import ReportFilters, dashboard
from tests.reports.copies import NONE_STALE, stale_copies
from tests.reports.kpi_world import KL_TZ

pytestmark = pytest.mark.django_db
YEAR_2026 = ReportFilters(start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31))


def figures(filters=YEAR_2026):
    result = dashboard(filters, suppress=False)
    return result.counts["plan_approved"], result.median_days_to_plan, result.cost


def test_the_plan_workflow_keeps_the_copies_and_the_figures_follow(
    submitted, aisyah, chong, time_machine
):
    # Approved early on 9 January in Kuala Lumpur, still 8 January in UTC: the 9th.
    time_machine.move_to(dt.datetime(2026, 1, 9, 7, 30, tzinfo=KL_TZ))
    v1 = services.plan_approve(plan=submitted, actor=chong)
    case = Case.objects.get(pk=v1.case_id)
    assert case.plan_approved_on == dt.date(2026, 1, 9)
    first = v1.interventions.get()
    assert (first.office_id, first.person_sex, first.plan_in_force) == (
        case.office_id,
        case.person_sex,
        True,
    )
    assert stale_copies() == NONE_STALE
    days = (dt.date(2026, 1, 9) - case.referral_date).days
    assert figures() == (1, days, Decimal("2400.00"))

    # Version 2, a draft with an intervention more: not in force, not counted.
    time_machine.move_to(dt.datetime(2026, 3, 2, 10, tzinfo=KL_TZ))
    v2 = services.plan_create(case=case, actor=aisyah)
    services.intervention_add(
        plan=v2,
        actor=aisyah,
        kind="vocational",
        planned_start=dt.date(2026, 3, 9),
        due_date=dt.date(2026, 5, 29),
        cost=Decimal("1500.00"),
    )
    assert not v2.interventions.filter(plan_in_force=True).exists()
    assert stale_copies() == NONE_STALE
    assert figures() == (1, days, Decimal("2400.00"))

    services.plan_update(plan=v2, actor=aisyah, designed_with_person=True)
    services.plan_submit(plan=v2, actor=aisyah)
    services.plan_approve(plan=v2, actor=chong)
    assert stale_copies() == NONE_STALE
    # The first approval's day stays version 1's; the costs are version 2's.
    assert Case.objects.get(pk=case.pk).plan_approved_on == dt.date(2026, 1, 9)
    assert figures() == (1, days, Decimal("3900.00"))

    # A cancelled intervention of the plan in force costs nothing.
    added = v2.interventions.get(kind="vocational")
    services.intervention_update(
        intervention=added, actor=aisyah, status=InterventionStatus.CANCELLED
    )
    assert stale_copies() == NONE_STALE
    assert figures() == (1, days, Decimal("2400.00"))
    # Read from the interventions themselves (an age band is not among the sums'
    # keys), the same cost.
    Case.objects.filter(pk=case.pk).update(referral_age=44)  # as a decision records it
    band = ReportFilters(YEAR_2026.start, YEAR_2026.end, age_band="40-49")
    assert figures(band) == (1, days, Decimal("2400.00"))
    # Taken back: counted again.
    services.intervention_update(
        intervention=added, actor=aisyah, status=InterventionStatus.IN_PROGRESS
    )
    assert stale_copies() == NONE_STALE
    assert figures()[2] == figures(band)[2] == Decimal("3900.00")
    services.intervention_update(
        intervention=added, actor=aisyah, status=InterventionStatus.CANCELLED
    )
    # Filtered by the office and the sex the interventions keep.
    mine = ReportFilters(
        start=YEAR_2026.start, end=YEAR_2026.end, office_id=case.office_id, sex=case.person_sex
    )
    other = "M" if case.person_sex == "F" else "F"
    assert figures(mine) == (1, days, Decimal("2400.00"))
    assert figures(ReportFilters(YEAR_2026.start, YEAR_2026.end, sex=other))[::2] == (
        0,
        Decimal("0.00"),
    )


def test_the_generator_writes_them_true(time_machine):
    time_machine.move_to(dt.datetime(2026, 6, 30, 12, tzinfo=dt.UTC))
    generate(cases=400, seed=11, today=dt.date(2026, 6, 30))
    assert RehabPlan.objects.filter(version=2).exists()  # superseded versions among them
    assert Intervention.objects.filter(plan_in_force=False).exists()
    assert stale_copies() == NONE_STALE


def test_the_migrations_fill_them_in_for_rows_written_before_them(time_machine):
    time_machine.move_to(dt.datetime(2026, 6, 30, 12, tzinfo=dt.UTC))
    generate(cases=150, seed=5, today=dt.date(2026, 6, 30))
    approved = Case.objects.filter(plan_approved_on__isnull=False).count()
    assert approved
    Case.objects.update(plan_approved_on=None)
    Intervention.objects.update(office=None, person_sex=None, plan_in_force=False)
    InterventionCostDay.objects.all().delete()
    stale = stale_copies()
    assert stale["cases"] and stale["interventions"] and stale["cost_days"]

    cases = importlib.import_module("kembali.cases.migrations.0014_case_plan_approved_on")
    cases.fill(apps, None)
    plans = importlib.import_module("kembali.plans.migrations.0002_intervention_report_copies")
    sums = importlib.import_module("kembali.plans.migrations.0003_intervention_cost_day")
    with connection.cursor() as cursor:
        cursor.execute(plans.FILL)
        cursor.execute(sums.FILL)

    assert stale_copies() == NONE_STALE
    assert Case.objects.filter(plan_approved_on__isnull=False).count() == approved
