from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "kembali.audit"
    label = "audit"

    def ready(self):
        # Every admin module is imported by now (django.contrib.admin comes first
        # in INSTALLED_APPS and discovers them in its own ready()).
        from django.contrib import admin

        from kembali.audit.admin_mixin import audit_third_party_admins

        audit_third_party_admins(admin.site)
