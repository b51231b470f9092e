"""One case from referral to closure through the API alone, and the answers a client
gets when a step is not allowed, stale, not theirs, or not for their role."""

import datetime as dt
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from kembali.audit.models import AuditEvent
from kembali.cases.models import Case, Status
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def post(client, url, body):
    return client.post(url, json.dumps(body, default=str), content_type="application/json")


def referral(reference="CRM-1"):
    today = timezone.localdate()
    return {
        "referral_reference": reference,
        "referral_date": today.isoformat(),
        "person": {"nric": "850312-14-5371", "full_name": "Ahmad Firdaus", "state_code": "14"},
        "injury": {
            "date": (today - dt.timedelta(days=40)).isoformat(),
            "kind": "industrial",
            "work_related": True,
            "description": "Crushed left hand",
        },
        "employment": {
            "employer_name": "Kilang Plastik Maju Sdn Bhd",
            "isco_code": "8142",
            "job_title": "Machine operator",
            "monthly_wage": "2300.00",
            "start_date": "2015-06-01",
        },
        "benefits": [{"kind": "tdb", "start_date": (today - dt.timedelta(days=30)).isoformat()}],
    }


def ok(response, status=200) -> dict:
    assert response.status_code == status, response.content
    return response.json()


def test_a_case_from_referral_to_closure_through_the_api(aisyah, chong, bearer):
    cm, sup = bearer(aisyah), bearer(chong)
    today = timezone.localdate()

    made = ok(post(sup, "/api/v1/referrals", referral()), 201)
    number = made["case"]["number"]
    assert made["case"]["status"] == "eligible" and made["eligibility"]["matched_rules"] == [1]
    again = ok(post(sup, "/api/v1/referrals", referral()))
    assert again["created"] is False and again["case"]["number"] == number
    base = f"/api/v1/cases/{number}"

    suggestion = ok(sup.get(f"{base}/assignment/suggestion"))
    assert suggestion["suggested"]["username"] == "aisyah"
    version = suggestion["case"]["version"]
    state = ok(post(sup, f"{base}/assign", {"version": version, "case_manager": "aisyah"}))
    assert state["case"]["status"] == "assigned"

    ratings = {f"{k}_rating": 1 for k in ("medical", "functional", "psychosocial", "workplace")}
    state = ok(
        post(
            cm,
            f"{base}/assessment",
            {
                "version": state["case"]["version"],
                "assessed_on": today.isoformat(),
                "person_goal": "Back to my old job",
                "vocational_rating": 2,
                **ratings,
            },
        ),
        201,
    )
    assert state["case"]["status"] == "assessed"

    state = ok(
        cm.post(
            f"{base}/consent",
            {
                "version": state["case"]["version"],
                "given_on": today.isoformat(),
                "method": "paper",
                "joins_programme": "true",
                "intention_confirmed": "true",
                "signed_form": SimpleUploadedFile("consent.pdf", PDF, "application/pdf"),
            },
        ),
        201,
    )
    assert state["case"]["status"] == "consented"

    plan = ok(
        post(
            cm,
            f"{base}/plans",
            {
                "goal": 1,
                "start_date": today.isoformat(),
                "target_end_date": (today + dt.timedelta(days=90)).isoformat(),
                "designed_with_person": True,
            },
        ),
        201,
    )
    assert plan["plan"]["plan_version"] == 1
    ok(
        post(
            cm,
            f"{base}/plans/1/interventions",
            {
                "kind": "physical",
                "planned_start": today.isoformat(),
                "due_date": (today + dt.timedelta(days=60)).isoformat(),
            },
        ),
        201,
    )
    submitted = ok(post(cm, f"{base}/plans/1/submit", {}))
    assert submitted["plan"]["status"] == "submitted"
    # A case manager may not approve a plan.
    refused = post(cm, f"{base}/plans/1/approve", {"version": submitted["case"]["version"]})
    assert refused.status_code == 403
    approved = ok(post(sup, f"{base}/plans/1/approve", {"version": submitted["case"]["version"]}))
    assert approved["case"]["status"] == "plan_approved"
    state = ok(post(cm, f"{base}/plans/1/start", {"version": approved["case"]["version"]}))
    assert state["case"]["status"] == "in_rehabilitation"

    note = ok(post(cm, f"{base}/notes", {"text": "Called the employer."}), 201)
    assert note["case"]["version"] == state["case"]["version"]  # a note is not a change of stage
    ok(
        post(
            cm,
            f"{base}/contacts",
            {
                "party": "employer",
                "method": "phone",
                "contacted_at": timezone.now().isoformat(),
                "summary": "The employer keeps the job open.",
            },
        ),
        201,
    )
    ok(
        post(
            cm,
            f"{base}/tasks",
            {
                "title": "Visit the workplace",
                "due_date": (today + dt.timedelta(days=7)).isoformat(),
            },
        ),
        201,
    )

    outcome = ok(
        post(
            cm,
            f"{base}/outcome",
            {
                "version": state["case"]["version"],
                "return_date": today.isoformat(),
                "isco_code": "8142",
                "job_title": "Machine operator",
                "monthly_wage": "2400.00",
                "hours_per_week": 40,
                "employer_name": "Kilang Plastik Maju Sdn Bhd",
            },
        ),
        201,
    )
    assert outcome["level"] == 1 and outcome["case"]["status"] == "returned_to_work"
    state = ok(post(cm, f"{base}/follow-up", {"version": outcome["case"]["version"]}))
    state = ok(
        post(
            cm,
            f"{base}/closure",
            {
                "version": state["case"]["version"],
                "closure_reason": "returned_to_work",
                "reason": "Still at work after three months.",
            },
        )
    )
    assert state["case"]["status"] == "closure_pending"
    state = ok(post(sup, f"{base}/closure/approve", {"version": state["case"]["version"]}))
    assert state["case"]["status"] == "closed"

    timeline = ok(cm.get(f"{base}/timeline"))
    titles = [e["title"] for e in timeline["entries"]]
    assert titles[0] == "Closure approved: case closed"
    assert len(timeline["entries"]) >= 10
    case = Case.objects.get(number=number)
    assert case.status == Status.CLOSED and case.rtw_level == 1
    # Each action is audited once.
    assert AuditEvent.objects.filter(object_type="cases.casenote").count() == 1
    assert AuditEvent.objects.filter(action="assign", object_id=str(case.pk)).count() == 1
    assert (
        AuditEvent.objects.filter(
            action="transition", object_type="cases.case", object_id=str(case.pk)
        ).count()
        == 10  # eligible, assigned, assessed, consented, plan approved, rehab, RTW, FU, ...
    )


