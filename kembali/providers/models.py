"""The directory of rehabilitation providers appointed for the RTW programme."""

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class Service(models.TextChoices):
    PHYSICAL_REHABILITATION = "physical", _("Physical rehabilitation")
    PAIN_MANAGEMENT = "pain", _("Pain management")
    HAND_REHABILITATION = "hand", _("Hand rehabilitation")
    VISION = "vision", _("Vision and optometric rehabilitation")
    SPINE = "spine", _("Spine rehabilitation")
    VOCATIONAL = "vocational", _("Vocational rehabilitation")
    OTHER = "other", _("Other")


class ProviderQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def offering(self, service: str):
        return self.filter(services__service=service).distinct()


class Provider(models.Model):
    """One place where a provider treats people. A provider with several centres
    (DBC Spine: Kuala Lumpur and Ipoh) has one row per centre, because a referral
    goes to one place in one state."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=150, db_index=True)
    name_ms = models.CharField(_("Malay name"), max_length=150, blank=True)
    state = models.ForeignKey(
        "reference.State", on_delete=models.PROTECT, related_name="+", verbose_name=_("state")
    )
    city = models.CharField(_("district or city"), max_length=60)
    address = models.TextField(_("address"), blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    email = models.EmailField(_("email"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ProviderQuerySet.as_manager()

    class Meta:
        ordering = ["name", "city"]
        verbose_name = _("rehabilitation provider")
        verbose_name_plural = _("rehabilitation providers")

    def __str__(self) -> str:
        return self.local_name

    @property
    def local_name(self) -> str:
        if get_language() == "ms" and self.name_ms:
            return self.name_ms
        return self.name

    @property
    def service_codes(self) -> list[str]:
        return sorted(s.service for s in self.services.all())

    def get_services_display(self) -> list[str]:
        labels = dict(Service.choices)
        return [str(labels[code]) for code in self.service_codes]


class ProviderService(models.Model):
    """What a provider treats: a small join table rather than a JSON list, so
    "providers of hand rehabilitation in Selangor" is one indexed join on both
    SQLite and PostgreSQL."""

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="services")
    service = models.CharField(_("service"), max_length=12, choices=Service.choices)

    class Meta:
        ordering = ["service"]
        constraints = [
            models.UniqueConstraint(fields=["provider", "service"], name="provider_service_once")
        ]
        indexes = [models.Index(fields=["service", "provider"])]
        verbose_name = _("provider service")
        verbose_name_plural = _("provider services")

    def __str__(self) -> str:
        return self.get_service_display()
