"""Staff accounts in the Django admin. API tokens are listed, never shown or
made here: the token page makes one and shows it once."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from kembali.accounts.models import ApiToken, Office, TotpDevice, User
from kembali.accounts.services import totp_remove
from kembali.audit.admin_mixin import AuditedAdminMixin


@admin.register(Office)
class OfficeAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("code", "name", "state", "is_headquarters")
    list_filter = ("state", "is_headquarters")
    search_fields = ("code", "name")


@admin.register(User)
class StaffAdmin(AuditedAdminMixin, UserAdmin):
    list_display = ("username", "first_name", "last_name", "role", "office", "is_active")
    list_filter = ("role", "office", "is_active", "is_staff")
    list_select_related = ("office",)
    fieldsets = (
        *UserAdmin.fieldsets,
        (_("Kembali"), {"fields": ("role", "office", "preferred_language")}),
    )
    add_fieldsets = (
        *UserAdmin.add_fieldsets,
        (_("Kembali"), {"fields": ("role", "office")}),
    )


@admin.register(ApiToken)
class ApiTokenAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("name", "user", "prefix", "created_at", "last_used_at", "revoked_at")
    list_select_related = ("user",)
    fields = ("user", "name", "prefix", "created_at", "last_used_at", "revoked_at")
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # revoke instead: the row stays as a record of the token


@admin.register(TotpDevice)
class TotpDeviceAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """Only to remove a lost app (the person sets up a new one at the next
    sign-in). The secret is never shown. The removal is audited by totp_remove
    (as two_step.remove), so these overrides replace the mixin's delete events."""

    list_display = ("user", "created_at", "confirmed_at")
    list_select_related = ("user",)
    fields = ("user", "created_at", "confirmed_at")
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def delete_model(self, request, obj):
        totp_remove(actor=request.user, user=obj.user, reason="removed in the admin")

    def delete_queryset(self, request, queryset):
        for device in queryset.select_related("user"):
            self.delete_model(request, device)
