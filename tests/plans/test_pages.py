import datetime as dt

import pytest
from django.urls import reverse

from kembali.audit.models import AccessEvent, AuditEvent
from kembali.cases.models import Case, Status
from kembali.plans.models import PlanStatus, RehabPlan
from kembali.plans.pdf import plan_pdf_html

# Every test here reaches the database, some only through request.getfixturevalue, which
# pytest-django cannot see when it orders tests: without the mark they would run after the
# transactional tests, on a flushed database.
pytestmark = pytest.mark.django_db


def plan_url(case):
    return reverse("plans:plan", args=[case.number])


def version_url(name, plan, *extra):
    return reverse(f"plans:{name}", args=[plan.case.number, plan.version, *extra])


def test_case_manager_designs_a_plan_through_the_forms(client, aisyah, case, provider):
    client.force_login(aisyah)
    response = client.get(plan_url(case))
    assert "This case has no rehabilitation plan yet." in response.text

    response = client.post(
        reverse("plans:new", args=[case.number]),
        {
            "goal": "1",
            "goal_description": "Back to driving",
            "start_date": "2026-01-05",
            "target_end_date": "2026-06-30",
            "designed_with_person": "on",
        },
    )
    plan = RehabPlan.objects.get(case=case)
    assert response.status_code == 302
    assert response.url == version_url("version", plan)

    response = client.post(
        version_url("intervention_new", plan),
        {
            "kind": "physical",
            "description": "",
            "provider": provider.pk,
            "planned_start": "2026-01-12",
            "due_date": "2026-03-31",
            "cost": "2400",
        },
    )
    assert response.status_code == 302
    page = client.get(version_url("version", plan)).text
    assert "Physical rehabilitation" in page
    assert "2,400.00" in page
    assert provider.name in page

    response = client.post(version_url("submit", plan))
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED


def test_intervention_form_shows_errors_in_a_summary(client, aisyah, draft):
    client.force_login(aisyah)
    response = client.post(
        version_url("intervention_new", draft),
        {
            "kind": "physical",
            "planned_start": "2026-05-01",
            "due_date": "2026-04-01",
            "cost": "-1",
        },
    )
    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert 'href="#id_due_date"' in response.text
    assert "The due date must be on or after the planned start." in response.text
    assert not draft.interventions.exists()


def test_provider_select_offers_only_active_providers(client, aisyah, draft, provider):
    provider.is_active = False
    provider.save()
    client.force_login(aisyah)
    response = client.get(version_url("intervention_new", draft))
    assert provider.name not in response.text
    assert "Selayang" in response.text


def test_submit_shows_what_is_missing(client, aisyah, case):
    client.force_login(aisyah)
    client.post(
        reverse("plans:new", args=[case.number]),
        {
            "goal": "1",
            "start_date": "2026-01-05",
            "target_end_date": "2026-06-30",
        },
    )
    plan = RehabPlan.objects.get(case=case)
    response = client.post(version_url("submit", plan))
    assert response.status_code == 400
    assert "There is a problem" in response.text
    assert "Confirm that the person took part in designing the plan." in response.text
    assert "Add at least one intervention." in response.text


def test_supervisor_approves_from_the_decision_page(client, chong, submitted):
    client.force_login(chong)
    page = client.get(version_url("version", submitted)).text
    assert "Approve or return this plan" in page
    response = client.post(version_url("decide", submitted), {"decision": "approve"})
    assert response.status_code == 302
    assert Case.objects.get(pk=submitted.case_id).status == Status.PLAN_APPROVED


def test_returning_a_plan_needs_a_reason(client, chong, submitted):
    client.force_login(chong)
    response = client.post(version_url("decide", submitted), {"decision": "reject"})
    assert response.status_code == 200
    assert 'href="#id_reason"' in response.text
    client.post(
        version_url("decide", submitted), {"decision": "reject", "reason": "Add a work-site visit"}
    )
    submitted.refresh_from_db()
    assert submitted.status == PlanStatus.REJECTED
    page = client.get(plan_url(submitted.case)).text
    assert "Add a work-site visit" in page


def test_case_manager_cannot_approve(client, aisyah, submitted):
    client.force_login(aisyah)
    assert "Approve or return this plan" not in client.get(plan_url(submitted.case)).text
    response = client.post(version_url("decide", submitted), {"decision": "approve"})
    assert response.status_code == 403
    submitted.refresh_from_db()
    assert submitted.status == PlanStatus.SUBMITTED


def test_other_offices_supervisor_gets_not_found(client, gopal, submitted):
    client.force_login(gopal)
    assert client.get(plan_url(submitted.case)).status_code == 404
    response = client.post(version_url("decide", submitted), {"decision": "approve"})
    assert response.status_code == 404
    submitted.refresh_from_db()
    assert submitted.status == PlanStatus.SUBMITTED


def test_old_versions_stay_readable(client, aisyah, chong, approved):
    client.force_login(aisyah)
    client.post(reverse("plans:new", args=[approved.case.number]))
    v2 = RehabPlan.objects.get(case=approved.case, version=2)
    client.post(
        version_url("edit", v2),
        {
            "goal": "4",
            "goal_description": "Drive for another company",
            "start_date": "2026-01-05",
            "target_end_date": "2026-06-30",
            "designed_with_person": "on",
        },
    )
    client.post(version_url("submit", v2))
    client.force_login(chong)
    client.post(version_url("decide", v2), {"decision": "approve"})

    client.force_login(aisyah)
    page = client.get(plan_url(approved.case)).text
    assert "Version 2" in page
    assert "Same job, different employer" in page
    old = client.get(version_url("version", approved)).text
    assert "Superseded" in old
    assert "Same job, same employer" in old
    assert "It can be read but not changed." in old
    # An old version offers no edit links.
    assert version_url("edit", approved) not in old


