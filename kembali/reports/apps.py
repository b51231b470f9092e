from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "kembali.reports"
    label = "reports"
