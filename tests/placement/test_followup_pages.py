"""The follow-up and self-employment pages and their API, as officers use them."""

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.urls import reverse

from kembali.audit.models import AccessEvent, AuditEvent
from kembali.cases.models import Case, RtwOutcome, Status
from kembali.cases.services_outcome import NewJob, outcome_record
from kembali.placement import selfemployment as track
from kembali.placement import services
from kembali.placement.models_followup import FollowUp
from kembali.reference.models import IscoGroup
from tests.placement.conftest import assessment_arguments

RATINGS_POST = {f"rating_{n}": "4" for n in ("skills", "career_goals", "independence")} | {
    "rating_self_esteem": "3",
    "rating_health": "2",
}


@pytest.fixture
def placed(jpess_case, bala):
    Case.objects.filter(pk=jpess_case.pk).update(referral_date=dt.date(2025, 6, 1))
    jpess_case.refresh_from_db()
    services.placement_assessment_record(
        case=jpess_case, actor=bala, **assessment_arguments(assessed_on=dt.date(2025, 7, 1))
    )
    outcome_record(
        case=jpess_case,
        actor=bala,
        job=NewJob(
            return_date=dt.date(2026, 1, 31),
            isco_code="5223",
            job_title="Shop assistant",
            monthly_wage=Decimal("1800"),
            hours_per_week=40,
            employer_name="Kedai Runcit Maju",
        ),
    )
    jpess_case.refresh_from_db()
    return jpess_case


def _first(case):
    return FollowUp.objects.filter(case=case).order_by("months").first()


def _record_url(case):
    return reverse("placement:followup_record", args=[case.number, _first(case).pk])


def test_the_jpess_page_lists_the_follow_ups_with_overdue_in_words(client, placed, bala):
    client.force_login(bala)

    page = client.get(reverse("placement:case", args=[placed.number])).text

    assert "Follow-ups after the return to work" in page
    assert "1-month follow-up" in page and "12-month follow-up" in page
    # Today (November 2026) the 1-, 3- and 6-month follow-ups are past due.
    assert page.count(">Overdue<") == 3
    assert "Not yet due" in page or "Due soon" in page
    assert _record_url(placed) in page


def test_the_form_shows_the_baseline_and_records_the_follow_up(client, placed, bala):
    client.force_login(bala)
    url = _record_url(placed)

    form = client.get(url).text
    assert "At the job placement assessment: 2 – poor" in form  # career goals
    response = client.post(
        url,
        {
            "done_on": "2026-03-02",
            "still_employed": "yes",
            "same_employer": "yes",
            "hours_per_week": "40",
            "monthly_wage": "1850",
            "problems": "",
            "actions": "Next call in two months.",
            **RATINGS_POST,
        },
    )

    assert response.status_code == 302
    row = _first(placed)
    assert row.still_employed is True and row.outcome_measure.health == 2
    placed.refresh_from_db()
    assert placed.status == Status.FOLLOW_UP
    page = client.get(url).text
    assert "What was recorded" in page
    assert AccessEvent.objects.filter(what="follow_up.view").exists()


def test_a_form_with_mistakes_says_what_to_fix(client, placed, bala):
    client.force_login(bala)

    response = client.post(_record_url(placed), {"done_on": "2026-03-02", "still_employed": "yes"})

    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert "Say whether the person works for the same employer." in response.text
    assert "Choose a rating from 1 to 5" in response.text
    assert _first(placed).done_on is None


def test_no_longer_in_work_returns_the_case_to_job_placement(client, placed, aisyah):
    client.force_login(aisyah)

    response = client.post(
        _record_url(placed),
        {
            "done_on": "2026-03-02",
            "still_employed": "no",
            "problems": "The shop closed.",
            "return_to_placement": "yes",
            "job_lost_reason": "The shop closed; look for sales work nearby.",
            **RATINGS_POST,
        },
    )

    assert response.status_code == 302
    placed.refresh_from_db()
    assert placed.status == Status.JOB_PLACEMENT
    page = client.get(reverse("cases:detail", args=[placed.number])).text
    assert "The shop closed; look for sales work nearby." in page


