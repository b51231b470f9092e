"""The audit trail page: supervisors search their own office, national
administrators every office, nobody else gets in; pages never count the table."""

import datetime as dt
import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kembali.audit.services import access_record, audit_record
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db

URL = reverse("audit:trail")


@pytest.fixture
def kl_case(aisyah):
    return CaseFactory(number="RTW-2026-0000101", office=aisyah.office, case_manager=aisyah)


@pytest.fixture
def penang_case(farid):
    return CaseFactory(number="RTW-2026-0000202", office=farid.office, case_manager=farid)


@pytest.fixture
def events(aisyah, farid, kl_case, penang_case):
    with time_machine.travel("2026-03-02 10:00 +08:00", tick=False):
        audit_record(actor=aisyah, action="create", obj=kl_case, office=kl_case.office)
    with time_machine.travel("2026-03-05 10:00 +08:00", tick=False):
        audit_record(
            actor=aisyah,
            action="update",
            obj=kl_case,
            office=kl_case.office,
            changes={"status": ["referred", "eligible"]},
            reason="rule 1 matched",
        )
        access_record(actor=aisyah, what="case.view", obj=kl_case)
    with time_machine.travel("2026-03-06 10:00 +08:00", tick=False):
        audit_record(actor=farid, action="create", obj=penang_case, office=penang_case.office)
        access_record(actor=farid, what="person.export", obj=penang_case.person)


def _page(client, **params):
    response = client.get(URL, params)
    assert response.status_code == 200
    return response.content.decode()


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("name", ["aisyah", "bala", "ehsan", "farid"])
def test_case_workers_and_analysts_are_refused(client, request, name, events):
    client.force_login(request.getfixturevalue(name))
    assert client.get(URL).status_code == 403


def test_the_kl_supervisor_sees_only_kl_events(client, chong, events):
    client.force_login(chong)
    html = _page(client)
    assert "RTW-2026-0000101" in html
    assert "RTW-2026-0000202" not in html
    assert "Farid" not in html
    assert "rule 1 matched" in html
    assert "referred → eligible" in html


def test_the_penang_supervisor_sees_only_penang_events(client, gopal, events):
    client.force_login(gopal)
    html = _page(client)
    assert "RTW-2026-0000202" in html
    assert "RTW-2026-0000101" not in html


def test_a_supervisor_cannot_widen_the_search_to_another_office(client, chong, events, farid):
    client.force_login(chong)
    html = _page(client, office=farid.office_id, who="farid")
    assert "RTW-2026-0000202" not in html


def test_the_national_administrator_sees_every_office_and_can_narrow(client, devi, events, farid):
    client.force_login(devi)
    html = _page(client)
    assert "RTW-2026-0000101" in html
    assert "RTW-2026-0000202" in html
    html = _page(client, office=farid.office_id)
    assert "RTW-2026-0000202" in html
    assert "RTW-2026-0000101" not in html


def test_views_and_exports_are_on_their_own_tab(client, devi, events):
    client.force_login(devi)
    html = _page(client, kind="reads")
    assert "case.view" in html
    assert "person.export" in html
    assert "rule 1 matched" not in html


def test_search_by_case_number_finds_that_cases_events(client, chong, events, kl_case):
    client.force_login(chong)
    other = CaseFactory(office=kl_case.office)
    audit_record(actor=chong, action="create", obj=other, office=other.office)
    html = _page(client, object_id="rtw-2026-0000101")
    assert html.count("RTW-2026-0000101") >= 2
    assert other.number not in html


def test_an_unknown_case_number_is_a_clear_error(client, chong, events):
    client.force_login(chong)
    html = _page(client, object_id="RTW-2026-9999999")
    assert "Nothing of this type has this number." in html
    assert "There is a problem" in html


def test_an_object_id_without_a_type_asks_for_the_type(client, chong, events):
    client.force_login(chong)
    html = _page(client, object_id="12")
    assert "Choose the object type to search for one object." in html


def test_search_by_who_action_and_dates(client, chong, events, bala, kl_case):
    audit_record(actor=bala, action="update", obj=kl_case, office=kl_case.office, reason="by bala")
    client.force_login(chong)
    assert "by bala" not in _page(client, who="aisyah")
    assert "by bala" in _page(client, who="BALA")
    html = _page(client, action="update", who="aisyah")
    assert "rule 1 matched" in html
    assert ">create<" not in html
    html = _page(client, who="aisyah", date_from="2026-03-01", date_to="2026-03-02")
    assert ">create<" in html
    assert "rule 1 matched" not in html
    html = _page(client, who="aisyah", date_from="2026-03-05", date_to="2026-03-05")
    assert "rule 1 matched" in html
    assert ">create<" not in html


def test_an_unknown_user_name_and_reversed_dates_are_errors(client, chong):
    client.force_login(chong)
    html = _page(client, who="nobody")
    assert "No staff member has this user name." in html
    html = _page(client, date_from="2026-03-05", date_to="2026-03-01")
    assert "The end date must be on or after the start date." in html


def test_pages_run_by_cursor_without_counting_the_table(client, chong, kl_case, settings):
    settings.KEMBALI_AUDIT_PAGE_SIZE = 3
    start = dt.datetime(2026, 3, 1, 9, tzinfo=dt.UTC)
    for minute in range(7):
        with time_machine.travel(start + dt.timedelta(minutes=minute), tick=False):
            audit_record(
                actor=chong,
                action="update",
                obj=kl_case,
                office=kl_case.office,
                reason=f"event {minute}",
            )
    client.force_login(chong)
    seen = []
    url = URL
    with CaptureQueriesContext(connection) as queries:
        for _ in range(3):
            response = client.get(url)
            html = response.content.decode()
            seen += [int(n) for n in re.findall(r"event (\d)<", html)]
            next_link = response.context["page"].next_cursor
            if next_link is None:
                break
            url = f"{URL}?before={next_link}"
    assert seen == [6, 5, 4, 3, 2, 1, 0]
    assert response.context["page"].next_cursor is None
    # The header counts the viewer's unread notifications; the audit tables are never counted.
    assert not [
        q
        for q in queries.captured_queries
        if "COUNT(" in q["sql"].upper() and "audit_" in q["sql"].lower()
    ]


def test_browsing_the_trail_records_no_access_event(client, chong, events):
    from kembali.audit.models import AccessEvent

    before = AccessEvent.objects.count()
    client.force_login(chong)
    _page(client)
    _page(client, kind="reads")
    assert AccessEvent.objects.count() == before


def test_the_page_is_in_malay(client, chong, events):
    client.force_login(chong)
    html = client.get(URL, HTTP_ACCEPT_LANGUAGE="ms").content.decode()
    assert "Jejak audit" in html


@pytest.mark.parametrize("cursor", ["junk", "1_", "_5", "99999999999999999999999_1"])
def test_a_damaged_page_link_shows_the_newest_page(client, chong, events, cursor):
    client.force_login(chong)
    html = _page(client, before=cursor)
    assert "rule 1 matched" in html
