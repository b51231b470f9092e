"""Shared fixtures. Named users make permission tests read like sentences:

- aisyah: case manager, Kuala Lumpur office
- bala: job placement officer, Kuala Lumpur office
- chong: supervisor, Kuala Lumpur office
- devi: national administrator, headquarters
- ehsan: ministry analyst, headquarters
- farid: case manager in Pulau Pinang, the outsider
- gopal: supervisor in Pulau Pinang
"""

import pytest

from kembali.accounts.models import Role
from tests.factories import OfficeFactory, UserFactory, state


@pytest.fixture(autouse=True)
def _fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _empty_cache():
    # The cache outlives a test's database: figures kept by one test (the dashboard's)
    # must not be read by the next.
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _no_kept_timelines():
    # Kept case timelines outlive a test's database too, and a rolled-back test gives
    # the next one the same ids (kembali.cases.timeline_kept).
    from kembali.cases.timeline_kept import forget_all

    forget_all()


@pytest.fixture(autouse=True)
def _english_by_default():
    # LocaleMiddleware leaves a request's language active in the thread; without this
    # a test that views a page in Malay turns the next test's messages Malay.
    from django.utils import translation

    translation.activate("en")
    yield
    translation.activate("en")


@pytest.fixture
def kl_office(db):
    return OfficeFactory(code="KL01", name="PERKESO RTW Kuala Lumpur", state=state("14"))


@pytest.fixture
def penang_office(db):
    return OfficeFactory(code="PNG01", name="PERKESO RTW Pulau Pinang", state=state("07"))


@pytest.fixture
def hq_office(db):
    return OfficeFactory(code="HQ", name="PERKESO RTW Headquarters", state=state("14"))


@pytest.fixture
def aisyah(kl_office):
    return UserFactory(
        username="aisyah",
        first_name="Aisyah",
        last_name="Rahman",
        role=Role.CASE_MANAGER,
        office=kl_office,
    )


@pytest.fixture
def bala(kl_office):
    return UserFactory(
        username="bala",
        first_name="Bala",
        last_name="Subramaniam",
        role=Role.PLACEMENT_OFFICER,
        office=kl_office,
    )


@pytest.fixture
def chong(kl_office):
    return UserFactory(
        username="chong",
        first_name="Chong",
        last_name="Mei Ling",
        role=Role.SUPERVISOR,
        office=kl_office,
    )


@pytest.fixture
def devi(hq_office):
    return UserFactory(
        username="devi",
        first_name="Devi",
        last_name="Krishnan",
        role=Role.NATIONAL_ADMIN,
        office=hq_office,
    )


@pytest.fixture
def ehsan(hq_office):
    return UserFactory(
        username="ehsan",
        first_name="Ehsan",
        last_name="Yusof",
        role=Role.MINISTRY_ANALYST,
        office=hq_office,
    )


@pytest.fixture
def farid(penang_office):
    return UserFactory(
        username="farid",
        first_name="Farid",
        last_name="Hassan",
        role=Role.CASE_MANAGER,
        office=penang_office,
    )


@pytest.fixture
def gopal(penang_office):
    return UserFactory(
        username="gopal",
        first_name="Gopal",
        last_name="Nair",
        role=Role.SUPERVISOR,
        office=penang_office,
    )


def pytest_collection_modifyitems(config, items):
    """Everything under tests/browser/ is a browser test, marked or not, so that
    `-m "not browser"` and `-m browser` split the suite cleanly (see the Makefile)."""
    for item in items:
        if "browser" in item.path.parts:
            item.add_marker(pytest.mark.browser)
