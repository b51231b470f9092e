"""Return to Work cases: one per episode of rehabilitation of one insured person."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kembali.core.uploads import RandomName, protected_storage, validate_upload
from kembali.people.models import Sex


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

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class Case(models.Model):
    class Source(models.TextChoices):
        FORM = "form", _("Referral form")
        API = "api", _("API")
        IMPORT = "import", _("CSV import")

    number = models.CharField(_("case number"), max_length=20, unique=True)
    person = models.ForeignKey(
        "people.InsuredPerson",
        on_delete=models.PROTECT,
        related_name="cases",
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
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="managed_cases",
        verbose_name=_("case manager"),
    )
    placement_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="placement_cases",
        verbose_name=_("job placement officer"),
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
        "people.Injury",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("injury or disease"),
    )
    pre_injury_employment = models.ForeignKey(
        "people.Employment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
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
    # Copies for the reports, so that filtering and splitting a million cases reads no
    # person or decision row: the person's sex (which never changes) and the age on the
    # referral date from the eligibility decision. Written with the case and the
    # decision (referral_create, the CSV import, the generator); anonymisation keeps
    # both. Null only until the decision is recorded (the age) or on a case written
    # before migration 0009 was applied (which filled them in).
    person_sex = models.CharField(
        _("sex of the person"), max_length=1, choices=Sex.choices, null=True, blank=True
    )
    referral_age = models.PositiveSmallIntegerField(
        _("age on the referral date"), null=True, blank=True
    )
    # The local day version 1 of the case's plan was approved (its first approval):
    # a copy for the reports' plan-approval figures (kembali.reports.kpis), so that
    # the days from referral to the first plan are counted from the case rows alone,
    # not by reading 800,000 plans and their cases for a year's approvals. Written by
    # plans.services.plan_approve and the generator; filled in by cases migration 0014.
    plan_approved_on = models.DateField(
        _("first plan approved on"), null=True, blank=True, editable=False
    )
    # A copy of the person's full name for the case lists' search box, so that a
    # search of an office's cases reads no person row per case (at 100,000 cases a
    # supervisor's search for a name read thousands of people and cases: 6-16 ms
    # on PostgreSQL). Written with the case (referral_create, the CSV import, the
    # generator) and on every change of the name (people.services.person_update_details,
    # people.pdpa.person_anonymise: person_name_copies_sync). Pages show the
    # person's own name; only the search reads this one.
    person_name = models.CharField(
        _("name of the person"), max_length=150, blank=True, default="", editable=False
    )
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
            # The case lists, newest first, without sorting an office's cases:
            # an office's (supervisors), a case manager's and an officer's own.
            models.Index(fields=["office", "-referral_date", "-id"], name="case_office_newest"),
            models.Index(
                fields=["case_manager", "-referral_date", "-id"], name="case_manager_newest"
            ),
            models.Index(
                fields=["placement_officer", "-referral_date", "-id"], name="case_officer_newest"
            ),
            # A case manager sees their cases of their own office ("my cases"): counted
            # in this index alone, not by reading the office's cases one by one.
            models.Index(
                fields=["case_manager", "office", "-referral_date", "-id"],
                name="case_manager_office_newest",
            ),
            # The reports' one pass over the cases (kembali.reports.kpis.case_figures)
            # reads only these columns, grouped by the first three: SQLite scans this
            # narrow index in group order, not the table.
            models.Index(
                fields=[
                    "office",
                    "status",
                    "rtw_level",
                    "eligible",
                    "in_jpess",
                    "referral_date",
                    "rtw_date",
                    "closed_at",
                    "person_sex",
                    "referral_age",
                ],
                name="case_report_pass",
            ),
            # First plan approvals of a period, with the days since referral and the
            # office and sex a report may filter them by, read from this index alone.
            models.Index(
                fields=["plan_approved_on", "referral_date", "office", "person_sex"],
                name="case_report_plan",
            ),
            # Returns to work of a period (levels, days to return, benefit avoided).
            models.Index(fields=["rtw_date", "rtw_level", "referral_date"], name="case_report_rtw"),
        ]
        verbose_name = _("case")
        verbose_name_plural = _("cases")

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class Transition(models.Model):
    """One step of a case through the workflow: who moved it, when, from where to where
    and why. Written only by kembali.cases.workflow; history and audit at once."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(_("from"), max_length=20, choices=Status.choices)
    to_status = models.CharField(_("to"), max_length=20, choices=Status.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("when"))
    reason = models.TextField(_("reason"), blank=True)
    # A reason the system wrote: rendered at read time in the reader's language
    # (kembali.cases.reasons); `reason` keeps its English wording.
    reason_code = models.CharField(_("reason code"), max_length=40, blank=True, default="")
    reason_params = models.JSONField(_("reason parameters"), default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["case", "-at"])]
        verbose_name = _("transition")
        verbose_name_plural = _("transitions")

    def __str__(self) -> str:
        return f"{self.case_id}: {self.from_status} -> {self.to_status}"


