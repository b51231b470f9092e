"""Employers (a small CRM), their vacancies and the disability equality trainings.

Employers are national: any placement officer may see and work any employer,
whatever their office (an employer hires people from everywhere). The owner
officer is who leads the relationship; a second officer is warned, not blocked.

The SOCSO employer code as Kembali writes it: "E", the 2-digit state code of the
employer's registered address (01-16), then a 7-digit serial: E140000123.
"""

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
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("owner officer"),
    )
    engaged_on = models.DateField(_("first engaged on"), null=True, blank=True)
    informed_fiscal_benefits_on = models.DateField(
        _("informed of fiscal benefits on"), null=True, blank=True
    )
    informed_fiscal_benefits_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("informed of fiscal benefits by"),
    )

    # The workplace's accessibility and inclusion measures: a checklist and notes.
    step_free_access = models.BooleanField(_("step-free access (ramps, lifts)"), default=False)
    accessible_toilet = models.BooleanField(_("accessible toilet"), default=False)
    accessible_parking = models.BooleanField(_("accessible parking"), default=False)
    adapted_workstations = models.BooleanField(_("adapted workstations"), default=False)
    flexible_hours = models.BooleanField(_("flexible working hours"), default=False)
    remote_work = models.BooleanField(_("remote work possible"), default=False)
    assistive_technology = models.BooleanField(_("assistive technology"), default=False)
    disability_aware_staff = models.BooleanField(
        _("staff trained in disability awareness"), default=False
    )
    accessibility_notes = models.TextField(_("notes on accessibility and inclusion"), blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        indexes = [
            # "New employers engaged this year" counts on it.
            models.Index(fields=["engaged_on"], name="employer_engaged_on"),
        ]
        verbose_name = _("employer")
        verbose_name_plural = _("employers")

    def __str__(self) -> str:
        return self.name


# The checklist of Employer's accessibility and inclusion measures, in display order.
EMPLOYER_ACCESSIBILITY_FIELDS = (
    "step_free_access",
    "accessible_toilet",
    "accessible_parking",
    "adapted_workstations",
    "flexible_hours",
    "remote_work",
    "assistive_technology",
    "disability_aware_staff",
)


class Contact(models.Model):
    """A person at the employer: personal data, so every change is audited."""

    employer = models.ForeignKey(
        Employer, on_delete=models.CASCADE, related_name="contacts", verbose_name=_("employer")
    )
    name = models.CharField(_("name"), max_length=150)
    position = models.CharField(_("position"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")

    def __str__(self) -> str:
        return self.name


class Engagement(models.Model):
    """One contact with an employer: a visit, a call, an awareness session, an agreement."""

    class Kind(models.TextChoices):
        VISIT = "visit", _("Visit")
        CALL = "call", _("Call")
        AWARENESS_SESSION = "awareness_session", _("Awareness session")
        AGREEMENT = "agreement", _("Agreement")

    employer = models.ForeignKey(
        Employer, on_delete=models.CASCADE, related_name="engagements", verbose_name=_("employer")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    date = models.DateField(_("date"))
    outcome = models.TextField(_("outcome"), blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("by"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["employer", "date"], name="engagement_employer_date")]
        verbose_name = _("engagement")
        verbose_name_plural = _("engagements")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.date:%Y-%m-%d}, {self.employer}"


class FunnelChange(models.Model):
    """The funnel status history: one row per change (who, when, from, to, why)."""

    employer = models.ForeignKey(
        Employer,
        on_delete=models.CASCADE,
        related_name="funnel_changes",
        verbose_name=_("employer"),
    )
    from_status = models.CharField(
        _("from"), max_length=16, choices=Employer.Funnel.choices, blank=True
    )
    to_status = models.CharField(_("to"), max_length=16, choices=Employer.Funnel.choices)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("changed by"),
    )
    changed_at = models.DateTimeField(_("changed at"), auto_now_add=True)
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        ordering = ["-changed_at", "-id"]
        verbose_name = _("funnel status change")
        verbose_name_plural = _("funnel status changes")

    def __str__(self) -> str:
        return f"{self.employer}: {self.from_status or '-'} -> {self.to_status}"


class StrengthLevel(models.IntegerChoices):
    """The physical strength a job demands, or a person can sustain: the same
    scale on both sides, so matching compares numbers (capacity >= demand)."""

    SEDENTARY = 1, _("Sedentary (lifting up to 5 kg now and then)")
    LIGHT = 2, _("Light (up to 10 kg)")
    MEDIUM = 3, _("Medium (up to 25 kg)")
    HEAVY = 4, _("Heavy (up to 50 kg)")
    VERY_HEAVY = 5, _("Very heavy (more than 50 kg)")


class DemandLevel(models.IntegerChoices):
    """How much of a function a job needs, or a person can give: standing and
    walking, sitting, fine hand use, vision, hearing, speech, driving and
    cognitive load all use this one scale, on the vacancy and on the person's
    job placement assessment alike."""

    NONE = 0, _("Not needed")
    LOW = 1, _("Low (now and then)")
    MODERATE = 2, _("Moderate (often)")
    HIGH = 3, _("High (most of the time, or demanding)")


# The demand dimensions a vacancy and a job placement assessment share, in the
# order the matching engine reads them. Strength uses StrengthLevel; the rest DemandLevel.
DEMAND_FIELDS = (
    "strength_level",
    "standing_walking",
    "sitting",
    "fine_hand_use",
    "vision",
    "hearing",
    "speech",
    "driving",
    "cognitive_load",
)
ACCESSIBILITY_FIELDS = (
    "wheelchair_access",
    "accessible_toilet",
    "flexible_hours",
    "remote_work",
    "assistive_technology",
)


class Vacancy(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        FILLED = "filled", _("Filled")
        CLOSED = "closed", _("Closed")

    employer = models.ForeignKey(
        Employer, on_delete=models.PROTECT, related_name="vacancies", verbose_name=_("employer")
    )
    # The employer's or a source system's id, for idempotent CSV import.
    reference = models.CharField(_("reference"), max_length=40, unique=True, null=True, blank=True)
    isco_unit = models.ForeignKey(
        "reference.IscoGroup",
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"level": 4},
        verbose_name=_("occupation (ISCO-08 unit group)"),
    )
    title = models.CharField(_("job title"), max_length=150)
    description = models.TextField(_("description"), blank=True)
    state = models.ForeignKey(
        "reference.State", on_delete=models.PROTECT, related_name="+", verbose_name=_("state")
    )
    district = models.CharField(_("district"), max_length=60, blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    monthly_wage = models.DecimalField(_("monthly wage (RM)"), max_digits=9, decimal_places=2)
    hours_per_week = models.PositiveSmallIntegerField(_("hours per week"), default=45)
    shift_work = models.BooleanField(_("shift work"), default=False)

    # Physical and other demands: the same scales as the job placement assessment.
    strength_level = models.PositiveSmallIntegerField(
        _("strength"), choices=StrengthLevel.choices, default=StrengthLevel.LIGHT
    )
    max_lift_kg = models.PositiveSmallIntegerField(_("heaviest lift (kg)"), default=0)
    standing_walking = models.PositiveSmallIntegerField(
        _("standing and walking"), choices=DemandLevel.choices, default=DemandLevel.LOW
    )
    sitting = models.PositiveSmallIntegerField(
        _("sitting"), choices=DemandLevel.choices, default=DemandLevel.LOW
    )
    fine_hand_use = models.PositiveSmallIntegerField(
        _("fine hand use"), choices=DemandLevel.choices, default=DemandLevel.LOW
    )
    vision = models.PositiveSmallIntegerField(
        _("vision"), choices=DemandLevel.choices, default=DemandLevel.LOW
    )
    hearing = models.PositiveSmallIntegerField(
        _("hearing"), choices=DemandLevel.choices, default=DemandLevel.LOW
    )
    speech = models.PositiveSmallIntegerField(
        _("speech"), choices=DemandLevel.choices, default=DemandLevel.LOW
    )
    driving = models.PositiveSmallIntegerField(
        _("driving"), choices=DemandLevel.choices, default=DemandLevel.NONE
    )
    cognitive_load = models.PositiveSmallIntegerField(
        _("cognitive load"), choices=DemandLevel.choices, default=DemandLevel.LOW
    )

    # What the workplace offers.
    wheelchair_access = models.BooleanField(_("wheelchair access"), default=False)
    accessible_toilet = models.BooleanField(_("accessible toilet"), default=False)
    flexible_hours = models.BooleanField(_("flexible hours"), default=False)
    remote_work = models.BooleanField(_("remote work possible"), default=False)
    assistive_technology = models.BooleanField(_("assistive technology"), default=False)

    openings = models.PositiveSmallIntegerField(_("openings"), default=1)
    opened_on = models.DateField(_("opened on"))
    closes_on = models.DateField(_("closes on"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.OPEN
    )
    # Bumped by every change: an API or form edit sends the version it read, and a
    # stale one is refused (409) rather than overwriting someone else's change.
    version = models.PositiveIntegerField(_("version"), default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-opened_on", "-id"]
        indexes = [
            # "Open vacancies", by place and by occupation: the matching index
            # and the vacancy lists read these.
            models.Index(fields=["status", "state", "isco_unit"], name="vacancy_open_state_isco"),
            models.Index(fields=["status", "closes_on"], name="vacancy_open_closing"),
            models.Index(fields=["employer", "status"], name="vacancy_employer_status"),
            models.Index(fields=["updated_at"], name="vacancy_updated"),
        ]
        verbose_name = _("vacancy")
        verbose_name_plural = _("vacancies")

    def __str__(self) -> str:
        return f"{self.title}, {self.employer}"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class VacancyIndexVersion(models.Model):
    """One row (pk 1) whose ``version`` goes up whenever vacancies change.

    The matching index polls it (one primary-key read) and, when it moved, patches
    the vacancies logged in VacancyIndexChange; see kembali.employers.freshness."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    version = models.BigIntegerField(default=0)
    changed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("vacancy index version")

    def __str__(self) -> str:
        return f"vacancies v{self.version}"


class VacancyIndexChange(models.Model):
    """Which vacancy each marker version stands for, written in the same transaction
    as the bump, so a matching index can re-read only the vacancies changed since it
    was built. ``vacancy_id`` is None for a change to many vacancies at once (a
    bulk write): the index then rebuilds. ``changed_at`` repeats the marker's, so an
    index can tell that the log continues the history it was built from. Old rows
    are pruned (kembali.employers.freshness)."""

    version = models.BigIntegerField(db_index=True)
    # No foreign key: the row outlives a deleted vacancy.
    vacancy_id = models.BigIntegerField(null=True, blank=True)
    changed_at = models.DateTimeField()

    class Meta:
        verbose_name = _("vacancy index change")

    def __str__(self) -> str:
        return f"vacancies v{self.version}: {self.vacancy_id or 'all'}"


class Training(models.Model):
    """A disability equality training session for employers."""

    date = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=150)
    state = models.ForeignKey(
        "reference.State", on_delete=models.PROTECT, related_name="+", verbose_name=_("state")
    )
    trainer = models.CharField(_("trainer"), max_length=150)
    topic = models.CharField(_("topic"), max_length=200)
    notes = models.TextField(_("notes"), blank=True)
    employers = models.ManyToManyField(
        Employer,
        through="TrainingAttendance",
        related_name="trainings",
        verbose_name=_("employers"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["date"], name="training_date")]
        verbose_name = _("disability equality training")
        verbose_name_plural = _("disability equality trainings")

    def __str__(self) -> str:
        return f"{self.topic} ({self.date:%Y-%m-%d}, {self.place})"


class TrainingAttendance(models.Model):
    """An employer invited to a training: whether it came, and with how many people."""

    training = models.ForeignKey(
        Training,
        on_delete=models.CASCADE,
        related_name="attendances",
        verbose_name=_("training"),
    )
    employer = models.ForeignKey(
        Employer,
        on_delete=models.PROTECT,
        related_name="training_attendances",
        verbose_name=_("employer"),
    )
    attended = models.BooleanField(_("attended"), default=True)
    people = models.PositiveSmallIntegerField(_("people attending"), default=1)

    class Meta:
        ordering = ["employer__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["training", "employer"], name="training_attendance_unique"
            )
        ]
        verbose_name = _("training attendance")
        verbose_name_plural = _("training attendances")

    def __str__(self) -> str:
        return f"{self.employer} at {self.training}"
