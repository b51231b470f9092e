"""The reports dashboard in a browser: 0 axe violations in English and Malay (as the
national administrator and as the analyst), the filters worked with the keyboard
alone, and a number followed down to the cases behind it."""

import datetime as dt

import pytest

from kembali.cases.models import RtwLevel, Status
from kembali.people.models import Sex
from tests.browser.conftest import assert_no_axe_violations, log_in
from tests.browser.keyboard import activate, choose_option, tab_to, type_date
from tests.factories import CaseFactory
from tests.reports.kpi_world import person

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


@pytest.fixture
def world(settings, kl_office, penang_office, chong, devi, ehsan):
    settings.KEMBALI_TOTP_REQUIRED_ROLES = []
    year = dt.date.today().year
    for i in range(12):
        CaseFactory(
            office=kl_office if i < 8 else penang_office,
            person=person(Sex.FEMALE if i % 3 == 0 else Sex.MALE, f"Orang Ujian {i}"),
            referral_date=dt.date(year, 1, 2 + i),
            eligible=True,
            in_jpess=i % 2 == 0,
            status=Status.RETURNED_TO_WORK,
            rtw_level=RtwLevel.SAME_JOB_DIFFERENT_EMPLOYER if i % 2 == 0 else 1,
            rtw_date=dt.date(year, 1, 20 + i),
        )


def _switch_to_malay(page) -> None:
    button = page.get_by_role("button", name="Bahasa Melayu")
    button.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")


@pytest.mark.parametrize("username", ["devi", "ehsan"])
def test_the_dashboard_has_no_axe_violations_in_either_language(page, world, username):
    log_in(page, username)
    page.goto("/reports/")
    assert page.get_by_role("heading", level=1).inner_text() == "Programme dashboard"
    page.locator("details.kembali-details summary").click()
    assert_no_axe_violations(page)
    _switch_to_malay(page)
    assert page.get_by_role("heading", level=1).inner_text() == "Papan pemuka program"
    assert_no_axe_violations(page)


def test_filtering_by_keyboard_and_drilling_down(page, world):
    log_in(page, "devi")
    page.goto("/reports/")
    year = dt.date.today().year
    type_date(page, page.locator("#id_start"), dt.date(year, 1, 1))
    type_date(page, page.locator("#id_end"), dt.date(year, 1, 31))
    choose_option(page, page.locator("#id_state"), "Kuala Lumpur")
    choose_option(page, page.locator("#id_sex"), "Female")
    activate(page, page.get_by_role("button", name="Show figures"))

    assert "state=14" in page.url and "sex=F" in page.url
    # Women in Kuala Lumpur: cases 0, 3 and 6; placed by JPESS (even numbers): 0 and 6.
    row = page.get_by_role("row", name="JPESS placements (new employer, levels 4 to 6)")
    link = row.get_by_role("link").first
    assert link.inner_text() == "2"
    activate(page, link)

    assert page.get_by_role("heading", level=1).inner_text().startswith("Persons placed")
    names = page.locator("tbody td:nth-child(2)").all_inner_texts()
    assert sorted(names) == ["Orang Ujian 0", "Orang Ujian 6"]
    assert_no_axe_violations(page)
    tab_to(page, page.get_by_role("link", name="Back to the dashboard"))


def test_the_analysts_numbers_are_not_links(page, world):
    log_in(page, "ehsan")
    page.goto("/reports/")
    assert page.locator("a[href*='/reports/cases/']").count() == 0
    assert page.get_by_text("fewer than 5").first.is_visible()