class EligibilityDecision(models.Model):
    """The eligibility decision made on referral, with every rule's result, and a
    supervisor's override of a negative decision."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="eligibility")
    eligible = models.BooleanField(_("eligible"))
    age = models.PositiveSmallIntegerField(_("age on the referral date"))
    matched_rules = models.JSONField(_("rules matched"), default=list)
    # [{rule, matched, code, params, reason}, ...] as returned by decide_eligibility.
    rules = models.JSONField(_("rule results"), default=list)
    # The facts the decision was made on, so it can be explained later.
    facts = models.JSONField(_("facts"), default=dict)
    decided_at = models.DateTimeField(_("decided"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )  # null: the rules decided
    overridden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("overridden by"),
    )
    overridden_at = models.DateTimeField(_("overridden"), null=True, blank=True)
    override_reason = models.TextField(_("reason for the override"), blank=True)

    class Meta:
        verbose_name = _("eligibility decision")
        verbose_name_plural = _("eligibility decisions")

    def __str__(self) -> str:
        return f"{self.case_id}: {'eligible' if self.eligible else 'not eligible'}"

    @property
    def is_overridden(self) -> bool:
        return self.overridden_at is not None


class Assignment(models.Model):
    """Who held a role on a case and when. The current holder has no unassigned_at."""

    class Role(models.TextChoices):
        CASE_MANAGER = "case_manager", _("Case manager")
        PLACEMENT_OFFICER = "placement_officer", _("Job placement officer")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="assignments")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("assigned to"),
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("assigned by"),
    )
    assigned_at = models.DateTimeField(_("assigned"))
    unassigned_at = models.DateTimeField(_("until"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        ordering = ["-assigned_at", "-id"]
        indexes = [models.Index(fields=["case", "role", "-assigned_at"])]
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")

    def __str__(self) -> str:
        return f"{self.case_id}: {self.role} {self.user_id}"


class IssueRating(models.IntegerChoices):
    NONE = 0, _("No issue")
    MINOR = 1, _("Minor issue")
    MODERATE = 2, _("Moderate issue")
    SEVERE = 3, _("Severe barrier to return")


class Assessment(models.Model):
    """The case manager's assessment of the key issues of the injury or disease. The
    first one moves the case to assessed; later ones are reassessments, kept beside it."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="assessments")
    assessed_on = models.DateField(_("assessed on"))
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("assessed by"),
    )
    is_initial = models.BooleanField(_("initial assessment"), default=True)
    medical_rating = models.PositiveSmallIntegerField(_("medical"), choices=IssueRating.choices)
    medical_notes = models.TextField(_("medical: notes"), blank=True)
    functional_rating = models.PositiveSmallIntegerField(
        _("functional capacity"), choices=IssueRating.choices
    )
    functional_notes = models.TextField(_("functional capacity: notes"), blank=True)
    psychosocial_rating = models.PositiveSmallIntegerField(
        _("psychosocial"), choices=IssueRating.choices
    )
    psychosocial_notes = models.TextField(_("psychosocial: notes"), blank=True)
    workplace_rating = models.PositiveSmallIntegerField(
        _("workplace and employer"), choices=IssueRating.choices
    )
    workplace_notes = models.TextField(_("workplace and employer: notes"), blank=True)
    vocational_rating = models.PositiveSmallIntegerField(
        _("vocational"), choices=IssueRating.choices
    )
    vocational_notes = models.TextField(_("vocational: notes"), blank=True)
    person_goal = models.TextField(_("the person's own goal, in their words"))
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        ordering = ["-assessed_on", "-created_at", "-id"]
        indexes = [models.Index(fields=["case", "-assessed_on", "-created_at"])]
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")

    def __str__(self) -> str:
        return f"{self.case_id}: assessment of {self.assessed_on}"


