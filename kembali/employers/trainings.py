"""Disability equality trainings for employers: the sessions and who attended."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from kembali.audit.services import audit_record, diff_fields
from kembali.employers.models import Employer, Training, TrainingAttendance

TRAINING_FIELDS = ("date", "place", "state", "trainer", "topic", "notes")


class TrainingError(Exception):
    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


def _values(obj, names) -> dict[str, Any]:
    return {name: getattr(obj, name) for name in names}


@transaction.atomic
def training_create(*, actor, data: dict[str, Any]) -> Training:
    training = Training.objects.create(
        created_by=actor, **{k: v for k, v in data.items() if k in TRAINING_FIELDS}
    )
    audit_record(
        actor=actor,
        action="training.create",
        obj=training,
        changes=diff_fields({}, _values(training, TRAINING_FIELDS)),
    )
    return training


@transaction.atomic
def training_update(*, actor, training: Training, data: dict[str, Any]) -> Training:
    training = Training.objects.select_for_update().get(pk=training.pk)
    old = _values(training, TRAINING_FIELDS)
    for name in TRAINING_FIELDS:
        if name in data:
            setattr(training, name, data[name])
    changes = diff_fields(old, _values(training, TRAINING_FIELDS))
    if changes:
        training.save()
        audit_record(actor=actor, action="training.update", obj=training, changes=changes)
    return training


@transaction.atomic
def training_delete(*, actor, training: Training) -> None:
    audit_record(
        actor=actor,
        action="training.delete",
        obj=training,
        changes=diff_fields(_values(training, TRAINING_FIELDS), dict.fromkeys(TRAINING_FIELDS)),
    )
    training.attendances.all().delete()
    training.delete()


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
    old = _values(attendance, ("attended", "people"))
    attendance.attended, attendance.people = attended, people
    changes = diff_fields(old, _values(attendance, ("attended", "people")))
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
