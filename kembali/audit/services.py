"""Writing the audit trail. Every service that changes data calls audit_record;
every view or export of identity or health data calls access_record."""

from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import connections, models, router, transaction
from django.db.models.signals import post_save, pre_save
from django.db.models.sql import InsertQuery

from kembali.audit.models import AccessEvent, AuditEvent
from kembali.core.prepared_sql import fetch_all, native_sql

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
    """Record a read of identity or health data; returns the saved event."""
    ip = None
    if request is not None:
        ip = request.META.get("REMOTE_ADDR")
    event = AccessEvent(
        actor=actor if actor is not None and actor.is_authenticated else None,
        office=getattr(actor, "office", None),
        what=what,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        ip_address=ip,
        case_id=case_id_of(obj, case),
    )
    alias = router.db_for_write(AccessEvent, instance=event)
    if pre_save.has_listeners(AccessEvent) or post_save.has_listeners(AccessEvent):
        event.save(using=alias)  # what a receiver expects: the ORM's save, signals and all
        return event
    prepared = _ACCESS_INSERT.get(alias)
    if prepared is None:
        prepared = _ACCESS_INSERT[alias] = _PreparedInsert(AccessEvent, alias)
    prepared.insert(event)
    return event


class _PreparedInsert:
    """The INSERT of one row of `model`, its SQL built once per database alias by the
    ORM's own insert compiler, then run with each row's values prepared as save()
    prepares them (field.pre_save, then get_db_prep_save).

    Every page that shows a case writes an access event, and create() spent two
    thirds of its time building the statement (the instance's save machinery, the
    InsertQuery and its compiler, Django's rewrite of its placeholders for SQLite)
    rather than running it. For a model whose save() adds nothing on insert, with no
    pre_save or post_save receiver (access_record falls back to save() when one is
    connected), on SQLite and PostgreSQL."""

    def __init__(self, model: type[models.Model], alias: str):
        meta = model._meta
        self.alias = alias
        self.fields = [
            field
            for field in meta.local_concrete_fields
            if field is not meta.auto_field and not field.generated
        ]
        query = InsertQuery(model)
        query.insert_values(self.fields, [model()])
        compiler = query.get_compiler(alias)
        compiler.returning_fields = meta.db_returning_fields
        [(self.sql, params)] = compiler.as_sql()
        if len(params) != len(self.fields):  # never expected: one parameter per field
            raise RuntimeError(f"prepared insert: {len(params)} parameters, not one a field")
        self.native = native_sql(compiler.connection, self.sql)
        self.returns = bool(compiler.returning_fields) and (
            compiler.connection.features.can_return_columns_from_insert
        )
        self.pk = meta.pk

    def insert(self, instance: models.Model) -> None:
        """Insert `instance` (not yet saved) and give it its primary key, as save()
        would."""
        connection = connections[self.alias]
        params = tuple(
            field.get_db_prep_save(field.pre_save(instance, True), connection)
            for field in self.fields
        )
        with transaction.mark_for_rollback_on_error(self.alias):
            if self.returns:  # INSERT ... RETURNING: its one row
                pk = fetch_all(connection, self.sql, self.native, params)[0][0]
            else:
                with connection.cursor() as cursor:
                    cursor.execute(self.sql, params)
                    pk = connection.ops.last_insert_id(
                        cursor, self.pk.model._meta.db_table, self.pk.column
                    )
        setattr(instance, self.pk.attname, pk)
        instance._state.adding = False
        instance._state.db = self.alias


# The prepared INSERT of an access event, per database alias.
_ACCESS_INSERT: dict[str, _PreparedInsert] = {}


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