class Consent(models.Model):
    """The person's consent to join the programme and to share their data with named
    parties, with the signed form. A withdrawal keeps the row and revokes the sharing."""

    class Method(models.TextChoices):
        PAPER = "paper", _("A signed paper form, scanned and uploaded")
        PRINTED = "printed", _("The form printed from Kembali, signed and uploaded")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="consents")
    given_on = models.DateField(_("consent given on"))
    method = models.CharField(_("how consent was given"), max_length=10, choices=Method.choices)
    joins_programme = models.BooleanField(_("consents to join the programme"))
    intention_confirmed = models.BooleanField(_("intention to join confirmed"))
    providers = models.ManyToManyField(
        "providers.Provider",
        blank=True,
        related_name="+",
        verbose_name=_("rehabilitation providers data may be shared with"),
    )
    employers = models.ManyToManyField(
        "employers.Employer",
        blank=True,
        related_name="+",
        verbose_name=_("employers data may be shared with"),
    )
    shares_with_jpess = models.BooleanField(
        _("data may be shared with the job placement service (JPESS)"), default=False
    )
    signed_form = models.FileField(
        _("signed consent form"),
        upload_to=RandomName("consent"),
        storage=protected_storage,
        validators=[validate_upload],
        max_length=200,
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded"))
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawal recorded"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("withdrawal recorded by"),
    )
    withdrawal_reason = models.TextField(_("reason for the withdrawal"), blank=True)

    class Meta:
        ordering = ["-recorded_at", "-id"]
        indexes = [models.Index(fields=["case", "-recorded_at"])]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")

    def __str__(self) -> str:
        return f"{self.case_id}: consent of {self.given_on}"

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None


# --- Monitoring: notes, contacts and tasks; the return-to-work outcome.


class CaseNote(models.Model):
    """A case manager's note on the case: what happened, what was decided."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    text = models.TextField(_("note"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("written by"),
    )
    created_at = models.DateTimeField(_("written"))

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["case", "-created_at"])]
        verbose_name = _("case note")
        verbose_name_plural = _("case notes")

    def __str__(self) -> str:
        return f"{self.case_id}: note of {self.created_at:%Y-%m-%d}"


class CaseContact(models.Model):
    """A contact with someone about the case: with whom, how, when, what was said."""

    class Party(models.TextChoices):
        PERSON = "person", _("The insured person")
        EMPLOYER = "employer", _("Employer")
        DOCTOR = "doctor", _("Doctor")
        PROVIDER = "provider", _("Rehabilitation provider")
        FAMILY = "family", _("Family member")
        OTHER = "other", _("Someone else")

    class Method(models.TextChoices):
        PHONE = "phone", _("Phone")
        VISIT = "visit", _("Visit")
        EMAIL = "email", _("E-mail")
        VIDEO = "video", _("Video call")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="contacts")
    party = models.CharField(_("with whom"), max_length=10, choices=Party.choices)
    party_name = models.CharField(_("name of the contact"), max_length=150, blank=True)
    method = models.CharField(_("how"), max_length=8, choices=Method.choices)
    contacted_at = models.DateTimeField(_("when"))
    summary = models.TextField(_("summary"))
    follow_up_needed = models.BooleanField(_("follow-up needed"), default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("recorded"))

    class Meta:
        ordering = ["-contacted_at", "-id"]
        indexes = [models.Index(fields=["case", "-contacted_at"])]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")

    def __str__(self) -> str:
        return f"{self.case_id}: {self.party} by {self.method}"


class CaseTask(models.Model):
    """Something someone must do on a case by a date. Open until marked done."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="tasks")
    title = models.CharField(_("what needs doing"), max_length=200)
    due_date = models.DateField(_("due date"))
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="case_tasks",
        verbose_name=_("assigned to"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"))
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("done by"),
    )

    class Meta:
        ordering = ["due_date", "id"]
        indexes = [
            models.Index(fields=["case", "due_date"]),
            models.Index(fields=["assigned_to", "done_at", "due_date"]),
            models.Index(fields=["done_at", "due_date"]),
        ]
        verbose_name = _("task")
        verbose_name_plural = _("tasks")

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.done_at is None


