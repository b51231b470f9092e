"""The matching pages in a browser, in English and in Malay: the vacancies for a
case (with the factor breakdown and the near misses), one pair, the candidates
for a vacancy and the vacancy's skills form: 0 axe violations, reached by links."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from kembali.cases.models import Status
from kembali.employers.vacancies import VacancyInput, vacancy_create
from kembali.people.models import Employment
from kembali.placement import services
from kembali.placement.matching import index
from kembali.placement.models import Skill
from kembali.reference.models import IscoGroup
from tests.browser.conftest import assert_no_axe_violations, log_in
from tests.factories import CaseFactory, EmployerFactory, PersonFactory

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


@pytest.fixture
def world(kl_office, aisyah, bala, chong):
    index.index_reset()
    today = dt.date.today()
    person = PersonFactory(full_name="Siti Aminah binti Yusof", preferred_language="ms")
    lorry_firm = EmployerFactory(employer_code="E140000777", name="Syarikat Angkut Jaya Sdn Bhd")
    other = EmployerFactory(employer_code="E140000888", name="Gudang Sentral Sdn Bhd")
    job = Employment.objects.create(
        person=person,
        employer=lorry_firm,
        employer_name=lorry_firm.name,
        isco_unit=IscoGroup.objects.get(code="8332"),
        job_title="Lorry driver",
        monthly_wage=Decimal("2300.00"),
        start_date=dt.date(2015, 3, 1),
    )
    case = CaseFactory(
        number="RTW-2026-0000042",
        office=kl_office,
        case_manager=aisyah,
        status=Status.IN_REHABILITATION,
        person=person,
        pre_injury_employment=job,
    )
    services.jpess_refer(case=case, actor=aisyah, reason="The lorry firm has no light work.")
    services.placement_officer_assign(case=case, officer=bala, actor=chong)
    services.placement_assessment_record(
        case=case,
        actor=bala,
        assessed_on=today,
        capacity={
            "strength_level": 2,
            "standing_walking": 1,
            "sitting": 3,
            "fine_hand_use": 3,
            "vision": 3,
            "hearing": 3,
            "speech": 3,
            "driving": 0,
            "cognitive_load": 2,
        },
        max_lift_kg=10,
        shift_work=False,
        needs={},
        skills=list(Skill.objects.filter(code__in=["computer-literacy", "customer-service"])),
        education_level="spm",
        previous_employment=job,
        max_travel_km=25,
        min_monthly_wage=Decimal("1700"),
        hours_per_week=40,
        accepts_remote=False,
        home_latitude=3.139,
        home_longitude=101.687,
        ratings={"skills": 3, "career_goals": 2, "independence": 4, "self_esteem": 2, "health": 3},
    )

    def vacancy(employer, title, max_lift_kg=5):
        return vacancy_create(
            actor=bala,
            data=VacancyInput(
                employer_id=employer.pk,
                isco_code="4321",
                title=title,
                state_code="14",
                monthly_wage=Decimal("1800.00"),
                opened_on=today - dt.timedelta(days=5),
                closes_on=today + dt.timedelta(days=30),
                latitude=3.15,
                longitude=101.70,
                max_lift_kg=max_lift_kg,
            ),
        )

    return {
        "case": case,
        "pre_injury": vacancy(lorry_firm, "Dispatch clerk"),
        "elsewhere": vacancy(other, "Stock clerk"),
        "heavy": vacancy(other, "Loader", max_lift_kg=25),
    }


def _switch_to_malay(page) -> None:
    button = page.get_by_role("button", name="Bahasa Melayu")
    button.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")


def _check(page, url: str) -> None:
    response = page.goto(url)
    assert response.status == 200, url
    assert_no_axe_violations(page)


@pytest.mark.parametrize("language", ["en", "ms"])
def test_the_matching_pages_have_no_axe_violations(page, world, language):
    case, vacancy = world["case"], world["pre_injury"]
    log_in(page, "bala")
    if language == "ms":
        _switch_to_malay(page)

    # From the JPESS page to the matches, by the link.
    page.goto(reverse("placement:case", args=[case.number]))
    with page.expect_navigation():
        page.locator(f"a[href='{reverse('placement:matches', args=[case.number])}']").click()
    assert page.locator("html").get_attribute("lang") == language
    matches = page.get_by_test_id("match")
    assert matches.count() == 2
    assert "Dispatch clerk" in matches.first.inner_text()
    near = page.get_by_test_id("near-misses").inner_text()
    expected = "25 kg" if language == "en" else "had angkatan"
    assert "Loader" in near and "25 kg" in near
    assert expected in page.content()
    assert_no_axe_violations(page)

    _check(page, reverse("placement:match_pair", args=[case.number, world["heavy"].pk]))
    _check(page, reverse("placement:match_pair", args=[case.number, vacancy.pk]))
    _check(page, reverse("placement:vacancy_candidates", args=[vacancy.pk]))
    assert "Siti Aminah binti Yusof" in page.get_by_test_id("candidates").inner_text()
    _check(page, reverse("placement:vacancy_skills", args=[vacancy.pk]))


def test_the_skills_form_shows_its_error_summary_accessibly(page, world):
    """A retired skill cannot be added: the page says so in an error summary that
    passes axe. (Retired skills are not on the form, so the test retires one after
    the form is shown, as a colleague could.)"""
    vacancy = world["elsewhere"]
    log_in(page, "bala")
    page.goto(reverse("placement:vacancy_skills", args=[vacancy.pk]))
    page.get_by_label("Forklift licence").check()
    Skill.objects.filter(code="forklift-licence").update(is_active=False)
    with page.expect_navigation():
        page.get_by_role("button", name="Save the skills").click()

    assert page.locator(".kembali-error-summary").count() == 1
    assert_no_axe_violations(page)
