"""One person through JPESS, from the referral to job placement to the 1-month
follow-up, with 0 axe violations (WCAG 2.0 A and AA, 2.1 AA) on every page it
passes (issue 4, "Done when").

The case manager refers the case (in rehabilitation, with an approved plan) to JPESS;
the supervisor assigns the job placement officer; the officer records the job
placement assessment, finds the matching vacancies, refers the person to the best
one, records the interview and the offer (in Malay), the acceptance and the start of
work, which becomes the case's return to work, then records the 1-month follow-up.
Forms are filled with the keyboard alone."""

import datetime as dt

import pytest
from django.utils import timezone, translation

from kembali.cases.models import RtwOutcome, Status
from kembali.people.models import Employment
from kembali.placement.models_followup import FollowUp
from kembali.placement.models_jobs import ReferralStatus, VacancyReferral
from kembali.plans.models import PlanStatus, RehabPlan
from kembali.reference.models import IscoGroup, State
from tests.browser.conftest import assert_no_axe_violations, log_in, new_context
from tests.browser.keyboard import activate, choose_option, choose_radio, type_date, type_into
from tests.factories import CaseFactory, EmployerFactory, PersonFactory, VacancyFactory

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def _ms(message: str, **values) -> str:
    with translation.override("ms"):
        text = translation.gettext(message)
    return text % values if values else text


def _h1(page) -> str:
    return page.locator("h1").inner_text().strip()


def _checked(page, expected_h1: str) -> None:
    assert _h1(page) == expected_h1, f"{page.url}: {_h1(page)!r}"
    assert_no_axe_violations(page)


def _main(page):
    return page.locator("main")


def _link(page, name: str):
    return _main(page).get_by_role("link", name=name, exact=True)


def _button(page, name: str):
    return _main(page).get_by_role("button", name=name, exact=True)


@pytest.fixture
def person_in_rehabilitation(aisyah, bala, chong):
    """A lorry driver whose firm has no light work: in rehabilitation, plan approved."""
    today = timezone.localdate()
    person = PersonFactory(full_name="Rosli bin Ahmad", state=State.objects.get(code="14"))
    job = Employment.objects.create(
        person=person,
        employer_name="Syarikat Angkut Jaya",
        isco_unit=IscoGroup.objects.get(code="8332"),
        job_title="Lorry driver",
        monthly_wage=2300,
        start_date=dt.date(2015, 3, 1),
    )
    case = CaseFactory(
        person=person,
        office=aisyah.office,
        case_manager=aisyah,
        status=Status.IN_REHABILITATION,
        eligible=True,
        referral_date=today - dt.timedelta(days=150),
        pre_injury_employment=job,
    )
    RehabPlan.objects.create(
        case=case,
        version=1,
        goal=4,
        start_date=today - dt.timedelta(days=120),
        target_end_date=today + dt.timedelta(days=60),
        created_by=aisyah,
        status=PlanStatus.APPROVED,
    )
    state = person.state
    VacancyFactory(
        title="Store clerk",
        isco_unit_id="4321",
        employer=EmployerFactory(name="Syarikat Logistik Maju"),
        monthly_wage=1900,
        hours_per_week=40,
        max_lift_kg=5,
        latitude=state.latitude,
        longitude=state.longitude,
    )
    return case


def _assess(officer, today: dt.date) -> None:
    form = _main(officer)
    type_date(officer, form.get_by_label("Date of the assessment"), today)
    levels = {
        "strength_level": 2,
        "standing_walking": 1,
        "sitting": 3,
        "fine_hand_use": 3,
        "vision": 3,
        "hearing": 3,
        "speech": 3,
        "driving": 0,
        "cognitive_load": 2,
    }
    for name, value in levels.items():
        choose_radio(officer, form.locator(f'input[name="{name}"][value="{value}"]'))
    type_into(officer, form.get_by_label("Heaviest safe lift (kg)"), "10")
    choose_option(officer, form.get_by_label("Highest education"), "SPM")
    type_into(officer, form.get_by_label("Lowest monthly wage the person will accept (RM)"), "1500")
    for name in ("skills", "career_goals", "independence", "self_esteem", "health"):
        choose_radio(officer, form.locator(f'input[name="rating_{name}"][value="3"]'))
    activate(officer, form.get_by_role("button", name="Record the assessment"))


