from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "kembali.notifications"
    label = "notifications"