class RtwOutcome(models.Model):
    """The return to work as recorded: the new job and its level in the RTW hierarchy.

    `auto_level` is what the classifier said; `level` what stands. They differ only
    when someone overrode the classification, with a reason."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="outcomes")
    return_date = models.DateField(_("date of the return to work"))
    employer = models.ForeignKey(
        "employers.Employer",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("employer"),
    )
    employer_name = models.CharField(_("employer name"), max_length=150, blank=True)
    isco_unit = models.ForeignKey(
        "reference.IscoGroup",
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"level": 4},
        verbose_name=_("occupation (ISCO-08 unit group)"),
    )
    job_title = models.CharField(_("job title"), max_length=150)
    monthly_wage = models.DecimalField(_("monthly wage (RM)"), max_digits=9, decimal_places=2)
    hours_per_week = models.PositiveSmallIntegerField(_("hours per week"))
    self_employed = models.BooleanField(_("self-employed"), default=False)
    auto_level = models.PositiveSmallIntegerField(
        _("level as classified"), choices=RtwLevel.choices
    )
    level = models.PositiveSmallIntegerField(_("RTW outcome level"), choices=RtwLevel.choices)
    override_reason = models.TextField(_("reason for overriding the level"), blank=True)
    overridden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("level overridden by"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded"))

    class Meta:
        ordering = ["-recorded_at", "-id"]
        indexes = [models.Index(fields=["case", "-recorded_at"])]
        verbose_name = _("return-to-work outcome")
        verbose_name_plural = _("return-to-work outcomes")

    def __str__(self) -> str:
        return f"{self.case_id}: level {self.level} from {self.return_date}"

    @property
    def is_overridden(self) -> bool:
        return self.level != self.auto_level


class TimelineChange(models.Model):
    """A change to a row that a case's timeline shows, other than a new row of a
    timeline source: written by the database's own triggers, never by Python
    (kembali.cases.timeline_kept), so that no path that changes a row can forget it.
    A case's count of these rows is part of the key its kept timeline is found by;
    rows are never deleted, so the count only grows."""

    id = models.BigAutoField(primary_key=True)
    case_id = models.BigIntegerField(_("case"))

    class Meta:
        indexes = [models.Index(fields=["case_id"], name="timeline_change_case")]
        verbose_name = _("timeline change")
        verbose_name_plural = _("timeline changes")

    def __str__(self) -> str:
        return f"{self.case_id}: change {self.pk}"


class TimelineShared(models.Model):
    """One row: how many times a row that many cases' timelines show (a user's name,
    an employer's, a provider's, a vacancy's title, an occupation's) has changed,
    counted by the database's triggers (kembali.cases.timeline_kept)."""

    changes = models.BigIntegerField(_("changes"), default=0)

    class Meta:
        verbose_name = _("shared timeline changes")
        verbose_name_plural = _("shared timeline changes")

    def __str__(self) -> str:
        return str(self.changes)
