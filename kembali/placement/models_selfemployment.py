"""The self-employment track of JPESS: a business idea and plan, the support given
(equipment, grant, training, mentoring) with amounts, and income milestones.
A person who starts the business returns to work at level 7, self-employed."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class SelfEmploymentPlan(models.Model):
    case = models.OneToOneField(
        "cases.Case",
        on_delete=models.CASCADE,
        related_name="self_employment",
        verbose_name=_("case"),
    )
    business_idea = models.TextField(_("business idea"))
    business_plan = models.TextField(_("business plan"), blank=True)
    isco_unit = models.ForeignKey(
        "reference.IscoGroup",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"level": 4},
        verbose_name=_("occupation (ISCO-08 unit group)"),
    )
    expected_monthly_income = models.DecimalField(
        _("expected monthly income (RM)"),
        max_digits=9,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    started_on = models.DateField(_("business started on"), null=True, blank=True)
    # Set when the business started: the case's return-to-work outcome (level 7).
    outcome = models.OneToOneField(
        "cases.RtwOutcome",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="self_employment",
        verbose_name=_("return-to-work outcome"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("written by"),
    )
    created_at = models.DateTimeField(_("written"))
    updated_at = models.DateTimeField(_("last changed"))
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("self-employment plan")
        verbose_name_plural = _("self-employment plans")

    def __str__(self) -> str:
        return f"{self.case_id}: self-employment plan"


class SupportKind(models.TextChoices):
    EQUIPMENT = "equipment", _("Equipment")
    GRANT = "grant", _("Grant")
    TRAINING = "training", _("Training")
    MENTORING = "mentoring", _("Mentoring")
    OTHER = "other", _("Other")


class SelfEmploymentSupport(models.Model):
    plan = models.ForeignKey(
        SelfEmploymentPlan,
        on_delete=models.CASCADE,
        related_name="supports",
        verbose_name=_("self-employment plan"),
    )
    kind = models.CharField(_("support"), max_length=10, choices=SupportKind.choices)
    description = models.CharField(_("what was given"), max_length=200)
    amount = models.DecimalField(
        _("amount (RM)"), max_digits=9, decimal_places=2, validators=[MinValueValidator(0)]
    )
    given_on = models.DateField(_("given on"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded"))

    class Meta:
        ordering = ["given_on", "id"]
        indexes = [models.Index(fields=["given_on"])]
        verbose_name = _("self-employment support")
        verbose_name_plural = _("self-employment support")

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.description}"


class IncomeMilestone(models.Model):
    """A monthly income the business should reach by a date, and what it made."""

    plan = models.ForeignKey(
        SelfEmploymentPlan,
        on_delete=models.CASCADE,
        related_name="milestones",
        verbose_name=_("self-employment plan"),
    )
    due_on = models.DateField(_("by"))
    target_monthly_income = models.DecimalField(
        _("target monthly income (RM)"),
        max_digits=9,
        decimal_places=2,
        validators=[MinValueValidator(0)],
    )
    actual_monthly_income = models.DecimalField(
        _("actual monthly income (RM)"),
        max_digits=9,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    reported_on = models.DateField(_("reported on"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("income milestone")
        verbose_name_plural = _("income milestones")

    def __str__(self) -> str:
        return f"{self.plan_id}: RM {self.target_monthly_income} by {self.due_on}"

    @property
    def reached(self) -> bool | None:
        if self.actual_monthly_income is None:
            return None
        return self.actual_monthly_income >= self.target_monthly_income
