import pytest
from django.test import Client

from kembali.audit.models import AccessEvent
from kembali.cases.models import Status
from tests.factories import CaseFactory, PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def cases(aisyah, bala, chong, farid, kl_office, penang_office):
    """Two cases of Aisyah's, one of another KL case manager, one in Penang (Farid's)."""
    return {
        "aisyah_1": CaseFactory(
            number="RTW-2026-0000001",
            office=kl_office,
            case_manager=aisyah,
            person=PersonFactory(full_name="Siti Nurhaliza binti Ahmad", nric="850312145678"),
        ),
        "aisyah_2": CaseFactory(
            number="RTW-2026-0000002",
            office=kl_office,
            case_manager=aisyah,
            status=Status.ASSIGNED,
        ),
        "kl_other": CaseFactory(number="RTW-2026-0000003", office=kl_office, case_manager=chong),
        "penang": CaseFactory(number="RTW-2026-0000004", office=penang_office, case_manager=farid),
    }


def numbers(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {item["number"] for item in response.json()["items"]}


def test_a_case_manager_sees_her_own_cases(cases, aisyah, bearer):
    response = bearer(aisyah).get("/api/v1/cases")
    assert numbers(response) == {"RTW-2026-0000001", "RTW-2026-0000002"}
    assert response.json()["count"] == 2


def test_a_case_manager_in_penang_does_not_see_kuala_lumpur_cases(cases, farid, bearer):
    assert numbers(bearer(farid).get("/api/v1/cases")) == {"RTW-2026-0000004"}


def test_a_supervisor_sees_the_office(cases, chong, bearer):
    assert numbers(bearer(chong).get("/api/v1/cases")) == {
        "RTW-2026-0000001",
        "RTW-2026-0000002",
        "RTW-2026-0000003",
    }


def test_a_national_administrator_sees_all(cases, devi, bearer):
    assert len(numbers(bearer(devi).get("/api/v1/cases"))) == 4


def test_a_ministry_analyst_is_refused_personal_data(cases, ehsan, bearer):
    client = bearer(ehsan)
    for url in ("/api/v1/cases", "/api/v1/cases/RTW-2026-0000001", "/api/v1/cases/RTW-0"):
        response = client.get(url)
        assert response.status_code == 403
        assert "aggregate" in response.json()["detail"]


def test_the_list_masks_the_nric(cases, aisyah, bearer):
    items = bearer(aisyah).get("/api/v1/cases", {"q": "Siti"}).json()["items"]
    assert items[0]["nric_masked"] == "******-**-5678"
    assert "850312145678" not in str(items)


@pytest.mark.parametrize(
    "q", ["siti nurhaliza", "850312-14-5678", "850312145678", "850312", "rtw-2026-0000001"]
)
def test_search_by_name_nric_or_case_number(cases, devi, bearer, q):
    assert numbers(bearer(devi).get("/api/v1/cases", {"q": q})) == {"RTW-2026-0000001"}


def test_filter_by_office_and_status(cases, devi, bearer):
    client = bearer(devi)
    assert numbers(client.get("/api/v1/cases", {"office": "PNG01"})) == {"RTW-2026-0000004"}
    assert numbers(client.get("/api/v1/cases", {"status": "assigned"})) == {"RTW-2026-0000002"}


def test_filters_never_widen_what_you_see(cases, aisyah, bearer):
    assert numbers(bearer(aisyah).get("/api/v1/cases", {"office": "PNG01"})) == set()


def test_paging_keeps_the_total(cases, devi, bearer):
    body = bearer(devi).get("/api/v1/cases", {"limit": 3, "offset": 3}).json()
    assert body["count"] == 4
    assert (body["limit"], body["offset"], len(body["items"])) == (3, 3, 1)


def test_a_bad_filter_says_which_field_to_fix(cases, devi, bearer):
    response = bearer(devi).get("/api/v1/cases", {"limit": 500, "status": "lost"})
    assert response.status_code == 422
    body = response.json()
    assert "errors" in body["detail"]
    fields = {error["field"] for error in body["errors"]}
    assert fields == {"query.limit", "query.status"}
    assert all(error["message"] for error in body["errors"])


def test_the_list_takes_the_same_number_of_queries_for_many_cases(
    cases, devi, kl_office, bearer, django_assert_num_queries
):
    client = bearer(devi)
    client.get("/api/v1/me")  # last_used_at is written once; keep it out of the count
    CaseFactory.create_batch(10, office=kl_office)
    # token lookup, the page, the count
    with django_assert_num_queries(3):
        assert len(numbers(client.get("/api/v1/cases"))) == 14


def test_the_detail_shows_the_full_nric(cases, aisyah, bearer):
    response = bearer(aisyah).get("/api/v1/cases/RTW-2026-0000001")

    assert response.status_code == 200
    body = response.json()
    assert body["nric"] == "850312145678"
    assert body["person_name"] == "Siti Nurhaliza binti Ahmad"
    assert body["office"] == {"code": "KL01", "name": "PERKESO RTW Kuala Lumpur"}
    assert body["case_manager"] == {"username": "aisyah", "name": "Aisyah Rahman"}
    assert body["status"] == "referred"
    assert body["version"] == 1


def test_a_case_of_another_office_is_not_found(cases, farid, bearer):
    other_office = bearer(farid).get("/api/v1/cases/RTW-2026-0000001")
    missing = bearer(farid).get("/api/v1/cases/RTW-2026-9999999")

    assert other_office.status_code == missing.status_code == 404
    assert other_office.json()["detail"].replace("0000001", "9999999") == missing.json()["detail"]


def test_each_detail_read_is_recorded_once(cases, aisyah, bearer):
    client = bearer(aisyah)
    client.get("/api/v1/cases/RTW-2026-0000001")
    client.get("/api/v1/cases")  # a list read shows no identity in full: not recorded

    events = AccessEvent.objects.all()
    assert len(events) == 1
    assert (events[0].actor, events[0].what) == (aisyah, "case.view")
    assert events[0].object_id == str(cases["aisyah_1"].pk)

    client.get("/api/v1/cases/RTW-2026-0000001")
    assert AccessEvent.objects.count() == 2


def test_a_refused_detail_read_records_nothing(cases, farid, bearer):
    bearer(farid).get("/api/v1/cases/RTW-2026-0000001")
    assert not AccessEvent.objects.exists()


def test_the_detail_takes_a_fixed_number_of_queries(
    cases, aisyah, bala, bearer, django_assert_num_queries
):
    client = bearer(aisyah)
    client.get("/api/v1/me")
    # token lookup, the case with person, office and case manager, the access record
    with django_assert_num_queries(3):
        assert client.get("/api/v1/cases/RTW-2026-0000001").status_code == 200


def test_the_detail_through_a_browser_session(cases, chong):
    client = Client()
    client.force_login(chong)
    assert client.get("/api/v1/cases/RTW-2026-0000003").status_code == 200


@pytest.mark.parametrize(
    ("q", "found"), [("ho", {"RTW-2026-0000007"}), ("Wai K", {"RTW-2026-0000007"})]
)
def test_search_finds_a_short_text_and_a_renamed_person_by_the_name_they_have(
    devi, bearer, kl_office, q, found
):
    from kembali.people.services import PersonData, person_find_or_create

    case = CaseFactory(
        number="RTW-2026-0000007", office=kl_office, person__full_name="Lee Siew Mei"
    )
    person = case.person
    renamed = PersonData(
        nric=person.nric,
        full_name="Ho Wai Keong",
        date_of_birth=person.date_of_birth,
        sex=person.sex,
        state_id=person.state_id,
    )
    person_find_or_create(actor=devi, data=renamed)

    assert numbers(bearer(devi).get("/api/v1/cases", {"q": q})) == found
    assert numbers(bearer(devi).get("/api/v1/cases", {"q": "Siew"})) == set()
