"""What keeps the hot pages cheap (issue 7 part 2), asserted as what a user sees:
the case page's timeline asks only the sources a case has rows in, the lists
count a bounded number of cases, and the shortcuts the templates take show the
same as Django's own tags."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from kembali.cases import timeline
from kembali.cases.models import Case, CaseNote, Status
from kembali.cases.services_monitoring import note_create
from kembali.cases.views import list as list_views
from kembali.core.templatetags.kembali import choice_label, url_with
from tests.factories import CaseFactory, PersonFactory

pytestmark = pytest.mark.django_db


def _detail(case):
    return reverse("cases:detail", args=[case.number])


def _get(client, url, **params):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200
    return response.content.decode(), len(queries)


# --- The case page's timeline ---------------------------------------------------


def test_every_source_that_queries_names_its_rows():
    """A source without `rows` runs on every case page; only the referral, which
    reads the case itself, has no rows of its own."""
    unprobed = [s for s in timeline.timeline_sources() if s not in timeline._ROWS]
    assert unprobed == [timeline.referral_entries]


def test_each_sources_rows_lead_to_the_case(aisyah, kl_office):
    """A wrong path would hide a source's entries: each must be a lookup from the
    source's model to Case that finds this case's rows and no other's."""
    case = CaseFactory(office=kl_office, case_manager=aisyah)
    for model, path in timeline._ROWS.values():
        field = model._meta.get_field(path.split("__")[0])
        target = field.related_model
        for step in path.split("__")[1:]:
            target = target._meta.get_field(step).related_model
        assert target is Case, (model, path)
        assert not model._base_manager.filter(**{path: case}).exists()


def test_a_new_case_asks_only_for_the_case_and_its_referral(client, aisyah, kl_office):
    case = CaseFactory(office=kl_office, case_manager=aisyah)
    client.force_login(aisyah)
    client.get(_detail(case))  # the session settles
    page, queries = _get(client, _detail(case))
    assert "Referral received" in page
    # Session, user (with the header's office and unread count), the case (whose
    # query also asks the timeline's probe: which sources have rows), the access
    # record, the session save (3 with its savepoint), and nothing for the whole
    # timeline: no source has rows, the open tasks among them, so those are not
    # read either.
    sources = len(timeline.timeline_sources())
    assert sources > 15
    assert queries == 7, queries


def test_a_source_with_rows_is_read_and_its_entries_shown(client, aisyah, kl_office):
    case = CaseFactory(office=kl_office, case_manager=aisyah)
    client.force_login(aisyah)
    client.get(_detail(case))
    _page, before = _get(client, _detail(case))

    note_create(case=case, actor=aisyah, text="Called the employer about light duties")
    page, with_note = _get(client, _detail(case))
    assert "Called the employer about light duties" in page
    assert with_note == before + 1  # the notes' own query, nothing more

    for n in range(5):  # more of the same kind costs nothing more
        note_create(case=case, actor=aisyah, text=f"Note {n}")
    page, with_notes = _get(client, _detail(case))
    assert with_notes == with_note
    assert page.count("Note ") >= 5


def test_the_probe_says_which_sources_have_rows(aisyah, kl_office):
    """One query answers for every source, those reached through a plan (support
    activities, income milestones) too: the SQL builds and runs on either database."""
    case = CaseFactory(office=kl_office, case_manager=aisyah)
    empty = timeline._sources_without_rows(case)
    assert set(timeline._ROWS) == empty
    note_create(case=case, actor=aisyah, text="x")
    empty = timeline._sources_without_rows(case)
    probed_with_notes = [s for s, (model, _path) in timeline._ROWS.items() if model is CaseNote]
    assert probed_with_notes and not empty & set(probed_with_notes)


def test_the_probe_asked_with_the_case_agrees_with_its_own_query(aisyah, kl_office):
    """The case page asks the probe with its read of the case (probe_annotations):
    the same answer as the probe's own query, with rows and without."""
    from django.test import RequestFactory

    from kembali.cases.views.detail import load_case

    case = CaseFactory(office=kl_office, case_manager=aisyah)
    page_request = RequestFactory().get("/")
    page_request.user = aisyah
    for _ in range(2):
        carried = load_case(page_request, case.number, timeline_probe=True)
        plain = load_case(page_request, case.number)
        with CaptureQueriesContext(connection) as queries:
            from_case = timeline._sources_without_rows(carried)
        assert not queries.captured_queries
        assert from_case == timeline._sources_without_rows(plain)
        note_create(case=case, actor=aisyah, text="x")


def test_the_timeline_of_a_deleted_case_is_empty_not_an_error(aisyah, kl_office):
    case = CaseFactory(office=kl_office, case_manager=aisyah)
    gone = Case.objects.get(pk=case.pk)
    Case.objects.filter(pk=case.pk).delete()
    assert timeline._sources_without_rows(gone) == set(timeline._ROWS)


