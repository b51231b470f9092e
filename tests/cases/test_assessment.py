"""The initial assessment: who records it, what it checks, what it leaves behind,
and how the case page shows it."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from kembali.audit.models import AuditEvent
from kembali.cases.models import Assessment, Case, Status, Transition
from kembali.cases.services_assessment import StepInvalid, assessment_record
from kembali.cases.workflow import CaseConflict, TransitionForbidden, TransitionNotAllowed
from tests.factories import CaseFactory, PersonFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
REFERRED = TODAY - dt.timedelta(days=30)


@pytest.fixture
def case(kl_office, aisyah):
    return CaseFactory(
        office=kl_office,
        case_manager=aisyah,
        status=Status.ASSIGNED,
        referral_date=REFERRED,
        person=PersonFactory(full_name="Rosli bin Osman"),
    )


def ratings(**overrides):
    values = {
        "assessed_on": TODAY - dt.timedelta(days=2),
        "person_goal": "Saya mahu kembali memandu lori di syarikat yang sama.",
        "medical_rating": 2,
        "functional_rating": 3,
        "psychosocial_rating": 1,
        "workplace_rating": 0,
        "vocational_rating": 1,
        "functional_notes": "Cannot lift more than 5 kg.",
    }
    values.update(overrides)
    return values


def form_data(case, **overrides):
    data = {k: str(v) for k, v in ratings().items()}
    data["version"] = str(case.version)
    data.update({k: str(v) for k, v in overrides.items()})
    return data


def test_the_case_manager_records_the_initial_assessment_and_the_case_is_assessed(case, aisyah):
    version = case.version
    assessment = assessment_record(case=case, actor=aisyah, expected_version=version, **ratings())

    case.refresh_from_db()
    assert case.status == Status.ASSESSED
    assert case.version > version
    assert assessment.is_initial
    assert assessment.assessed_by == aisyah
    assert assessment.functional_rating == 3
    assert assessment.functional_notes == "Cannot lift more than 5 kg."
    transition = Transition.objects.get(case=case)
    assert (transition.from_status, transition.to_status, transition.actor) == (
        Status.ASSIGNED,
        Status.ASSESSED,
        aisyah,
    )


def test_recording_an_assessment_is_audited_once(case, aisyah):
    assessment = assessment_record(case=case, actor=aisyah, **ratings())
    created = AuditEvent.objects.filter(
        object_type="cases.assessment", object_id=str(assessment.pk)
    )
    assert [e.action for e in created] == ["create"]
    assert created.get().changes["functional_rating"] == [None, 3]
    moved = AuditEvent.objects.filter(object_type="cases.case", object_id=str(case.pk))
    assert [e.action for e in moved] == ["transition"]


@pytest.mark.parametrize("who", ["bala", "farid", "gopal", "ehsan"])
def test_no_one_but_the_case_manager_records_it(case, who, request):
    user = request.getfixturevalue(who)
    with pytest.raises(TransitionForbidden):
        assessment_record(case=case, actor=user, **ratings())
    case.refresh_from_db()
    assert case.status == Status.ASSIGNED
    assert not Assessment.objects.exists()


def test_a_supervisor_is_told_the_case_manager_records_the_first_one(case, chong):
    with pytest.raises(TransitionForbidden, match="The case manager records the initial"):
        assessment_record(case=case, actor=chong, **ratings())


def test_a_case_not_yet_assigned_cannot_be_assessed(kl_office, aisyah):
    case = CaseFactory(
        office=kl_office, case_manager=aisyah, status=Status.ELIGIBLE, referral_date=REFERRED
    )
    with pytest.raises(TransitionNotAllowed, match="this case is “Eligible”"):
        assessment_record(case=case, actor=aisyah, **ratings())


@pytest.mark.parametrize(
    ("assessed_on", "message"),
    [
        (TODAY + dt.timedelta(days=1), "The date of the assessment cannot be in the future."),
        (REFERRED - dt.timedelta(days=1), "The assessment cannot date from before the referral"),
    ],
)
def test_impossible_dates_are_refused_with_a_clear_message(case, aisyah, assessed_on, message):
    with pytest.raises(StepInvalid) as error:
        assessment_record(case=case, actor=aisyah, **ratings(assessed_on=assessed_on))
    assert message in error.value.errors["assessed_on"][0]
    assert not Assessment.objects.exists()


def test_the_persons_goal_is_required(case, aisyah):
    with pytest.raises(StepInvalid) as error:
        assessment_record(case=case, actor=aisyah, **ratings(person_goal="   "))
    assert error.value.errors == {"person_goal": ["Enter the person's own goal, in their words."]}


def test_a_reassessment_later_keeps_history_and_does_not_move_the_case(case, aisyah, chong):
    first = assessment_record(case=case, actor=aisyah, **ratings())
    Case.objects.filter(pk=case.pk).update(status=Status.CONSENTED)
    case.refresh_from_db()
    version = case.version
    second = assessment_record(
        case=case,
        actor=chong,
        expected_version=version,
        **ratings(functional_rating=1, assessed_on=TODAY),
    )
    case.refresh_from_db()
    assert case.status == Status.CONSENTED
    assert case.version == version + 1
    assert not second.is_initial
    assert list(Assessment.objects.filter(case=case)) == [second, first]
    assert Transition.objects.filter(case=case).count() == 1


def test_a_stale_assessment_is_refused(case, aisyah):
    with pytest.raises(CaseConflict):
        assessment_record(case=case, actor=aisyah, expected_version=case.version - 1, **ratings())


# --- the pages


def new_url(case):
    return reverse("cases:assessment_new", args=[case.number])


def test_the_form_records_the_assessment_and_the_case_page_shows_it(client, case, aisyah):
    client.force_login(aisyah)
    page = client.get(reverse("cases:detail", args=[case.number])).content.decode()
    assert "Record the initial assessment" in page
    assert new_url(case) in page

    assert client.get(new_url(case)).status_code == 200
    response = client.post(new_url(case), form_data(case))
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:detail", args=[case.number])

    response = client.get(reverse("cases:detail", args=[case.number]))
    page = response.content.decode()
    assert "Initial assessment of" in page
    assert "Functional capacity: severe barrier to return" in page
    assert "Saya mahu kembali memandu lori" in page
    assert "Record the consent" in page  # the next step is offered

    page = client.get(reverse("cases:assessment", args=[case.number])).content.decode()
    assert "Cannot lift more than 5 kg." in page
    assert "3 – Severe barrier to return" in page


def test_the_form_shows_date_errors_in_the_summary_and_changes_nothing(client, case, aisyah):
    client.force_login(aisyah)
    future = (TODAY + dt.timedelta(days=3)).isoformat()
    response = client.post(new_url(case), form_data(case, assessed_on=future, person_goal=""))
    assert response.status_code == 422
    page = response.content.decode()
    assert "There is a problem" in page
    assert 'href="#id_person_goal"' in page
    assert "Enter the person&#x27;s own goal, in their words." in page
    response = client.post(new_url(case), form_data(case, assessed_on=future))
    assert response.status_code == 422
    assert "The date of the assessment cannot be in the future." in response.content.decode()
    assert 'href="#id_assessed_on"' in response.content.decode()
    case.refresh_from_db()
    assert case.status == Status.ASSIGNED


def test_a_missing_rating_is_named(client, case, aisyah):
    client.force_login(aisyah)
    data = form_data(case)
    del data["psychosocial_rating"]
    response = client.post(new_url(case), data)
    assert response.status_code == 422
    assert "Choose a rating for “Psychosocial”." in response.content.decode()


def test_a_stale_form_is_refused_with_a_clear_message(client, case, aisyah):
    client.force_login(aisyah)
    data = form_data(case)
    Case.objects.filter(pk=case.pk).update(version=case.version + 1)
    response = client.post(new_url(case), data)
    assert response.status_code == 409
    assert "since you opened it; reload and try again" in response.content.decode()
    assert not Assessment.objects.exists()


def test_other_offices_get_404_and_others_403(client, case, farid, bala):
    client.force_login(farid)
    assert client.get(new_url(case)).status_code == 404
    assert client.get(reverse("cases:assessment", args=[case.number])).status_code == 404
    client.force_login(bala)  # sees nothing of a case he is not on
    assert client.get(new_url(case)).status_code == 404


def test_a_supervisor_sees_the_page_but_may_not_record_the_first_assessment(client, case, chong):
    client.force_login(chong)
    assert client.get(reverse("cases:assessment", args=[case.number])).status_code == 200
    assert client.get(new_url(case)).status_code == 403


def test_the_assessment_form_speaks_malay(client, case, aisyah):
    client.force_login(aisyah)
    client.cookies["django_language"] = "ms"
    page = client.get(new_url(case)).content.decode()
    assert "Rekodkan penilaian awal" in page
    assert "Keupayaan fungsian" in page
    assert "3 – Halangan besar untuk kembali bekerja" in page
