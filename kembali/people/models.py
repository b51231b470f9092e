"""Insured persons and the facts about them that eligibility and planning use."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Sex(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")


class InsuredPerson(models.Model):
    nric = models.CharField(
        _("NRIC"), max_length=12, unique=True, help_text=_("12 digits, no dashes")
    )
    socso_number = models.CharField(_("SOCSO number"), max_length=20, blank=True, db_index=True)
    full_name = models.CharField(_("full name"), max_length=150, db_index=True)
    date_of_birth = models.DateField(_("date of birth"))
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    email = models.EmailField(_("email"), blank=True)
    address = models.TextField(_("address"), blank=True)
    postcode = models.CharField(_("postcode"), max_length=5, blank=True)
    district = models.CharField(_("district"), max_length=60, blank=True)
    state = models.ForeignKey(
        "reference.State", on_delete=models.PROTECT, related_name="+", verbose_name=_("state")
    )
    preferred_language = models.CharField(
        _("preferred language"),
        max_length=2,
        choices=[("ms", "Bahasa Melayu"), ("en", "English")],
        default="ms",
    )
    dependants = models.PositiveSmallIntegerField(_("dependants"), default=0)
    anonymised_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["full_name"]
        verbose_name = _("insured person")
        verbose_name_plural = _("insured persons")

    def __str__(self) -> str:
        return self.full_name

    @property
    def nric_display(self) -> str:
        n = self.nric
        return f"{n[:6]}-{n[6:8]}-{n[8:]}" if len(n) == 12 else n


class Employment(models.Model):
    person = models.ForeignKey(InsuredPerson, on_delete=models.CASCADE, related_name="employments")
    employer = models.ForeignKey(
        "employers.Employer",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("employer"),
    )
    employer_name = models.CharField(_("employer name"), max_length=150)
    isco_unit = models.ForeignKey(
        "reference.IscoGroup",
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"level": 4},
        verbose_name=_("occupation (ISCO-08 unit group)"),
    )
    job_title = models.CharField(_("job title"), max_length=150)
    monthly_wage = models.DecimalField(_("monthly wage (RM)"), max_digits=9, decimal_places=2)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)

    class Meta:
        ordering = ["-start_date"]
        verbose_name = _("employment")
        verbose_name_plural = _("employment history")

    def __str__(self) -> str:
        return f"{self.job_title}, {self.employer_name}"


class Injury(models.Model):
    class Kind(models.TextChoices):
        INDUSTRIAL_ACCIDENT = "industrial", _("Industrial accident")
        COMMUTING_ACCIDENT = "commuting", _("Commuting accident")
        OCCUPATIONAL_DISEASE = "occupational_disease", _("Occupational disease")
        ILLNESS = "illness", _("Illness or injury not caused by work")

    person = models.ForeignKey(InsuredPerson, on_delete=models.CASCADE, related_name="injuries")
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    work_related = models.BooleanField(_("work-related"))
    description = models.TextField(_("description"))
    body_part = models.CharField(_("body part"), max_length=60, blank=True)
    icd10 = models.CharField(_("ICD-10 code"), max_length=8, blank=True)

    class Meta:
        ordering = ["-date"]
        verbose_name = _("injury or disease")
        verbose_name_plural = _("injuries and diseases")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.date})"


class BenefitStatus(models.Model):
    class Kind(models.TextChoices):
        TDB_RECEIVING = "tdb", _("Receiving Temporary Disablement Benefit")
        PDB_APPLYING = "pdb", _("Applying for Permanent Disablement Benefit")
        INVALIDITY_APPLYING = "invalidity", _("Applying for Invalidity Pension")
        CERTIFIED_INVALID = "certified_invalid", _("Certified invalid")

    person = models.ForeignKey(InsuredPerson, on_delete=models.CASCADE, related_name="benefits")
    kind = models.CharField(_("benefit"), max_length=20, choices=Kind.choices)
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        ordering = ["-start_date"]
        verbose_name = _("benefit status")
        verbose_name_plural = _("benefit statuses")

    def __str__(self) -> str:
        return self.get_kind_display()


class BoardRecommendation(models.Model):
    class Board(models.TextChoices):
        MEDICAL = "mb", _("Medical Board")
        SPECIAL = "smb", _("Special Medical Board")
        APPELLATE = "amb", _("Appellate Medical Board")

    person = models.ForeignKey(
        InsuredPerson, on_delete=models.CASCADE, related_name="board_recommendations"
    )
    board = models.CharField(_("board"), max_length=3, choices=Board.choices)
    date = models.DateField(_("date"))
    recommended_rehabilitation = models.BooleanField(_("recommended for rehabilitation"))

    class Meta:
        ordering = ["-date"]
        verbose_name = _("medical board recommendation")
        verbose_name_plural = _("medical board recommendations")

    def __str__(self) -> str:
        return f"{self.get_board_display()} ({self.date})"
