"""Writing the audit trail. Every service that changes data calls audit_record;
every view or export of identity or health data calls access_record."""

from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models

from kembali.audit.models import AccessEvent, AuditEvent

# The audit app is a floor below cases and must not import it: the case model is
# known by its label.
CASE_LABEL = "cases.case"


def _belongs_to_a_case(model) -> bool:
    try:
        field = model._meta.get_field("case")
    except FieldDoesNotExist:
        return False
    return bool(field.is_relation and field.related_model._meta.label_lower == CASE_LABEL)


def case_id_of(obj: models.Model, case=None) -> int | None:
    """The id of the case an audited object is about, so a search by case number
    finds every event of the case: the case itself, its plans, consents, notes,
    placements. Taken from ``case`` when given, else from the object (a case; a
    row with a ``case``; a row whose parent has one, such as a plan's
    intervention). None for what belongs to no single case (a person, an
    employer, a user)."""
    if case is not None:
        return case.pk if isinstance(case, models.Model) else int(case)
    if obj._meta.label_lower == CASE_LABEL:
        return obj.pk
    if _belongs_to_a_case(obj._meta.model):  # obj may be a lazy request.user
        return obj.case_id
    for field in obj._meta.concrete_fields:
        if not (field.many_to_one or field.one_to_one) or not _belongs_to_a_case(
            field.related_model
        ):
            continue
        if field.is_cached(obj):
            parent = getattr(obj, field.name)
            if parent is not None:
                return parent.case_id
            continue
        parent_id = getattr(obj, field.attname)
        if parent_id is not None:
            return (
                field.related_model._base_manager.filter(pk=parent_id)
                .values_list("case_id", flat=True)
                .first()
            )
    return None


def _jsonable(value: Any) -> Any:
    if isinstance(value, models.Model):
        return value.pk
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (list, tuple)):
        return [_jsonable(item) for item in value]
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
    case=None,
) -> AuditEvent:
    """Record a change. ``case`` names the case the change is about when the
    object cannot tell (see case_id_of)."""
    return AuditEvent.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        office=office if office is not None else getattr(actor, "office", None),
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        changes={k: [_jsonable(v[0]), _jsonable(v[1])] for k, v in (changes or {}).items()},
        reason=reason,
        case_id=case_id_of(obj, case),
    )


def access_record(*, actor, what: str, obj: models.Model, request=None, case=None) -> AccessEvent:
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
        case_id=case_id_of(obj, case),
    )


REDACTED = "[anonymised]"


def audit_redact(*, objects: list[models.Model]) -> int:
    """Erase the personal values that earlier audit events hold about these objects.

    The retention rule (PDPA) outranks the append-only rule for exactly this: who
    did what, when, and which fields changed stay; the names and values go. Only
    the retention service calls it; no page, API or admin action can. Returns the
    number of events redacted."""
    by_type: dict[str, list[str]] = {}
    for obj in objects:
        by_type.setdefault(obj._meta.label_lower, []).append(str(obj.pk))
    redacted = 0
    for object_type, ids in by_type.items():
        rows = AuditEvent.objects.filter(object_type=object_type, object_id__in=ids)
        for pk, changes in rows.values_list("pk", "changes"):
            scrubbed = {field: [REDACTED, REDACTED] for field in (changes or {})}
            # The append-only queryset refuses update(); go around it on purpose.
            models.QuerySet.update(
                AuditEvent.objects.filter(pk=pk), object_repr=REDACTED, changes=scrubbed
            )
            redacted += 1
    return redacted
