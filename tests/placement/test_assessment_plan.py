"""The job placement assessment, the baseline outcome ratings, the employment support
plan and its PDF, and the JPESS page."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from kembali.audit.models import AccessEvent, AuditEvent
from kembali.cases.workflow import TransitionForbidden
from kembali.employers.models import DEMAND_FIELDS, Vacancy
from kembali.placement import services
from kembali.placement.models import (
    OutcomeMeasure,
    PlacementAssessment,
    Skill,
    SupportActivity,
)
from kembali.placement.pdf import support_plan_pdf_html
from kembali.placement.selectors import support_plan_with_activities
from tests.placement.conftest import assessment_arguments

pytestmark = pytest.mark.django_db


def test_the_assessment_uses_the_vacancy_dimensions_and_scales():
    for name in (*DEMAND_FIELDS, "max_lift_kg", "shift_work"):
        ours = PlacementAssessment._meta.get_field(name)
        theirs = Vacancy._meta.get_field(name)
        assert ours.choices == theirs.choices, name


def test_skills_fit_the_matching_bitmask():
    bits = list(Skill.objects.filter(is_active=True).values_list("bit", flat=True))
    assert 20 <= len(bits) <= 64
    assert all(0 <= bit < 64 for bit in bits)
    assert Skill.objects.get(code="forklift-licence").name_ms == "Lesen forklift"


def test_recording_an_assessment_stores_the_baseline_and_supersedes_the_last(jpess_case, bala):
    first = services.placement_assessment_record(
        case=jpess_case, actor=bala, **assessment_arguments()
    )
    assert first.is_current and first.home_estimated
    # No home point: the state's centre stands in.
    assert (first.home_latitude, first.home_longitude) == (
        jpess_case.person.state.latitude,
        jpess_case.person.state.longitude,
    )
    baseline = OutcomeMeasure.objects.get(case=jpess_case)
    assert baseline.kind == OutcomeMeasure.Kind.BASELINE
    assert (baseline.skills, baseline.self_esteem, baseline.assessment) == (3, 2, first)
    assert sorted(s.code for s in first.skills.all()) == ["computer-literacy", "customer-service"]

    second = services.placement_assessment_record(
        case=jpess_case,
        actor=bala,
        **assessment_arguments(max_lift_kg=15, home_latitude=3.07, home_longitude=101.52),
    )
    first.refresh_from_db()
    assert not first.is_current and second.is_current
    assert not second.home_estimated
    assert PlacementAssessment.objects.filter(case=jpess_case).count() == 2
    events = AuditEvent.objects.filter(action="placement_assessment.record")
    assert events.count() == 2
    assert events.get(object_id=str(second.pk)).changes == {"max_lift_kg": [10, 15]}


@pytest.mark.parametrize(
    "group, field, value",
    [
        (None, "max_lift_kg", -1),
        (None, "max_lift_kg", 300),
        ("capacity", "strength_level", 6),
        ("capacity", "strength_level", 0),
        ("capacity", "vision", 4),
        ("ratings", "health", 0),
        ("ratings", "skills", 6),
        (None, "max_travel_km", 0),
        (None, "barriers", ["nonsense"]),
    ],
)
def test_values_off_their_scale_are_refused(jpess_case, bala, group, field, value):
    arguments = assessment_arguments()
    if group is None:
        arguments[field] = value
    else:
        arguments[group] = {**arguments[group], field: value}
    with pytest.raises(ValidationError) as raised:
        services.placement_assessment_record(case=jpess_case, actor=bala, **arguments)
    assert field in raised.value.message_dict
    assert not PlacementAssessment.objects.exists()
    assert not OutcomeMeasure.objects.exists()


def test_only_the_officer_of_the_case_or_a_supervisor_assesses(jpess_case, aisyah, hamid, chong):
    for actor in (aisyah, hamid):
        with pytest.raises(TransitionForbidden):
            services.placement_assessment_record(
                case=jpess_case, actor=actor, **assessment_arguments()
            )
    services.placement_assessment_record(case=jpess_case, actor=chong, **assessment_arguments())


def _form_data(case, **overrides):
    data = {
        "assessed_on": "2026-03-02",
        "strength_level": "2",
        "max_lift_kg": "10",
        "standing_walking": "1",
        "sitting": "3",
        "fine_hand_use": "3",
        "vision": "3",
        "hearing": "3",
        "speech": "3",
        "driving": "0",
        "cognitive_load": "2",
        "flexible_hours": "on",
        "skills": [Skill.objects.get(code="bookkeeping").pk],
        "education_level": "diploma",
        "previous_employment": str(case.pre_injury_employment_id),
        "preferred_isco_1": "4311",
        "preferred_isco_2": "",
        "preferred_isco_3": "",
        "max_travel_km": "20",
        "min_monthly_wage": "1800",
        "hours_per_week": "40",
        "home_latitude": "",
        "home_longitude": "",
        "barriers": ["transport", "confidence"],
        "rating_skills": "3",
        "rating_career_goals": "2",
        "rating_independence": "4",
        "rating_self_esteem": "2",
        "rating_health": "3",
    }
    data.update(overrides)
    return data


def test_the_officer_records_the_assessment_through_the_form(client, jpess_case, bala):
    client.force_login(bala)
    url = reverse("placement:assessment", args=[jpess_case.number])
    page = client.get(url).text
    assert "Lorry driver" in page  # the work history is shown
    assert "Sedentary: mostly sitting" in page  # the scale explained in plain words

    response = client.post(url, _form_data(jpess_case, max_lift_kg="-3", rating_health=""))
    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert 'href="#id_max_lift_kg"' in response.text
    assert 'href="#id_rating_health"' in response.text

    response = client.post(url, _form_data(jpess_case))
    assert response.status_code == 302
    assessment = PlacementAssessment.objects.get(case=jpess_case)
    assert assessment.previous_employment == jpess_case.pre_injury_employment
    assert [u.code for u in assessment.preferred_isco_units.all()] == ["4311"]
    assert assessment.barriers == ["transport", "confidence"]
    page = client.get(reverse("placement:case", args=[jpess_case.number])).text
    assert "Light (up to 10 kg)" in page
    assert "Bookkeeping" in page


def test_support_plan_activities_with_owners_and_dates(jpess_case, bala, chong):
    plan = services.support_plan_save(
        case=jpess_case, actor=bala, goals="Work as a cashier near home\nLearn bookkeeping"
    )
    cv = services.support_activity_add(
        plan=plan, actor=bala, kind="cv", planned_on=dt.date(2026, 3, 9), owner=None
    )
    coaching = services.support_activity_add(
        plan=plan, actor=bala, kind="job_coaching", planned_on=dt.date(2026, 3, 16), owner=bala
    )
    with pytest.raises(ValidationError):
        services.support_activity_update(activity=cv, actor=bala, status="done")
    services.support_activity_update(
        activity=cv, actor=bala, status="done", done_on=dt.date(2026, 3, 10)
    )
    cv.refresh_from_db()
    assert (cv.status, cv.owner_name) == ("done", "The person")
    assert coaching.owner_name == "Bala Subramaniam"
    assert AuditEvent.objects.filter(action="support_activity.update").count() == 1
    assert AuditEvent.objects.filter(action="support_plan.create").count() == 1


def test_the_pdf_is_a_pdf_in_the_persons_language(client, jpess_case, bala):
    plan = services.support_plan_save(case=jpess_case, actor=bala, goals="Bekerja sebagai juruwang")
    services.support_activity_add(
        plan=plan, actor=bala, kind="interview", planned_on=dt.date(2026, 3, 9)
    )
    client.force_login(bala)
    response = client.get(reverse("placement:support_plan_pdf", args=[jpess_case.number]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert "-ms.pdf" in response["Content-Disposition"]
    assert AccessEvent.objects.filter(what="support_plan.pdf", actor=bala).count() == 1

    html = support_plan_pdf_html(jpess_case, support_plan_with_activities(jpess_case))
    assert 'lang="ms"' in html
    assert "Pelan sokongan pekerjaan individu" in html
    assert "Persediaan temu duga" in html


def test_the_pdf_is_in_english_for_an_english_speaker(jpess_case, bala):
    jpess_case.person.preferred_language = "en"
    jpess_case.person.save()
    services.support_plan_save(case=jpess_case, actor=bala, goals="Cashier")
    html = support_plan_pdf_html(jpess_case, support_plan_with_activities(jpess_case))
    assert "Individual employment support plan" in html


def test_the_support_plan_page_adds_activities(client, jpess_case, bala):
    client.force_login(bala)
    url = reverse("placement:support_plan", args=[jpess_case.number])
    response = client.post(url, {"goals": "Work in an office", "target_date": "2026-09-30"})
    assert response.status_code == 302
    response = client.post(
        reverse("placement:activity_new", args=[jpess_case.number]),
        {
            "kind": "work_trial",
            "owner": "person",
            "planned_on": "2026-04-01",
            "status": "planned",
            "description": "Two weeks at a shop",
        },
    )
    assert response.status_code == 302
    activity = SupportActivity.objects.get()
    assert activity.owner is None
    page = client.get(url).text
    assert "Work trial" in page and "Two weeks at a shop" in page


def test_the_jpess_page_query_count_is_pinned(
    client,
    jpess_case,
    bala,
    chong,
    hamid,
    django_assert_max_num_queries,
    django_assert_num_queries,
):
    client.force_login(bala)
    url = reverse("placement:case", args=[jpess_case.number])
    services.placement_assessment_record(case=jpess_case, actor=bala, **assessment_arguments())
    plan = services.support_plan_save(case=jpess_case, actor=bala, goals="Cashier")
    services.support_activity_add(plan=plan, actor=bala, kind="cv", planned_on=dt.date(2026, 3, 9))
    client.get(url)
    # Session, user, case (access, then joins), referral, assessment with its skills
    # and occupations, plan with activities, officers, the viewer's office and the
    # access record, and the session save (3 with its savepoint): 16, and the page
    # shell may add a query or two of its own (the unread notifications). Then the
    # referrals to vacancies, job coaches and sessions (3) and the self-employment
    # plan (1).
    with django_assert_max_num_queries(22) as baseline:
        response = client.get(url)
    assert response.status_code == 200
    first = len(baseline.captured_queries)

    # More of everything costs nothing more.
    for n in range(3):
        services.placement_assessment_record(
            case=jpess_case, actor=bala, **assessment_arguments(max_lift_kg=11 + n)
        )
        services.support_activity_add(
            plan=plan, actor=bala, kind="training", planned_on=dt.date(2026, 4, 1 + n), owner=hamid
        )
    services.placement_officer_assign(case=jpess_case, officer=hamid, actor=chong)
    client.force_login(chong)
    client.get(url)
    with django_assert_num_queries(first):
        response = client.get(url)
    assert response.text.count("Training") >= 3
