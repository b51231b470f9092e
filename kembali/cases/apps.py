from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "kembali.cases"
    label = "cases"

    def ready(self):
        from django.db.models.signals import post_migrate

        from kembali.cases.timeline_kept import triggers_ensure

        # After every migrate (and every test database's flush): the triggers that
        # count a timeline's changes, which rebuilding a table on SQLite drops.
        post_migrate.connect(triggers_ensure, sender=self, dispatch_uid="timeline_triggers")

        from kembali.cases import monitoring_registry

        monitoring_registry.register()

        from kembali.cases import assessment_consent_registry

        assessment_consent_registry.register()
