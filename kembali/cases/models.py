"""Return to Work cases: one per episode of rehabilitation of one insured person."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    REFERRED = "referred", _("Referred")
    ELIGIBLE = "eligible", _("Eligible")
    NOT_ELIGIBLE = "not_eligible", _("Not eligible")
    ASSIGNED = "assigned", _("Assigned")
    ASSESSED = "assessed", _("Assessed")
    CONSENTED = "consented", _("Consented")
    PLAN_APPROVED = "plan_approved", _("Plan approved")
    IN_REHABILITATION = "in_rehabilitation", _("In rehabilitation")
    JOB_PLACEMENT = "job_placement", _("Job placement")
    RETURNED_TO_WORK = "returned_to_work", _("Returned to work")
    FOLLOW_UP = "follow_up", _("Follow-up")
    CLOSURE_PENDING = "closure_pending", _("Closure pending")
    CLOSED = "closed", _("Closed")


OPEN_STATUSES = [s for s in Status.values if s not in (Status.CLOSED, Status.NOT_ELIGIBLE)]


class ClosureReason(models.TextChoices):
    RETURNED_TO_WORK = "returned_to_work", _("Returned to work")
    CONSENT_WITHDRAWN = "consent_withdrawn", _("Consent withdrawn")
    MEDICALLY_UNFIT = "medically_unfit", _("Medically unfit")
    DECLINED = "declined", _("Declined")
    LOST_CONTACT = "lost_contact", _("Lost contact")
    DECEASED = "deceased", _("Deceased")
    TRANSFERRED = "transferred", _("Transferred")
    NOT_ELIGIBLE = "not_eligible", _("Not eligible")


class RtwLevel(models.IntegerChoices):
    SAME_JOB_SAME_EMPLOYER = 1, _("Same job, same employer")
    SIMILAR_JOB_SAME_EMPLOYER = 2, _("Similar job, same employer")
    DIFFERENT_JOB_SAME_EMPLOYER = 3, _("Different job, same employer")
    SAME_JOB_DIFFERENT_EMPLOYER = 4, _("Same job, different employer")
    SIMILAR_JOB_DIFFERENT_EMPLOYER = 5, _("Similar job, different employer")
    DIFFERENT_JOB_DIFFERENT_EMPLOYER = 6, _("Different job, different employer")
    SELF_EMPLOYED = 7, _("Self-employed")


class CaseSequence(models.Model):
    """The last case number given out in a year: case numbers read RTW-2026-0000123."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)


class Case(models.Model):
    class Source(models.TextChoices):
        FORM = "form", _("Referral form")
        API = "api", _("API")
        IMPORT = "import", _("CSV import")

    number = models.CharField(_("case number"), max_length=20, unique=True)
    person = models.ForeignKey(
        "people.InsuredPerson", on_delete=models.PROTECT, related_name="cases",
        verbose_name=_("insured person"),
    )
    office = models.ForeignKey(
        "accounts.Office", on_delete=models.PROTECT, related_name="cases", verbose_name=_("office")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.REFERRED
    )
    stage_changed_at = models.DateTimeField(_("stage changed"))
    case_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="managed_cases", verbose_name=_("case manager"),
    )
    placement_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="placement_cases", verbose_name=_("job placement officer"),
    )
    referral_date = models.DateField(_("referral date"))
    referral_reference = models.CharField(
        _("referral reference"), max_length=40, unique=True, null=True, blank=True
    )
    referral_source = models.CharField(
        _("referred through"), max_length=8, choices=Source.choices, default=Source.FORM
    )
    referred_by = models.CharField(_("referred by"), max_length=150, blank=True)
    injury = models.ForeignKey(
        "people.Injury", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("injury or disease"),
    )
    pre_injury_employment = models.ForeignKey(
        "people.Employment", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("pre-injury employment"),
    )
    eligible = models.BooleanField(_("eligible"), null=True)
    in_jpess = models.BooleanField(_("in JPESS"), default=False)
    rtw_level = models.PositiveSmallIntegerField(
        _("RTW outcome level"), choices=RtwLevel.choices, null=True, blank=True
    )
    rtw_date = models.DateField(_("return-to-work date"), null=True, blank=True)
    closure_reason = models.CharField(
        _("closure reason"), max_length=20, choices=ClosureReason.choices, blank=True
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    # Optimistic concurrency: every write bumps it; a stale edit is refused.
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-referral_date", "-id"]
        indexes = [
            models.Index(fields=["office", "status", "-referral_date"]),
            models.Index(fields=["case_manager", "status"]),
            models.Index(fields=["placement_officer", "status"]),
            models.Index(fields=["status", "referral_date"]),
            models.Index(fields=["-referral_date", "-id"]),
        ]
        verbose_name = _("case")
        verbose_name_plural = _("cases")

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES
