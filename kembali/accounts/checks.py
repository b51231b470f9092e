"""System checks for account settings: a broken encryption key is reported by
`manage.py check` at start-up, not at the first two-step sign-in."""

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured


@checks.register(checks.Tags.security)
def field_key_check(app_configs, **kwargs):
    from kembali.accounts.encryption import fernet

    try:
        fernet()
    except ImproperlyConfigured as error:
        return [checks.Error(str(error), id="kembali.E001", obj="KEMBALI_FIELD_KEY")]
    if getattr(settings, "PRODUCTION", False) and not settings.KEMBALI_FIELD_KEY:
        return [
            checks.Error(
                "KEMBALI_FIELD_KEY must be set in production.",
                id="kembali.E002",
                obj="KEMBALI_FIELD_KEY",
            )
        ]
    return []
