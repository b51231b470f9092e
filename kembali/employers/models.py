"""Employers (a small CRM) and their vacancies."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Employer(models.Model):
    class Size(models.TextChoices):
        MICRO = "micro", _("Micro (fewer than 5)")
        SMALL = "small", _("Small (5-29)")
        MEDIUM = "medium", _("Medium (30-75)")
        LARGE = "large", _("Large (more than 75)")

    class Funnel(models.TextChoices):
        PROSPECT = "prospect", _("Prospect")
        ENGAGED = "engaged", _("Engaged")
        HIRING_PARTNER = "hiring_partner", _("Hiring partner")
        INACTIVE = "inactive", _("Inactive")

    employer_code = models.CharField(_("SOCSO employer code"), max_length=12, unique=True)
    name = models.CharField(_("name"), max_length=150, db_index=True)
    industry = models.CharField(_("industry"), max_length=80, blank=True)
    size = models.CharField(_("size"), max_length=8, choices=Size.choices, blank=True)
    address = models.TextField(_("address"), blank=True)
    district = models.CharField(_("district"), max_length=60, blank=True)
    state = models.ForeignKey(
        "reference.State", on_delete=models.PROTECT, related_name="+", verbose_name=_("state")
    )
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    funnel_status = models.CharField(
        _("status"), max_length=16, choices=Funnel.choices, default=Funnel.PROSPECT
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("owner officer"),
    )
    engaged_on = models.DateField(_("first engaged on"), null=True, blank=True)
    informed_fiscal_benefits_on = models.DateField(
        _("informed of fiscal benefits on"), null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("employer")
        verbose_name_plural = _("employers")

    def __str__(self) -> str:
        return self.name
