from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "kembali.api"
    label = "api"
