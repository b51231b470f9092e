"""Notes, contacts and tasks: written from the case page, shown on it, and the
user's own tasks across cases."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from kembali.audit.models import AuditEvent
from kembali.cases.models import CaseContact, CaseNote, CaseTask, Status
from kembali.cases.services_monitoring import (
    MonitoringError,
    note_create,
    task_complete,
    task_create,
)
from kembali.cases.workflow import TransitionForbidden
from tests.factories import CaseFactory, PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(kl_office, aisyah, bala):
    return CaseFactory(
        office=kl_office,
        status=Status.IN_REHABILITATION,
        case_manager=aisyah,
        placement_officer=bala,
        person=PersonFactory(full_name="Siti Aminah binti Yusof"),
    )


def detail(case) -> str:
    return reverse("cases:detail", args=[case.number])


def test_case_manager_adds_a_note_and_sees_it_on_the_timeline(client, aisyah, case):
    client.force_login(aisyah)
    response = client.post(
        reverse("cases:note_new", args=[case.number]),
        {"text": "Siti says the physiotherapy helps; she wants to drive again."},
    )
    assert response.status_code == 302
    page = client.get(detail(case)).content.decode()
    assert "Siti says the physiotherapy helps" in page
    note = CaseNote.objects.get(case=case)
    assert note.author == aisyah
    assert AuditEvent.objects.filter(object_type="cases.casenote", action="create").count() == 1


def test_an_empty_note_is_refused_with_an_error_summary(client, aisyah, case):
    client.force_login(aisyah)
    response = client.post(reverse("cases:note_new", args=[case.number]), {"text": "  "})
    assert response.status_code == 422
    page = response.content.decode()
    assert "There is a problem" in page
    assert 'href="#id_text"' in page
    assert not CaseNote.objects.exists()


def test_contact_with_a_follow_up_date_adds_a_task_for_the_case_manager(client, bala, case):
    client.force_login(bala)
    response = client.post(
        reverse("cases:contact_new", args=[case.number]),
        {
            "party": "employer",
            "party_name": "Encik Rahim, HR",
            "method": "phone",
            "contact_date": (timezone.localdate() - dt.timedelta(days=1)).isoformat(),
            "contact_time": "10:30",
            "summary": "The employer can offer light duties from next month.",
            "follow_up_needed": "on",
            "follow_up_by": (timezone.localdate() + dt.timedelta(days=7)).isoformat(),
        },
    )
    assert response.status_code == 302
    contact = CaseContact.objects.get(case=case)
    assert (contact.party, contact.method, contact.follow_up_needed) == ("employer", "phone", True)
    task = CaseTask.objects.get(case=case)
    assert task.assigned_to == case.case_manager
    page = client.get(detail(case)).content.decode()
    assert "Contact with Employer (Encik Rahim, HR) by phone" in page
    assert "light duties" in page
    assert "Follow up the contact with Encik Rahim, HR" in page


def test_a_follow_up_date_without_follow_up_needed_is_refused(client, aisyah, case):
    client.force_login(aisyah)
    response = client.post(
        reverse("cases:contact_new", args=[case.number]),
        {
            "party": "doctor",
            "method": "visit",
            "contact_date": timezone.localdate().isoformat(),
            "summary": "Reviewed at the clinic.",
            "follow_up_by": (timezone.localdate() + dt.timedelta(days=3)).isoformat(),
        },
    )
    assert response.status_code == 422
    assert "Tick “follow-up needed”" in response.content.decode()
    assert not CaseContact.objects.exists()


def test_task_defaults_to_the_case_manager_and_shows_as_due_next(client, chong, aisyah, case):
    client.force_login(chong)
    form = client.get(reverse("cases:task_new", args=[case.number])).content.decode()
    assert f'<option value="{aisyah.pk}" selected>' in form
    due = timezone.localdate() + dt.timedelta(days=5)
    response = client.post(
        reverse("cases:task_new", args=[case.number]),
        {
            "title": "Call the panel physiotherapist",
            "due_date": due.isoformat(),
            "assigned_to": aisyah.pk,
        },
    )
    assert response.status_code == 302
    page = client.get(detail(case)).content.decode()
    assert 'data-testid="open-tasks"' in page
    assert "Call the panel physiotherapist" in page


def test_task_cannot_be_given_to_someone_off_the_case(aisyah, farid, case):
    with pytest.raises(MonitoringError):
        task_create(
            case=case,
            actor=aisyah,
            title="Visit",
            due_date=timezone.localdate(),
            assigned_to=farid,
        )


def test_someone_from_another_office_cannot_add_notes(client, farid, gopal, case):
    client.force_login(farid)
    assert client.get(reverse("cases:note_new", args=[case.number])).status_code == 404
    with pytest.raises(TransitionForbidden):
        note_create(case=case, actor=gopal, text="Not my case")


def test_marking_a_task_done_twice_says_who_did_it(aisyah, chong, case):
    task = task_create(
        case=case, actor=aisyah, title="Send the report", due_date=timezone.localdate()
    )
    task_complete(task=task, actor=chong)
    with pytest.raises(MonitoringError, match="Chong Mei Ling already marked this task done"):
        task_complete(task=CaseTask.objects.get(pk=task.pk), actor=aisyah)
    assert AuditEvent.objects.filter(object_type="cases.casetask", action="complete").count() == 1


def test_my_tasks_lists_open_tasks_overdue_first(client, aisyah, chong, kl_office, case):
    other = CaseFactory(office=kl_office, status=Status.ASSESSED, case_manager=aisyah)
    with time_machine.travel(dt.datetime(2026, 3, 1, 9, tzinfo=dt.UTC), tick=False):
        late = task_create(
            case=other, actor=chong, title="Chase the consent form", due_date=dt.date(2026, 3, 2)
        )
    soon = task_create(
        case=case,
        actor=chong,
        title="Book the work-site visit",
        due_date=timezone.localdate() + dt.timedelta(days=2),
    )
    done = task_create(
        case=case,
        actor=chong,
        title="Already done",
        due_date=timezone.localdate() + dt.timedelta(days=1),
    )
    task_complete(task=done, actor=aisyah)
    task_create(
        case=case,
        actor=chong,
        title="For the supervisor",
        due_date=timezone.localdate(),
        assigned_to=chong,
    )

    client.force_login(aisyah)
    page = client.get(reverse("cases:my_tasks")).content.decode()
    assert "2 open tasks, 1 overdue" in page
    assert page.index(late.title) < page.index(soon.title)
    assert "Already done" not in page and "For the supervisor" not in page

    # Done from the list: it leaves the list.
    response = client.post(
        reverse("cases:task_done", args=[case.number, soon.pk]), {"next": "my_tasks"}
    )
    assert response.status_code == 302 and response["Location"] == reverse("cases:my_tasks")
    page = client.get(reverse("cases:my_tasks")).content.decode()
    assert "“Book the work-site visit” is done." in page
    assert "1 open task, 1 overdue" in page


def test_case_page_costs_the_same_with_many_notes_and_tasks(
    client, aisyah, case, django_assert_num_queries, settings
):
    # Every view reads its timeline here (none is kept between views): the counts
    # compared are those of a page that reads it.
    settings.KEMBALI_TIMELINE_KEPT = 0
    client.force_login(aisyah)
    note_create(case=case, actor=aisyah, text="First")
    task_create(case=case, actor=aisyah, title="One", due_date=timezone.localdate())
    client.get(detail(case))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as first:
        client.get(detail(case))
    for i in range(5):
        note_create(case=case, actor=aisyah, text=f"Note {i}")
        task_create(case=case, actor=aisyah, title=f"Task {i}", due_date=timezone.localdate())
    with django_assert_num_queries(len(first.captured_queries)):
        client.get(detail(case))


def test_pages_speak_malay(client, aisyah, case):
    task_create(case=case, actor=aisyah, title="Telefon majikan", due_date=timezone.localdate())
    client.force_login(aisyah)
    client.cookies["django_language"] = "ms"
    page = client.get(reverse("cases:my_tasks"), HTTP_ACCEPT_LANGUAGE="ms").content.decode()
    assert "Tugasan saya" in page
    page = client.get(detail(case), HTTP_ACCEPT_LANGUAGE="ms").content.decode()
    assert "Tugasan terbuka" in page
