"""A consented case in Kuala Lumpur, managed by aisyah, ready for its plan."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import translation

from kembali.cases.models import RtwLevel, Status
from kembali.plans import services
from kembali.providers.models import Provider
from tests.factories import CaseFactory, PersonFactory

START = dt.date(2026, 1, 5)
END = dt.date(2026, 6, 30)


@pytest.fixture(autouse=True)
def _in_english():
    # Messages are asserted in English whatever an earlier test left active.
    with translation.override("en"):
        yield


@pytest.fixture
def person(db):
    return PersonFactory(full_name="Siti Aminah binti Yusof", preferred_language="ms")


@pytest.fixture
def case(kl_office, aisyah, person):
    return CaseFactory(
        office=kl_office, case_manager=aisyah, status=Status.CONSENTED, person=person
    )


@pytest.fixture
def provider(db):
    return Provider.objects.get(code="hkl-rehabilitation")


@pytest.fixture
def draft(case, aisyah):
    return services.plan_create(
        case=case,
        actor=aisyah,
        goal=RtwLevel.SAME_JOB_SAME_EMPLOYER,
        start_date=START,
        target_end_date=END,
        goal_description="Kembali memandu lori",
        designed_with_person=True,
    )


@pytest.fixture
def ready_draft(draft, aisyah, provider):
    services.intervention_add(
        plan=draft,
        actor=aisyah,
        kind="physical",
        provider=provider,
        planned_start=dt.date(2026, 1, 12),
        due_date=dt.date(2026, 3, 31),
        cost=Decimal("2400.00"),
        description="Physiotherapy twice a week",
    )
    return draft


@pytest.fixture
def submitted(ready_draft, aisyah):
    return services.plan_submit(plan=ready_draft, actor=aisyah)


@pytest.fixture
def approved(submitted, chong):
    return services.plan_approve(plan=submitted, actor=chong)
