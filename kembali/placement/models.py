"""JPESS, the job placement service: referral of a case, the job placement assessment,
the person's self-rated outcome measures and the individual employment support plan.

The assessment records capacity on the very dimensions and scales a vacancy records
demands on (kembali.employers.models: StrengthLevel, DemandLevel, DEMAND_FIELDS,
ACCESSIBILITY_FIELDS), under the same field names, so the matching index reads both
sides with one values_list each and compares numbers."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from kembali.employers.models import DemandLevel, StrengthLevel

# The matching engine keeps a person's and a vacancy's skills as bits of one uint64.
MAX_SKILL_BITS = 64


class Skill(models.Model):
    """A skill of the controlled vocabulary the matching engine compares as a bitmask.
    `bit` is the engine's skill id (0..63); it never changes once given out."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    bit = models.PositiveSmallIntegerField(
        _("matching bit"), unique=True, validators=[MaxValueValidator(MAX_SKILL_BITS - 1)]
    )
    name = models.CharField(_("name"), max_length=80)
    name_ms = models.CharField(_("Malay name"), max_length=80)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(bit__gte=0, bit__lt=MAX_SKILL_BITS), name="skill_bit_in_range"
            ),
        ]
        verbose_name = _("skill")
        verbose_name_plural = _("skills")

    def __str__(self) -> str:
        return self.local_name

    @property
    def local_name(self) -> str:
        return self.name_ms if get_language() == "ms" and self.name_ms else self.name


class JpessReferral(models.Model):
    """A case manager's (or supervisor's) referral of a case to JPESS, with why.
    A plan with a job-placement intervention puts a case in JPESS without one."""

    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.CASCADE,
        related_name="jpess_referrals",
        verbose_name=_("case"),
    )
    reason = models.TextField(_("why the person needs job placement"))
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("referred by"),
    )
    referred_at = models.DateTimeField(_("referred"))

    class Meta:
        ordering = ["-referred_at", "-id"]
        verbose_name = _("JPESS referral")
        verbose_name_plural = _("JPESS referrals")

    def __str__(self) -> str:
        return f"{self.case_id}: JPESS referral of {self.referred_at:%Y-%m-%d}"


class EducationLevel(models.TextChoices):
    NONE = "none", _("No formal schooling")
    PRIMARY = "primary", _("Primary school")
    LOWER_SECONDARY = "lower_secondary", _("Lower secondary (PT3 or PMR)")
    SPM = "spm", _("Upper secondary (SPM)")
    SKM = "skm", _("Skills certificate (SKM)")
    STPM = "stpm", _("Pre-university (STPM, matriculation or foundation)")
    DIPLOMA = "diploma", _("Diploma")
    DEGREE = "degree", _("Bachelor's degree")
    POSTGRADUATE = "postgraduate", _("Master's degree or doctorate")


class Barrier(models.TextChoices):
    TRANSPORT = "transport", _("No transport to a workplace")
    CARE = "care", _("Caring for children or family")
    PAIN_FATIGUE = "pain_fatigue", _("Ongoing pain or tiredness")
    CONFIDENCE = "confidence", _("Low confidence or fear of getting hurt again")
    LITERACY = "literacy", _("Reading, writing or language")
    DIGITAL = "digital", _("Little experience with computers or smartphones")
    AGE = "age", _("Age")
    EMPLOYER_ATTITUDES = "attitudes", _("Employers' attitudes to disability")
    BENEFITS = "benefits", _("Worry about losing benefits")
    HOUSING = "housing", _("Housing or money problems")


def _demand(label):
    return models.PositiveSmallIntegerField(
        label, choices=DemandLevel.choices, validators=[MaxValueValidator(DemandLevel.HIGH)]
    )


