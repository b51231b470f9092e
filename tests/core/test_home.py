"""Each role lands on its own home page, with numbers counted from the database."""

import re

import pytest
from django.urls import reverse

from kembali.cases.models import Status
from tests.factories import CaseFactory, OfficeFactory, state

pytestmark = pytest.mark.django_db


def _row(html: str, label: str) -> str:
    """The number in the table row headed `label`."""
    match = re.search(
        rf"<th scope=\"row\">(?:<a [^>]*>)?{re.escape(label)}(?:</a>)?</th>\s*"
        r"<td class=\"kembali-table__numeric\">([^<]*)</td>",
        html,
    )
    assert match, f"no row {label!r}"
    return match.group(1)


def _state_cells(html: str, name: str) -> list[str]:
    """The cells of the table row headed by this state's name."""
    row = re.search(rf"<th scope=\"row\">{re.escape(name)}</th>(.*?)</tr>", html, re.S)
    assert row, f"no row {name!r}"
    return re.findall(r"<td[^>]*>([^<]*)</td>", row.group(1))


def _home(client, user) -> str:
    client.force_login(user)
    response = client.get(reverse("core:home"))
    assert response.status_code == 200
    return response.content.decode()


def test_case_manager_sees_her_open_cases_by_stage(client, aisyah, farid, kl_office):
    CaseFactory.create_batch(3, office=kl_office, case_manager=aisyah, status=Status.ASSESSED)
    CaseFactory(office=kl_office, case_manager=aisyah, status=Status.CONSENTED)
    CaseFactory(office=kl_office, case_manager=aisyah, status=Status.CLOSED)
    CaseFactory(office=farid.office, case_manager=farid, status=Status.ASSESSED)
    html = _home(client, aisyah)
    assert "You manage 4 open cases." in html
    assert _row(html, "Assessed") == "3"
    assert _row(html, "Consented") == "1"
    assert _row(html, "Referred") == "0"
    assert reverse("cases:mine") in html


def test_placement_officer_sees_the_cases_she_supports(client, aisyah, bala, kl_office):
    CaseFactory(
        office=kl_office, case_manager=aisyah, placement_officer=bala, status=Status.JOB_PLACEMENT
    )
    CaseFactory(office=kl_office, case_manager=aisyah, status=Status.JOB_PLACEMENT)
    html = _home(client, bala)
    assert "You support 1 open case as job placement officer." in html
    assert _row(html, "Job placement") == "1"


def test_supervisor_sees_the_office_and_unassigned_referrals(
    client, chong, aisyah, kl_office, penang_office
):
    CaseFactory.create_batch(2, office=kl_office, status=Status.REFERRED)
    CaseFactory(office=kl_office, status=Status.ELIGIBLE)
    CaseFactory(office=kl_office, case_manager=aisyah, status=Status.ASSIGNED)
    CaseFactory(office=kl_office, status=Status.CLOSED)
    CaseFactory.create_batch(5, office=penang_office, status=Status.REFERRED)
    html = _home(client, chong)
    assert "Office overview" in html
    assert re.search(r'card__number">4</span>\s*<span class="kembali-card__label">open cases', html)
    assert re.search(
        r'card__number">3</span>\s*<span class="kembali-card__label">open cases without', html
    )
    assert _row(html, "Referred") == "2"
    assert _row(html, "Assigned") == "1"


def test_national_administrator_sees_cases_by_state(client, devi, kl_office, penang_office):
    CaseFactory.create_batch(2, office=kl_office, status=Status.ASSESSED)
    CaseFactory(office=kl_office, status=Status.CLOSED)
    CaseFactory(office=penang_office, status=Status.REFERRED)
    html = _home(client, devi)
    assert "National overview" in html
    assert _state_cells(html, "Federal Territory of Kuala Lumpur") == ["2", "1", "3"]
    assert _state_cells(html, "Pulau Pinang") == ["1", "0", "1"]
    assert html.count('<th scope="row">') == 16  # every state and federal territory


def test_ministry_analyst_sees_aggregates_only_with_small_cells_masked(
    client, ehsan, kl_office, penang_office
):
    people = CaseFactory.create_batch(6, office=kl_office, status=Status.IN_REHABILITATION)
    CaseFactory.create_batch(2, office=penang_office, status=Status.IN_REHABILITATION)
    html = _home(client, ehsan)
    assert "Programme figures" in html
    assert "&lt;5" in html
    kl_row = _state_cells(html, "Federal Territory of Kuala Lumpur")
    assert kl_row[-1] == "6"  # six cases: large enough to show
    penang_row = _state_cells(html, "Pulau Pinang")
    assert "&lt;5" in penang_row
    assert "2" not in penang_row
    for case in people:
        assert case.person.full_name not in html
        assert case.person.nric not in html
        assert case.number not in html


def test_ministry_analyst_has_no_case_navigation(client, ehsan):
    html = _home(client, ehsan)
    assert reverse("cases:list") not in html


def test_staff_navigation_by_role(client, aisyah, chong):
    html = _home(client, aisyah)
    assert f'href="{reverse("cases:mine")}"' in html
    assert f'href="{reverse("cases:list")}"' in html
    client.logout()
    html = _home(client, chong)
    assert f'href="{reverse("cases:mine")}"' not in html
    assert f'href="{reverse("cases:list")}"' in html


def test_home_in_malay_with_the_language_cookie(client, chong, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ms"
    html = _home(client, chong)
    assert '<html lang="ms">' in html
    assert "Gambaran keseluruhan pejabat" in html
    assert "Penyelia, PERKESO RTW Kuala Lumpur" in html
    assert "Dirujuk" in html


def test_language_switch_sets_malay(client, chong):
    client.force_login(chong)
    response = client.post("/i18n/setlang/", {"language": "ms", "next": "/"}, follow=True)
    assert '<html lang="ms">' in response.content.decode()


def test_shell_landmarks_and_skip_link(client, aisyah):
    html = _home(client, aisyah)
    assert html.index('href="#main"') < html.index("<header")
    assert '<main id="main"' in html
    assert "Occupation titles: ESCO, © European Union" in html
    assert "style=" not in html
    assert re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html) is None  # no inline script
    assert "/static/django_htmx/htmx-2.min.js" in html


def test_no_role_account_sees_no_data(client, db):
    from tests.factories import UserFactory

    user = UserFactory(username="root", role="", office=OfficeFactory(state=state("01")))
    html = _home(client, user)
    assert "has no role yet" in html


def test_unknown_page_uses_the_404_template(client, aisyah, settings):
    settings.DEBUG = False
    client.force_login(aisyah)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_server_error_page_renders_without_a_request():
    from django.template import Context, loader

    html = loader.get_template("500.html").template.render(Context({}))
    assert "Sorry, there is a problem with the service" in html
    assert '<main id="main"' in html
