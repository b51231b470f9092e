from django.apps import AppConfig


class ReferenceConfig(AppConfig):
    name = "kembali.reference"
    label = "reference"
