from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "kembali.audit"
    label = "audit"
