from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "kembali.accounts"
    label = "accounts"

    def ready(self):
        from kembali.accounts import checks  # noqa: F401  (registers the system checks)
