import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client

from kembali.accounts.models import Role
from kembali.accounts.tokens import token_create
from kembali.employers.vacancies import VacancyInput
from tests.factories import EmployerFactory, UserFactory


@pytest.fixture
def hana(kl_office):
    """A second job placement officer in Kuala Lumpur."""
    return UserFactory(
        username="hana",
        first_name="Hana",
        last_name="Ismail",
        role=Role.PLACEMENT_OFFICER,
        office=kl_office,
    )


@pytest.fixture
def employer(db):
    return EmployerFactory(employer_code="E140000001", name="Syarikat Maju Jaya Sdn Bhd")


@pytest.fixture
def bearer():
    def make(user) -> Client:
        _, plaintext = token_create(user=user, name="test script")
        return Client(headers={"Authorization": f"Bearer {plaintext}"})

    return make


def vacancy_input(employer, **overrides) -> VacancyInput:
    values = {
        "employer_id": employer.pk,
        "isco_code": "4110",
        "title": "General office clerk",
        "state_code": "14",
        "monthly_wage": Decimal("1800.00"),
        "opened_on": dt.date(2026, 3, 1),
        "closes_on": dt.date(2026, 4, 30),
    }
    values.update(overrides)
    return VacancyInput(**values)


def login(client, user):
    client.force_login(user)
    return client
