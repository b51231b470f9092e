"""The referral pages: confirmation, one referral with its history, the steps, the
JPESS page's list and the case timeline."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from kembali.audit.models import AccessEvent
from kembali.cases.models import Status
from kembali.placement import referrals, services
from kembali.placement.models_jobs import ReferralStatus, VacancyReferral
from tests.factories import VacancyFactory
from tests.placement.conftest import assessment_arguments

pytestmark = pytest.mark.django_db


@pytest.fixture
def placement_case(jpess_case):
    jpess_case.referral_date = timezone.localdate() - dt.timedelta(days=60)
    jpess_case.save(update_fields=["referral_date"])
    return jpess_case


def _url(name, case, *args):
    return reverse(f"placement:{name}", args=[case.number, *args])


def test_the_confirmation_shows_the_vacancy_and_why_it_matches(client, placement_case, bala):
    services.placement_assessment_record(case=placement_case, actor=bala, **assessment_arguments())
    vacancy = VacancyFactory(title="Data entry clerk", max_lift_kg=5)
    client.force_login(bala)
    page = client.get(_url("referral_new", placement_case) + f"?vacancy={vacancy.pk}")
    assert page.status_code == 200
    assert "Data entry clerk" in page.text
    assert 'data-testid="score"' in page.text or 'data-testid="failed"' in page.text
    assert AccessEvent.objects.filter(what="vacancy_referral.confirm").count() == 1

    response = client.post(
        _url("referral_new", placement_case),
        {"vacancy": vacancy.pk, "notes": "Wants mornings."},
        follow=True,
    )
    referral = VacancyReferral.objects.get()
    assert response.redirect_chain[-1][0] == _url("referral_detail", placement_case, referral.pk)
    assert referral.notes == "Wants mornings."
    assert referral.match_score is not None or referral.match_reasons == []
    assert "Referred to a vacancy: Data entry clerk" in response.text


def test_without_a_vacancy_the_page_asks_for_its_number(client, placement_case, bala):
    client.force_login(bala)
    page = client.get(_url("referral_new", placement_case))
    assert page.status_code == 200 and "Vacancy number" in page.text
    missing = client.get(_url("referral_new", placement_case) + "?vacancy=999999")
    assert "No vacancy has this number." in missing.text
    assert "There is a problem" in missing.text


def test_a_closed_vacancy_says_why_it_cannot_be_referred(client, placement_case, bala):
    vacancy = VacancyFactory(status="closed")
    client.force_login(bala)
    page = client.get(_url("referral_new", placement_case) + f"?vacancy={vacancy.pk}")
    assert "The vacancy is closed" in page.text
    response = client.post(_url("referral_new", placement_case), {"vacancy": vacancy.pk})
    assert response.status_code == 200
    assert "The vacancy is closed" in response.text
    assert not VacancyReferral.objects.exists()


def test_the_steps_on_their_pages_up_to_the_start_of_work(client, placement_case, bala):
    referral = referrals.vacancy_refer(case=placement_case, vacancy=VacancyFactory(), actor=bala)
    client.force_login(bala)
    today = timezone.localdate().isoformat()
    detail = client.get(_url("referral_detail", placement_case, referral.pk))
    assert "Record the interview" in detail.text and "Withdraw the referral" in detail.text
    posts = [
        (
            "interview",
            {"interview_date": today, "interview_time": "10:30", "interview_place": "HQ"},
        ),
        ("offer", {"offered_on": today, "offered_wage": "2000", "offered_hours": "40"}),
        ("accept", {"accepted_on": today, "start_date": today}),
    ]
    for step, data in posts:
        referral.refresh_from_db()
        response = client.post(
            _url(f"referral_{step}", placement_case, referral.pk),
            {**data, "version": referral.version},
        )
        assert response.status_code == 302, (step, response.content[:2000])
    referral.refresh_from_db()
    response = client.post(
        _url("referral_place", placement_case, referral.pk),
        {"started_on": today, "version": referral.version},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("cases:detail", args=[placement_case.number])
    placement_case.refresh_from_db()
    assert placement_case.status == Status.RETURNED_TO_WORK
    assert "Started work:" in response.text  # on the case timeline


def test_a_stale_form_says_someone_else_changed_it(client, placement_case, bala, aisyah):
    referral = referrals.vacancy_refer(case=placement_case, vacancy=VacancyFactory(), actor=bala)
    seen = referral.version
    referrals.referral_step(referral=referral, step="withdraw", actor=aisyah, reason="Moved.")
    client.force_login(bala)
    response = client.post(
        _url("referral_not_selected", placement_case, referral.pk),
        {"reason": "No.", "version": seen},
    )
    # The step is not open any more: back to the referral with a message.
    assert response.status_code == 302
    referral2 = referrals.vacancy_refer(case=placement_case, vacancy=VacancyFactory(), actor=bala)
    seen = referral2.version
    referrals.referral_step(
        referral=referral2, step="interview", actor=aisyah, interview_at=timezone.now(),
        interview_place="HQ",
    )  # fmt: skip
    response = client.post(
        _url("referral_withdraw", placement_case, referral2.pk), {"reason": "x", "version": seen}
    )
    assert response.status_code == 200
    assert "changed by someone else" in response.text
    referral2.refresh_from_db()
    assert referral2.status == ReferralStatus.INTERVIEW


def test_a_missing_reason_is_shown_in_the_error_summary(client, placement_case, bala):
    referral = referrals.vacancy_refer(case=placement_case, vacancy=VacancyFactory(), actor=bala)
    client.force_login(bala)
    response = client.post(
        _url("referral_not_selected", placement_case, referral.pk),
        {"reason": "", "version": referral.version},
    )
    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert "Say why: the reason is kept with the referral." in response.text


def test_who_is_not_on_the_case_gets_404(client, placement_case, bala, farid, hamid):
    referral = referrals.vacancy_refer(case=placement_case, vacancy=VacancyFactory(), actor=bala)
    for outsider in (farid, hamid):  # another office; an officer not on the case
        client.force_login(outsider)
        assert client.get(_url("referral_detail", placement_case, referral.pk)).status_code == 404
        url = _url("referral_interview", placement_case, referral.pk)
        assert client.get(url).status_code == 404


def test_the_jpess_page_lists_referrals_and_the_timeline_speaks_malay(client, placement_case, bala):
    vacancy = VacancyFactory(title="Kerani stor")
    referral = referrals.vacancy_refer(case=placement_case, vacancy=vacancy, actor=bala)
    referrals.referral_step(
        referral=referral, step="not_selected", actor=bala, reason="Perlu lesen memandu."
    )
    client.force_login(bala)
    page = client.get(_url("case", placement_case))
    assert "Kerani stor" in page.text
    assert "Not selected by the employer" in page.text
    client.post(reverse("set_language"), {"language": "ms", "next": "/"})
    detail = client.get(reverse("cases:detail", args=[placement_case.number]))
    assert "Tidak dipilih oleh majikan: Kerani stor" in detail.text
    assert "Perlu lesen memandu." in detail.text


def test_the_jpess_page_costs_the_same_with_more_referrals(
    client, placement_case, bala, django_assert_num_queries
):
    from kembali.placement import coaching

    client.force_login(bala)
    url = _url("case", placement_case)
    referrals.vacancy_refer(case=placement_case, vacancy=VacancyFactory(), actor=bala)
    client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as first:
        client.get(url)
    for _ in range(3):
        referrals.vacancy_refer(case=placement_case, vacancy=VacancyFactory(), actor=bala)
        coaching.support_session_log(
            case=placement_case,
            actor=bala,
            kind="coaching",
            held_on=timezone.localdate(),
            duration_minutes=30,
            given_by_user=bala,
            topics="CV",
        )
    coaching.job_coach_assign(case=placement_case, actor=bala, coach_name="Encik Lim")
    with django_assert_num_queries(len(first.captured_queries)):
        response = client.get(url)
    assert response.text.count("Office clerk") == 4
