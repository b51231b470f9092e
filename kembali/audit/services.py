"""Writing the audit trail. Every service that changes data calls audit_record;
every view or export of identity or health data calls access_record."""

from typing import Any

from django.db import models

from kembali.audit.models import AccessEvent, AuditEvent


def _jsonable(value: Any) -> Any:
    if isinstance(value, models.Model):
        return value.pk
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


def diff_fields(old: dict[str, Any], new: dict[str, Any]) -> dict[str, list[Any]]:
    """The fields whose value changed, as {field: [old, new]}."""
    return {
        key: [_jsonable(old.get(key)), _jsonable(value)]
        for key, value in new.items()
        if _jsonable(old.get(key)) != _jsonable(value)
    }


def audit_record(
    *,
    actor,
    action: str,
    obj: models.Model,
    changes: dict[str, Any] | None = None,
    reason: str = "",
    office=None,
) -> AuditEvent:
    return AuditEvent.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        office=office if office is not None else getattr(actor, "office", None),
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        changes={k: [_jsonable(v[0]), _jsonable(v[1])] for k, v in (changes or {}).items()},
        reason=reason,
    )


def access_record(*, actor, what: str, obj: models.Model, request=None) -> AccessEvent:
    ip = None
    if request is not None:
        ip = request.META.get("REMOTE_ADDR")
    return AccessEvent.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        office=getattr(actor, "office", None),
        what=what,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        ip_address=ip,
    )
