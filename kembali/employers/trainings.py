"""Disability equality trainings for employers: the sessions and who attended."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from kembali.audit.services import audit_record, diff_fields
from kembali.employers.audited import (
    audited_create,
    audited_delete,
    audited_update,
    field_values,
)
from kembali.employers.models import Employer, Training, TrainingAttendance

TRAINING_FIELDS = ("date", "place", "state", "trainer", "topic", "notes")


class TrainingError(Exception):
    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


@transaction.atomic
def training_create(*, actor, data: dict[str, Any]) -> Training:
    return audited_create(
        actor=actor,
        model=Training,
        names=TRAINING_FIELDS,
        values=data,
        action="training.create",
        created_by=actor,
    )


@transaction.atomic
def training_update(*, actor, training: Training, data: dict[str, Any]) -> Training:
    return audited_update(
        actor=actor, obj=training, names=TRAINING_FIELDS, values=data, action="training.update"
    )


@transaction.atomic
def training_delete(*, actor, training: Training) -> None:
    training.attendances.all().delete()
    audited_delete(actor=actor, obj=training, names=TRAINING_FIELDS, action="training.delete")


@transaction.atomic
def attendance_set(
    *, actor, training: Training, employer: Employer, attended: bool = True, people: int = 1
) -> TrainingAttendance:
    """Add an employer to a training, or change whether it came and with how many."""
    if people < 0:
        raise TrainingError(_("The number of people cannot be negative."), field="people")
    if attended and people == 0:
        raise TrainingError(_("An employer that attended sent at least 1 person."), field="people")
    attendance = (
        TrainingAttendance.objects.select_for_update()
        .filter(training=training, employer=employer)
        .first()
    )
    if attendance is None:
        attendance = TrainingAttendance.objects.create(
            training=training, employer=employer, attended=attended, people=people
        )
        audit_record(
            actor=actor,
            action="training.attendance_add",
            obj=attendance,
            changes={"attended": [None, attended], "people": [None, people]},
        )
        return attendance
    old = field_values(attendance, ("attended", "people"))
    attendance.attended, attendance.people = attended, people
    changes = diff_fields(old, field_values(attendance, ("attended", "people")))
    if changes:
        attendance.save()
        audit_record(
            actor=actor, action="training.attendance_update", obj=attendance, changes=changes
        )
    return attendance


@transaction.atomic
def attendance_remove(*, actor, attendance: TrainingAttendance) -> None:
    audit_record(
        actor=actor,
        action="training.attendance_remove",
        obj=attendance,
        changes={"attended": [attendance.attended, None], "people": [attendance.people, None]},
    )
    attendance.delete()
