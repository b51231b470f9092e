from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EmployersConfig(AppConfig):
    name = "kembali.employers"
    label = "employers"
    verbose_name = _("Employers")

    def ready(self) -> None:
        # Connects the receivers that bump the vacancy index version.
        from kembali.employers import freshness  # noqa: F401
