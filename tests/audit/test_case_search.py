"""A search by case number finds every event about the case (its consent, plan,
interventions, and views of it), not only the case row's own; another office's
supervisor still sees none of them. Rows written before the case column existed
get it from the backfill migration."""

import datetime as dt
import importlib
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, models
from django.db.migrations.loader import MigrationLoader
from django.urls import reverse
from django.utils import timezone

from kembali.audit.models import AccessEvent, AuditEvent
from kembali.audit.services import access_record, audit_record, case_id_of
from kembali.cases.models import Consent, RtwLevel, Status
from kembali.cases.services_consent import consent_record
from kembali.core.uploads import ProtectedStorage
from kembali.plans import services as plans
from kembali.plans.models import Intervention
from kembali.providers.models import Provider
from tests.factories import CaseFactory, PersonFactory

pytestmark = pytest.mark.django_db

URL = reverse("audit:trail")
TODAY = timezone.localdate()
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def uploads(settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = tmp_path
    field = Consent._meta.get_field("signed_form")
    monkeypatch.setattr(field, "storage", ProtectedStorage(location=tmp_path))


@pytest.fixture
def case(kl_office, aisyah):
    return CaseFactory(
        number="RTW-2026-0000777",
        office=kl_office,
        case_manager=aisyah,
        status=Status.ASSESSED,
        referral_date=TODAY - dt.timedelta(days=30),
        person=PersonFactory(full_name="Nurul Huda binti Zainal"),
    )


@pytest.fixture
def history(case, aisyah, chong):
    """Consent, a plan with one intervention, its approval, and a view of the case."""
    consent_record(
        case=case,
        actor=aisyah,
        given_on=TODAY - dt.timedelta(days=1),
        method=Consent.Method.PRINTED,
        joins_programme=True,
        intention_confirmed=True,
        signed_form=SimpleUploadedFile("consent.pdf", PDF),
        shares_with_jpess=False,
    )
    case.refresh_from_db()
    plan = plans.plan_create(
        case=case,
        actor=aisyah,
        goal=RtwLevel.SAME_JOB_SAME_EMPLOYER,
        start_date=TODAY,
        target_end_date=TODAY + dt.timedelta(days=120),
        goal_description="Kembali memandu lori",
        designed_with_person=True,
    )
    plans.intervention_add(
        plan=plan,
        actor=aisyah,
        kind="physical",
        provider=Provider.objects.get(code="hkl-rehabilitation"),
        planned_start=TODAY + dt.timedelta(days=7),
        due_date=TODAY + dt.timedelta(days=60),
        cost=Decimal("2400.00"),
        description="Physiotherapy twice a week",
    )
    plans.plan_submit(plan=plan, actor=aisyah)
    plans.plan_approve(plan=plan, actor=chong)
    access_record(actor=aisyah, what="case.view", obj=case)
    # Another case of the same office, which the search must leave out.
    other = CaseFactory(office=case.office, case_manager=aisyah)
    audit_record(actor=aisyah, action="update", obj=other, office=other.office)
    return plan


def _events(client, **params):
    response = client.get(URL, params)
    assert response.status_code == 200
    events = response.context["page"].events
    return response, {(e.object_type, getattr(e, "action", None) or e.what) for e in events}


def test_a_search_by_case_number_finds_the_consent_the_plan_and_its_approval(
    client, chong, case, history
):
    client.force_login(chong)
    response, found = _events(client, object_id="rtw-2026-0000777")
    assert ("cases.consent", "create") in found
    assert ("plans.rehabplan", "plan.create") in found
    assert ("plans.intervention", "intervention.add") in found
    assert ("plans.rehabplan", "plan.approve") in found
    assert all(e.case_id == case.pk for e in response.context["page"].events)
    html = response.content.decode()
    assert "plan.approve" in html
    assert "Consent" in html

    _response, reads = _events(client, object_id="RTW-2026-0000777", kind="reads")
    assert reads == {("cases.case", "case.view")}


def test_another_offices_supervisor_finds_none_of_it(client, gopal, case, history):
    client.force_login(gopal)
    response, found = _events(client, object_id="RTW-2026-0000777")
    assert found == set()
    assert "plan.approve" not in response.content.decode()


def test_the_case_is_taken_from_the_object_or_given(case, history, aisyah):
    intervention = Intervention.objects.get(plan=history)
    assert case_id_of(case) == case.pk
    assert case_id_of(history) == case.pk
    # An intervention has no case of its own: its plan's is used.
    assert case_id_of(intervention) == case.pk
    assert case_id_of(Intervention.objects.select_related("plan").get(pk=intervention.pk)) == (
        case.pk
    )
    assert case_id_of(case.person) is None
    assert case_id_of(case.person, case=case) == case.pk
    event = access_record(actor=aisyah, what="person.view", obj=case.person, case=case)
    assert event.case_id == case.pk


def test_the_migration_fills_the_case_of_older_rows(case, history):
    expected = dict(AuditEvent.objects.values_list("pk", "case_id"))
    assert sum(1 for v in expected.values() if v == case.pk) >= 5
    # As the rows were before the column existed (the append-only queryset
    # refuses update(), so go around it as the migration's models do).
    models.QuerySet.update(AuditEvent.objects.all(), case_id=None)
    models.QuerySet.update(AccessEvent.objects.all(), case_id=None)

    migration = importlib.import_module("kembali.audit.migrations.0003_backfill_case_id")
    state = MigrationLoader(connection).project_state(("audit", "0003_backfill_case_id"))
    migration.backfill(state.apps, None)

    assert dict(AuditEvent.objects.values_list("pk", "case_id")) == expected
    assert set(AccessEvent.objects.values_list("case_id", flat=True)) == {case.pk}
