"""The caseload page and the ministry report pack page in a browser: 0 axe violations
(WCAG 2.0 A and AA, 2.1 AA) in English and Malay; a pack asked for with the keyboard
alone, made in the background, whose download links appear by themselves (htmx polls
the row) once the task has run."""

import datetime as dt

import pytest

from kembali.cases.models import Status
from kembali.reports.models import ReportExport
from kembali.reports.tasks import build_report_pack
from tests.browser.conftest import assert_no_axe_violations, log_in
from tests.browser.keyboard import activate, type_date
from tests.factories import CaseFactory

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


@pytest.fixture
def office(settings, tmp_path, kl_office, aisyah, bala, chong):
    settings.MEDIA_ROOT = tmp_path
    for status in (Status.ASSIGNED, Status.CONSENTED, Status.IN_REHABILITATION):
        CaseFactory(office=kl_office, case_manager=aisyah, placement_officer=bala, status=status)
    return kl_office


def _switch_to_malay(page) -> None:
    button = page.get_by_role("button", name="Bahasa Melayu")
    button.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_caseload_page_in_both_languages(page, office):
    log_in(page, "chong")

    page.goto("/reports/caseload/")
    assert page.get_by_role("heading", name="Caseload").is_visible()
    assert page.get_by_role("rowheader", name="Aisyah Rahman Case manager").is_visible()
    assert_no_axe_violations(page)
    _switch_to_malay(page)
    assert page.locator("html").get_attribute("lang") == "ms"
    assert page.get_by_role("heading", name="Beban kes").is_visible()
    assert_no_axe_violations(page)


def test_request_a_pack_by_keyboard_and_see_the_links_appear(page, office):
    log_in(page, "chong")
    page.goto("/reports/pack/")
    assert_no_axe_violations(page)

    # A bad period first: the error summary names what to fix.
    type_date(page, page.locator("#id_start"), dt.date(2025, 6, 30))
    type_date(page, page.locator("#id_end"), dt.date(2025, 1, 1))
    activate(page, page.get_by_role("button", name="Make the report pack"))
    assert page.get_by_role("alert").is_visible()
    assert "must be the same as or after its start" in page.get_by_role("alert").inner_text()
    assert_no_axe_violations(page)

    # A half year: made in the background.
    type_date(page, page.locator("#id_start"), dt.date(2025, 1, 1))
    type_date(page, page.locator("#id_end"), dt.date(2025, 6, 30))
    activate(page, page.get_by_role("button", name="Make the report pack"))
    row = page.locator("tbody tr").first
    assert "Not ready yet" in row.inner_text()
    assert_no_axe_violations(page)

    export = ReportExport.objects.get()
    assert build_report_pack.call(export.pk) == "ready"

    # No reload: the row polls every 2 seconds and shows the links when ready.
    pdf_link = page.get_by_role("link", name="Download PDF (1 Jan 2025 – 30 Jun 2025)")
    pdf_link.wait_for(state="visible", timeout=8_000)
    assert page.get_by_role("link", name="Download XLSX (1 Jan 2025 – 30 Jun 2025)").is_visible()
    assert_no_axe_violations(page)
    with page.expect_download() as download:
        pdf_link.focus()
        page.keyboard.press("Enter")
    assert download.value.suggested_filename == "kembali-report-pack-2025-01-01-2025-06-30.pdf"

    _switch_to_malay(page)
    assert page.get_by_role("link", name="Muat turun XLSX (1 Jan 2025 – 30 Jun 2025)").is_visible()
    assert_no_axe_violations(page)
