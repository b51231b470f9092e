"""Vacancies: the rules (the same for the form, the API and the import), the form,
the list, closing, and the marker the matching index polls."""

import dataclasses
import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from kembali.audit.models import AuditEvent
from kembali.employers.freshness import vacancy_index_version
from kembali.employers.models import Vacancy
from kembali.employers.vacancies import (
    VacancyInvalid,
    VacancyStale,
    vacancy_close,
    vacancy_create,
    vacancy_input_errors,
    vacancy_update,
)
from tests.employers.conftest import vacancy_input
from tests.factories import EmployerFactory, state

pytestmark = pytest.mark.django_db


def messages_for(data) -> dict[str, str]:
    return dict(vacancy_input_errors(data))


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        (
            {"closes_on": dt.date(2026, 3, 1)},
            "closes_on",
            "The closing date must be after the opening date.",
        ),
        (
            {"closes_on": dt.date(2026, 2, 1)},
            "closes_on",
            "The closing date must be after the opening date.",
        ),
        (
            {"monthly_wage": Decimal("0")},
            "monthly_wage",
            "The monthly wage must be more than RM 0.",
        ),
        (
            {"monthly_wage": Decimal("-5")},
            "monthly_wage",
            "The monthly wage must be more than RM 0.",
        ),
        ({"max_lift_kg": 101}, "max_lift_kg", "The heaviest lift must be between 0 and 100 kg."),
        ({"max_lift_kg": -1}, "max_lift_kg", "The heaviest lift must be between 0 and 100 kg."),
        (
            {"strength_level": 6},
            "strength_level",
            "Strength must be 1 (sedentary) to 5 (very heavy).",
        ),
        ({"vision": 4}, "vision", "Choose a level from 0 (not needed) to 3 (high)."),
        (
            {"state_code": "17"},
            "state_code",
            "Choose the state where the job is, 01 Johor to 16 Putrajaya.",
        ),
        ({"isco_code": "411"}, "isco_code", "411 is not an ISCO-08 unit group"),
        ({"isco_code": "9999"}, "isco_code", "9999 is not an ISCO-08 unit group"),
        ({"title": "  "}, "title", "Enter the job title."),
        ({"openings": 0}, "openings", "There must be at least 1 opening."),
        ({"latitude": 3.1}, "latitude", "Enter both the latitude and the longitude, or neither."),
        ({"latitude": 51.5, "longitude": 101.7}, "latitude", "The latitude is not in Malaysia"),
    ],
)
def test_each_rule_says_what_to_fix(employer, change, field, message):
    errors = messages_for(vacancy_input(employer, **change))
    assert field in errors
    assert errors[field].startswith(message)


def test_a_good_vacancy_breaks_no_rule(employer):
    assert messages_for(vacancy_input(employer, latitude=3.139, longitude=101.687)) == {}


def test_lift_limits_are_inclusive(employer):
    assert messages_for(vacancy_input(employer, max_lift_kg=0)) == {}
    assert messages_for(vacancy_input(employer, max_lift_kg=100)) == {}


def test_create_audits_once_and_bumps_the_matching_marker(bala, employer):
    before = vacancy_index_version()
    vacancy = vacancy_create(actor=bala, data=vacancy_input(employer))
    assert vacancy.version == 1
    assert vacancy_index_version() == before + 1
    assert (
        AuditEvent.objects.filter(action="vacancy.create", object_id=str(vacancy.pk)).count() == 1
    )


def test_update_and_close_bump_the_version_and_the_marker(bala, employer):
    vacancy = vacancy_create(actor=bala, data=vacancy_input(employer))
    marker = vacancy_index_version()
    vacancy = vacancy_update(
        actor=bala, vacancy=vacancy, changes={"monthly_wage": Decimal("2000")}, expected_version=1
    )
    assert vacancy.version == 2
    vacancy = vacancy_close(actor=bala, vacancy=vacancy, status="filled", expected_version=2)
    assert (vacancy.status, vacancy.version) == ("filled", 3)
    assert vacancy_index_version() == marker + 2
    assert list(
        AuditEvent.objects.filter(action="vacancy.update")
        .order_by("id")
        .values_list("changes", flat=True)
    ) == [{"monthly_wage": ["1800.00", "2000.00"]}, {"status": ["open", "filled"]}]


def test_an_update_that_changes_nothing_is_not_a_new_version(bala, employer):
    vacancy = vacancy_create(actor=bala, data=vacancy_input(employer))
    vacancy = vacancy_update(
        actor=bala, vacancy=vacancy, changes={"monthly_wage": Decimal("1800")}, expected_version=1
    )
    assert vacancy.version == 1
    assert not AuditEvent.objects.filter(action="vacancy.update").exists()


def test_a_stale_version_is_refused(bala, hana, employer):
    vacancy = vacancy_create(actor=bala, data=vacancy_input(employer))
    vacancy_update(actor=hana, vacancy=vacancy, changes={"openings": 2}, expected_version=1)
    with pytest.raises(VacancyStale, match="Someone changed this vacancy"):
        vacancy_update(actor=bala, vacancy=vacancy, changes={"openings": 3}, expected_version=1)
    vacancy.refresh_from_db()
    assert vacancy.openings == 2


def test_a_reference_is_used_once(bala, employer):
    vacancy_create(actor=bala, data=vacancy_input(employer, reference="JB-1"))
    with pytest.raises(VacancyInvalid) as exc:
        vacancy_create(actor=bala, data=vacancy_input(employer, reference="JB-1"))
    assert exc.value.errors == [("reference", "Another vacancy has the reference JB-1.")]


