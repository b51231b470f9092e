"""POST /referrals: the same intake as the form, idempotent by the caller's reference."""

import json

import pytest

from kembali.audit.models import AuditEvent
from kembali.cases.models import Case, Status
from tests.api.test_lifecycle_api import referral
from tests.factories import CaseFactory, PersonFactory

pytestmark = pytest.mark.django_db


def post(client, body):
    return client.post("/api/v1/referrals", json.dumps(body), content_type="application/json")


def test_a_referral_makes_a_case_once(chong, bearer):
    client = bearer(chong)
    first = post(client, referral("CRM-7"))
    assert first.status_code == 201, first.content
    again = post(client, referral("CRM-7"))
    assert again.status_code == 200
    assert again.json()["case"]["number"] == first.json()["case"]["number"]
    case = Case.objects.get()
    assert case.referral_source == Case.Source.API
    assert (
        AuditEvent.objects.filter(
            action="create", object_type="cases.case", object_id=str(case.pk)
        ).count()
        == 1
    )


def test_a_person_with_an_open_case_is_409_with_its_number(chong, bearer, kl_office):
    person = PersonFactory(nric="850312145371")
    open_case = CaseFactory(person=person, office=kl_office, status=Status.ASSIGNED)
    response = post(bearer(chong), referral("CRM-8"))
    assert response.status_code == 409
    assert open_case.number in response.json()["detail"]


def test_a_wrong_nric_is_422_on_its_field(chong, bearer):
    body = referral("CRM-9")
    body["person"]["nric"] = "851312-14-5371"
    response = post(bearer(chong), body)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "body.person.nric"
    assert Case.objects.count() == 0


def test_another_office_is_refused(aisyah, bearer, penang_office):
    body = {**referral("CRM-10"), "office": "PNG01"}
    response = post(bearer(aisyah), body)
    assert response.status_code == 422
    assert Case.objects.count() == 0


def test_a_ministry_analyst_may_not_refer(ehsan, bearer):
    assert post(bearer(ehsan), referral("CRM-11")).status_code == 403
