from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "kembali.people"
    label = "people"
