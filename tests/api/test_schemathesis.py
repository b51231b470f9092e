"""Property-based tests of every API operation from its own OpenAPI document:
whatever a client sends, the API never answers 5xx, and every answer matches
what the document promises (status codes, headers, bodies)."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

from kembali.accounts.tokens import token_create
from tests.factories import CaseFactory

# Loaded when the module is collected: fetching the document touches no database.
# (schemathesis.pytest.from_fixture would defer it, but its lazy loader does not
# work with pytest 9.)
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


@pytest.fixture
def keep_test_transaction():
    """The WSGI handler closes the database connection at each request's start and
    end, which would end the test's transaction; Django's test client unhooks it
    the same way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def devi_token(keep_test_transaction, db, devi, aisyah, kl_office, penang_office):
    CaseFactory(number="RTW-2026-0000123", office=kl_office, case_manager=aisyah)
    CaseFactory(number="RTW-2026-0000124", office=penang_office)
    _, plaintext = token_create(user=devi, name="schemathesis")
    return plaintext


@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_every_operation_keeps_its_promises(case, devi_token):
    case.call_and_validate(
        headers={"Authorization": f"Bearer {devi_token}"},
        # Rules across fields (a date of birth must agree with the NRIC) cannot be
        # said in JSON Schema, so a schema-valid request may rightly get a 422.
        excluded_checks=[schemathesis.checks.positive_data_acceptance],
    )