def test_edit_links_are_gone_once_approved(client, aisyah, approved):
    client.force_login(aisyah)
    response = client.get(version_url("edit", approved))
    assert response.status_code == 302
    page = client.get(plan_url(approved.case)).text
    assert "Change the plan (start a new version)" in page
    assert "Start the rehabilitation" in page


def test_case_manager_starts_the_rehabilitation(client, aisyah, approved):
    client.force_login(aisyah)
    case = Case.objects.get(pk=approved.case_id)
    client.post(reverse("plans:start", args=[case.number]), {"version": case.version})
    assert Case.objects.get(pk=case.pk).status == Status.IN_REHABILITATION


def test_plan_page_query_count_does_not_grow(
    client,
    aisyah,
    chong,
    approved,
    provider,
    django_assert_max_num_queries,
    django_assert_num_queries,
):
    from kembali.plans import services

    client.force_login(aisyah)
    url = plan_url(approved.case)
    client.get(url)  # warm the session
    # Session, user, case, versions, interventions, referrals, the access record,
    # and the header's count of unread notifications.
    with django_assert_max_num_queries(13) as baseline:
        client.get(url)
    first = len(baseline.captured_queries)

    # More versions, interventions with providers, and referrals: the same cost.
    v2 = services.plan_create(case=approved.case, actor=aisyah)
    for day in range(1, 6):
        services.intervention_add(
            plan=v2,
            actor=aisyah,
            kind="pain",
            provider=provider,
            planned_start=dt.date(2026, 2, day),
            due_date=dt.date(2026, 3, day),
        )
        services.provider_referral_create(
            case=approved.case, actor=aisyah, provider=provider, referred_on=dt.date(2026, 1, day)
        )
    services.plan_update(plan=v2, actor=aisyah, designed_with_person=True)
    services.plan_submit(plan=v2, actor=aisyah)
    services.plan_approve(plan=v2, actor=chong)
    with django_assert_num_queries(first):
        response = client.get(url)
    assert response.status_code == 200
    assert response.text.count('<th scope="row">Pain management') == 5


def test_pdf_in_the_persons_language(client, aisyah, approved):
    client.force_login(aisyah)
    response = client.get(version_url("pdf", approved))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert len(response.content) > 1000
    assert AccessEvent.objects.filter(what="plan.pdf", object_id=str(approved.pk)).count() == 1

    html = plan_pdf_html(approved)  # the person prefers Malay
    assert 'lang="ms"' in html
    assert "Pelan pemulihan" in html
    assert "Pemulihan fizikal" in html


def test_pdf_in_english_for_an_english_speaker(approved):
    approved.case.person.preferred_language = "en"
    approved.case.person.save()
    html = plan_pdf_html(approved)
    assert 'lang="en"' in html
    assert "Rehabilitation plan" in html
    assert "Physical rehabilitation" in html


def test_referral_to_a_provider_from_the_plan_page(client, aisyah, approved, provider):
    client.force_login(aisyah)
    response = client.post(
        reverse("plans:referral_new", args=[approved.case.number]),
        {
            "provider": provider.pk,
            "intervention": approved.interventions.get().pk,
            "referred_on": "2026-01-06",
            "cost": "2400",
        },
    )
    assert response.status_code == 302
    referral = approved.case.provider_referrals.get()
    response = client.post(
        reverse("plans:referral_report", args=[approved.case.number, referral.pk]),
        {"report_received_on": "2026-04-01", "report_summary": ""},
    )
    assert "Summarise the provider&#x27;s report." in response.text
    client.post(
        reverse("plans:referral_report", args=[approved.case.number, referral.pk]),
        {"report_received_on": "2026-04-01", "report_summary": "Able to lift 20 kg"},
    )
    page = client.get(plan_url(approved.case)).text
    assert "Report received" in page
    assert "Able to lift 20 kg" in page
    assert AuditEvent.objects.filter(action="provider_referral.report").count() == 1


@pytest.mark.parametrize("name", ["bala", "ehsan"])
def test_viewers_without_the_case_do_not_see_it(client, request, name, approved):
    client.force_login(request.getfixturevalue(name))
    assert client.get(plan_url(approved.case)).status_code == 404


def test_the_case_page_links_to_the_plan_and_shows_its_history(client, aisyah, approved, provider):
    from kembali.plans import services

    services.provider_referral_create(
        case=approved.case, actor=aisyah, provider=provider, referred_on=dt.date(2026, 1, 6)
    )
    client.force_login(aisyah)
    page = client.get(reverse("cases:detail", args=[approved.case.number])).text
    assert plan_url(approved.case) in page
    assert "Rehabilitation plan version 1 started" in page
    assert "Plan version 1 submitted for approval" in page
    assert "Plan version 1 approved" in page
    assert f"Referred to {provider.name}" in page


def test_the_supervisor_is_offered_the_plan_from_the_case_page(client, chong, submitted):
    client.force_login(chong)
    page = client.get(reverse("cases:detail", args=[submitted.case.number])).text
    assert "Approve the plan" in page
