"""JPESS from match to placement: the skills a vacancy asks for, a person's referral
to a vacancy and what came of it, the job coach, and coaching and counselling sessions.

A referral moves along its own small state machine (kembali.placement.referrals holds
the transition table); ``placed`` is reached only through the outcome service of the
case lifecycle, which records the new job as the case's return-to-work outcome."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class VacancySkill(models.Model):
    """A skill of the controlled vocabulary (placement.Skill) that a vacancy asks for.
    Kept here, not in employers, because the vocabulary is JPESS's own."""

    vacancy = models.ForeignKey(
        "employers.Vacancy",
        on_delete=models.CASCADE,
        related_name="skill_links",
        verbose_name=_("vacancy"),
    )
    skill = models.ForeignKey(
        "placement.Skill", on_delete=models.PROTECT, related_name="+", verbose_name=_("skill")
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["vacancy", "skill"], name="vacancy_skill_once"),
        ]
        verbose_name = _("skill asked by a vacancy")
        verbose_name_plural = _("skills asked by vacancies")

    def __str__(self) -> str:
        return f"{self.vacancy_id}: {self.skill_id}"


class ReferralStatus(models.TextChoices):
    REFERRED = "referred", _("Referred to the employer")
    INTERVIEW = "interview", _("Interview arranged")
    OFFERED = "offered", _("Job offered")
    ACCEPTED = "accepted", _("Offer accepted")
    PLACED = "placed", _("Placed: started work")
    NOT_SELECTED = "not_selected", _("Not selected by the employer")
    DECLINED = "declined", _("Offer declined by the person")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# A referral still in play; the others are endings.
OPEN_REFERRAL_STATUSES = (
    ReferralStatus.REFERRED,
    ReferralStatus.INTERVIEW,
    ReferralStatus.OFFERED,
    ReferralStatus.ACCEPTED,
)


class VacancyReferral(models.Model):
    """A JPESS candidate put forward for a vacancy, and everything that followed."""

    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.CASCADE,
        related_name="vacancy_referrals",
        verbose_name=_("case"),
    )
    vacancy = models.ForeignKey(
        "employers.Vacancy",
        on_delete=models.PROTECT,
        related_name="referrals",
        verbose_name=_("vacancy"),
    )
    status = models.CharField(
        _("status"), max_length=14, choices=ReferralStatus.choices, default=ReferralStatus.REFERRED
    )
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("referred by"),
    )
    referred_at = models.DateTimeField(_("referred"))
    # The match as the officer saw it when referring: the score and its reasons, in
    # the officer's words at the time (a record, not recomputed later).
    match_score = models.DecimalField(
        _("match score"), max_digits=5, decimal_places=3, null=True, blank=True
    )
    match_reasons = models.JSONField(_("why it matched"), default=list, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    interview_at = models.DateTimeField(_("interview"), null=True, blank=True)
    interview_place = models.CharField(_("interview place"), max_length=200, blank=True)
    # The employer's answer after the interview: yes (offer) or no, and why.
    employer_feedback = models.BooleanField(_("employer wants to hire"), null=True, blank=True)
    employer_feedback_reason = models.TextField(_("employer's reasons"), blank=True)
    offered_on = models.DateField(_("offer made on"), null=True, blank=True)
    offered_wage = models.DecimalField(
        _("monthly wage offered (RM)"),
        max_digits=9,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    offered_hours = models.PositiveSmallIntegerField(
        _("hours a week offered"), null=True, blank=True
    )
    accepted_on = models.DateField(_("offer accepted on"), null=True, blank=True)
    start_date = models.DateField(_("start date"), null=True, blank=True)
    # Set when the person started work: the case's return-to-work outcome.
    outcome = models.OneToOneField(
        "cases.RtwOutcome",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="vacancy_referral",
        verbose_name=_("return-to-work outcome"),
    )
    closed_reason = models.TextField(_("why it ended"), blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    class Meta:
        ordering = ["-referred_at", "-id"]
        constraints = [
            # One live referral of a person to a vacancy at a time.
            models.UniqueConstraint(
                fields=["case", "vacancy"],
                condition=Q(status__in=["referred", "interview", "offered", "accepted"]),
                name="vacancy_referral_one_open",
            ),
            models.CheckConstraint(
                condition=~Q(status="placed") | Q(outcome__isnull=False),
                name="vacancy_referral_placed_has_outcome",
            ),
        ]
        indexes = [
            models.Index(fields=["case", "-referred_at"]),
            models.Index(fields=["vacancy", "status"]),
        ]
        verbose_name = _("referral to a vacancy")
        verbose_name_plural = _("referrals to vacancies")

    def __str__(self) -> str:
        return f"{self.case_id} → {self.vacancy_id} ({self.status})"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_REFERRAL_STATUSES


class JobCoach(models.Model):
    """A job coach assigned to support a person, usually in the first weeks of a job:
    a member of staff, or someone from a provider named by hand."""

    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.CASCADE,
        related_name="job_coaches",
        verbose_name=_("case"),
    )
    coach_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("job coach (staff)"),
    )
    coach_name = models.CharField(_("job coach's name"), max_length=150, blank=True)
    provider = models.ForeignKey(
        "providers.Provider",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("provider"),
    )
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("assigned by"),
    )
    assigned_on = models.DateField(_("from"))
    ended_on = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        ordering = ["-assigned_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(coach_user__isnull=False) | ~Q(coach_name=""),
                name="job_coach_named",
            ),
            models.UniqueConstraint(
                fields=["case"], condition=Q(ended_on__isnull=True), name="job_coach_one_current"
            ),
        ]
        verbose_name = _("job coach")
        verbose_name_plural = _("job coaches")

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        if self.coach_user_id:
            return self.coach_user.display_name
        return self.coach_name


class SessionKind(models.TextChoices):
    COACHING = "coaching", _("Job coaching")
    COUNSELLING = "counselling", _("Counselling")


class SupportSession(models.Model):
    """One job coaching or counselling session with the person."""

    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.CASCADE,
        related_name="support_sessions",
        verbose_name=_("case"),
    )
    kind = models.CharField(_("kind of session"), max_length=12, choices=SessionKind.choices)
    held_on = models.DateField(_("date"))
    duration_minutes = models.PositiveSmallIntegerField(
        _("length (minutes)"), validators=[MinValueValidator(1)]
    )
    # For coaching: the coach; for counselling: the counsellor. Either staff or a name.
    given_by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("given by (staff)"),
    )
    given_by_name = models.CharField(_("given by"), max_length=150, blank=True)
    place = models.CharField(_("where"), max_length=150, blank=True)
    topics = models.TextField(_("what was worked on"))
    next_steps = models.TextField(_("next steps"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded"))

    class Meta:
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["case", "kind", "-held_on"])]
        verbose_name = _("support session")
        verbose_name_plural = _("support sessions")

    def __str__(self) -> str:
        return f"{self.case_id}: {self.kind} on {self.held_on}"