class PlacementAssessment(models.Model):
    """The job placement officer's assessment of a JPESS candidate. A new one
    supersedes the one before (is_current moves to it); the old ones stay as history."""

    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.CASCADE,
        related_name="placement_assessments",
        verbose_name=_("case"),
    )
    is_current = models.BooleanField(_("current"), default=True)
    assessed_on = models.DateField(_("assessed on"))
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("assessed by"),
    )

    # Functional capacity: what the person can give, on the vacancy's scales.
    strength_level = models.PositiveSmallIntegerField(
        _("strength"),
        choices=StrengthLevel.choices,
        validators=[
            MinValueValidator(StrengthLevel.SEDENTARY),
            MaxValueValidator(StrengthLevel.VERY_HEAVY),
        ],
    )
    max_lift_kg = models.PositiveSmallIntegerField(
        _("heaviest safe lift (kg)"), validators=[MaxValueValidator(255)]
    )
    standing_walking = _demand(_("standing and walking"))
    sitting = _demand(_("sitting"))
    fine_hand_use = _demand(_("fine hand use"))
    vision = _demand(_("vision"))
    hearing = _demand(_("hearing"))
    speech = _demand(_("speech"))
    driving = _demand(_("driving"))
    cognitive_load = _demand(_("cognitive load"))
    shift_work = models.BooleanField(_("can work shifts"), default=False)

    # Accessibility needs: each one a workplace must offer.
    wheelchair_access = models.BooleanField(_("needs wheelchair access"), default=False)
    accessible_toilet = models.BooleanField(_("needs an accessible toilet"), default=False)
    flexible_hours = models.BooleanField(_("needs flexible hours"), default=False)
    remote_work = models.BooleanField(_("needs to work from home"), default=False)
    assistive_technology = models.BooleanField(_("needs assistive technology"), default=False)

    skills = models.ManyToManyField(Skill, blank=True, related_name="+", verbose_name=_("skills"))
    education_level = models.CharField(
        _("highest education"), max_length=16, choices=EducationLevel.choices
    )
    previous_employment = models.ForeignKey(
        "people.Employment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("the job before the injury or illness"),
    )
    work_history_notes = models.TextField(_("work history: notes"), blank=True)

    # Preferences.
    preferred_isco_units = models.ManyToManyField(
        "reference.IscoGroup",
        blank=True,
        related_name="+",
        limit_choices_to={"level": 4},
        verbose_name=_("preferred occupations"),
    )
    max_travel_km = models.PositiveSmallIntegerField(
        _("furthest the person can travel to work (km)"),
        validators=[MinValueValidator(1), MaxValueValidator(300)],
    )
    min_monthly_wage = models.DecimalField(
        _("lowest monthly wage the person will accept (RM)"),
        max_digits=9,
        decimal_places=2,
        validators=[MinValueValidator(0)],
    )
    hours_per_week = models.PositiveSmallIntegerField(
        _("hours a week the person can work"),
        validators=[MinValueValidator(1), MaxValueValidator(72)],
    )
    accepts_remote = models.BooleanField(_("would work from home"), default=False)
    home_latitude = models.FloatField(
        _("home latitude"), validators=[MinValueValidator(-90), MaxValueValidator(90)]
    )
    home_longitude = models.FloatField(
        _("home longitude"), validators=[MinValueValidator(-180), MaxValueValidator(180)]
    )
    # True when the point is the state's, because the home's was not known.
    home_estimated = models.BooleanField(_("home location estimated from the state"))

    barriers = models.JSONField(_("barriers to work"), default=list, blank=True)
    barrier_notes = models.TextField(_("barriers: notes"), blank=True)
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        ordering = ["-assessed_on", "-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(is_current=True),
                name="placement_assessment_one_current",
            ),
            models.CheckConstraint(
                condition=Q(strength_level__gte=1, strength_level__lte=5),
                name="placement_assessment_strength_scale",
            ),
        ]
        indexes = [models.Index(fields=["case", "-assessed_on", "-created_at"])]
        verbose_name = _("job placement assessment")
        verbose_name_plural = _("job placement assessments")

    def __str__(self) -> str:
        return f"{self.case_id}: job placement assessment of {self.assessed_on}"

    @property
    def barrier_labels(self) -> list[str]:
        labels = dict(Barrier.choices)
        return [str(labels[code]) for code in self.barriers if code in labels]


OUTCOME_RATINGS = ("skills", "career_goals", "independence", "self_esteem", "health")


def _rating(label):
    return models.PositiveSmallIntegerField(
        label, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )


