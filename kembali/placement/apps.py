from django.apps import AppConfig


class PlacementConfig(AppConfig):
    name = "kembali.placement"
    label = "placement"
