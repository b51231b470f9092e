"""Referrals to vacancies, the job coach and sessions through the API."""

import datetime as dt
import json

import pytest
from django.utils import timezone

from kembali.audit.models import AuditEvent
from kembali.cases.models import RtwOutcome, Status
from kembali.placement.models_jobs import SupportSession, VacancyReferral
from tests.api.conftest import bearer  # noqa: F401 (the fixture)
from tests.factories import VacancyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def placement_case(jpess_case):
    jpess_case.referral_date = timezone.localdate() - dt.timedelta(days=60)
    jpess_case.save(update_fields=["referral_date"])
    return jpess_case


def post(client, url, body):
    return client.post(url, json.dumps(body, default=str), content_type="application/json")


def base(case) -> str:
    return f"/api/v1/cases/{case.number}"


def test_a_referral_from_creation_to_placement(placement_case, bala, bearer):  # noqa: F811
    api = bearer(bala)
    vacancy = VacancyFactory(isco_unit_id="8332")
    created = post(api, f"{base(placement_case)}/vacancy-referrals", {"vacancy_id": vacancy.pk})
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["status"] == "referred" and body["next_steps"] == [
        "interview",
        "not_selected",
        "withdraw",
    ]
    url = f"{base(placement_case)}/vacancy-referrals/{body['id']}/steps"
    today = timezone.localdate().isoformat()
    steps = [
        {"step": "interview", "interview_at": f"{today}T10:30:00", "interview_place": "HQ"},
        {"step": "offer", "offered_on": today, "offered_wage": "2100.00"},
        {"step": "accept", "accepted_on": today, "start_date": today},
        {"step": "place"},
    ]
    version = body["version"]
    for step in steps:
        answer = post(api, url, {"version": version, **step})
        assert answer.status_code == 200, answer.json()
        version = answer.json()["version"]
    assert answer.json()["status"] == "placed"
    assert answer.json()["outcome_level"] == 4  # same job, another employer
    assert RtwOutcome.objects.get(case=placement_case).monthly_wage == 2100
    placement_case.refresh_from_db()
    assert placement_case.status == Status.RETURNED_TO_WORK
    listed = api.get(f"{base(placement_case)}/vacancy-referrals").json()
    assert [row["status"] for row in listed] == ["placed"]


def test_a_stale_version_is_409_and_changes_nothing(placement_case, bala, bearer):  # noqa: F811
    api = bearer(bala)
    vacancy = VacancyFactory()
    body = post(api, f"{base(placement_case)}/vacancy-referrals", {"vacancy_id": vacancy.pk}).json()
    url = f"{base(placement_case)}/vacancy-referrals/{body['id']}/steps"
    ok = post(api, url, {"version": body["version"], "step": "withdraw", "reason": "Moved."})
    assert ok.status_code == 200
    events = AuditEvent.objects.count()
    stale = post(api, url, {"version": body["version"], "step": "withdraw", "reason": "Again."})
    assert stale.status_code == 409
    assert "changed by someone else" in stale.json()["detail"]
    assert AuditEvent.objects.count() == events


def test_refusals_name_their_field_or_reason(placement_case, bala, bearer):  # noqa: F811
    api = bearer(bala)
    missing = post(api, f"{base(placement_case)}/vacancy-referrals", {"vacancy_id": 999999})
    assert missing.status_code == 422
    assert missing.json()["errors"][0]["field"] == "body.vacancy_id"
    body = post(
        api, f"{base(placement_case)}/vacancy-referrals", {"vacancy_id": VacancyFactory().pk}
    ).json()
    url = f"{base(placement_case)}/vacancy-referrals/{body['id']}/steps"
    no_reason = post(api, url, {"version": body["version"], "step": "withdraw"})
    assert no_reason.status_code == 422
    assert no_reason.json()["errors"][0]["field"] == "body.reason"
    wrong_step = post(api, url, {"version": body["version"], "step": "accept"})
    assert wrong_step.status_code == 409
    assert VacancyReferral.objects.get().status == "referred"


def test_permissions(placement_case, bala, farid, hamid, ehsan, bearer):  # noqa: F811
    vacancy = VacancyFactory()
    url = f"{base(placement_case)}/vacancy-referrals"
    assert bearer(farid).get(url).status_code == 404
    assert post(bearer(farid), url, {"vacancy_id": vacancy.pk}).status_code == 404
    assert post(bearer(hamid), url, {"vacancy_id": vacancy.pk}).status_code == 404
    assert bearer(ehsan).get(url).status_code == 403
    assert not VacancyReferral.objects.exists()


def test_coach_and_sessions(placement_case, bala, hamid, bearer):  # noqa: F811
    api = bearer(bala)
    coach = post(api, f"{base(placement_case)}/job-coaches", {"staff_username": hamid.username})
    assert coach.status_code == 201 and coach.json()["name"] == "Hamid Latif"
    ended = post(api, f"{base(placement_case)}/job-coaches/end", {})
    assert ended.status_code == 200 and ended.json()["ended_on"] == timezone.localdate().isoformat()
    again = post(api, f"{base(placement_case)}/job-coaches/end", {})
    assert again.status_code == 409
    session = {
        "kind": "counselling",
        "held_on": timezone.localdate().isoformat(),
        "duration_minutes": 40,
        "given_by_name": "Puan Rosnah",
        "topics": "Confidence at interviews.",
    }
    created = post(api, f"{base(placement_case)}/support-sessions", session)
    assert created.status_code == 201, created.json()
    future = {**session, "held_on": (timezone.localdate() + dt.timedelta(days=1)).isoformat()}
    refused = post(api, f"{base(placement_case)}/support-sessions", future)
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "body.held_on"
    listed = api.get(f"{base(placement_case)}/support-sessions").json()
    assert [row["given_by"] for row in listed] == ["Puan Rosnah"]
    assert SupportSession.objects.count() == 1
