"""Rehabilitation plans (versioned), their interventions, and referrals to providers.

A plan is designed with the person and approved by a supervisor before it starts.
An approved plan is never edited: a change makes a new version (a copy), and the
old one stays readable and becomes "superseded" once the new one is approved."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from kembali.cases.models import RtwLevel
from kembali.people.models import Sex


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted for approval")
    APPROVED = "approved", _("Approved")
    SUPERSEDED = "superseded", _("Superseded")
    REJECTED = "rejected", _("Returned for changes")


# A rejected plan goes back to its author: it is edited and resubmitted like a draft.
EDITABLE_STATUSES = (PlanStatus.DRAFT, PlanStatus.REJECTED)
# At most one version of a case's plan is being worked on at a time.
OPEN_STATUSES = (PlanStatus.DRAFT, PlanStatus.SUBMITTED, PlanStatus.REJECTED)


class RehabPlan(models.Model):
    case = models.ForeignKey(
        "cases.Case", on_delete=models.CASCADE, related_name="plans", verbose_name=_("case")
    )
    version = models.PositiveSmallIntegerField(_("version"))
    status = models.CharField(
        _("status"), max_length=12, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    goal = models.PositiveSmallIntegerField(
        _("overall return-to-work goal"), choices=RtwLevel.choices
    )
    goal_description = models.TextField(
        _("the goal in the person's words"),
        blank=True,
        help_text=_("What the person wants to achieve, as they said it."),
    )
    designed_with_person = models.BooleanField(
        _("the person took part in designing this plan"), default=False
    )
    start_date = models.DateField(_("start date"))
    target_end_date = models.DateField(_("target end date"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved by"),
    )
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    rejected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("returned by"),
    )
    rejected_at = models.DateTimeField(_("returned"), null=True, blank=True)
    rejection_reason = models.TextField(_("reason for returning the plan"), blank=True)
    superseded_at = models.DateTimeField(_("superseded"), null=True, blank=True)

    class Meta:
        ordering = ["case", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["case", "version"], name="plan_unique_version"),
        ]
        indexes = [models.Index(fields=["status", "target_end_date"])]
        verbose_name = _("rehabilitation plan")
        verbose_name_plural = _("rehabilitation plans")

    def __str__(self) -> str:
        return f"{self.case} v{self.version}"

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATUSES


class InterventionKind(models.TextChoices):
    PHYSICAL = "physical", _("Physical rehabilitation")
    PAIN = "pain", _("Pain management")
    VOCATIONAL = "vocational", _("Vocational training")
    JOB_PLACEMENT = "job_placement", _("Job placement through JPESS")
    COUNSELLING = "counselling", _("Counselling")
    WORKSITE = "worksite", _("Work-site assessment")
    ASSISTIVE = "assistive", _("Assistive devices")
    OTHER = "other", _("Other")


class InterventionStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")
    OVERDUE = "overdue", _("Overdue")


class Intervention(models.Model):
    plan = models.ForeignKey(
        RehabPlan,
        on_delete=models.CASCADE,
        related_name="interventions",
        verbose_name=_("plan"),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=InterventionKind.choices)
    description = models.TextField(_("description"), blank=True)
    provider = models.ForeignKey(
        "providers.Provider",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="interventions",
        verbose_name=_("provider"),
    )
    planned_start = models.DateField(_("planned start"))
    due_date = models.DateField(_("due date"))
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=InterventionStatus.choices,
        default=InterventionStatus.PLANNED,
    )
    cost = models.DecimalField(
        _("cost (RM)"),
        max_digits=10,
        decimal_places=2,
        default=Decimal("0.00"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    # The intervention of the previous version this one was copied from, so the
    # history of one intervention can be followed across versions.
    copied_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Copies for the reports (kembali.reports.kpis), so that the costs of a period are
    # summed from this table alone, not by joining two million interventions to their
    # plans and cases: the case's office and the person's sex (neither ever changes)
    # and whether the plan is the one in force. Written with the intervention
    # (plans.services, the generator); plan_approve moves plan_in_force from the
    # superseded version's interventions to the approved one's. Filled in by plans
    # migration 0002.
    office = models.ForeignKey(
        "accounts.Office",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,  # read through intervention_report_cost
        editable=False,
    )
    person_sex = models.CharField(
        max_length=1, choices=Sex.choices, null=True, blank=True, editable=False
    )
    plan_in_force = models.BooleanField(default=False, editable=False)

    class Meta:
        ordering = ["planned_start", "id"]
        indexes = [
            models.Index(fields=["status", "due_date"]),
            # The costs of a period by office and sex, from this index alone.
            models.Index(
                fields=["planned_start", "plan_in_force", "status", "office", "person_sex", "cost"],
                name="intervention_report_cost",
            ),
        ]
        verbose_name = _("intervention")
        verbose_name_plural = _("interventions")

    def __str__(self) -> str:
        return str(self.get_kind_display())


class InterventionCostDay(models.Model):
    """The costs of the interventions counted in the reports (on the plan in force, not
    cancelled), summed per planned start, office and sex, in sen: the reports read a
    period's costs from these sums (kembali.plans.cost_days keeps them)."""

    day = models.DateField()
    office = models.ForeignKey(
        "accounts.Office", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    person_sex = models.CharField(max_length=1, blank=True)  # "" when not known
    sen = models.BigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["day", "office", "person_sex"], name="intervention_cost_day_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.office_id} {self.person_sex}: {self.sen} sen"


class ReferralStatus(models.TextChoices):
    REFERRED = "referred", _("Referred")
    ACCEPTED = "accepted", _("Accepted by the provider")
    REPORT_RECEIVED = "report_received", _("Report received")
    CANCELLED = "cancelled", _("Cancelled")


class ProviderReferral(models.Model):
    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.CASCADE,
        related_name="provider_referrals",
        verbose_name=_("case"),
    )
    intervention = models.ForeignKey(
        Intervention,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="referrals",
        verbose_name=_("intervention"),
    )
    provider = models.ForeignKey(
        "providers.Provider",
        on_delete=models.PROTECT,
        related_name="referrals",
        verbose_name=_("provider"),
    )
    referred_on = models.DateField(_("referred on"))
    accepted_on = models.DateField(_("accepted on"), null=True, blank=True)
    report_received_on = models.DateField(_("report received on"), null=True, blank=True)
    report_summary = models.TextField(_("summary of the report"), blank=True)
    cost = models.DecimalField(
        _("cost (RM)"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=ReferralStatus.choices,
        default=ReferralStatus.REFERRED,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("referred by"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-referred_on", "-id"]
        indexes = [models.Index(fields=["provider", "status"])]
        verbose_name = _("provider referral")
        verbose_name_plural = _("provider referrals")

    def __str__(self) -> str:
        return f"{self.case} → {self.provider}"
