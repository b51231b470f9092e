"""Reference data: states and federal territories, the ISCO-08 structure (MASCO's
base) and ESCO occupations with the job titles people actually use."""

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class State(models.Model):
    """One of the 13 states and 3 federal territories. The code is ISO 3166-2:MY
    without the prefix, which is also the NRIC place-of-birth code (01-16)."""

    code = models.CharField(_("code"), max_length=2, primary_key=True)
    name = models.CharField(_("name"), max_length=60)
    name_ms = models.CharField(_("Malay name"), max_length=60)
    is_federal_territory = models.BooleanField(_("federal territory"), default=False)
    # A point inside the state, for distance estimates when no address point is known.
    latitude = models.FloatField(_("latitude"))
    longitude = models.FloatField(_("longitude"))

    class Meta:
        ordering = ["code"]
        verbose_name = _("state")
        verbose_name_plural = _("states")

    def __str__(self) -> str:
        return self.local_name

    @property
    def local_name(self) -> str:
        return self.name_ms if get_language() == "ms" else self.name


class IscoGroup(models.Model):
    """A group of ISCO-08: level 1 major, 2 sub-major, 3 minor, 4 unit group."""

    class Level(models.IntegerChoices):
        MAJOR = 1, _("major group")
        SUB_MAJOR = 2, _("sub-major group")
        MINOR = 3, _("minor group")
        UNIT = 4, _("unit group")

    code = models.CharField(_("code"), max_length=4, primary_key=True)
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    title = models.CharField(_("title"), max_length=200)
    title_ms = models.CharField(_("Malay title"), max_length=200, blank=True)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("ISCO-08 group")
        verbose_name_plural = _("ISCO-08 groups")

    def __str__(self) -> str:
        return f"{self.code} {self.local_title}"

    @property
    def local_title(self) -> str:
        if get_language() == "ms" and self.title_ms:
            return self.title_ms
        return self.title


class Occupation(models.Model):
    """An ESCO occupation, mapped to its ISCO-08 unit group, findable by the
    alternative titles people and employers use."""

    esco_uri = models.URLField(_("ESCO URI"), max_length=200, unique=True)
    isco_unit = models.ForeignKey(
        IscoGroup,
        on_delete=models.PROTECT,
        related_name="occupations",
        limit_choices_to={"level": 4},
        verbose_name=_("ISCO-08 unit group"),
    )
    title = models.CharField(_("title"), max_length=200)
    alternative_titles = models.TextField(_("alternative titles"), blank=True)
    # Lower-cased title and alternatives, one string, so a title search is one LIKE.
    search_text = models.TextField(editable=False, default="")

    class Meta:
        ordering = ["title"]
        verbose_name = _("occupation")
        verbose_name_plural = _("occupations")

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        self.search_text = f"{self.title}|{self.alternative_titles}".lower()
        super().save(*args, **kwargs)
