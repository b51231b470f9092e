from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "kembali.plans"
    label = "plans"
