"""Disability equality trainings: the sessions, attendance and the counts per year."""

import datetime as dt

import pytest
from django.urls import reverse

from kembali.audit.models import AuditEvent
from kembali.employers.models import Training, TrainingAttendance
from kembali.employers.selectors import TrainingYear, training_counts_per_year
from kembali.employers.trainings import (
    TrainingError,
    attendance_set,
    training_create,
    training_delete,
)
from tests.factories import EmployerFactory, state

pytestmark = pytest.mark.django_db


def training(actor, date, topic="Disability equality for employers"):
    return training_create(
        actor=actor,
        data={
            "date": date,
            "place": "Menara PERKESO",
            "state": state("14"),
            "trainer": "Dr Aminah",
            "topic": topic,
        },
    )


def test_counts_per_year_are_trainings_held_distinct_employers_and_people(bala):
    a, b, c = EmployerFactory(), EmployerFactory(), EmployerFactory()
    # 2025: two trainings; a twice (counted once), b once; c invited but absent.
    t1 = training(bala, dt.date(2025, 3, 1))
    t2 = training(bala, dt.date(2025, 11, 20))
    attendance_set(actor=bala, training=t1, employer=a, people=3)
    attendance_set(actor=bala, training=t1, employer=c, attended=False, people=0)
    attendance_set(actor=bala, training=t2, employer=a, people=1)
    attendance_set(actor=bala, training=t2, employer=b, people=2)
    # 2026: one training, nobody recorded yet.
    training(bala, dt.date(2026, 1, 15))
    assert training_counts_per_year() == [
        TrainingYear(year=2026, trainings=1, employers_trained=0, people_trained=0),
        TrainingYear(year=2025, trainings=2, employers_trained=2, people_trained=6),
    ]


def test_changing_attendance_updates_the_same_row(bala):
    employer = EmployerFactory()
    session = training(bala, dt.date(2025, 3, 1))
    attendance_set(actor=bala, training=session, employer=employer, people=2)
    attendance_set(actor=bala, training=session, employer=employer, attended=False, people=0)
    assert TrainingAttendance.objects.get().attended is False
    assert AuditEvent.objects.filter(action="training.attendance_add").count() == 1
    assert AuditEvent.objects.filter(action="training.attendance_update").count() == 1


def test_an_employer_that_attended_sent_someone(bala):
    with pytest.raises(TrainingError, match="at least 1 person"):
        attendance_set(
            actor=bala,
            training=training(bala, dt.date(2025, 3, 1)),
            employer=EmployerFactory(),
            people=0,
        )


def test_the_trainings_page_crud(client, bala):
    employer = EmployerFactory(employer_code="E140000055", name="Kedai Runcit Ali")
    client.force_login(bala)
    response = client.post(
        reverse("employers:training_new"),
        {
            "date": "2026-02-10",
            "place": "Dewan Seri",
            "state": "10",
            "trainer": "Encik Ravi",
            "topic": "Inclusive hiring",
        },
    )
    session = Training.objects.get()
    assert response.status_code == 302
    client.post(
        reverse("employers:training_detail", args=[session.pk]),
        {"employer_code": "E140000055", "attended": "on", "people": "4"},
    )
    page = client.get(reverse("employers:training_list")).content.decode()
    assert "Inclusive hiring" in page
    assert "Trainings held" in page
    detail = client.get(reverse("employers:training_detail", args=[session.pk])).content.decode()
    assert "Kedai Runcit Ali" in detail
    client.post(
        reverse("employers:training_edit", args=[session.pk]),
        {
            "date": "2026-02-11",
            "place": "Dewan Seri",
            "state": "10",
            "trainer": "Encik Ravi",
            "topic": "Inclusive hiring",
        },
    )
    session.refresh_from_db()
    assert session.date == dt.date(2026, 2, 11)
    assert AuditEvent.objects.filter(action="training.update").get().changes == {
        "date": ["2026-02-10", "2026-02-11"]
    }
    employer_page = client.get(reverse("employers:detail", args=[employer.pk])).content.decode()
    assert "attended with 4 people" in employer_page
    client.post(reverse("employers:training_delete", args=[session.pk]))
    assert not Training.objects.exists()


def test_an_unknown_employer_code_on_the_attendance_form(client, bala):
    session = training(bala, dt.date(2025, 3, 1))
    client.force_login(bala)
    response = client.post(
        reverse("employers:training_detail", args=[session.pk]),
        {"employer_code": "E149999999", "people": "1"},
    )
    assert response.status_code == 422
    assert "No employer on file has the code E149999999." in response.content.decode()


def test_delete_is_audited_once(bala):
    session = training(bala, dt.date(2025, 3, 1))
    training_delete(actor=bala, training=session)
    assert AuditEvent.objects.filter(action="training.delete").count() == 1
