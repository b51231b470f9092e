"""Who may do what. Employers are national: every placement officer sees and works
every employer, whatever their office. Case managers read; the ministry analyst
sees nothing of it (contacts are personal data)."""

import datetime as dt

import pytest
from django.urls import reverse

from kembali.employers.trainings import training_create
from kembali.employers.vacancies import vacancy_create
from tests.employers.conftest import vacancy_input
from tests.factories import state

pytestmark = pytest.mark.django_db


@pytest.fixture
def things(bala, employer):
    vacancy = vacancy_create(actor=bala, data=vacancy_input(employer))
    session = training_create(
        actor=bala,
        data={
            "date": dt.date(2025, 3, 1),
            "place": "Dewan",
            "state": state("14"),
            "trainer": "T",
            "topic": "Topic",
        },
    )
    return employer, vacancy, session


def read_urls(employer, vacancy, session):
    return [
        reverse("employers:list"),
        reverse("employers:detail", args=[employer.pk]),
        reverse("employers:vacancy_list"),
        reverse("employers:vacancy_detail", args=[vacancy.pk]),
        reverse("employers:training_list"),
        reverse("employers:training_detail", args=[session.pk]),
    ]


def write_urls(employer, vacancy, session):
    return [
        reverse("employers:new"),
        reverse("employers:edit", args=[employer.pk]),
        reverse("employers:contact_new", args=[employer.pk]),
        reverse("employers:engagement_new", args=[employer.pk]),
        reverse("employers:funnel", args=[employer.pk]),
        reverse("employers:accessibility", args=[employer.pk]),
        reverse("employers:fiscal_benefits", args=[employer.pk]),
        reverse("employers:vacancy_new"),
        reverse("employers:vacancy_edit", args=[vacancy.pk]),
        reverse("employers:vacancy_close", args=[vacancy.pk]),
        reverse("employers:vacancy_import"),
        reverse("employers:training_new"),
        reverse("employers:training_edit", args=[session.pk]),
    ]


@pytest.mark.parametrize("who", ["bala", "chong", "devi", "gopal"])
def test_officers_supervisors_and_admins_read_and_write(client, request, things, who):
    client.force_login(request.getfixturevalue(who))
    for url in read_urls(*things) + write_urls(*things):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("who", ["aisyah", "farid"])
def test_case_managers_read_only(client, request, things, who):
    client.force_login(request.getfixturevalue(who))
    for url in read_urls(*things):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "Record an engagement" not in response.content.decode()
    for url in write_urls(*things):
        assert client.get(url).status_code == 403, url
        assert client.post(url, {}).status_code == 403, url


def test_the_ministry_analyst_sees_nothing(client, ehsan, things):
    client.force_login(ehsan)
    for url in read_urls(*things) + write_urls(*things):
        assert client.get(url).status_code == 403, url


def test_anonymous_users_are_sent_to_sign_in(client, things):
    response = client.get(reverse("employers:list"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_a_missing_employer_is_a_404(client, bala, db):
    client.force_login(bala)
    assert client.get(reverse("employers:detail", args=[999])).status_code == 404


def test_a_placement_officer_in_penang_works_a_kuala_lumpur_employer(
    client, penang_office, employer
):
    from kembali.accounts.models import Role
    from tests.factories import UserFactory

    officer = UserFactory(username="ivan", role=Role.PLACEMENT_OFFICER, office=penang_office)
    client.force_login(officer)
    assert client.get(reverse("employers:engagement_new", args=[employer.pk])).status_code == 200


def test_pages_are_in_malay(client, bala, things):
    client.force_login(bala)
    client.cookies["django_language"] = "ms"
    page = client.get(reverse("employers:list"), HTTP_ACCEPT_LANGUAGE="ms").content.decode()
    assert "Majikan baharu yang dilibatkan pada" in page
    assert "Sasaran 700 setahun" in page
