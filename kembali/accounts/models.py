"""Staff users, their roles and offices. The ground floor: imports no domain app."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from kembali.accounts.encryption import EncryptedCharField


class Office(models.Model):
    """An RTW office. Every state and federal territory has at least one."""

    code = models.CharField(_("code"), max_length=12, unique=True)
    name = models.CharField(_("name"), max_length=120)
    state = models.ForeignKey(
        "reference.State", on_delete=models.PROTECT, related_name="offices", verbose_name=_("state")
    )
    address = models.TextField(_("address"), blank=True)
    is_headquarters = models.BooleanField(_("headquarters"), default=False)

    class Meta:
        ordering = ["code"]
        verbose_name = _("office")
        verbose_name_plural = _("offices")

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    CASE_MANAGER = "case_manager", _("Case manager")
    PLACEMENT_OFFICER = "placement_officer", _("Job placement officer")
    SUPERVISOR = "supervisor", _("Supervisor")
    NATIONAL_ADMIN = "national_admin", _("National administrator")
    MINISTRY_ANALYST = "ministry_analyst", _("Ministry analyst")


class User(AbstractUser):
    role = models.CharField(_("role"), max_length=24, choices=Role.choices)
    office = models.ForeignKey(
        Office,
        on_delete=models.PROTECT,
        related_name="staff",
        verbose_name=_("office"),
        null=True,  # only for createsuperuser; staff forms require it
        blank=True,
    )
    preferred_language = models.CharField(
        _("preferred language"),
        max_length=2,
        choices=[("en", "English"), ("ms", "Bahasa Melayu")],
        default="en",
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username


class ApiToken(models.Model):
    """A personal API token. Only a SHA-256 hash is stored; the token itself is
    shown once, when it is made."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=80)
    prefix = models.CharField(max_length=12, db_index=True)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class TotpDevice(models.Model):
    """A time-based one-time password app (Google Authenticator, Aegis, …) for
    two-step sign-in. The secret is shown once, while enrolling, never again."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="totp_device")
    # Base32 in Python, a Fernet token in the database (kembali.accounts.encryption).
    secret = EncryptedCharField(max_length=255)
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    # The last 30-second step a code was accepted for: a code works only once.
    last_used_step = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("two-step sign-in device")
        verbose_name_plural = _("two-step sign-in devices")

    def __str__(self) -> str:
        return f"{self.user} ({'confirmed' if self.confirmed_at else 'not confirmed'})"