def test_the_job_lost_page(client, placed, bala):
    client.force_login(bala)
    url = reverse("placement:job_lost", args=[placed.number])

    assert "What happened to the job?" in client.get(url).text
    refused = client.post(url, {"version": placed.version, "reason": ""})
    assert "Say what happened to the job." in refused.text
    done = client.post(url, {"version": placed.version, "reason": "Dismissed."})

    assert done.status_code == 302
    placed.refresh_from_db()
    assert placed.status == Status.JOB_PLACEMENT
    assert not FollowUp.objects.filter(case=placed).exists()


def test_the_case_page_offers_the_job_lost_step(client, placed, aisyah):
    client.force_login(aisyah)

    page = client.get(reverse("cases:detail", args=[placed.number])).text

    assert "The person lost the job" in page
    assert "Record a follow-up" in page


def test_outsiders_see_nothing(client, placed, farid, ehsan):
    url = _record_url(placed)
    client.force_login(farid)
    assert client.get(url).status_code == 404
    client.force_login(ehsan)
    assert client.get(url).status_code in (403, 404)


# --- self-employment pages


def test_the_self_employment_page_from_plan_to_start(client, jpess_case, bala):
    Case.objects.filter(pk=jpess_case.pk).update(referral_date=dt.date(2025, 6, 1))
    client.force_login(bala)
    url = reverse("placement:self_employment", args=[jpess_case.number])

    client.post(
        url,
        {
            "business_idea": "Phone repair kiosk",
            "business_plan": "A kiosk at the night market.",
            "isco_code": "7422",
            "expected_monthly_income": "2000",
        },
    )
    plan = track.plan_with_details(jpess_case)
    assert plan.isco_unit == IscoGroup.objects.get(code="7422")
    for amount in ("1200.00", "300.50"):
        client.post(
            reverse("placement:self_employment_support_new", args=[jpess_case.number]),
            {
                "kind": "equipment",
                "description": "Tools",
                "amount": amount,
                "given_on": "2026-02-01",
            },
        )
    client.post(
        reverse("placement:self_employment_milestone_new", args=[jpess_case.number]),
        {"due_on": "2026-08-31", "target_monthly_income": "1500"},
    )
    page = client.get(url).text
    assert "1500.50" in page  # the supports' total
    assert "Not reported" in page

    start_url = reverse("placement:self_employment_start", args=[jpess_case.number])
    response = client.post(
        start_url,
        {
            "version": plan.version,
            "started_on": "2026-03-01",
            "monthly_income": "1800",
            "hours_per_week": "45",
        },
    )

    assert response.status_code == 302
    outcome = RtwOutcome.objects.get(case=jpess_case)
    assert outcome.level == 7
    page = client.get(url).text
    assert "The business started on 1 Mar 2026." in page
    assert "level 7" in page


def test_the_start_form_shows_the_outcome_services_refusal(client, jpess_case, bala):
    Case.objects.filter(pk=jpess_case.pk).update(referral_date=dt.date(2026, 2, 1))
    plan = track.self_employment_plan_save(
        case=jpess_case,
        actor=bala,
        business_idea="Kiosk",
        isco_unit=IscoGroup.objects.get(code="7422"),
    )
    client.force_login(bala)

    response = client.post(
        reverse("placement:self_employment_start", args=[jpess_case.number]),
        {
            "version": plan.version,
            "started_on": "2026-01-15",
            "monthly_income": "1800",
            "hours_per_week": "45",
        },
    )

    assert "The return to work cannot be before the referral." in response.text
    assert 'id="id_started_on-error"' in response.text


# --- API


def _api(client, method, url, body=None):
    return client.generic(method, url, json.dumps(body or {}), content_type="application/json")


