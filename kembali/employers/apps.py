from django.apps import AppConfig


class EmployersConfig(AppConfig):
    name = "kembali.employers"
    label = "employers"
