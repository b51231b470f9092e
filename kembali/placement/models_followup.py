"""Follow-up after a placement (or any return to work of a JPESS case): checks at 1,
3, 6 and 12 months (KEMBALI_FOLLOW_UP_MONTHS) that the person still holds the job.

A follow-up is scheduled with its due date when the job starts; recording it fills in
the rest. One not recorded by its due date is overdue and gets a task for the officer."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class FollowUp(models.Model):
    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.CASCADE,
        related_name="follow_ups",
        verbose_name=_("case"),
    )
    # The return to work this follow-up checks on.
    outcome = models.ForeignKey(
        "cases.RtwOutcome",
        on_delete=models.CASCADE,
        related_name="follow_ups",
        verbose_name=_("return-to-work outcome"),
    )
    months = models.PositiveSmallIntegerField(_("months after starting work"))
    due_on = models.DateField(_("due"))
    done_on = models.DateField(_("done on"), null=True, blank=True)
    still_employed = models.BooleanField(_("still in work"), null=True, blank=True)
    same_employer = models.BooleanField(_("with the same employer"), null=True, blank=True)
    hours_per_week = models.PositiveSmallIntegerField(_("hours a week"), null=True, blank=True)
    monthly_wage = models.DecimalField(
        _("monthly wage (RM)"),
        max_digits=9,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    problems = models.TextField(_("problems"), blank=True)
    actions = models.TextField(_("actions agreed"), blank=True)
    # The person's self-rated outcome measures, repeated at the follow-up.
    outcome_measure = models.OneToOneField(
        "placement.OutcomeMeasure",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="follow_up",
        verbose_name=_("outcome measures"),
    )
    # The task raised when the follow-up became overdue (closed when it is recorded).
    overdue_task = models.OneToOneField(
        "cases.CaseTask",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="follow_up",
        verbose_name=_("overdue task"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded"), null=True, blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["outcome", "months"], name="follow_up_once_per_month"),
            models.CheckConstraint(
                condition=Q(done_on__isnull=True) | Q(still_employed__isnull=False),
                name="follow_up_done_says_if_employed",
            ),
        ]
        indexes = [
            models.Index(fields=["case", "due_on"]),
            # The daily overdue check and the retention figures.
            models.Index(fields=["done_on", "due_on"]),
            models.Index(fields=["months", "done_on"]),
            # The retention figures of a period, read from this index alone.
            models.Index(
                fields=["done_on", "months", "case", "still_employed"],
                name="follow_up_retention",
            ),
        ]
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")

    def __str__(self) -> str:
        return f"{self.case_id}: {self.months}-month follow-up"

    @property
    def is_done(self) -> bool:
        return self.done_on is not None
