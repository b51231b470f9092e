"""A case in rehabilitation in Kuala Lumpur: aisyah manages it, bala is the job
placement officer of the office, chong its supervisor."""

import dataclasses
import datetime as dt
from decimal import Decimal

import numpy as np
import pytest
from django.utils import translation

from kembali.accounts.models import Role
from kembali.cases.models import Status
from kembali.employers.models import DemandLevel, StrengthLevel
from kembali.people.models import Employment
from kembali.placement import services
from kembali.placement.matching import index
from kembali.placement.models import Skill
from kembali.reference.models import IscoGroup
from tests.factories import CaseFactory, PersonFactory, UserFactory


@pytest.fixture(autouse=True)
def _fresh_match_index():
    # The matching index lives in module globals: no test may see another's arrays.
    index.index_reset()
    yield
    index.index_reset()


@pytest.fixture(autouse=True)
def _in_english():
    with translation.override("en"):
        yield


@pytest.fixture
def person(db):
    return PersonFactory(full_name="Siti Aminah binti Yusof", preferred_language="ms")


@pytest.fixture
def lorry_job(person):
    return Employment.objects.create(
        person=person,
        employer_name="Syarikat Angkut Jaya",
        isco_unit=IscoGroup.objects.get(code="8332"),
        job_title="Lorry driver",
        monthly_wage=Decimal("2300.00"),
        start_date=dt.date(2015, 3, 1),
    )


@pytest.fixture
def case(kl_office, aisyah, person, lorry_job):
    return CaseFactory(
        office=kl_office,
        case_manager=aisyah,
        status=Status.IN_REHABILITATION,
        person=person,
        pre_injury_employment=lorry_job,
    )


@pytest.fixture
def hamid(kl_office):
    return UserFactory(
        username="hamid",
        first_name="Hamid",
        last_name="Latif",
        role=Role.PLACEMENT_OFFICER,
        office=kl_office,
    )


@pytest.fixture
def jpess_case(case, aisyah, bala, chong):
    services.jpess_refer(case=case, actor=aisyah, reason="The lorry firm has no light work.")
    services.placement_officer_assign(case=case, officer=bala, actor=chong)
    case.refresh_from_db()
    return case


def assessment_arguments(**overrides):
    capacity = {
        "strength_level": StrengthLevel.LIGHT,
        "standing_walking": DemandLevel.LOW,
        "sitting": DemandLevel.HIGH,
        "fine_hand_use": DemandLevel.HIGH,
        "vision": DemandLevel.HIGH,
        "hearing": DemandLevel.HIGH,
        "speech": DemandLevel.HIGH,
        "driving": DemandLevel.NONE,
        "cognitive_load": DemandLevel.MODERATE,
    }
    arguments = {
        "assessed_on": dt.date(2026, 3, 2),
        "capacity": capacity,
        "max_lift_kg": 10,
        "shift_work": False,
        "needs": {"flexible_hours": True},
        "skills": list(Skill.objects.filter(code__in=["computer-literacy", "customer-service"])),
        "education_level": "spm",
        "max_travel_km": 25,
        "min_monthly_wage": Decimal("1700"),
        "hours_per_week": 40,
        "accepts_remote": True,
        "barriers": ["transport"],
        "ratings": {
            "skills": 3,
            "career_goals": 2,
            "independence": 4,
            "self_esteem": 2,
            "health": 3,
        },
    }
    arguments.update(overrides)
    return arguments


def assert_same_arrays(got, expected) -> None:
    """Two sets of matching arrays (arrays.py dataclasses) are equal, dtype and all."""
    for field in dataclasses.fields(expected):
        a, b = getattr(got, field.name), getattr(expected, field.name)
        if isinstance(b, np.ndarray):
            assert a.dtype == b.dtype, field.name
            np.testing.assert_array_equal(a, b, err_msg=field.name)
        else:
            assert a == b, field.name
