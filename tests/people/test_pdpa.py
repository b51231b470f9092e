"""PDPA tools: the subject-access export (who may, what it holds, that it is
recorded) and the retention command (who is anonymised, what is kept)."""

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db.models import Count
from django.db.models.functions import ExtractYear
from django.test import Client
from django.utils import timezone

from kembali.audit.models import AccessEvent, AuditEvent
from kembali.cases.models import (
    Assessment,
    Case,
    CaseContact,
    CaseNote,
    CaseTask,
    Consent,
    EligibilityDecision,
    RtwOutcome,
    Status,
    Transition,
)
from kembali.people import pdpa
from kembali.people.models import Employment, Injury, InsuredPerson, Sex
from kembali.people.services import PersonData, person_find_or_create
from kembali.plans.models import Intervention, ProviderReferral, RehabPlan
from kembali.providers.models import Provider
from tests.factories import CaseFactory, PersonFactory, state
from tests.security.matrix import PDF_BYTES, make

# Every test here reaches the database, some only through request.getfixturevalue, which
# pytest-django cannot see when it orders tests: without the mark they would run after the
# transactional tests, on a flushed database.
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _client(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _exports(person) -> int:
    return AccessEvent.objects.filter(
        what="person.export", object_type="people.insuredperson", object_id=str(person.pk)
    ).count()


def _full_case(person, office, manager, *, closed_at=None, rtw_level=None):
    """A case with one of everything a case can hold."""
    now = timezone.now()
    today = timezone.localdate()
    injury = make(
        Injury,
        person=person,
        date=today,
        kind="industrial",
        work_related=True,
        description="Fell from a ladder at the warehouse",
        body_part="back",
        icd10="S32",
    )
    employment = make(
        Employment,
        person=person,
        employer_name="Syarikat Logistik",
        job_title="Forklift driver",
        monthly_wage=Decimal("2400.00"),
        start_date=dt.date(2015, 1, 1),
    )
    case = CaseFactory(
        person=person,
        office=office,
        case_manager=manager,
        injury=injury,
        pre_injury_employment=employment,
        referred_by="Dr Tan of HKL",
        status=Status.CLOSED if closed_at else Status.IN_REHABILITATION,
        closed_at=closed_at,
        closure_reason="returned_to_work" if closed_at else "",
        rtw_level=rtw_level,
        eligible=True,
    )
    EligibilityDecision.objects.create(
        case=case,
        eligible=True,
        age=40,
        matched_rules=[1],
        decided_at=now,
        facts={"date_of_birth": person.date_of_birth.isoformat(), "receiving_tdb": True},
    )
    Transition.objects.create(
        case=case, from_status="referred", to_status="eligible", at=now, reason="Rules 1"
    )
    Assessment.objects.create(
        case=case,
        assessed_on=today,
        assessed_by=manager,
        medical_rating=2,
        medical_notes="Lumbar fracture, healing",
        functional_rating=1,
        psychosocial_rating=1,
        workplace_rating=1,
        vocational_rating=1,
        person_goal="Drive again",
    )
    Consent.objects.create(
        case=case,
        given_on=today,
        method="paper",
        joins_programme=True,
        intention_confirmed=True,
        signed_form=SimpleUploadedFile("consent.pdf", PDF_BYTES, "application/pdf"),
        recorded_by=manager,
        recorded_at=now,
    )
    plan = RehabPlan.objects.create(
        case=case,
        version=1,
        goal=1,
        goal_description="Back to my lorry",
        start_date=today,
        target_end_date=today + dt.timedelta(days=90),
        created_by=manager,
    )
    provider = Provider.objects.order_by("pk").first()
    intervention = Intervention.objects.create(
        plan=plan,
        kind="physical",
        provider=provider,
        planned_start=today,
        due_date=today,
        cost=Decimal("1500.00"),
        description="Physiotherapy",
    )
    ProviderReferral.objects.create(
        case=case,
        intervention=intervention,
        provider=provider,
        referred_on=today,
        created_by=manager,
        report_summary="Good progress",
        cost=Decimal("300.00"),
    )
    CaseNote.objects.create(case=case, text="Spoke to his wife", author=manager, created_at=now)
    CaseContact.objects.create(
        case=case,
        party="family",
        party_name="Puan Rosnah",
        method="phone",
        contacted_at=now,
        summary="Asked about the visit",
        recorded_by=manager,
        created_at=now,
    )
    CaseTask.objects.create(
        case=case,
        title="Visit Encik Ahmad at home",
        due_date=today,
        assigned_to=manager,
        created_by=manager,
        created_at=now,
    )
    if rtw_level:
        make(
            RtwOutcome,
            case=case,
            return_date=today,
            employer_name="Syarikat Logistik",
            job_title="Forklift driver",
            monthly_wage=Decimal("2400.00"),
            hours_per_week=40,
            auto_level=rtw_level,
            level=rtw_level,
            recorded_by=manager,
            recorded_at=now,
        )
    return case


@pytest.fixture
def person(db, chong):
    person, _created = person_find_or_create(
        actor=chong,
        data=PersonData(
            nric="850315145677",
            full_name="Ahmad bin Ismail",
            date_of_birth=dt.date(1985, 3, 15),
            sex=Sex.MALE,
            state_id="14",
            phone="0123456789",
            email="ahmad@example.com",
            address="12 Jalan Ampang",
            postcode="50450",
            district="Kuala Lumpur",
        ),
    )
    return person


@pytest.fixture
def case(person, kl_office, aisyah):
    return _full_case(person, kl_office, aisyah)


# --- The export: what it holds.


def test_the_export_holds_everything_about_the_person(case, person, chong):
    response = _client(chong).get(f"/people/{person.pk}/export.json")

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    data = json.loads(response.content)
    held = data["person"]
    assert held["full_name"] == "Ahmad bin Ismail"
    assert held["nric"] == "850315145677"
    assert held["phone"] == "0123456789"
    related = held["related"]
    assert related["injuries and diseases"][0]["description"].startswith("Fell from a ladder")
    assert related["employment history"][0]["job_title"] == "Forklift driver"
    (exported_case,) = related["cases"]
    assert exported_case["number"] == case.number
    case_related = exported_case["related"]
    for heading in (
        "eligibility decisions",
        "transitions",
        "assessments",
        "consents",
        "rehabilitation plans",
        "provider referrals",
        "case notes",
        "contacts",
        "tasks",
    ):
        assert case_related[heading], heading
    assert case_related["eligibility decisions"][0]["matched_rules"] == [1]
    (plan,) = case_related["rehabilitation plans"]
    assert plan["related"]["interventions"][0]["cost"] == "1500.00"
    assert case_related["case notes"][0]["text"] == "Spoke to his wife"
    # The change history and who looked, including this export.
    assert any(e["action"] == "create" for e in data["audit_events"])
    assert [e["what"] for e in data["access_events"]] == ["person.export"]
    assert data["access_events"][0]["actor"] == "chong"


def test_the_export_by_nric_is_the_same_person(case, person, devi):
    response = _client(devi).get("/people/850315-14-5677/export.json")

    assert response.status_code == 200
    assert json.loads(response.content)["person"]["id"] == person.pk


def test_the_export_as_pdf(case, person, chong):
    response = _client(chong).get(f"/people/{person.pk}/export.pdf")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert _exports(person) == 1


def test_the_export_page_offers_both_downloads(case, person, chong):
    response = _client(chong).get(f"/people/{person.pk}/export/")

    assert response.status_code == 200
    page = response.content.decode()
    assert case.number in page
    assert f"/people/{person.pk}/export.pdf" in page
    assert f"/people/{person.pk}/export.json" in page


# --- The export: who may, and the record of it.


def test_the_export_is_recorded_once(case, person, chong):
    _client(chong).get(f"/people/{person.pk}/export.json")

    assert _exports(person) == 1


@pytest.mark.parametrize("who", ["farid", "gopal", "aisyah", "bala", "ehsan"])
def test_the_export_is_refused_as_if_the_person_did_not_exist(case, person, who, request):
    user = request.getfixturevalue(who)

    refused = _client(user).get(f"/people/{person.pk}/export.json")
    missing = _client(user).get("/people/999999/export.json")

    assert refused.status_code == 404
    assert missing.status_code == 404
    assert _exports(person) == 0


def test_a_refused_and_an_allowed_export_leave_exactly_one_record(case, person, farid, chong):
    assert _client(farid).get(f"/people/{person.pk}/export.json").status_code == 404
    assert _client(chong).get(f"/people/{person.pk}/export.json").status_code == 200

    assert _exports(person) == 1


def test_anonymous_visitors_are_sent_to_sign_in(case, person):
    response = _client().get(f"/people/{person.pk}/export.json")

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_the_api_gives_the_same_export(case, person, devi, ehsan, farid):
    allowed = _client(devi).get(f"/api/v1/people/{person.pk}/export")
    analyst = _client(ehsan).get(f"/api/v1/people/{person.pk}/export")
    outsider = _client(farid).get(f"/api/v1/people/{person.pk}/export")

    assert allowed.status_code == 200
    assert allowed.json()["person"]["full_name"] == "Ahmad bin Ismail"
    assert analyst.status_code == 403
    assert outsider.status_code == 404
    assert _exports(person) == 1


def test_the_command_writes_the_export(case, person, chong, tmp_path):
    out = tmp_path / "export.json"

    call_command(
        "export_person",
        "850315145677",
        "--format",
        "json",
        "--out",
        str(out),
        "--as",
        "chong",
        verbosity=0,
    )

    assert json.loads(out.read_text())["person"]["full_name"] == "Ahmad bin Ismail"
    assert _exports(person) == 1


def test_the_command_writes_a_pdf(case, person, tmp_path):
    out = tmp_path / "export.pdf"

    call_command("export_person", str(person.pk), "--format", "pdf", "--out", str(out), verbosity=0)

    assert out.read_bytes().startswith(b"%PDF-")


def _reachable_models(model, depth=0, found=None):
    found = set() if found is None else found
    for rel in pdpa._reverse_relations(model):
        label = rel.related_model._meta.label_lower
        if label not in found:
            found.add(label)
            if depth + 1 < pdpa.MAX_DEPTH:
                _reachable_models(rel.related_model, depth + 1, found)
    return found


def test_every_model_about_a_person_has_been_reviewed_for_the_export():
    unreviewed = sorted(
        label
        for label in _reachable_models(InsuredPerson)
        if label not in pdpa.EXPORT_FIELDS and label not in pdpa.REVIEWED_ALL_FIELDS
    )

    assert not unreviewed, (
        f"{unreviewed} hold data about a person and are exported with every field: check "
        "that is right, then add them to REVIEWED_ALL_FIELDS (or list the fields to "
        "export in EXPORT_FIELDS) in kembali/people/pdpa.py"
    )


# --- Retention.


def _years_ago(years: int) -> dt.datetime:
    return timezone.now() - dt.timedelta(days=round(365.25 * years))


def _aggregates() -> dict:
    people = InsuredPerson.objects.annotate(birth_year=ExtractYear("date_of_birth"))
    return {
        "sex": sorted(people.values_list("sex").annotate(n=Count("id"))),
        "state": sorted(people.values_list("state_id").annotate(n=Count("id"))),
        "age_band": sorted(
            (year // 10 * 10, n)
            for year, n in people.values_list("birth_year").annotate(n=Count("id"))
        ),
        "rtw_level": sorted(Case.objects.values_list("rtw_level").annotate(n=Count("id")), key=str),
        "status": sorted(Case.objects.values_list("status").annotate(n=Count("id"))),
        "cost": str(sum(i.cost for i in Intervention.objects.all())),
    }


@pytest.fixture
def retention(kl_office, aisyah, chong):
    old = PersonFactory(
        full_name="Old Closed",
        phone="0111",
        email="old@example.com",
        address="1 Jalan Lama",
        sex=Sex.FEMALE,
        date_of_birth=dt.date(1970, 11, 23),
        state=state("07"),
    )
    recent = PersonFactory(full_name="Recently Closed", phone="0122")
    still_open = PersonFactory(full_name="Still Open", phone="0133")
    _full_case(old, kl_office, aisyah, closed_at=_years_ago(8), rtw_level=4)
    _full_case(recent, kl_office, aisyah, closed_at=_years_ago(6), rtw_level=1)
    _full_case(still_open, kl_office, aisyah, closed_at=_years_ago(9), rtw_level=2)
    _full_case(still_open, kl_office, aisyah)
    return old, recent, still_open


def test_only_people_whose_cases_all_closed_long_ago_are_anonymised(retention, settings):
    old, recent, still_open = retention

    call_command("anonymise_closed", "--years", "7", verbosity=0)

    old.refresh_from_db()
    recent.refresh_from_db()
    still_open.refresh_from_db()
    assert old.anonymised_at is not None
    assert old.full_name == f"Anonymised person {old.pk}"
    assert recent.full_name == "Recently Closed" and recent.anonymised_at is None
    assert still_open.full_name == "Still Open" and still_open.anonymised_at is None


def test_anonymisation_removes_what_identifies_and_keeps_what_reports_count(retention):
    old = retention[0]
    case = old.cases.get()
    consent_file = case.consents.get().signed_form.name
    storage = case.consents.get().signed_form.storage
    assert storage.exists(consent_file)

    call_command("anonymise_closed", "--years", "7", verbosity=0)

    old.refresh_from_db()
    assert old.nric == f"X{old.pk:011d}"
    assert (old.phone, old.email, old.address, old.postcode, old.socso_number) == ("",) * 5
    assert old.date_of_birth == dt.date(1970, 7, 1)
    assert old.sex == Sex.FEMALE and old.state_id == "07"
    case.refresh_from_db()
    assert case.status == Status.CLOSED and case.rtw_level == 4 and case.closed_at
    assert case.referred_by == ""
    assert case.eligibility.matched_rules == [1]
    assert case.eligibility.facts["date_of_birth"] == "1970-07-01"
    injury = old.injuries.get()
    assert injury.description == "" and (injury.kind, injury.body_part, injury.icd10) == (
        "industrial",
        "back",
        "S32",
    )
    assessment = case.assessments.get()
    assert assessment.medical_notes == "" and assessment.person_goal == ""
    assert assessment.medical_rating == 2
    assert case.notes.get().text == ""
    assert case.contacts.get().party_name == "" and case.contacts.get().summary == ""
    assert case.tasks.get().title == ""
    consent = case.consents.get()
    assert consent.signed_form.name == "" and not storage.exists(consent_file)
    assert consent.joins_programme is True
    intervention = Intervention.objects.get(plan__case=case)
    assert intervention.cost == Decimal("1500.00") and intervention.description == ""
    assert case.outcomes.get().level == 4


def test_anonymisation_leaves_the_report_figures_unchanged(retention):
    before = _aggregates()

    call_command("anonymise_closed", "--years", "7", verbosity=0)

    assert InsuredPerson.objects.exclude(anonymised_at=None).count() == 1
    assert _aggregates() == before


def test_anonymisation_is_audited_once_per_person_without_personal_values(retention):
    old = retention[0]

    call_command("anonymise_closed", "--years", "7", verbosity=0)
    call_command("anonymise_closed", "--years", "7", verbosity=0)

    (event,) = AuditEvent.objects.filter(action="anonymise")
    assert (event.object_type, event.object_id) == ("people.insuredperson", str(old.pk))
    assert event.changes == {}
    assert "Old Closed" not in event.object_repr and "Old Closed" not in event.reason


def test_a_dry_run_counts_and_changes_nothing(retention, capsys):
    call_command("anonymise_closed", "--years", "7", "--dry-run")

    assert "1 people would be anonymised" in capsys.readouterr().out
    assert not InsuredPerson.objects.exclude(anonymised_at=None).exists()
    assert not AuditEvent.objects.filter(action="anonymise").exists()


def test_the_retention_period_comes_from_settings(retention, settings):
    settings.KEMBALI_RETENTION_YEARS = 5

    assert pdpa.people_anonymise_closed(years=settings.KEMBALI_RETENTION_YEARS) == 2


def test_anonymisation_runs_in_batches(kl_office, aisyah):
    people = [PersonFactory() for _ in range(5)]
    for p in people:
        CaseFactory(person=p, office=kl_office, status=Status.CLOSED, closed_at=_years_ago(10))

    assert pdpa.people_anonymise_closed(years=7, batch_size=2) == 5
    assert not InsuredPerson.objects.filter(anonymised_at=None).exists()


def test_anonymisation_erases_personal_values_from_earlier_audit_events(retention, chong):
    from kembali.audit.services import audit_record

    old, recent, _ = retention
    audit_record(actor=chong, action="update", obj=old, changes={"phone": ["0100", "0111"]})
    audit_record(actor=chong, action="update", obj=recent, changes={"phone": ["0199", "0122"]})

    call_command("anonymise_closed", "--years", "7", verbosity=0)

    (scrubbed,) = AuditEvent.objects.filter(action="update", object_id=str(old.pk))
    assert scrubbed.object_repr == "[anonymised]"
    assert scrubbed.changes == {"phone": ["[anonymised]", "[anonymised]"]}
    assert scrubbed.actor == chong  # who did what, and when, stays
    (kept,) = AuditEvent.objects.filter(action="update", object_id=str(recent.pk))
    assert kept.object_repr == "Recently Closed"
    assert kept.changes == {"phone": ["0199", "0122"]}