def test_an_illegal_step_is_409_with_the_reason(chong, bearer, kl_office):
    case = CaseFactory(office=kl_office, status=Status.ELIGIBLE)
    response = post(
        bearer(chong), f"/api/v1/cases/{case.number}/closure/approve", {"version": case.version}
    )
    assert response.status_code == 409
    assert "cannot move from “Eligible” to “Closed”" in response.json()["detail"]
    case.refresh_from_db()
    assert case.status == Status.ELIGIBLE


def test_a_stale_version_is_409_and_changes_nothing(chong, aisyah, bearer, kl_office):
    case = CaseFactory(office=kl_office, status=Status.ELIGIBLE, version=3)
    response = post(
        bearer(chong),
        f"/api/v1/cases/{case.number}/assign",
        {"version": 2, "case_manager": "aisyah"},
    )
    assert response.status_code == 409
    assert "changed" in response.json()["detail"]
    case.refresh_from_db()
    assert case.case_manager is None and case.version == 3
    assert not AuditEvent.objects.filter(action="assign").exists()


def test_a_case_of_another_office_is_404(farid, bearer, kl_office):
    case = CaseFactory(office=kl_office, status=Status.ELIGIBLE)
    client = bearer(farid)
    assert client.get(f"/api/v1/cases/{case.number}/timeline").status_code == 404
    assert post(client, f"/api/v1/cases/{case.number}/notes", {"text": "x"}).status_code == 404


def test_a_ministry_analyst_gets_403(ehsan, bearer, kl_office):
    case = CaseFactory(office=kl_office)
    assert bearer(ehsan).get(f"/api/v1/cases/{case.number}/timeline").status_code == 403


def test_a_case_manager_may_not_assign(aisyah, bearer, kl_office):
    case = CaseFactory(office=kl_office, status=Status.ELIGIBLE, case_manager=aisyah)
    response = post(
        bearer(aisyah),
        f"/api/v1/cases/{case.number}/assign",
        {"version": case.version, "case_manager": "aisyah"},
    )
    assert response.status_code == 403


def test_refused_input_is_422_naming_the_field(chong, bearer, kl_office, aisyah):
    case = CaseFactory(office=kl_office, status=Status.CLOSED, case_manager=aisyah)
    response = post(bearer(chong), f"/api/v1/cases/{case.number}/reopen", {"version": case.version})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"].endswith("reason")


def test_reopening_an_open_case_is_409_not_an_assignment(chong, bearer, kl_office):
    case = CaseFactory(office=kl_office, status=Status.ELIGIBLE)
    for step in ("reopen", "closure/refuse"):
        response = post(
            bearer(chong),
            f"/api/v1/cases/{case.number}/{step}",
            {"version": case.version, "reason": "try"},
        )
        assert response.status_code == 409, step
    case.refresh_from_db()
    assert case.status == Status.ELIGIBLE