class OutcomeMeasure(models.Model):
    """The person's own rating, 1 (poor) to 5 (very good), of the outcomes JPESS
    reports: skills, career goals, independence, self-esteem and health. Taken at the
    job placement assessment (the baseline) and again at each follow-up."""

    class Kind(models.TextChoices):
        BASELINE = "baseline", _("Baseline, at the job placement assessment")
        FOLLOW_UP = "follow_up", _("Follow-up")

    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.CASCADE,
        related_name="outcome_measures",
        verbose_name=_("case"),
    )
    kind = models.CharField(_("when"), max_length=10, choices=Kind.choices)
    assessment = models.OneToOneField(
        PlacementAssessment,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="outcome_measure",
        verbose_name=_("job placement assessment"),
    )
    recorded_on = models.DateField(_("rated on"))
    skills = _rating(_("skills"))
    career_goals = _rating(_("career goals"))
    independence = _rating(_("independence"))
    self_esteem = _rating(_("self-esteem"))
    health = _rating(_("health"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        ordering = ["-recorded_on", "-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    skills__gte=1,
                    skills__lte=5,
                    career_goals__gte=1,
                    career_goals__lte=5,
                    independence__gte=1,
                    independence__lte=5,
                    self_esteem__gte=1,
                    self_esteem__lte=5,
                    health__gte=1,
                    health__lte=5,
                ),
                name="outcome_measure_ratings_1_to_5",
            ),
        ]
        indexes = [models.Index(fields=["case", "kind", "-recorded_on"])]
        verbose_name = _("outcome measure")
        verbose_name_plural = _("outcome measures")

    def __str__(self) -> str:
        return f"{self.case_id}: {self.kind} outcome measures of {self.recorded_on}"

    @property
    def ratings(self) -> list[tuple[str, int]]:
        return [
            (str(self._meta.get_field(n).verbose_name), getattr(self, n)) for n in OUTCOME_RATINGS
        ]


class SupportPlan(models.Model):
    """The individual employment support plan of a JPESS case: the person's
    employment goals and the activities that lead there."""

    case = models.OneToOneField(
        "cases.Case",
        on_delete=models.CASCADE,
        related_name="support_plan",
        verbose_name=_("case"),
    )
    goals = models.TextField(
        _("employment goals"), help_text=_("One goal a line, in the person's words.")
    )
    target_date = models.DateField(_("target date for being in work"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("written by"),
    )
    created_at = models.DateTimeField(_("written"))
    updated_at = models.DateTimeField(_("last changed"))

    class Meta:
        verbose_name = _("employment support plan")
        verbose_name_plural = _("employment support plans")

    def __str__(self) -> str:
        return f"{self.case_id}: employment support plan"

    @property
    def goal_lines(self) -> list[str]:
        return [line.strip() for line in self.goals.splitlines() if line.strip()]


class ActivityKind(models.TextChoices):
    CV = "cv", _("Write a CV")
    INTERVIEW = "interview", _("Interview preparation")
    TRAINING = "training", _("Training")
    JOB_COACHING = "job_coaching", _("Job coaching")
    WORK_TRIAL = "work_trial", _("Work trial")
    BUSINESS = "business", _("Business start-up")
    OTHER = "other", _("Other")


class ActivityStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class SupportActivity(models.Model):
    plan = models.ForeignKey(
        SupportPlan,
        on_delete=models.CASCADE,
        related_name="activities",
        verbose_name=_("employment support plan"),
    )
    kind = models.CharField(_("activity"), max_length=16, choices=ActivityKind.choices)
    description = models.TextField(_("what will be done"), blank=True)
    # Either a member of staff or the person themself leads the activity.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("who leads it"),
    )
    planned_on = models.DateField(_("planned date"))
    done_on = models.DateField(_("date done"), null=True, blank=True)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=ActivityStatus.choices,
        default=ActivityStatus.PLANNED,
    )
    created_at = models.DateTimeField(_("added"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("added by"),
    )

    class Meta:
        ordering = ["planned_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="done", done_on__isnull=False) | ~Q(status="done"),
                name="support_activity_done_has_date",
            ),
        ]
        verbose_name = _("support activity")
        verbose_name_plural = _("support activities")

    def __str__(self) -> str:
        return str(self.get_kind_display())

    @property
    def owner_name(self) -> str:
        return self.owner.display_name if self.owner_id else str(_("The person"))


# The rest of JPESS lives in sibling modules, imported here so Django finds the models.
from kembali.placement.models_followup import FollowUp  # noqa: E402, F401
from kembali.placement.models_jobs import (  # noqa: E402, F401
    JobCoach,
    ReferralStatus,
    SessionKind,
    SupportSession,
    VacancyReferral,
    VacancySkill,
)
from kembali.placement.models_matching import (  # noqa: E402, F401
    CandidateIndexChange,
    CandidateIndexVersion,
)
from kembali.placement.models_selfemployment import (  # noqa: E402, F401
    IncomeMilestone,
    SelfEmploymentPlan,
    SelfEmploymentSupport,
    SupportKind,
)
