"""The three audited writes the employer CRM repeats for its plain records
(employers, contacts, trainings): create, update the named fields, delete; each
records old and new values. Callers wrap them in their transaction."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import models

from kembali.audit.services import audit_record, diff_fields


def field_values(obj: models.Model, names: Iterable[str]) -> dict[str, Any]:
    return {name: getattr(obj, name) for name in names}


def audited_create(
    *,
    actor,
    model: type[models.Model],
    names: Iterable[str],
    values: Mapping,
    action: str,
    **extra,
):
    """Create a row from the `names` in `values` (plus `extra`) and audit it."""
    names = tuple(names)
    obj = model.objects.create(**extra, **{k: v for k, v in values.items() if k in names})
    audit_record(
        actor=actor, action=action, obj=obj, changes=diff_fields({}, field_values(obj, names))
    )
    return obj


def audited_update(*, actor, obj: models.Model, names: Iterable[str], values: Mapping, action):
    """Lock the row, set those of `names` given in `values`, and save and audit only
    when something changed. Returns the locked, updated row."""
    obj = type(obj).objects.select_for_update().get(pk=obj.pk)
    names = tuple(names)
    old = field_values(obj, names)
    for name in names:
        if name in values:
            setattr(obj, name, values[name])
    changes = diff_fields(old, field_values(obj, names))
    if changes:
        obj.save()
        audit_record(actor=actor, action=action, obj=obj, changes=changes)
    return obj


def audited_delete(*, actor, obj: models.Model, names: Iterable[str], action: str) -> None:
    names = tuple(names)
    audit_record(
        actor=actor,
        action=action,
        obj=obj,
        changes=diff_fields(field_values(obj, names), dict.fromkeys(names)),
    )
    obj.delete()
