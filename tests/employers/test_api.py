"""Vacancies and employers through the API: the same rules as the pages."""

import pytest

from kembali.audit.models import AuditEvent
from kembali.employers.models import Vacancy
from kembali.employers.vacancies import vacancy_create
from tests.employers.conftest import vacancy_input

pytestmark = pytest.mark.django_db

BODY = {
    "employer_code": "E140000001",
    "isco_code": "4110",
    "title": "General office clerk",
    "state_code": "14",
    "monthly_wage": "1800.00",
    "opened_on": "2026-03-01",
    "closes_on": "2026-04-30",
    "sitting": 2,
    "wheelchair_access": True,
}


def test_bala_creates_a_vacancy(bala, employer, bearer):
    response = bearer(bala).post("/api/v1/vacancies", BODY, content_type="application/json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert (data["employer_name"], data["isco_code"], data["sitting"], data["version"]) == (
        "Syarikat Maju Jaya Sdn Bhd",
        "4110",
        2,
        1,
    )
    assert Vacancy.objects.get().wheelchair_access
    assert AuditEvent.objects.filter(action="vacancy.create").count() == 1


def test_a_bad_vacancy_lists_every_field_to_fix(bala, employer, bearer):
    body = {
        **BODY,
        "closes_on": "2026-02-01",
        "monthly_wage": "0",
        "max_lift_kg": 120,
        "employer_code": "E149999999",
    }
    response = bearer(bala).post("/api/v1/vacancies", body, content_type="application/json")
    assert response.status_code == 422
    errors = {e["field"]: e["message"] for e in response.json()["errors"]}
    assert errors == {
        "body.closes_on": "The closing date must be after the opening date.",
        "body.monthly_wage": "The monthly wage must be more than RM 0.",
        "body.max_lift_kg": "The heaviest lift must be between 0 and 100 kg.",
        "body.employer_code": "No employer on file has the code E149999999.",
    }
    assert not Vacancy.objects.exists()


def test_patch_with_the_current_version_changes_the_vacancy(bala, employer, bearer):
    vacancy = vacancy_create(actor=bala, data=vacancy_input(employer))
    response = bearer(bala).patch(
        f"/api/v1/vacancies/{vacancy.pk}",
        {"version": 1, "monthly_wage": "2100.00", "closes_on": None},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert (
        response.json()["monthly_wage"],
        response.json()["closes_on"],
        response.json()["version"],
    ) == (
        "2100.00",
        None,
        2,
    )


def test_a_stale_patch_is_a_409_and_changes_nothing(bala, hana, employer, bearer):
    vacancy = vacancy_create(actor=bala, data=vacancy_input(employer))
    assert (
        bearer(hana)
        .patch(
            f"/api/v1/vacancies/{vacancy.pk}",
            {"version": 1, "openings": 2},
            content_type="application/json",
        )
        .status_code
        == 200
    )
    response = bearer(bala).patch(
        f"/api/v1/vacancies/{vacancy.pk}",
        {"version": 1, "openings": 5},
        content_type="application/json",
    )
    assert response.status_code == 409
    assert "Someone changed this vacancy" in response.json()["detail"]
    vacancy.refresh_from_db()
    assert vacancy.openings == 2


def test_a_patch_that_breaks_a_rule_is_a_422(bala, employer, bearer):
    vacancy = vacancy_create(actor=bala, data=vacancy_input(employer))
    response = bearer(bala).patch(
        f"/api/v1/vacancies/{vacancy.pk}",
        {"version": 1, "closes_on": "2026-01-01"},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "body.closes_on"


def test_a_missing_vacancy_is_a_404(bala, bearer):
    client = bearer(bala)
    assert client.get("/api/v1/vacancies/999").status_code == 404
    assert (
        client.patch(
            "/api/v1/vacancies/999", {"version": 1}, content_type="application/json"
        ).status_code
        == 404
    )
    assert client.get("/api/v1/employers/999").status_code == 404


def test_the_list_filters_and_pages(bala, employer, bearer):
    for n in range(3):
        vacancy_create(actor=bala, data=vacancy_input(employer, title=f"Clerk {n}"))
    vacancy_create(
        actor=bala, data=vacancy_input(employer, title="Driver", isco_code="8322", status="closed")
    )
    client = bearer(bala)
    page = client.get("/api/v1/vacancies", {"limit": 2}).json()
    assert (page["count"], len(page["items"])) == (4, 2)
    assert [
        v["title"] for v in client.get("/api/v1/vacancies", {"isco_major": "8"}).json()["items"]
    ] == ["Driver"]
    assert (
        client.get("/api/v1/vacancies", {"status": "open", "employer_code": "E140000001"}).json()[
            "count"
        ]
        == 3
    )
    one = client.get(f"/api/v1/vacancies/{Vacancy.objects.get(title='Driver').pk}").json()
    assert one["employer_code"] == "E140000001"
    employers = client.get("/api/v1/employers", {"q": "maju"}).json()
    assert [e["employer_code"] for e in employers["items"]] == ["E140000001"]


def test_the_ministry_analyst_is_refused_everything(ehsan, employer, bearer):
    client = bearer(ehsan)
    assert client.get("/api/v1/vacancies").status_code == 403
    assert client.get("/api/v1/employers").status_code == 403
    assert client.get(f"/api/v1/employers/{employer.pk}").status_code == 403
    assert (
        client.post("/api/v1/vacancies", BODY, content_type="application/json").status_code == 403
    )
    assert (
        client.patch(
            "/api/v1/vacancies/1", {"version": 1}, content_type="application/json"
        ).status_code
        == 403
    )


def test_a_case_manager_reads_but_does_not_write(aisyah, bala, employer, bearer):
    vacancy = vacancy_create(actor=bala, data=vacancy_input(employer))
    client = bearer(aisyah)
    assert client.get(f"/api/v1/vacancies/{vacancy.pk}").status_code == 200
    assert (
        client.post("/api/v1/vacancies", BODY, content_type="application/json").status_code == 403
    )
    response = client.patch(
        f"/api/v1/vacancies/{vacancy.pk}",
        {"version": 1, "openings": 3},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert "ask a job placement officer" in response.json()["detail"]
