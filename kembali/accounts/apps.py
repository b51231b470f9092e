from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "kembali.accounts"
    label = "accounts"
