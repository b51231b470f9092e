from django.apps import AppConfig


class ProvidersConfig(AppConfig):
    name = "kembali.providers"
    label = "providers"
