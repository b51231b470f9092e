"""The shell in a real browser: keyboard sign-in, both languages, 0 axe violations."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from kembali.cases.models import Status
from tests.browser.conftest import assert_no_axe_violations, log_in
from tests.factories import CaseFactory, PersonFactory

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


@pytest.fixture
def kl_cases(kl_office, aisyah):
    cases = []
    for i, (name, status) in enumerate(
        [
            ("Siti Nurhaliza binti Ahmad", Status.ASSESSED),
            ("Rajesh a/l Muthu", Status.REFERRED),
            ("Tan Mei Hua", Status.RETURNED_TO_WORK),
            ("Mohd Faizal bin Osman", Status.CLOSED),
        ]
    ):
        cases.append(
            CaseFactory(
                number=f"RTW-2026-{i + 1:07d}",
                person=PersonFactory(full_name=name),
                office=kl_office,
                case_manager=aisyah,
                status=status,
                referral_date=dt.date(2026, 3, 1) + dt.timedelta(days=i),
            )
        )
    CaseFactory(number="RTW-2026-0000099", office=kl_office, status=Status.REFERRED)
    return cases


def _h1(page) -> str:
    return page.locator("h1").inner_text().strip()


def _switch_to_malay(page) -> None:
    button = page.get_by_role("button", name="Bahasa Melayu")
    button.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_skip_link_is_the_first_focusable_element(page, aisyah):
    page.goto("/accounts/login/")
    page.keyboard.press("Tab")
    focused = page.evaluate(
        "[document.activeElement.className, document.activeElement.getAttribute('href')]"
    )
    assert focused == ["kembali-skip-link", "#main"]
    assert page.locator(".kembali-skip-link").is_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    assert_no_axe_violations(page)


def test_case_manager_in_both_languages(page, aisyah, kl_cases):
    log_in(page, "aisyah")
    assert _h1(page) == "Your cases"
    assert page.locator("html").get_attribute("lang") == "en"
    assert "You manage 3 open cases." in page.content()
    assert_no_axe_violations(page)

    page.get_by_role("link", name="Cases", exact=True).click()
    assert _h1(page) == "Cases"
    assert "Siti Nurhaliza binti Ahmad" in page.content()
    assert "RTW-2026-0000099" not in page.content()  # not her case
    assert_no_axe_violations(page)

    _switch_to_malay(page)
    assert page.locator("html").get_attribute("lang") == "ms"
    assert _h1(page) == "Kes"
    assert "Dinilai" in page.content()
    assert_no_axe_violations(page)

    page.get_by_role("link", name="Laman utama").click()
    assert _h1(page) == "Kes anda"
    assert_no_axe_violations(page)


def test_supervisor_in_both_languages(page, chong, kl_cases):
    log_in(page, "chong")
    assert _h1(page) == "Office overview"
    assert_no_axe_violations(page)

    page.goto("/cases/")
    assert "5 cases found" in page.content()
    assert_no_axe_violations(page)

    _switch_to_malay(page)
    assert _h1(page) == "Kes"
    assert "5 kes dijumpai" in page.content()
    assert_no_axe_violations(page)

    page.goto("/")
    assert _h1(page) == "Gambaran keseluruhan pejabat"
    assert_no_axe_violations(page)


def test_search_updates_the_results_with_htmx(page, chong, kl_cases):
    log_in(page, "chong")
    page.goto("/cases/")
    page.get_by_label("Search").fill("Rajesh")
    requests = []
    page.on("request", lambda r: "/cases/?" in r.url and requests.append(r.url))
    with page.expect_response(
        lambda r: "/cases/?" in r.url and r.request.headers.get("hx-request")
    ):
        page.get_by_role("button", name="Search", exact=True).click()
    # Playwright's own wait (no string evaluated in the page: the CSP forbids eval).
    expect(page.locator("#case-results")).to_contain_text("1 case")
    assert "Rajesh a/l Muthu" in page.locator("#case-results").inner_text()
    assert "Siti" not in page.locator("#case-results").inner_text()
    assert "q=Rajesh" in page.url  # pushed, so the result can be bookmarked
    # One search, one request: leaving the box (its change event) does not send
    # the search again; a change of a list filter does.
    assert len(requests) == 1
    assert_no_axe_violations(page)

    with page.expect_response(
        lambda r: "status=closed" in r.url and r.request.headers.get("hx-request")
    ):
        page.get_by_label("Status").select_option("closed")
    expect(page.locator("#case-results")).not_to_contain_text("Rajesh")
    assert len(requests) == 2
