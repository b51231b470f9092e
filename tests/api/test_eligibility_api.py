"""POST /api/v1/eligibility/check: what the benefit system gets back for a pre-check."""

import datetime as dt

import pytest
from django.test import Client

from kembali.audit.models import AuditEvent
from kembali.cases.models import Case

pytestmark = pytest.mark.django_db

URL = "/api/v1/eligibility/check"
NO_FACTS = {
    "is_contributor": True,
    "work_related_injury": False,
    "receiving_tdb": False,
    "applying_pdb": False,
    "applying_invalidity_pension": False,
    "certified_invalid": False,
    "recommended_by_board": False,
}


def check(client, **body):
    return client.post(URL, {**NO_FACTS, **body}, content_type="application/json")


def test_valid_facts_give_a_decision_with_every_rule(aisyah, bearer):
    client = bearer(aisyah)
    events_before = AuditEvent.objects.count()
    response = check(
        client,
        date_of_birth="1980-06-01",
        referral_date="2026-06-01",
        work_related_injury=True,
        receiving_tdb=True,
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["eligible"] is True
    assert body["code"] == "eligibility.eligible"
    assert body["reason"] == "Eligible under rule 1."
    assert body["age"] == 46
    assert body["matched_rules"] == [1]
    assert [r["rule"] for r in body["rules"]] == [1, 2, 3, 4]
    assert body["rules"][0] == {
        "rule": 1,
        "matched": True,
        "code": "rule1.matched",
        "reason": "Rule 1 met: a work-related injury or disease and receiving Temporary "
        "Disablement Benefit.",
        "params": {"met": ["work_related_injury", "receiving_tdb"], "unmet": []},
    }
    assert body["rules"][3]["code"] == "rule4.not_certified_invalid+too_old"
    # A pre-check stores nothing.
    assert Case.objects.count() == 0
    assert AuditEvent.objects.count() == events_before


def test_the_date_of_birth_comes_from_the_nric(bala, bearer):
    response = check(
        bearer(bala),
        nric="760510-14-5123",
        referral_date="2026-05-10",
        applying_invalidity_pension=True,
        recommended_by_board=True,
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["date_of_birth"] == "1976-05-10"
    assert body["age"] == 50
    assert body["eligible"] is False
    assert body["rules"][2]["code"] == "rule3.too_old"
    assert "aged 50 on the referral date (the rule needs below 50)" in body["rules"][2]["reason"]


def test_a_bad_nric_is_422_with_the_reason(aisyah, bearer):
    response = check(bearer(aisyah), nric="760510-17-5123", referral_date="2026-05-10")
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert errors == [
        {"field": "body.facts.nric", "message": "place-of-birth code 17 is not valid."}
    ]


def test_an_nric_of_the_wrong_length_is_422(aisyah, bearer):
    response = check(bearer(aisyah), nric="76051014512", referral_date="2026-05-10")
    assert response.status_code == 422
    assert response.json()["errors"][0]["message"] == "NRIC must have 12 digits; got 11."


def test_a_date_of_birth_that_contradicts_the_nric_is_422(aisyah, bearer):
    response = check(
        bearer(aisyah), nric="760510145123", date_of_birth="1976-05-11", referral_date="2026-05-10"
    )
    assert response.status_code == 422
    error = response.json()["errors"][0]
    assert error["field"] == "body.facts.date_of_birth"
    assert "1976-05-11" in error["message"] and "1976-05-10" in error["message"]


def test_neither_nric_nor_date_of_birth_is_422(aisyah, bearer):
    response = check(bearer(aisyah), referral_date="2026-05-10")
    assert response.status_code == 422
    assert response.json()["errors"][0]["message"] == "Give the NRIC or the date of birth."


def test_a_referral_before_birth_is_422(aisyah, bearer):
    response = check(bearer(aisyah), date_of_birth="2000-01-02", referral_date="2000-01-01")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "body.facts.referral_date"


def test_a_missing_fact_is_422(aisyah, bearer):
    body = {**NO_FACTS, "date_of_birth": "1980-01-01", "referral_date": "2026-01-01"}
    del body["receiving_tdb"]
    response = bearer(aisyah).post(URL, body, content_type="application/json")
    assert response.status_code == 422
    assert any("receiving_tdb" in e["field"] for e in response.json()["errors"])


def test_reasons_come_in_malay_when_asked(aisyah, bearer):
    response = bearer(aisyah).post(
        URL,
        {
            **NO_FACTS,
            "is_contributor": False,
            "date_of_birth": "1990-01-01",
            "referral_date": "2026-01-01",
        },
        content_type="application/json",
        headers={"Accept-Language": "ms"},
    )
    assert response.status_code == 200
    body = response.json()
    assert body["code"] == "eligibility.not_contributor"
    assert body["reason"].startswith("Tidak layak")
    assert body["rules"][0]["reason"].startswith("Peraturan 1 tidak dipenuhi")


def test_unauthenticated_is_401():
    response = check(Client(), date_of_birth="1980-06-01", referral_date="2026-06-01")
    assert response.status_code == 401


@pytest.mark.parametrize("name", ["aisyah", "bala", "chong", "devi"])
def test_staff_who_see_personal_data_may_check(name, bearer, request):
    response = check(
        bearer(request.getfixturevalue(name)),
        date_of_birth="1980-06-01",
        referral_date="2026-06-01",
    )
    assert response.status_code == 200


def test_a_ministry_analyst_is_403(ehsan, bearer):
    response = check(bearer(ehsan), date_of_birth="1980-06-01", referral_date="2026-06-01")
    assert response.status_code == 403


def test_the_endpoint_is_documented(aisyah, bearer):
    schema = bearer(aisyah).get("/api/v1/openapi.json").json()
    operation = schema["paths"][URL]["post"]
    assert operation["tags"] == ["eligibility"]
    assert {"200", "401", "403", "422"} <= set(operation["responses"])


def test_today_is_the_default_for_the_century(aisyah, bearer):
    # A two-digit year is read as the latest century that is not in the future.
    this_year = dt.date.today().year % 100
    response = check(
        bearer(aisyah),
        nric=f"{this_year + 1:02d}0101-14-5123" if this_year < 99 else "000101-14-5123",
        referral_date=dt.date.today().isoformat(),
    )
    assert response.status_code == 200
    assert int(response.json()["date_of_birth"][:4]) < dt.date.today().year
