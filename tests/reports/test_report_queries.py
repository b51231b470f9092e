"""The report figures take a fixed number of SQL queries, however many cases there
are: each figure is an aggregate, never a query per case, state or office."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kembali.cases.models import RtwLevel, Status
from kembali.people.models import Sex
from kembali.reports.kpis import ReportFilters, case_figures, dashboard, ministry_pack
from tests.factories import CaseFactory, OfficeFactory, state
from tests.reports import kpi_world

YEAR = ReportFilters(start=dt.date(2025, 1, 1), end=dt.date(2025, 12, 31))
NARROW = ReportFilters(start=YEAR.start, end=YEAR.end, state="14", sex=Sex.FEMALE)


def _queries(call) -> int:
    with CaptureQueriesContext(connection) as captured:
        call()
    return len(captured.captured_queries)


def _more_cases(offices, how_many: int) -> None:
    """More cases in more offices and states, of both sexes, in every set."""
    for n in range(how_many):
        referred = dt.date(2025, 1, 1) + dt.timedelta(days=n * 7 % 300)
        returned = n % 2 == 0
        CaseFactory(
            office=offices[n % len(offices)],
            person__sex=Sex.FEMALE if n % 3 else Sex.MALE,
            referral_date=referred,
            eligible=True,
            in_jpess=n % 4 == 0,
            status=Status.FOLLOW_UP if returned else Status.IN_REHABILITATION,
            rtw_level=RtwLevel.SAME_JOB_DIFFERENT_EMPLOYER if returned else None,
            rtw_date=referred + dt.timedelta(days=40) if returned else None,
        )


@pytest.mark.parametrize("filters", [YEAR, NARROW], ids=["national", "narrow"])
def test_the_number_of_queries_does_not_grow_with_the_cases(
    filters, kl_office, penang_office, chong
):
    kpi_world.build(kl_office, penang_office, chong)
    pack_before = _queries(lambda: ministry_pack(filters, suppress=True))
    dashboard_before = _queries(lambda: dashboard(filters, suppress=False))
    served_before = dashboard(YEAR, suppress=False).counts["served"]

    offices = [kl_office, penang_office, OfficeFactory(state=state("10"))]
    _more_cases(offices, 30)

    assert dashboard(YEAR, suppress=False).counts["served"] == served_before + 30
    assert _queries(lambda: ministry_pack(filters, suppress=True)) == pack_before
    assert _queries(lambda: dashboard(filters, suppress=False)) == dashboard_before
    assert pack_before <= 17 and dashboard_before <= 25


def test_one_pass_totals_agree_by_state_and_by_sex(kl_office, penang_office, chong):
    kpi_world.build(kl_office, penang_office, chong)
    _more_cases([kl_office, penang_office, OfficeFactory(state=state("10"))], 12)
    figures = case_figures(YEAR)
    total = figures.totals()
    for code in ("jpess_placed", "self_employed", "served", "served_jpess"):
        by_sex = figures.totals(sex=Sex.MALE)[code] + figures.totals(sex=Sex.FEMALE)[code]
        by_state = sum(figures.totals(state=code_)[code] for code_ in ("14", "07", "10"))
        assert by_sex == by_state == total[code], code
    # The women's split is the same count as filtering the report on women.
    women = ReportFilters(start=YEAR.start, end=YEAR.end, sex=Sex.FEMALE)
    assert case_figures(women).totals()["served"] == figures.totals(sex=Sex.FEMALE)["served"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="an index for PostgreSQL's plan")
def test_a_cases_office_and_sex_can_be_read_by_its_id_from_an_index_alone(db):
    """The sums over rows that reach the case through a plan (self-employment
    support) group by the case's office and sex: migration cases 0013's index lets
    PostgreSQL look each case up there instead of hashing the whole case table."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'case_id_office_sex'")
        (definition,) = cursor.fetchone()
    assert "(id) INCLUDE (office_id, person_sex)" in definition


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's query plan")
def test_the_period_reads_come_from_indexes_that_hold_them(kl_office, penang_office, chong):
    """The first plan approvals and the follow-ups of a period are each read from one
    index that holds every column the figure reads (the reports' copy
    Case.plan_approved_on), not from their tables nor joined to plans and cases; the
    interventions' costs from their sums per day (InterventionCostDay), by its key."""
    kpi_world.build(kl_office, penang_office, chong)
    with CaptureQueriesContext(connection) as captured:
        dashboard(YEAR, suppress=False)
    plans = {}
    with connection.cursor() as cursor:
        for query in captured.captured_queries:
            cursor.execute(f"EXPLAIN QUERY PLAN {query['sql']}")
            plans[query["sql"]] = " ".join(str(row[-1]) for row in cursor.fetchall())

    def plan_of(fragment: str) -> str:
        [plan] = [plan for sql, plan in plans.items() if fragment in sql]
        return plan

    first_plans = plan_of('julianday("cases_case"."plan_approved_on")')
    assert "COVERING INDEX case_report_plan" in first_plans
    costs = plan_of('SUM("plans_interventioncostday"."sen")')
    assert "SEARCH plans_interventioncostday USING INDEX" in costs and "(day>? AND day<?)" in costs
    assert "plans_intervention " not in costs and "plans_rehabplan" not in costs
    assert not [sql for sql in plans if 'FROM "plans_intervention"' in sql]
    assert "COVERING INDEX follow_up_retention" in plan_of("retention_6_done")
