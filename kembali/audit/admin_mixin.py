"""Changes made in the Django admin go into the audit trail like any other.

Every ModelAdmin of the site uses AuditedAdminMixin: Kembali's own admins name it
in their bases; those of Django and third-party apps (groups, sign-in attempts,
task results) get it when the audit app starts (AuditConfig.ready). A test
checks that no registered admin is left without it.

What is recorded, once per object:
- create: every field that has a value, as [None, value];
- update: the fields that changed, as [old, new], old values read from the
  database before the form touched the object (also for the user admin's
  password page and list_editable rows);
- delete: every field's value, as [value, None], for each object of a bulk
  delete too, in the same transaction as the delete.

Passwords, secrets, token hashes and keys never enter the trail: a change to
one shows as [REDACTED_SECRET, REDACTED_SECRET] (or None where there was none).
"""

import datetime as dt

from django.core.exceptions import FieldDoesNotExist
from django.db import models, transaction

from kembali.audit.services import audit_record

REDACTED_SECRET = "[secret]"
# A field whose name contains one of these holds something to hide.
SECRET_WORDS = ("password", "secret", "token", "key")
REASON = "in the admin"
_SNAPSHOTS = "_kembali_admin_audit_snapshots"


def is_secret_field(name: str) -> bool:
    return any(word in name.lower() for word in SECRET_WORDS)


def field_values(obj: models.Model) -> dict:
    """The object's values by field name: foreign keys as ids, many-to-many
    fields as sorted id lists (read from the database)."""
    values = {
        field.name: getattr(obj, field.attname)
        for field in obj._meta.concrete_fields
        if not field.primary_key  # the event's object_id holds it
    }
    if obj.pk is not None:
        for field in obj._meta.many_to_many:
            values[field.name] = sorted(getattr(obj, field.name).values_list("pk", flat=True))
    return values


def _shown(name: str, value):
    if is_secret_field(name) and value not in (None, ""):
        return REDACTED_SECRET
    return value


def _same(before, after) -> bool:
    if before in (None, "", []) and after in (None, "", []):
        return True
    if isinstance(before, dt.datetime) and isinstance(after, dt.datetime):
        # The admin's date and time inputs keep whole seconds: saving a form
        # unchanged drops the microseconds, which is no one's edit.
        return before.replace(microsecond=0) == after.replace(microsecond=0)
    return before == after


def changed_values(old: dict, new: dict) -> dict[str, list]:
    """{field: [old, new]} for each field whose value differs, secrets hidden.
    A missing side (creation, deletion) counts as None; empty values on both
    sides are left out."""
    changes = {}
    for name in [*old, *(n for n in new if n not in old)]:
        before, after = old.get(name), new.get(name)
        if _same(before, after):
            continue
        changes[name] = [_shown(name, before), _shown(name, after)]
    return changes


def _snapshots(request) -> dict:
    if not hasattr(request, _SNAPSHOTS):
        setattr(request, _SNAPSHOTS, {})
    return getattr(request, _SNAPSHOTS)


def _key(obj) -> tuple[str, str]:
    return obj._meta.label_lower, str(obj.pk)


class AuditedAdminMixin:
    """Put first in a ModelAdmin's bases: class OfficeAdmin(AuditedAdminMixin, admin.ModelAdmin)."""

    def audit_office(self, request, obj):
        """The office whose supervisor should find the event: the object's own
        office (a staff member's), else the office of whoever made the change."""
        try:
            field = obj._meta.get_field("office")
        except FieldDoesNotExist:
            field = None
        if field is not None and field.is_relation and getattr(obj, field.attname) is not None:
            return getattr(obj, field.name)
        return getattr(request.user, "office", None)

    def _audit(self, request, obj, action: str, changes: dict) -> None:
        audit_record(
            actor=request.user,
            action=action,
            obj=obj,
            changes=changes,
            reason=REASON,
            office=self.audit_office(request, obj),
        )

    # Old values: kept when the admin loads the object, before a form changes it.
    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is not None:
            _snapshots(request)[_key(obj)] = field_values(obj)
        return obj

    def save_model(self, request, obj, form, change):
        if change and _key(obj) not in _snapshots(request):
            stored = type(obj)._base_manager.filter(pk=obj.pk).first()
            if stored is not None:
                _snapshots(request)[_key(obj)] = field_values(stored)
        super().save_model(request, obj, form, change)

    # The admin calls these once per saved object, after its many-to-many
    # fields are saved too.
    def log_addition(self, request, obj, message):
        self._audit(request, obj, "create", changed_values({}, field_values(obj)))
        return super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        old = _snapshots(request).pop(_key(obj), None)
        # No old values: a custom action saved without loading through the
        # admin. The change is recorded, its values are not known.
        changes = {} if old is None else changed_values(old, field_values(obj))
        self._audit(request, obj, "update", changes)
        return super().log_change(request, obj, message)

    def delete_model(self, request, obj):
        with transaction.atomic():
            self._audit(request, obj, "delete", changed_values(field_values(obj), {}))
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for obj in queryset:
                self._audit(request, obj, "delete", changed_values(field_values(obj), {}))
            super().delete_queryset(request, queryset)


def audit_third_party_admins(site) -> list[str]:
    """Give the mixin to the admins that Django and other packages registered
    (Kembali's own name it themselves). Returns the labels of the models changed."""
    from kembali.audit.admin import ReadOnlyAuditAdmin

    wrapped = []
    for model, model_admin in list(site._registry.items()):
        admin_class = type(model_admin)
        if isinstance(model_admin, AuditedAdminMixin | ReadOnlyAuditAdmin):
            continue
        if admin_class.__module__.startswith("kembali."):
            continue  # ours must say so in their bases; tests/security/test_admin_audit.py
        audited = type(f"Audited{admin_class.__name__}", (AuditedAdminMixin, admin_class), {})
        site.unregister(model)
        site.register(model, audited)
        wrapped.append(model._meta.label_lower)
    return wrapped