# --- The case page reads its case with SQL built once per role -------------------


@pytest.mark.parametrize("username", ["aisyah", "bala", "chong", "devi", "ehsan", "farid", "gopal"])
def test_the_case_page_loads_what_the_orm_loads_for_every_role(
    request, username, aisyah, bala, kl_office, penang_office
):
    from django.http import Http404
    from django.test import RequestFactory

    from kembali.cases.access import cases_visible_to
    from kembali.cases.models import EligibilityDecision
    from kembali.cases.views.detail import _CASE_PAGE_RELATED, load_case

    user = request.getfixturevalue(username)
    mine = CaseFactory(office=kl_office, case_manager=aisyah, placement_officer=bala)
    EligibilityDecision.objects.create(
        case=mine,
        eligible=True,
        age=40,
        rules=[],
        decided_by=aisyah,
        decided_at=dt.datetime(2026, 1, 5, 9, tzinfo=dt.UTC),
        overridden_by=aisyah,
    )
    elsewhere = CaseFactory(office=penang_office)
    page_request = RequestFactory().get("/")
    page_request.user = user
    for case in (mine, elsewhere, CaseFactory(office=kl_office)):
        expected = cases_visible_to(user).select_related(*_CASE_PAGE_RELATED)
        expected = expected.filter(number=case.number).first()
        for _ in range(2):  # the SQL built, then reused
            if expected is None:
                with pytest.raises(Http404):
                    load_case(page_request, case.number)
                continue
            loaded = load_case(page_request, case.number)
            assert loaded.__dict__.keys() == expected.__dict__.keys()
            assert {k: v for k, v in vars(loaded).items() if k != "_state"} == {
                k: v for k, v in vars(expected).items() if k != "_state"
            }
            assert loaded.person.state == expected.person.state
            assert loaded.referral_date == expected.referral_date  # converted, not text
            for relation in ("office", "case_manager", "placement_officer"):
                assert getattr(loaded, relation) == getattr(expected, relation)
            loaded_decision = getattr(loaded, "eligibility", None)
            expected_decision = getattr(expected, "eligibility", None)
            assert loaded_decision == expected_decision
            if expected_decision is not None:
                assert loaded_decision.overridden_by == expected_decision.overridden_by
    with pytest.raises(Http404):
        load_case(page_request, "RTW-0000-NOSUCH")


# --- The lists count a bounded number of cases ----------------------------------


@pytest.fixture
def six_cases(kl_office, aisyah):
    return [
        CaseFactory(
            office=kl_office,
            case_manager=aisyah,
            referral_date=dt.date(2026, 1, 1 + n),
            person=PersonFactory(full_name=f"Nur Aina {n}"),
        )
        for n in range(6)
    ]


def test_past_the_bound_the_list_says_more_than_and_pages_the_newest(
    client, chong, six_cases, monkeypatch, settings
):
    monkeypatch.setattr(list_views, "COUNT_BOUND", 4)
    settings.KEMBALI_PAGE_SIZE = 2
    client.force_login(chong)
    page = client.get(reverse("cases:list")).content.decode()
    assert "More than 4 cases found, the newest 4 listed, page 1 of 2." in page
    assert "Search or filter to find the others." in page
    assert six_cases[-1].number in page  # newest referral first
    last = client.get(reverse("cases:list"), {"page": 2}).content.decode()
    assert six_cases[3].number in last and six_cases[2].number in last
    beyond = client.get(reverse("cases:list"), {"page": 3}).content.decode()
    assert six_cases[1].number not in beyond  # past the bound: the last page again


def test_at_or_under_the_bound_the_list_counts_exactly(client, chong, six_cases, monkeypatch):
    monkeypatch.setattr(list_views, "COUNT_BOUND", 6)
    client.force_login(chong)
    page = client.get(reverse("cases:list")).content.decode()
    assert "6 cases found" in page
    assert "More than" not in page


def test_a_search_has_its_own_lower_bound(client, chong, six_cases, monkeypatch):
    monkeypatch.setattr(list_views, "SEARCH_COUNT_BOUND", 3)
    client.force_login(chong)
    page = client.get(reverse("cases:list"), {"q": "nur aina"}).content.decode()
    assert "More than 3 cases found, the newest 3 listed" in page
    page = client.get(reverse("cases:list"), {"q": "Aina 5"}).content.decode()
    assert "1 case found" in page and six_cases[5].number in page