def test_a_person_from_jpess_referral_to_the_first_follow_up(
    browser, live_server, person_in_rehabilitation, aisyah, bala, chong
):
    case = person_in_rehabilitation
    today = timezone.localdate()
    windows = []

    def window(username):
        context = new_context(browser, live_server)
        windows.append(context)
        page = context.new_page()
        log_in(page, username)
        page.goto(f"/cases/{case.number}/")
        _checked(page, "Rosli bin Ahmad")
        return page

    try:
        # The case manager refers the case to JPESS: it moves on to job placement.
        manager = window("aisyah")
        activate(manager, _link(manager, "Refer to JPESS"))
        _checked(manager, "Refer to JPESS")
        type_into(
            manager,
            _main(manager).get_by_label("Why does the person need job placement?"),
            "The lorry firm has no light work; he cannot drive heavy vehicles now.",
        )
        activate(manager, _button(manager, "Refer to JPESS"))
        _checked(manager, "Job placement (JPESS)")
        case.refresh_from_db()
        assert case.status == Status.JOB_PLACEMENT

        # The supervisor assigns the job placement officer.
        supervisor = window("chong")
        activate(supervisor, _link(supervisor, "Assign a job placement officer"))
        _checked(supervisor, "Assign a job placement officer")
        choose_radio(supervisor, _main(supervisor).get_by_label("Bala Subramaniam", exact=False))
        activate(supervisor, _button(supervisor, "Assign"))
        _checked(supervisor, "Job placement (JPESS)")

        # The officer records the job placement assessment.
        officer = window("bala")
        activate(officer, _link(officer, "Record the job placement assessment"))
        _checked(officer, "Job placement assessment")
        _assess(officer, today)
        _checked(officer, "Job placement (JPESS)")

        # Matching: the store clerk's job fits, and the officer refers him to it.
        officer.goto(f"/cases/{case.number}/")
        activate(officer, _link(officer, "Find matching vacancies"))
        _checked(officer, "Matching vacancies")
        match = _main(officer).get_by_test_id("match").first
        assert "Store clerk" in match.inner_text()
        activate(officer, match.get_by_role("link", name="Refer to this vacancy", exact=False))
        _checked(officer, "Refer to this vacancy")
        assert _main(officer).get_by_test_id("reasons").count() == 1
        type_into(
            officer,
            _main(officer).get_by_label("Notes for the referral"),
            "Prefers the morning shift; can start at once.",
        )
        activate(officer, _button(officer, "Refer the person"))
        _checked(officer, "Referral to a vacancy")
        referral = VacancyReferral.objects.get(case=case)
        assert referral.match_score is not None and referral.match_reasons

        # The interview and the offer, recorded in Malay; dates as they happened.
        activate(officer, officer.get_by_role("button", name="Bahasa Melayu"))
        assert officer.locator("html").get_attribute("lang") == "ms"
        _checked(officer, _ms("Referral to a vacancy"))
        activate(officer, _link(officer, _ms("Record the interview")))
        _checked(officer, _ms("Record the interview"))
        form = _main(officer)
        type_date(
            officer, form.get_by_label(_ms("Date of the interview")), today - dt.timedelta(45)
        )
        time_field = form.get_by_label(_ms("Time of the interview"))
        time_field.fill("10:30")
        type_into(officer, form.get_by_label(_ms("Where is the interview?")), "Shah Alam depot")
        activate(officer, _button(officer, _ms("Record the interview")))
        _checked(officer, _ms("Referral to a vacancy"))
        activate(officer, _link(officer, _ms("Record the job offer")))
        _checked(officer, _ms("Record the job offer"))
        form = _main(officer)
        type_date(officer, form.get_by_label(_ms("Date of the offer")), today - dt.timedelta(40))
        type_into(officer, form.get_by_label(_ms("Monthly wage offered (RM)")), "1950")
        activate(officer, _button(officer, _ms("Record the job offer")))
        _checked(officer, _ms("Referral to a vacancy"))
        assert _ms("Job offered") in _main(officer).get_by_test_id("referral-status").inner_text()
        activate(officer, officer.get_by_role("button", name="English"))

        # The acceptance, then the start of work: the case's return to work.
        activate(officer, _link(officer, "Record the acceptance"))
        _checked(officer, "Record the acceptance")
        form = _main(officer)
        type_date(officer, form.get_by_label("Date the person accepted"), today - dt.timedelta(38))
        type_date(officer, form.get_by_label("Start date"), today - dt.timedelta(35))
        activate(officer, _button(officer, "Record the acceptance"))
        _checked(officer, "Referral to a vacancy")
        activate(officer, _link(officer, "Record the start of work"))
        _checked(officer, "Record the start of work")
        started = _main(officer).get_by_label("Day the person started work")
        assert started.input_value() == (today - dt.timedelta(35)).isoformat()
        activate(officer, _button(officer, "Record the start of work"))
        _checked(officer, "Rosli bin Ahmad")
        case.refresh_from_db()
        assert case.status == Status.RETURNED_TO_WORK
        outcome = RtwOutcome.objects.get(case=case)
        assert outcome.level == 6  # a different job with a different employer
        assert VacancyReferral.objects.get(case=case).status == ReferralStatus.PLACED
        assert "Started work: Store clerk" in _main(officer).inner_text()

        # The 1-month follow-up is due: the officer records it.
        first = FollowUp.objects.get(case=case, months=1)
        assert first.due_on <= today
        officer.goto(f"/placement/cases/{case.number}/")
        _checked(officer, "Job placement (JPESS)")
        activate(officer, _link(officer, "Record the 1-month follow-up"))
        _checked(officer, "1-month follow-up")
        form = _main(officer)
        type_date(officer, form.get_by_label("Date of the follow-up"), today)
        choose_radio(officer, form.locator('input[name="still_employed"][value="yes"]'))
        choose_radio(officer, form.locator('input[name="same_employer"][value="yes"]'))
        type_into(officer, form.get_by_label("Hours worked a week"), "40")
        type_into(officer, form.get_by_label("Monthly wage (RM)"), "1950")
        for name in ("skills", "career_goals", "independence", "self_esteem", "health"):
            choose_radio(officer, form.locator(f'input[name="rating_{name}"][value="4"]'))
        activate(officer, _button(officer, "Record the follow-up"))
        first.refresh_from_db()
        assert first.done_on == today and first.still_employed
        assert_no_axe_violations(officer)
    finally:
        for context in windows:
            context.close()
