"""The audit trail in the Django admin: to read, never to change. Nobody, not
even a superuser, may add, change or delete an audit record here; the models
refuse it as well (models.AppendOnlyModel)."""

from django.contrib import admin
from django.core.paginator import Paginator
from django.utils.functional import cached_property

from kembali.audit.models import AccessEvent, AuditEvent

# The admin's change list counts the rows it pages through; at tens of millions
# of audit rows COUNT(*) takes seconds, so the admin pages over a capped count.
# The /audit/ page is the tool for searching; this view is for a quick look.
_COUNT_CAP = 10_000


class CappedCountPaginator(Paginator):
    @cached_property
    def count(self):
        return self.object_list[:_COUNT_CAP].count()


class ReadOnlyAuditAdmin(admin.ModelAdmin):
    paginator = CappedCountPaginator
    show_full_result_count = False
    list_select_related = ("actor", "office")
    actions = None

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAuditAdmin):
    list_display = ("at", "actor", "office", "action", "object_type", "object_id", "object_repr")


@admin.register(AccessEvent)
class AccessEventAdmin(ReadOnlyAuditAdmin):
    list_display = ("at", "actor", "office", "what", "object_type", "object_id", "ip_address")
