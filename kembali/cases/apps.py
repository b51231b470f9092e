from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "kembali.cases"
    label = "cases"
