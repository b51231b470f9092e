from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "kembali.core"
    label = "core"
