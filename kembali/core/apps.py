from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "kembali.core"
    label = "core"

    def ready(self):
        from kembali.cases.tasks import register_daily_task
        from kembali.core.dbstats import statistics_refresh_daily

        register_daily_task(statistics_refresh_daily)
