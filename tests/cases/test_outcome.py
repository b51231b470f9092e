"""Recording the return to work: the level classified from the job before the
injury and the new one, overriding it only with a reason, and on to closure."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from kembali.audit.models import AuditEvent
from kembali.cases.models import Case, ClosureReason, RtwOutcome, Status
from kembali.cases.services_outcome import NewJob, OutcomeInvalid, outcome_record
from kembali.cases.workflow import ReasonRequired, TransitionForbidden, TransitionNotAllowed
from kembali.people.models import Employment
from tests.factories import CaseFactory, EmployerFactory, PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def lorry_company(db):
    return EmployerFactory(name="Syarikat Pengangkutan Maju Sdn Bhd")


@pytest.fixture
def case(kl_office, aisyah, bala, lorry_company):
    person = PersonFactory(full_name="Hafiz bin Osman")
    before = Employment.objects.create(
        person=person,
        employer=lorry_company,
        employer_name=lorry_company.name,
        isco_unit_id="8332",  # heavy truck and lorry drivers
        job_title="Lorry driver",
        monthly_wage=Decimal("2600.00"),
        start_date=dt.date(2015, 3, 1),
    )
    return CaseFactory(
        office=kl_office,
        person=person,
        status=Status.IN_REHABILITATION,
        case_manager=aisyah,
        placement_officer=bala,
        pre_injury_employment=before,
        referral_date=timezone.localdate() - dt.timedelta(days=200),
    )


def job(**changes) -> NewJob:
    values = {
        "return_date": timezone.localdate() - dt.timedelta(days=3),
        "isco_code": "8332",
        "job_title": "Lorry driver",
        "monthly_wage": Decimal("2700.00"),
        "hours_per_week": 44,
    }
    values.update(changes)
    return NewJob(**values)


def test_same_employer_same_job_is_level_1(case, aisyah, lorry_company):
    outcome = outcome_record(case=case, actor=aisyah, job=job(employer=lorry_company))
    case.refresh_from_db()
    assert (outcome.auto_level, outcome.level) == (1, 1)
    assert case.status == Status.RETURNED_TO_WORK
    assert case.rtw_level == 1
    assert case.rtw_date == outcome.return_date


def test_different_employer_similar_job_is_level_5(case, aisyah):
    outcome = outcome_record(
        case=case,
        actor=aisyah,
        job=job(isco_code="8331", job_title="Bus driver", employer_name="Rapid Bas Sdn Bhd"),
    )
    assert outcome.level == 5
    assert outcome.employer is None and outcome.employer_name == "Rapid Bas Sdn Bhd"


def test_same_employer_typed_by_name_is_still_the_same_employer(case, aisyah):
    outcome = outcome_record(
        case=case,
        actor=aisyah,
        job=job(
            isco_code="4321",
            job_title="Store clerk",
            employer_name="  syarikat pengangkutan maju sdn bhd ",
        ),
    )
    assert outcome.level == 3  # different job, same employer


def test_self_employed_is_level_7(case, aisyah):
    outcome = outcome_record(
        case=case,
        actor=aisyah,
        job=job(isco_code="5221", job_title="Stall owner", self_employed=True),
    )
    assert outcome.level == 7


def test_override_needs_a_reason_and_keeps_the_classified_level(case, aisyah, lorry_company):
    with pytest.raises(ReasonRequired, match="level 1"):
        outcome_record(case=case, actor=aisyah, job=job(employer=lorry_company), level_override=2)
    assert not RtwOutcome.objects.exists()
    assert Case.objects.get(pk=case.pk).status == Status.IN_REHABILITATION

    outcome = outcome_record(
        case=case,
        actor=aisyah,
        job=job(employer=lorry_company),
        level_override=2,
        override_reason="Same depot, but now driving only the light van: a similar job.",
    )
    assert (outcome.auto_level, outcome.level, outcome.overridden_by) == (1, 2, aisyah)
    assert Case.objects.get(pk=case.pk).rtw_level == 2


def test_wrong_stage_is_refused_with_a_clear_message(kl_office, aisyah):
    early = CaseFactory(office=kl_office, status=Status.PLAN_APPROVED, case_manager=aisyah)
    with pytest.raises(TransitionNotAllowed, match="in rehabilitation or in job placement"):
        outcome_record(case=early, actor=aisyah, job=job(employer_name="Anywhere"))


def test_only_the_people_on_the_case_record_it(case, chong, farid):
    with pytest.raises(TransitionForbidden):
        outcome_record(case=case, actor=chong, job=job(employer_name="Anywhere"))
    assert not RtwOutcome.objects.exists()


def test_bad_data_is_refused_per_field(case, aisyah):
    with pytest.raises(OutcomeInvalid) as refused:
        outcome_record(
            case=case,
            actor=aisyah,
            job=job(isco_code="9999", return_date=timezone.localdate() + dt.timedelta(days=1)),
        )
    assert set(refused.value.errors) == {"isco_code", "return_date", "employer_name"}


def test_audited_once_per_action(case, aisyah, lorry_company):
    outcome = outcome_record(case=case, actor=aisyah, job=job(employer=lorry_company))
    assert (
        AuditEvent.objects.filter(
            object_type="cases.rtwoutcome", object_id=str(outcome.pk), action="record_outcome"
        ).count()
        == 1
    )
    assert (
        AuditEvent.objects.filter(
            object_type="cases.case", object_id=str(case.pk), action="transition"
        ).count()
        == 1
    )


def _form(case, **changes):
    data = {
        "version": case.version,
        "return_date": (timezone.localdate() - dt.timedelta(days=3)).isoformat(),
        "isco_code": "8332",
        "job_title": "Lorry driver",
        "monthly_wage": "2700.00",
        "hours_per_week": "44",
    }
    data.update(changes)
    return data


def test_from_outcome_to_closure_through_the_pages(client, case, aisyah, chong):
    detail = reverse("cases:detail", args=[case.number])
    client.force_login(aisyah)
    page = client.get(detail).content.decode()
    assert "Record the return to work" in page
    form_page = client.get(reverse("cases:outcome", args=[case.number])).content.decode()
    assert "Back with the employer from before the injury" in form_page

    response = client.post(
        reverse("cases:outcome", args=[case.number]), _form(case, same_employer="on")
    )
    assert response.status_code == 302
    page = client.get(detail).content.decode()
    assert "Level 1: Same job, same employer" in page
    assert "Return to work recorded: level 1" in page

    case.refresh_from_db()
    response = client.post(
        reverse("cases:follow_up_start", args=[case.number]), {"version": case.version}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Status.FOLLOW_UP

    response = client.post(
        reverse("cases:closure_request", args=[case.number]),
        {
            "version": case.version,
            "closure_reason": ClosureReason.RETURNED_TO_WORK,
            "reason": "Still driving for the company after three months.",
        },
    )
    assert response.status_code == 302
    client.force_login(chong)
    case.refresh_from_db()
    response = client.post(
        reverse("cases:closure_approve", args=[case.number]), {"version": case.version}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.status, case.closure_reason, case.rtw_level) == (
        Status.CLOSED,
        ClosureReason.RETURNED_TO_WORK,
        1,
    )


def test_override_without_reason_shows_the_classified_level(client, case, aisyah):
    client.force_login(aisyah)
    response = client.post(
        reverse("cases:outcome", args=[case.number]),
        _form(case, same_employer="on", level_override="4"),
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert "There is a problem" in page
    assert 'href="#id_override_reason"' in page
    assert "As classified: level 1, Same job, same employer." in page


def test_stale_form_is_refused_with_a_clear_message(client, case, aisyah):
    client.force_login(aisyah)
    stale = _form(case, employer_name="Rapid Bas Sdn Bhd")
    Case.objects.filter(pk=case.pk).update(version=case.version + 1)
    response = client.post(reverse("cases:outcome", args=[case.number]), stale)
    assert response.status_code == 409
    assert "since you opened it; reload and try again" in response.content.decode()
    assert not RtwOutcome.objects.exists()
