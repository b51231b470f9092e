"""JPESS forms. They check the shape of the input; who may act, the workflow and the
scales' limits are enforced again by the services."""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.utils.translation import gettext_lazy as _

from kembali.cases.forms import DateInput, VersionForm
from kembali.employers.models import DemandLevel, StrengthLevel
from kembali.placement.models import (
    OUTCOME_RATINGS,
    ActivityKind,
    ActivityStatus,
    Barrier,
    EducationLevel,
    Skill,
)
from kembali.reference.models import IscoGroup


class ReferForm(VersionForm):
    reason = forms.CharField(
        label=_("Why does the person need job placement?"),
        help_text=_(
            "For example: the previous employer has no job the person can do now, "
            "or the business has closed."
        ),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        error_messages={"required": _("Say why the person needs job placement.")},
    )


class AssignOfficerForm(VersionForm):
    officer = forms.TypedChoiceField(
        label=_("Job placement officer"),
        coerce=int,
        choices=(),
        error_messages={"required": _("Choose a job placement officer.")},
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Needed only to explain a reassignment."),
    )

    def __init__(self, *args, officers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["officer"].choices = [(u.pk, u.display_name) for u in officers]


# What each level of a scale means, said plainly, per dimension.
DEMAND_HINTS = {
    "standing_walking": _(
        "How long the person can stand and walk in a working day. Not needed: hardly "
        "at all. Low: now and then, up to a third of the day. Moderate: often, up to "
        "two thirds. High: most of the day."
    ),
    "sitting": _(
        "How long the person can stay seated. Low: short spells only. Moderate: most "
        "of the morning or afternoon with breaks. High: a full desk day."
    ),
    "fine_hand_use": _(
        "Precise work with fingers: writing, typing, small parts. Low: now and then. "
        "Moderate: often. High: most of the day, or very fine work."
    ),
    "vision": _(
        "What the person's eyesight allows. Low: large print and familiar places. "
        "Moderate: ordinary reading and screens. High: detailed or close inspection work."
    ),
    "hearing": _(
        "Low: face to face in a quiet room. Moderate: phone calls and ordinary "
        "workplaces. High: noisy places, warning signals, many speakers."
    ),
    "speech": _(
        "Low: a few words or writing instead. Moderate: everyday conversation. "
        "High: talking most of the day, with customers or on the phone."
    ),
    "driving": _(
        "Not needed: cannot or should not drive. Low: short trips now and then. "
        "Moderate: daily driving. High: driving is the job."
    ),
    "cognitive_load": _(
        "Concentration, memory and decisions. Low: simple routine tasks. Moderate: "
        "several steps, some decisions. High: complex work, many decisions, time pressure."
    ),
}
DEMAND_LABELS = {
    "standing_walking": _("Standing and walking"),
    "sitting": _("Sitting"),
    "fine_hand_use": _("Fine hand use"),
    "vision": _("Vision"),
    "hearing": _("Hearing"),
    "speech": _("Speech"),
    "driving": _("Driving"),
    "cognitive_load": _("Cognitive load"),
}
NEEDS = {
    "wheelchair_access": _("Wheelchair access: step-free entrance and routes"),
    "accessible_toilet": _("An accessible toilet"),
    "flexible_hours": _("Flexible hours, for treatment or fatigue"),
    "remote_work": _("Working from home"),
    "assistive_technology": _("Assistive technology, such as a screen reader or an adapted tool"),
}
RATING_LABELS = {
    "skills": _("Your skills"),
    "career_goals": _("Your career goals: knowing what work you want"),
    "independence": _("Your independence in daily life"),
    "self_esteem": _("Your self-esteem: how you feel about yourself"),
    "health": _("Your health"),
}
RATING_CHOICES = [
    (1, _("1 – very poor")),
    (2, _("2 – poor")),
    (3, _("3 – fair")),
    (4, _("4 – good")),
    (5, _("5 – very good")),
]


def _scale_field(label, hint, choices, message):
    return forms.TypedChoiceField(
        label=label,
        help_text=hint,
        choices=choices,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": message, "invalid_choice": message},
    )


@dataclass
class Fieldset:
    legend: str
    hint: str
    fields: list


def isco_unit_choices() -> list[tuple[str, str]]:
    units = IscoGroup.objects.filter(level=4).order_by("code")
    return [("", _("No preference"))] + [(u.code, f"{u.code} {u.local_title}") for u in units]


class PlacementAssessmentForm(forms.Form):
    assessed_on = forms.DateField(
        label=_("Date of the assessment"),
        widget=DateInput(),
        error_messages={
            "required": _("Enter the date of the assessment."),
            "invalid": _("Enter the date of the assessment as a real date."),
        },
    )
    strength_level = _scale_field(
        _("Strength"),
        _(
            "The heaviest kind of work the person can do safely all day. Sedentary: "
            "mostly sitting, lifting up to 5 kg now and then. Light: up to 10 kg. "
            "Medium: up to 25 kg. Heavy: up to 50 kg. Very heavy: more than 50 kg."
        ),
        StrengthLevel.choices,
        _("Choose the strength level."),
    )
    max_lift_kg = forms.IntegerField(
        label=_("Heaviest safe lift (kg)"),
        min_value=0,
        max_value=255,
        help_text=_("The most the person may lift at once, in kilograms. 0 if no lifting."),
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "required": _("Enter the heaviest safe lift in kg."),
            "min_value": _("The heaviest safe lift cannot be below 0 kg."),
            "max_value": _("The heaviest safe lift must be 255 kg or less."),
            "invalid": _("Enter the heaviest safe lift as a whole number of kg."),
        },
    )
    shift_work = forms.BooleanField(
        label=_("The person can work shifts, including nights"), required=False
    )

    skills = forms.ModelMultipleChoiceField(
        label=_("Skills"),
        queryset=Skill.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Tick the skills the person has now and could use at work."),
    )
    education_level = forms.ChoiceField(
        label=_("Highest education"),
        choices=[("", _("Choose"))] + list(EducationLevel.choices),
        error_messages={"required": _("Choose the highest education.")},
    )
    previous_employment = forms.TypedChoiceField(
        label=_("The job before the injury or illness"),
        coerce=int,
        required=False,
        empty_value=None,
        choices=(),
        help_text=_("From the person's work history."),
    )
    work_history_notes = forms.CharField(
        label=_("Work history: notes"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Other jobs, informal work, what the person liked and did well."),
    )

    preferred_isco_1 = forms.ChoiceField(label=_("First preferred occupation"), required=False)
    preferred_isco_2 = forms.ChoiceField(label=_("Second preferred occupation"), required=False)
    preferred_isco_3 = forms.ChoiceField(label=_("Third preferred occupation"), required=False)
    max_travel_km = forms.IntegerField(
        label=_("Furthest the person can travel to work (km)"),
        min_value=1,
        max_value=300,
        help_text=_("One way, from home, by the transport the person has."),
        error_messages={
            "required": _("Enter how far the person can travel, in km."),
            "min_value": _("The distance must be at least 1 km."),
            "max_value": _("The distance must be 300 km or less."),
        },
    )
    min_monthly_wage = forms.DecimalField(
        label=_("Lowest monthly wage the person will accept (RM)"),
        min_value=0,
        max_digits=9,
        decimal_places=2,
        error_messages={
            "required": _("Enter the lowest monthly wage, in RM."),
            "min_value": _("The wage cannot be below RM 0."),
        },
    )
    hours_per_week = forms.IntegerField(
        label=_("Hours a week the person can work"),
        min_value=1,
        max_value=72,
        error_messages={
            "required": _("Enter the hours a week."),
            "min_value": _("The hours must be at least 1."),
            "max_value": _("The hours must be 72 or less."),
        },
    )
    accepts_remote = forms.BooleanField(label=_("The person would work from home"), required=False)
    home_latitude = forms.FloatField(
        label=_("Home latitude"),
        required=False,
        min_value=0,
        max_value=8,
        help_text=_("For example 3.139. Leave empty to use the centre of the person's state."),
    )
    home_longitude = forms.FloatField(
        label=_("Home longitude"),
        required=False,
        min_value=99,
        max_value=120,
        help_text=_("For example 101.687. Leave empty to use the centre of the person's state."),
    )

    barriers = forms.MultipleChoiceField(
        label=_("Barriers to work"),
        choices=Barrier.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Tick everything that stands between the person and a job."),
    )
    barrier_notes = forms.CharField(
        label=_("Barriers: notes"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, employments=(), **kwargs):
        super().__init__(*args, **kwargs)
        for name, label in DEMAND_LABELS.items():
            self.fields[name] = _scale_field(
                label,
                DEMAND_HINTS[name],
                DemandLevel.choices,
                _("Choose a level for “%(dimension)s”.") % {"dimension": label},
            )
        for name, label in NEEDS.items():
            self.fields[name] = forms.BooleanField(label=label, required=False)
        for name in OUTCOME_RATINGS:
            self.fields[f"rating_{name}"] = _scale_field(
                RATING_LABELS[name],
                "",
                RATING_CHOICES,
                _("Choose a rating from 1 to 5 for “%(what)s”.") % {"what": RATING_LABELS[name]},
            )
        self.fields["skills"].queryset = Skill.objects.filter(is_active=True).order_by("name")
        self.fields["previous_employment"].choices = [("", _("Not known"))] + [
            (job.pk, f"{job.job_title}, {job.employer_name} ({job.start_date:%Y})")
            for job in employments
        ]
        occupations = isco_unit_choices()
        for n in (1, 2, 3):
            self.fields[f"preferred_isco_{n}"].choices = occupations

    def clean(self):
        cleaned = super().clean()
        lat, lon = cleaned.get("home_latitude"), cleaned.get("home_longitude")
        if (lat is None) != (lon is None) and not self.has_error("home_latitude"):
            self.add_error(
                "home_longitude" if lon is None else "home_latitude",
                _("Give both the latitude and the longitude, or neither."),
            )
        codes = [cleaned.get(f"preferred_isco_{n}") for n in (1, 2, 3)]
        chosen = [c for c in codes if c]
        if len(set(chosen)) != len(chosen):
            self.add_error("preferred_isco_2", _("Choose each occupation only once."))
        return cleaned

    def fieldsets(self) -> list[Fieldset]:
        def f(*names):
            return [self[name] for name in names]

        return [
            Fieldset(
                _("Functional capacity"),
                _(
                    "What the person can do now, on the same scales employers use to "
                    "describe a job's demands, so jobs can be matched to the person."
                ),
                f("strength_level", "max_lift_kg", *DEMAND_LABELS, "shift_work"),
            ),
            Fieldset(
                _("Accessibility needs"),
                _("Tick only what a workplace must offer for the person to work there."),
                f(*NEEDS),
            ),
            Fieldset(
                _("Skills, education and work history"),
                "",
                f("skills", "education_level", "previous_employment", "work_history_notes"),
            ),
            Fieldset(
                _("Preferences"),
                _("What work the person wants, and what makes a job possible for them."),
                f(
                    "preferred_isco_1",
                    "preferred_isco_2",
                    "preferred_isco_3",
                    "max_travel_km",
                    "min_monthly_wage",
                    "hours_per_week",
                    "accepts_remote",
                    "home_latitude",
                    "home_longitude",
                ),
            ),
            Fieldset(_("Barriers"), "", f("barriers", "barrier_notes")),
            Fieldset(
                _("The person's own ratings"),
                _(
                    "Ask the person to rate each from 1 (very poor) to 5 (very good). "
                    "These are the baseline: the follow-ups ask the same questions."
                ),
                f(*(f"rating_{name}" for name in OUTCOME_RATINGS)),
            ),
            Fieldset(_("The assessment"), "", f("assessed_on")),
        ]

    def service_arguments(self, *, employments, isco_units) -> dict:
        d = self.cleaned_data
        jobs = {job.pk: job for job in employments}
        codes = [d.get(f"preferred_isco_{n}") for n in (1, 2, 3)]
        return {
            "assessed_on": d["assessed_on"],
            "capacity": {"strength_level": d["strength_level"]}
            | {name: d[name] for name in DEMAND_LABELS},
            "max_lift_kg": d["max_lift_kg"],
            "shift_work": d["shift_work"],
            "needs": {name: d[name] for name in NEEDS},
            "skills": list(d["skills"]),
            "education_level": d["education_level"],
            "previous_employment": jobs.get(d["previous_employment"]),
            "work_history_notes": d["work_history_notes"],
            "preferred_isco_units": [isco_units[c] for c in codes if c],
            "max_travel_km": d["max_travel_km"],
            "min_monthly_wage": d["min_monthly_wage"],
            "hours_per_week": d["hours_per_week"],
            "accepts_remote": d["accepts_remote"],
            "home_latitude": d["home_latitude"],
            "home_longitude": d["home_longitude"],
            "barriers": d["barriers"],
            "barrier_notes": d["barrier_notes"],
            "ratings": {name: d[f"rating_{name}"] for name in OUTCOME_RATINGS},
        }


def assessment_initial(assessment, case) -> dict:
    """A new assessment starts from the current one, or from the case's facts."""
    if assessment is None:
        return {
            "previous_employment": case.pre_injury_employment_id,
            "max_travel_km": 30,
            "hours_per_week": 45,
        }
    initial = {
        name: getattr(assessment, name)
        for name in (
            "strength_level",
            "max_lift_kg",
            "shift_work",
            *DEMAND_LABELS,
            *NEEDS,
            "education_level",
            "work_history_notes",
            "max_travel_km",
            "min_monthly_wage",
            "hours_per_week",
            "accepts_remote",
            "barriers",
            "barrier_notes",
        )
    }
    initial["previous_employment"] = assessment.previous_employment_id
    initial["skills"] = [s.pk for s in assessment.skills.all()]
    for n, unit in enumerate(assessment.preferred_isco_units.all()[:3], start=1):
        initial[f"preferred_isco_{n}"] = unit.code
    if not assessment.home_estimated:
        initial["home_latitude"] = assessment.home_latitude
        initial["home_longitude"] = assessment.home_longitude
    return initial


class SupportPlanForm(forms.Form):
    goals = forms.CharField(
        label=_("Employment goals"),
        help_text=_(
            "One goal a line, in the person's words. For example: work as a cashier near home."
        ),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
        error_messages={"required": _("Write at least one employment goal.")},
    )
    target_date = forms.DateField(
        label=_("Target date for being in work"), required=False, widget=DateInput()
    )


PERSON = "person"


class SupportActivityForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Activity"),
        choices=[("", _("Choose"))] + list(ActivityKind.choices),
        error_messages={"required": _("Choose the activity.")},
    )
    description = forms.CharField(
        label=_("What will be done"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    owner = forms.ChoiceField(
        label=_("Who leads it"),
        help_text=_("A member of staff, or the person themself."),
        error_messages={"required": _("Choose who leads the activity.")},
    )
    planned_on = forms.DateField(
        label=_("Planned date"),
        widget=DateInput(),
        error_messages={
            "required": _("Enter the planned date."),
            "invalid": _("Enter the planned date as a real date."),
        },
    )
    status = forms.ChoiceField(label=_("Status"), choices=ActivityStatus.choices)
    done_on = forms.DateField(
        label=_("Date done"),
        required=False,
        widget=DateInput(),
        help_text=_("Only once the activity is done."),
    )

    def __init__(self, *args, owners=(), **kwargs):
        super().__init__(*args, **kwargs)
        self._owners = {str(u.pk): u for u in owners}
        self.fields["owner"].choices = [
            ("", _("Choose")),
            (PERSON, _("The person")),
        ] + [(str(u.pk), u.display_name) for u in owners]

    def clean(self):
        cleaned = super().clean()
        status, done_on = cleaned.get("status"), cleaned.get("done_on")
        if status == ActivityStatus.DONE and done_on is None and not self.has_error("done_on"):
            self.add_error("done_on", _("Give the date the activity was done."))
        if done_on is not None and status and status != ActivityStatus.DONE:
            self.add_error("status", _("An activity with a date done is done."))
        return cleaned

    def service_arguments(self) -> dict:
        d = dict(self.cleaned_data)
        owner = d.pop("owner")
        d["owner"] = None if owner == PERSON else self._owners.get(owner)
        return d