def form_data(employer, **overrides):
    data = {
        "employer_code": employer.employer_code,
        "isco_code": "4110",
        "title": "General office clerk",
        "state": "14",
        "monthly_wage": "1800.00",
        "hours_per_week": "45",
        "strength_level": "2",
        "max_lift_kg": "5",
        "openings": "1",
        "opened_on": "2026-03-01",
        "closes_on": "2026-04-30",
        "status": "open",
        "standing_walking": "1",
        "sitting": "2",
        "fine_hand_use": "2",
        "vision": "2",
        "hearing": "1",
        "speech": "2",
        "driving": "0",
        "cognitive_load": "2",
        "wheelchair_access": "on",
    }
    data.update(overrides)
    return data


def test_bala_adds_a_vacancy_on_the_form(client, bala, employer):
    client.force_login(bala)
    page = client.get(
        reverse("employers:vacancy_new") + f"?employer={employer.pk}"
    ).content.decode()
    assert "<legend" in page and "Physical and other demands" in page
    assert "Reading small print" in page  # the plain-language hint for vision
    response = client.post(reverse("employers:vacancy_new"), form_data(employer))
    vacancy = Vacancy.objects.get()
    assert response.status_code == 302
    assert (vacancy.employer, vacancy.isco_unit_id, vacancy.sitting, vacancy.wheelchair_access) == (
        employer,
        "4110",
        2,
        True,
    )


def test_the_form_shows_every_rule_broken_in_an_error_summary(client, bala, employer):
    client.force_login(bala)
    response = client.post(
        reverse("employers:vacancy_new"),
        form_data(
            employer, closes_on="2026-02-01", monthly_wage="0", max_lift_kg="150", isco_code="9999"
        ),
    )
    page = response.content.decode()
    assert response.status_code == 422
    assert "There is a problem" in page
    for message in (
        "The closing date must be after the opening date.",
        "The monthly wage must be more than RM 0.",
        "The heaviest lift must be between 0 and 100 kg.",
        "9999 is not an ISCO-08 unit group",
    ):
        assert message in page
    assert not Vacancy.objects.exists()


def test_an_unknown_employer_code_on_the_form(client, bala, employer):
    client.force_login(bala)
    response = client.post(
        reverse("employers:vacancy_new"), form_data(employer, employer_code="E149999999")
    )
    assert "No employer on file has the code E149999999" in response.content.decode()


def test_editing_with_a_stale_form_is_refused(client, bala, hana, employer):
    vacancy = vacancy_create(actor=bala, data=vacancy_input(employer))
    client.force_login(bala)
    vacancy_update(actor=hana, vacancy=vacancy, changes={"openings": 4}, expected_version=1)
    response = client.post(
        reverse("employers:vacancy_edit", args=[vacancy.pk]),
        form_data(employer, openings="2", version="1"),
    )
    assert response.status_code == 422
    assert "Someone changed this vacancy after you opened it" in response.content.decode()
    response = client.post(
        reverse("employers:vacancy_edit", args=[vacancy.pk]),
        form_data(employer, openings="2", version="2"),
    )
    assert response.status_code == 302
    vacancy.refresh_from_db()
    assert (vacancy.openings, vacancy.version) == (2, 3)


def test_closing_on_the_page(client, bala, employer):
    vacancy = vacancy_create(actor=bala, data=vacancy_input(employer))
    client.force_login(bala)
    client.post(
        reverse("employers:vacancy_close", args=[vacancy.pk]), {"status": "filled", "version": "1"}
    )
    vacancy.refresh_from_db()
    assert vacancy.status == "filled"


def test_occupation_suggestions_search_titles(client, bala):
    client.force_login(bala)
    page = client.get(
        reverse("employers:occupation_options"), {"isco_code": "clerk"}
    ).content.decode()
    assert "<option value=" in page


def test_the_list_filters_and_pages_in_a_fixed_number_of_queries(
    client, bala, settings, django_assert_max_num_queries
):
    settings.KEMBALI_PAGE_SIZE = 10
    kl = EmployerFactory(employer_code="E140000100")
    penang = EmployerFactory(employer_code="E070000200", state=state("07"))
    for n in range(15):
        vacancy_create(actor=bala, data=vacancy_input(kl, title=f"Clerk {n}"))
    vacancy_create(
        actor=bala,
        data=vacancy_input(penang, title="Machine operator", isco_code="8189", state_code="07"),
    )
    closed = vacancy_create(actor=bala, data=vacancy_input(kl, title="Cleaner", isco_code="9112"))
    vacancy_close(actor=bala, vacancy=closed)
    client.force_login(bala)

    def titles(**params):
        return {
            v.title
            for v in client.get(reverse("employers:vacancy_list"), params).context["vacancies"]
        }

    assert titles(state="07") == {"Machine operator"}
    assert titles(isco_major="8") == {"Machine operator"}
    assert titles(status="closed") == {"Cleaner"}
    assert titles(employer="E070000200") == {"Machine operator"}
    response = client.get(reverse("employers:vacancy_list"))
    assert response.context["page_obj"].paginator.count == 17
    assert len(response.context["vacancies"]) == 10
    with django_assert_max_num_queries(10):
        assert client.get(reverse("employers:vacancy_list"), {"page": 2}).status_code == 200


def test_the_vacancy_page_shows_demands_in_words(client, aisyah, bala, employer):
    vacancy = vacancy_create(
        actor=bala,
        data=dataclasses.replace(vacancy_input(employer), strength_level=3, max_lift_kg=20),
    )
    client.force_login(aisyah)
    page = client.get(reverse("employers:vacancy_detail", args=[vacancy.pk])).content.decode()
    assert "Medium (up to 25 kg)" in page and "20 kg" in page
    assert "Change the vacancy" not in page  # a case manager reads only
