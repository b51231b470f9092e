"""The follow-up form and the self-employment pages in a browser, in English and in
Malay: 0 axe violations (WCAG 2.0 A and AA, 2.1 AA), the form's errors, and a
follow-up recorded with the keyboard and mouse as an officer would."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from kembali.cases.models import Case
from kembali.cases.services_outcome import NewJob, outcome_record
from kembali.placement import selfemployment as track
from kembali.placement import services
from kembali.placement.models_followup import FollowUp
from kembali.reference.models import IscoGroup
from tests.browser.conftest import assert_no_axe_violations, log_in
from tests.factories import CaseFactory, PersonFactory
from tests.placement.conftest import assessment_arguments

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def _jpess_case(kl_office, aisyah, bala, chong, number):
    case = CaseFactory(
        number=number,
        office=kl_office,
        case_manager=aisyah,
        status="in_rehabilitation",
        person=PersonFactory(full_name="Siti Aminah binti Yusof", preferred_language="ms"),
        referral_date=dt.date(2025, 6, 1),
    )
    services.jpess_refer(case=case, actor=aisyah, reason="No light work at the lorry firm.")
    services.placement_officer_assign(case=case, officer=bala, actor=chong)
    case.refresh_from_db()
    services.placement_assessment_record(
        case=case, actor=bala, **assessment_arguments(assessed_on=dt.date(2025, 7, 1))
    )
    case.refresh_from_db()
    return case


@pytest.fixture
def world(settings, kl_office, aisyah, bala, chong):
    settings.KEMBALI_TOTP_REQUIRED_ROLES = []
    placed = _jpess_case(kl_office, aisyah, bala, chong, "RTW-2026-0000101")
    outcome_record(
        case=placed,
        actor=bala,
        job=NewJob(
            return_date=dt.date(2026, 1, 31),
            isco_code="5223",
            job_title="Shop assistant",
            monthly_wage=Decimal("1800"),
            hours_per_week=40,
            employer_name="Kedai Runcit Maju",
        ),
    )
    business = _jpess_case(kl_office, aisyah, bala, chong, "RTW-2026-0000102")
    plan = track.self_employment_plan_save(
        case=business,
        actor=bala,
        business_idea="Nasi lemak stall at the LRT station",
        isco_unit=IscoGroup.objects.get(code="5212"),
        expected_monthly_income=Decimal("2200"),
    )
    track.self_employment_support_add(
        plan=plan,
        actor=bala,
        kind="equipment",
        description="Gas stove and cart",
        amount=Decimal("1450.00"),
        given_on=dt.date(2026, 2, 1),
    )
    track.income_milestone_add(
        plan=plan, actor=bala, due_on=dt.date(2026, 12, 31), target_monthly_income=Decimal("1500")
    )
    return {"placed": Case.objects.get(pk=placed.pk), "business": business}


def _switch_to_malay(page) -> None:
    button = page.get_by_role("button", name="Bahasa Melayu")
    button.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")


def _check(page, url: str, language: str) -> None:
    response = page.goto(url)
    assert response.status == 200, f"{url}: HTTP {response.status}"
    assert page.locator("html").get_attribute("lang") == language
    assert_no_axe_violations(page)


def test_follow_up_and_self_employment_pages_in_both_languages(page, world):
    placed, business = world["placed"], world["business"]
    first = FollowUp.objects.filter(case=placed).order_by("months").first()
    urls = [
        reverse("placement:case", args=[placed.number]),
        reverse("placement:followup_record", args=[placed.number, first.pk]),
        reverse("placement:job_lost", args=[placed.number]),
        reverse("placement:case", args=[business.number]),
        reverse("placement:self_employment", args=[business.number]),
        reverse("placement:self_employment_support_new", args=[business.number]),
        reverse("placement:self_employment_milestone_new", args=[business.number]),
        reverse("placement:self_employment_start", args=[business.number]),
    ]
    log_in(page, "bala")
    for language in ("en", "ms"):
        if language == "ms":
            _switch_to_malay(page)
        for url in urls:
            _check(page, url, language)
        # The form with its errors: the summary links to each field.
        page.goto(urls[1])
        with page.expect_navigation():
            page.locator("main button.kembali-button").click()
        assert page.locator(".kembali-error-summary").count() == 1
        assert_no_axe_violations(page)


def test_an_officer_records_the_one_month_follow_up(page, world):
    placed = world["placed"]
    first = FollowUp.objects.filter(case=placed).order_by("months").first()
    log_in(page, "bala")
    page.goto(reverse("placement:case", args=[placed.number]))
    assert page.get_by_text("Overdue").count() >= 1

    page.get_by_role("link", name="Record the 1-month follow-up").click()
    page.get_by_label("Date of the follow-up").fill("2026-03-02")
    page.get_by_role("group", name="Is the person still in work?").get_by_label("Yes").check()
    page.get_by_role("group", name="With the same employer as at the return to work?").get_by_label(
        "Yes"
    ).check()
    page.get_by_label("Hours worked a week").fill("40")
    page.get_by_label("Monthly wage (RM)").fill("1850")
    for legend in (
        "Your skills",
        "Your career goals: knowing what work you want",
        "Your independence in daily life",
        "Your self-esteem: how you feel about yourself",
        "Your health",
    ):
        page.get_by_role("group", name=legend).get_by_label("4 – good").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Record the follow-up").click()

    assert page.get_by_text("The 1-month follow-up is recorded.").count() == 1
    assert page.get_by_text("Done on 2 Mar 2026").count() == 1
    first.refresh_from_db()
    assert first.still_employed is True
    assert first.outcome_measure.health == 4
