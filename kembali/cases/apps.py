from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "kembali.cases"
    label = "cases"

    def ready(self):
        from kembali.cases import monitoring_registry

        monitoring_registry.register()

        from kembali.cases import assessment_consent_registry

        assessment_consent_registry.register()
