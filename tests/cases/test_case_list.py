"""The case list and "my cases": who sees what, search, filters, paging, htmx."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kembali.accounts.models import Role
from kembali.cases.models import Status
from tests.factories import CaseFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db


def _list(client, user, url_name="cases:list", **params):
    client.force_login(user)
    response = client.get(reverse(url_name), params)
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def siti(kl_office, aisyah):
    person = PersonFactory(full_name="Siti Nurhaliza binti Ahmad", nric="850412145678")
    return CaseFactory(
        number="RTW-2026-0000123",
        person=person,
        office=kl_office,
        case_manager=aisyah,
        status=Status.ASSESSED,
        referral_date=dt.date(2026, 3, 2),
    )


@pytest.fixture
def rajesh(kl_office, aisyah):
    person = PersonFactory(full_name="Rajesh a/l Muthu", nric="900101075553")
    return CaseFactory(
        number="RTW-2026-0000456",
        person=person,
        office=kl_office,
        case_manager=aisyah,
        status=Status.REFERRED,
        referral_date=dt.date(2026, 5, 10),
    )


@pytest.fixture
def penang_case(penang_office, farid):
    person = PersonFactory(full_name="Lim Wei Jie", nric="880808075551")
    return CaseFactory(
        number="RTW-2026-0000789",
        person=person,
        office=penang_office,
        case_manager=farid,
        status=Status.ASSESSED,
        referral_date=dt.date(2026, 4, 1),
    )


def test_case_list_shows_the_row_a_case_manager_needs(client, aisyah, siti):
    html = _list(client, aisyah)
    assert "RTW-2026-0000123" in html
    assert "Siti Nurhaliza binti Ahmad" in html
    assert "XXXXXX-XX-5678" in html
    assert "850412" not in html  # the NRIC is masked except its last four digits
    assert "PERKESO RTW Kuala Lumpur" in html
    assert "Assessed" in html
    assert "Aisyah Rahman" in html
    assert "2 Mar 2026" in html
    assert "1 case found" in html


def test_newest_referral_first(client, aisyah, siti, rajesh):
    html = _list(client, aisyah)
    assert html.index("RTW-2026-0000456") < html.index("RTW-2026-0000123")


def test_another_offices_cases_never_appear(client, chong, aisyah, siti, penang_case):
    html = _list(client, chong)
    assert "RTW-2026-0000123" in html
    assert "RTW-2026-0000789" not in html
    # not even when searched for by name or number
    assert "RTW-2026-0000789" not in _list(client, chong, q="Lim Wei Jie")
    assert "0 cases found" in _list(client, chong, q="RTW-2026-0000789")


def test_case_manager_sees_only_her_own_cases(client, kl_office, aisyah, siti):
    other = UserFactory(username="nadia", office=kl_office)
    CaseFactory(number="RTW-2026-0000999", office=kl_office, case_manager=other)
    html = _list(client, aisyah)
    assert "RTW-2026-0000123" in html
    assert "RTW-2026-0000999" not in html


@pytest.mark.parametrize(
    "query",
    [
        "nurhaliza",
        "SITI NURHALIZA",
        "850412-14-5678",
        "850412145678",
        "850412",
        "0000123",
        "rtw-2026-0000123",
        " 850412 14 5678 ",
    ],
)
def test_search_by_name_nric_or_case_number(client, chong, siti, rajesh, query):
    html = _list(client, chong, q=query)
    assert "RTW-2026-0000123" in html
    assert "RTW-2026-0000456" not in html


@pytest.mark.parametrize(
    ("query", "found"),
    [
        # Letters a case number has (RTW): a name or a number may hold them.
        ("tw", {"RTW-2026-0000123", "RTW-2026-0000456", "RTW-2026-0000789"}),
        ("r", {"RTW-2026-0000123", "RTW-2026-0000456", "RTW-2026-0000789"}),
        ("6-00004", {"RTW-2026-0000456"}),
        # Any other letter: only a name can hold it.
        ("wei", {"RTW-2026-0000789"}),
        ("muthu", {"RTW-2026-0000456"}),
        ("a/l", {"RTW-2026-0000456"}),
    ],
)
def test_a_search_asks_a_case_number_only_what_it_may_hold(
    client, devi, siti, rajesh, penang_case, query, found
):
    html = _list(client, devi, q=query)
    shown = set(re.findall(r"RTW-\d{4}-\d{7}", html))
    assert shown == found


def test_search_with_no_match_says_so(client, chong, siti):
    html = _list(client, chong, q="Zainab")
    assert "0 cases found" in html
    assert "No cases match" in html


def test_status_filter(client, chong, siti, rajesh):
    html = _list(client, chong, status=Status.REFERRED)
    assert "RTW-2026-0000456" in html
    assert "RTW-2026-0000123" not in html


def test_office_filter_for_the_national_administrator(
    client, devi, siti, penang_case, penang_office
):
    html = _list(client, devi)
    assert "RTW-2026-0000123" in html and "RTW-2026-0000789" in html
    assert 'id="id_office"' in html
    html = _list(client, devi, office=penang_office.pk)
    assert "RTW-2026-0000789" in html
    assert "RTW-2026-0000123" not in html


def test_supervisor_has_no_office_filter_and_cannot_use_one(client, chong, siti, penang_office):
    html = _list(client, chong)
    assert 'id="id_office"' not in html
    html = _list(client, chong, office=penang_office.pk)
    assert "RTW-2026-0000123" in html  # the parameter is ignored, the scope stays


def test_invalid_filter_shows_the_error_summary(client, chong, siti):
    html = _list(client, chong, status="nonsense")
    assert "There is a problem" in html
    assert '<a href="#id_status">' in html


def test_paging(client, chong, kl_office, settings):
    settings.KEMBALI_PAGE_SIZE = 5
    for day in range(1, 13):
        CaseFactory(
            number=f"RTW-2026-{day:07d}", office=kl_office, referral_date=dt.date(2026, 1, day)
        )
    first = _list(client, chong)
    assert "12 cases found, page 1 of 3" in first
    assert "RTW-2026-0000012" in first and "RTW-2026-0000007" not in first
    assert 'rel="next"' in first
    third = _list(client, chong, page=3)
    assert "RTW-2026-0000002" in third and "RTW-2026-0000001" in third
    assert "RTW-2026-0000003" not in third
    # the page links keep the filters
    filtered = _list(client, chong, status=Status.REFERRED)
    assert "?status=referred&amp;page=2" in filtered


def test_ministry_analyst_is_refused(client, ehsan, siti):
    client.force_login(ehsan)
    response = client.get(reverse("cases:list"))
    assert response.status_code == 403
    assert "You cannot see this page" in response.content.decode()
    assert client.get(reverse("cases:mine")).status_code == 403


def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse("cases:list"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_htmx_request_gets_only_the_results(client, chong, siti, rajesh):
    client.force_login(chong)
    response = client.get(reverse("cases:list"), {"q": "siti"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert "<form" not in html
    assert "RTW-2026-0000123" in html and "RTW-2026-0000456" not in html
    assert "HX-Request" in response["Vary"]


def test_the_filter_form_works_with_and_without_javascript(client, chong, siti):
    html = _list(client, chong)
    assert '<form method="get" action="/cases/"' in html
    assert 'hx-get="/cases/"' in html
    assert 'hx-target="#case-results"' in html
    assert 'hx-push-url="true"' in html
    assert '<div id="case-results"' in html


def test_my_cases_lists_case_manager_and_placement_officer_cases(
    client, kl_office, aisyah, bala, siti, rajesh
):
    CaseFactory(
        number="RTW-2026-0000555", office=kl_office, case_manager=aisyah, placement_officer=bala
    )
    html = _list(client, bala, "cases:mine")
    assert "RTW-2026-0000555" in html
    assert "RTW-2026-0000123" not in html
    html = _list(client, aisyah, "cases:mine")
    assert "RTW-2026-0000555" in html and "RTW-2026-0000123" in html


def test_my_cases_of_a_supervisor_is_only_what_she_manages(client, chong, siti):
    html = _list(client, chong, "cases:mine")
    assert "0 cases found" in html


def test_case_list_in_malay(client, chong, siti, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ms"
    html = _list(client, chong)
    assert '<html lang="ms">' in html
    assert "<h1>Kes</h1>" in html
    assert "Dinilai" in html  # the status label
    assert "1 kes dijumpai" in html


def _query_count(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    ("user_fixture", "url_name"),
    [("chong", "cases:list"), ("devi", "cases:list"), ("aisyah", "cases:mine")],
)
def test_query_count_does_not_grow_with_cases(
    request, client, kl_office, aisyah, django_assert_num_queries, user_fixture, url_name
):
    user = request.getfixturevalue(user_fixture)
    client.force_login(user)
    url = reverse(url_name)
    CaseFactory(office=kl_office, case_manager=aisyah)
    one = _query_count(client, url)
    CaseFactory.create_batch(29, office=kl_office, case_manager=aisyah)
    # session, user (with the office and unread count the header shows), count,
    # page, then the session saved (inside a savepoint: 3); the national
    # administrator's office filter adds its choices. A search is not counted: its
    # page reads one row more than it shows instead.
    expected = 8 if user_fixture == "devi" else 7
    with django_assert_num_queries(expected - 1):
        response = client.get(url, {"q": "Test", "status": Status.REFERRED})
    assert "More than 25 cases found, page 1" in response.content.decode()
    with django_assert_num_queries(expected - 1):
        response = client.get(url, {"q": "Test", "status": Status.REFERRED, "page": 2})
    assert "30 cases found, page 2 of 2" in response.content.decode()
    assert _query_count(client, url) == one == expected


# --- The lists' SQL, built once per shape, finds what the ORM finds --------------


@pytest.fixture
def varied_cases(kl_office, penang_office, aisyah, bala, farid):
    names = [
        "Siti Nurhaliza binti Ahmad",
        "Nur 50% Aina_binti",  # LIKE's wildcards, as text
        "Back\\slash Tan",
        "Muthu a/l Rajesh",
        "Tan Wei Ming",
    ]
    made = []
    for n, name in enumerate(names * 2):
        made.append(
            CaseFactory(
                number=f"RTW-2026-{n + 1:07d}",
                person=PersonFactory(full_name=name, nric=f"8504121456{n:02d}"),
                office=kl_office if n % 3 else penang_office,
                case_manager=[aisyah, None, farid][n % 3],
                placement_officer=bala if n % 2 else None,
                status=[Status.REFERRED, Status.ASSESSED, Status.CLOSED][n % 3],
                referral_date=dt.date(2026, 1, 1 + n % 4),
            )
        )
    return made


@pytest.mark.parametrize("username", ["aisyah", "bala", "chong", "devi", "ehsan", "farid", "gopal"])
def test_the_lists_rows_are_what_the_orm_finds(request, username, varied_cases, kl_office):
    from kembali.cases.access import cases_visible_to
    from kembali.cases.selectors import (
        CASE_LIST_ROW,
        case_list_rows,
        case_list_search,
        cases_worked_by,
    )

    user = request.getfixturevalue(username)
    queries = [
        "",
        "tan",
        "SITI",
        "50%",
        "%",
        "_",
        "a_b",
        "\\",
        "0000007",
        "rtw-2026",
        "850412-14-5603",
        "850412145603",
        "850412",
        " 8504 12 ",
        "nobody",
    ]
    for mine in (False, True):
        for query in queries:
            for status in ("", Status.ASSESSED):
                for office_id in (None, kl_office.pk):
                    cases = cases_visible_to(user)
                    if mine:
                        cases = cases_worked_by(cases, user)
                    criteria = {"query": query, "office_id": office_id, "status": status}
                    expected = list(case_list_search(cases, **criteria).values_list(*CASE_LIST_ROW))
                    for _ in range(2):  # the SQL built, then reused
                        rows = case_list_rows(user, mine=mine, **criteria)
                        assert rows[0:100] == expected, (mine, criteria)
                        assert rows[2:4] == expected[2:4], (mine, criteria)
                        assert rows.count_upto(3) == min(len(expected), 3)
                        assert rows.count_upto(100) == len(expected)


def test_a_user_without_an_office_sees_no_case_and_asks_nothing(chong, siti):
    from kembali.cases.selectors import case_list_rows

    chong.office = None
    with CaptureQueriesContext(connection) as queries:
        rows = case_list_rows(chong, query="siti")
        assert rows[0:25] == [] and rows.count_upto(1001) == 0
    assert not queries.captured_queries


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's query plan")
def test_a_search_reads_the_offices_search_index_on_sqlite(client, chong, siti, rajesh):
    """The index holds what the search checks (name, number) and what a page shows
    of a case: SQLite reads it alone, not each case's row, for the page's rows and
    for their count, once the planner has statistics."""
    from kembali.core.dbstats import statistics_refresh

    statistics_refresh()
    client.force_login(chong)
    with CaptureQueriesContext(connection) as queries:
        html = client.get(reverse("cases:list"), {"q": "siti"}).content.decode()
    assert "RTW-2026-0000123" in html and "RTW-2026-0000456" not in html
    searches = [q["sql"] for q in queries.captured_queries if "LIKE" in q["sql"]]
    assert searches
    for search in searches:
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN QUERY PLAN {search}")
            plan = " ".join(str(row[-1]) for row in cursor.fetchall())
        assert "COVERING INDEX case_office_search (office_id=?)" in plan, plan


@pytest.mark.parametrize("active", [True, False])
@pytest.mark.parametrize("with_office", [True, False])
def test_sees_no_cases_is_what_cases_visible_to_decides(kl_office, active, with_office):
    from django.contrib.auth.models import AnonymousUser

    from kembali.accounts.models import Role
    from kembali.cases.access import cases_visible_to, sees_no_cases

    assert sees_no_cases(AnonymousUser()) and sees_no_cases(None)
    for role in Role.values:
        user = UserFactory(role=role, is_active=active, office=kl_office if with_office else None)
        assert sees_no_cases(user) == cases_visible_to(user).query.is_empty(), role


def test_a_case_managers_search_reads_no_office_or_user_row(client, aisyah, chong, kl_office):
    """A case manager sees only their office's cases that they manage: the rows
    take the office's name and the manager's names from the signed-in user, and
    the SQL joins neither table. A supervisor's keeps the office's join (see
    kembali.cases.selectors._OFFICE_COLUMNS: its plan depends on it)."""
    CaseFactory(
        office=kl_office, case_manager=aisyah, person=PersonFactory(full_name="Siti Aminah")
    )
    sql = {}
    for user in (aisyah, chong):
        client.force_login(user)
        with CaptureQueriesContext(connection) as queries:
            html = client.get(reverse("cases:list"), {"q": "aminah"}).content.decode()
        assert "Siti Aminah" in html and kl_office.name in html and "Aisyah Rahman" in html
        (sql[user.role],) = [q["sql"] for q in queries if "people_insuredperson" in q["sql"]]
    assert "accounts_office" not in sql[Role.CASE_MANAGER]
    assert "accounts_user" not in sql[Role.CASE_MANAGER]
    assert "accounts_office" in sql[Role.SUPERVISOR]