def test_api_lists_and_records_follow_ups(client, placed, bala):
    client.force_login(bala)
    base = f"/api/v1/cases/{placed.number}/follow-ups"

    listing = client.get(base).json()
    assert [f["months"] for f in listing["follow_ups"]] == [1, 3, 6, 12]
    assert listing["follow_ups"][0]["state"] == "overdue"
    follow_up_id = listing["follow_ups"][0]["id"]

    answer = _api(
        client,
        "POST",
        f"{base}/{follow_up_id}",
        {
            "done_on": "2026-03-02",
            "still_employed": True,
            "same_employer": False,
            "hours_per_week": 38,
            "monthly_wage": "1900.00",
            "skills": 4,
            "career_goals": 4,
            "independence": 5,
            "self_esteem": 4,
            "health": 3,
        },
    )

    assert answer.status_code == 200, answer.json()
    assert answer.json()["follow_up"]["state"] == "done"
    assert answer.json()["case"]["status"] == "follow_up"
    assert AuditEvent.objects.filter(action="follow_up.record").count() == 1
    again = _api(client, "POST", f"{base}/{follow_up_id}", answer.json()["follow_up"] | RATINGS)
    assert again.status_code in (409, 422)


RATINGS = {"skills": 4, "career_goals": 4, "independence": 5, "self_esteem": 4, "health": 3}


def test_api_refuses_an_incomplete_follow_up_by_field(client, placed, bala):
    client.force_login(bala)
    follow_up = _first(placed)

    answer = _api(
        client,
        "POST",
        f"/api/v1/cases/{placed.number}/follow-ups/{follow_up.pk}",
        {"done_on": "2026-03-02", "still_employed": True, **RATINGS},
    )

    assert answer.status_code == 422
    fields = {e["field"] for e in answer.json()["errors"]}
    assert {"body.same_employer", "body.hours_per_week", "body.monthly_wage"} <= fields


def test_api_job_lost(client, placed, bala):
    client.force_login(bala)

    answer = _api(
        client,
        "POST",
        f"/api/v1/cases/{placed.number}/job-lost",
        {"version": placed.version, "reason": "The contract ended."},
    )

    assert answer.status_code == 200
    assert answer.json()["case"]["status"] == "job_placement"
    stale = _api(
        client,
        "POST",
        f"/api/v1/cases/{placed.number}/job-lost",
        {"version": placed.version, "reason": "Again."},
    )
    assert stale.status_code == 409


def test_api_self_employment_track(client, jpess_case, bala, farid):
    Case.objects.filter(pk=jpess_case.pk).update(referral_date=dt.date(2025, 6, 1))
    client.force_login(bala)
    base = f"/api/v1/cases/{jpess_case.number}/self-employment"

    assert client.get(base).status_code == 404
    created = _api(client, "PUT", base, {"business_idea": "Kuih stall", "isco_code": "5212"})
    assert created.status_code == 200, created.json()
    assert created.json()["version"] == 1
    stale = _api(client, "PUT", base, {"version": 7, "business_idea": "Kuih and coffee"})
    assert stale.status_code == 409
    support = _api(
        client,
        "POST",
        f"{base}/supports",
        {
            "kind": "grant",
            "description": "Start-up grant",
            "amount": "2500",
            "given_on": "2026-02-01",
        },
    )
    assert support.status_code == 201
    assert Decimal(support.json()["support_total"]) == Decimal("2500")
    milestone = _api(
        client,
        "POST",
        f"{base}/milestones",
        {"due_on": "2026-06-30", "target_monthly_income": "1200"},
    )
    assert milestone.status_code == 201
    reported = _api(
        client,
        "POST",
        f"{base}/milestones/{milestone.json()['id']}/report",
        {"actual_monthly_income": "1000", "reported_on": "2026-07-01"},
    )
    assert reported.json()["reached"] is False
    started = _api(
        client,
        "POST",
        f"{base}/start",
        {"version": 1, "started_on": "2026-03-01", "monthly_income": "1500", "hours_per_week": 48},
    )
    assert started.status_code == 201, started.json()
    assert started.json()["level"] == 7
    assert started.json()["case"]["status"] == "returned_to_work"
    assert client.get(base).json()["outcome_level"] == 7

    client.force_login(farid)
    assert client.get(base).status_code == 404