def test_a_search_is_not_counted_until_its_last_page(
    client, chong, six_cases, settings, django_assert_num_queries
):
    settings.KEMBALI_PAGE_SIZE = 2
    client.force_login(chong)
    newest_first = [case.number for case in reversed(six_cases)]

    def page(number, queries=6):  # session, user, the page's rows, the session saved (3)
        with django_assert_num_queries(queries):
            response = client.get(reverse("cases:list"), {"q": "nur aina", "page": number})
        return response.content.decode()

    first = page(1)
    assert "More than 2 cases found, page 1<" in first
    assert 'rel="next"' in first and 'rel="prev"' not in first
    assert [n for n in newest_first if n in first] == newest_first[:2]
    second = page(2)
    assert "More than 4 cases found, page 2<" in second
    assert [n for n in newest_first if n in second] == newest_first[2:4]
    last = page(3)
    assert "6 cases found, page 3 of 3<" in last and 'rel="next"' not in last
    assert [n for n in newest_first if n in last] == newest_first[4:]
    # Past the matches (an old link): counted once, and the last page shown.
    beyond = page(7, queries=8)
    assert "6 cases found, page 3 of 3<" in beyond
    assert [n for n in newest_first if n in beyond] == newest_first[4:]


def test_an_uncounted_search_says_so_in_malay(client, chong, six_cases, settings):
    settings.KEMBALI_PAGE_SIZE = 2
    client.force_login(chong)
    page = client.get(
        reverse("cases:list"), {"q": "nur aina"}, HTTP_ACCEPT_LANGUAGE="ms"
    ).content.decode()
    assert "Lebih daripada 2 kes ditemui, halaman 1<" in page


def test_the_bounded_text_is_in_malay_too(client, chong, six_cases, monkeypatch):
    monkeypatch.setattr(list_views, "COUNT_BOUND", 4)
    client.force_login(chong)
    page = client.get(reverse("cases:list"), HTTP_ACCEPT_LANGUAGE="ms").content.decode()
    assert "Lebih daripada 4 kes ditemui" in page


def test_my_cases_are_bounded_the_same_way(client, aisyah, six_cases, monkeypatch):
    monkeypatch.setattr(list_views, "COUNT_BOUND", 5)
    client.force_login(aisyah)
    page = client.get(reverse("cases:mine")).content.decode()
    assert "More than 5 cases found" in page


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's query plan")
def test_my_cases_are_counted_in_the_case_managers_office_index(client, aisyah, six_cases):
    """Not by reading the office's cases one by one (thousands, at 100,000 cases)."""
    client.force_login(aisyah)
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("cases:mine"))
    count = next(
        q["sql"] for q in queries.captured_queries if q["sql"].startswith("SELECT COUNT(*)")
    )
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {count}")
        plan = " ".join(str(row[-1]) for row in cursor.fetchall())
    assert "INDEX case_manager_office_newest (case_manager_id=? AND office_id=?)" in plan, plan


# --- The search on PostgreSQL ---------------------------------------------------


@pytest.mark.skipif(connection.vendor != "postgresql", reason="trigram indexes: PostgreSQL")
def test_postgresql_has_trigram_indexes_for_the_search():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE indexname IN "
            "('people_name_trgm', 'case_number_trgm', 'case_person_name_trgm')"
        )
        found = dict(cursor.fetchall())
    assert set(found) == {"people_name_trgm", "case_number_trgm", "case_person_name_trgm"}
    assert all("gin_trgm_ops" in definition for definition in found.values())


def test_the_search_matches_names_numbers_and_nric_on_either_database(
    client, chong, kl_office, aisyah
):
    case = CaseFactory(
        office=kl_office,
        case_manager=aisyah,
        number="RTW-2026-0004242",
        person=PersonFactory(full_name="Kavitha a/p Ramasamy", nric="870214105552"),
    )
    client.force_login(chong)
    for query in ("ramasamy", "KAVITHA", "0004242", "870214-10-5552", "870214"):
        page = client.get(reverse("cases:list"), {"q": query}).content.decode()
        assert case.number in page, query
    page = client.get(reverse("cases:list"), {"q": "Ramasamyy"}).content.decode()
    assert case.number not in page


# --- Template shortcuts show what Django's own tags show ------------------------


def test_choice_label_is_the_display_value_in_the_active_language(kl_office, aisyah):
    case = CaseFactory(office=kl_office, case_manager=aisyah, status=Status.ASSESSED)
    for language in ("en", "ms"):
        with translation.override(language):
            assert str(choice_label(case, "status")) == case.get_status_display()
    case.status = "no_such_status"
    assert choice_label(case, "status") == "no_such_status"


def test_url_with_is_the_reversed_address(kl_office, aisyah):
    for number in ("RTW-2026-0000123", "RTW-2024-9999999"):
        assert url_with(number, "cases:detail") == reverse("cases:detail", args=[number])
    # Not a plain path segment: reverse() itself decides (and quotes).
    assert url_with("a b", "cases:detail") == reverse("cases:detail", args=["a b"])


def test_the_case_list_links_each_case_and_shows_its_status(client, chong, kl_office, aisyah):
    case = CaseFactory(office=kl_office, case_manager=aisyah, status=Status.ASSESSED)
    client.force_login(chong)
    page = client.get(reverse("cases:list")).content.decode()
    assert f'<a href="{_detail(case)}">{case.number}</a>' in page
    assert f">{Status.ASSESSED.label}</strong>" in page
