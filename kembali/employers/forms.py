"""The forms of the employer pages. They parse input; the rules live in the services."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from kembali.accounts.models import Role
from kembali.core.csvimport import ALL_OR_NOTHING, GOOD_ROWS
from kembali.employers.models import (
    ACCESSIBILITY_FIELDS,
    EMPLOYER_ACCESSIBILITY_FIELDS,
    DemandLevel,
    Employer,
    Engagement,
    StrengthLevel,
    Vacancy,
)
from kembali.employers.services import employer_code_normalise
from kembali.employers.vacancies import MAX_HOURS_PER_WEEK, MAX_LIFT_KG, VacancyInput
from kembali.reference.models import State

# Officers who may own an employer: those whose role may change employers.
OWNER_ROLES = (Role.PLACEMENT_OFFICER, Role.SUPERVISOR, Role.NATIONAL_ADMIN)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class StateChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.local_name


class OfficerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.display_name


def _states(**kwargs):
    return StateChoiceField(queryset=State.objects.order_by("name"), **kwargs)


def _officers():
    return (
        get_user_model()
        .objects.filter(is_active=True, role__in=OWNER_ROLES)
        .order_by("first_name", "last_name", "username")
    )


class EmployerCodeField(forms.CharField):
    """A SOCSO employer code, in its stored form."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 14)
        kwargs.setdefault(
            "help_text",
            _(
                "E, the 2-digit state code of the registered address and a 7-digit "
                "serial, like E140000123."
            ),
        )
        super().__init__(**kwargs)
        self.widget.attrs.update({"autocomplete": "off", "spellcheck": "false"})

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return value
        try:
            return employer_code_normalise(value)
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from None


# -- employers ---------------------------------------------------------------


class EmployerFilterForm(forms.Form):
    q = forms.CharField(label=_("Name or employer code"), required=False, max_length=100)
    state = _states(label=_("State"), required=False, empty_label=_("All states"))
    funnel = forms.ChoiceField(
        label=_("Funnel status"),
        required=False,
        choices=[("", _("All statuses")), *Employer.Funnel.choices],
    )
    owner = OfficerChoiceField(
        label=_("Owner officer"), required=False, queryset=_officers(), empty_label=_("Anyone")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = _officers()


class EmployerForm(forms.Form):
    employer_code = EmployerCodeField(label=_("SOCSO employer code"))
    name = forms.CharField(label=_("Name"), max_length=150)
    industry = forms.CharField(label=_("Industry"), max_length=80, required=False)
    size = forms.ChoiceField(
        label=_("Size"), required=False, choices=[("", _("Not known")), *Employer.Size.choices]
    )
    address = forms.CharField(
        label=_("Address"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    district = forms.CharField(label=_("District"), max_length=60, required=False)
    state = _states(label=_("State"))
    latitude = forms.FloatField(
        label=_("Latitude"),
        required=False,
        min_value=0.5,
        max_value=7.8,
        help_text=_("Decimal degrees, like 3.1390. Leave empty if not known."),
    )
    longitude = forms.FloatField(
        label=_("Longitude"),
        required=False,
        min_value=99,
        max_value=120,
        help_text=_("Decimal degrees, like 101.6869."),
    )
    owner = OfficerChoiceField(
        label=_("Owner officer"),
        required=False,
        queryset=_officers(),
        empty_label=_("Nobody yet"),
        help_text=_("The officer who leads the relationship with this employer."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = _officers()

    def clean(self):
        data = super().clean()
        if (data.get("latitude") is None) != (data.get("longitude") is None):
            self.add_error("latitude", _("Enter both the latitude and the longitude, or neither."))
        return data


class ContactForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=150)
    position = forms.CharField(label=_("Position"), max_length=100, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)


class EngagementForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What kind of contact"), choices=Engagement.Kind.choices, widget=forms.RadioSelect
    )
    date = forms.DateField(label=_("Date"), widget=DateInput())
    outcome = forms.CharField(
        label=_("Outcome"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What was agreed, and what happens next."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = timezone.localdate


class FunnelForm(forms.Form):
    to_status = forms.ChoiceField(label=_("New funnel status"), choices=Employer.Funnel.choices)
    reason = forms.CharField(label=_("Why"), max_length=200, required=False)


class AccessibilityForm(forms.Form):
    notes = forms.CharField(
        label=_("Notes on accessibility and inclusion"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in EMPLOYER_ACCESSIBILITY_FIELDS:
            self.fields[name] = forms.BooleanField(
                label=capfirst(Employer._meta.get_field(name).verbose_name), required=False
            )
        self.order_fields([*EMPLOYER_ACCESSIBILITY_FIELDS, "notes"])

    def measure_fields(self):
        return [self[name] for name in EMPLOYER_ACCESSIBILITY_FIELDS]


class FiscalBenefitsForm(forms.Form):
    informed_on = forms.DateField(label=_("Date the employer was informed"), widget=DateInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["informed_on"].initial = timezone.localdate


# -- vacancies ---------------------------------------------------------------

# Plain-language hints for the demand dimensions: what the level means on the job.
DEMAND_HINTS = {
    "strength_level": _(
        "The heaviest physical work the job needs, by how much is lifted or carried."
    ),
    "max_lift_kg": _("The heaviest single load the worker lifts, in kg (0 to 100)."),
    "standing_walking": _("How much of the day is spent on the feet."),
    "sitting": _("How much of the day is spent seated."),
    "fine_hand_use": _("Writing, typing, assembling small parts, handling tools with the fingers."),
    "vision": _("Reading small print, inspecting, watching screens or machines closely."),
    "hearing": _("Phone calls, listening for alarms, talking in noise."),
    "speech": _("Talking with customers or colleagues, giving instructions."),
    "driving": _("Driving a vehicle as part of the work."),
    "cognitive_load": _(
        "Planning, remembering instructions, solving problems, working under time pressure."
    ),
}

DEMAND_LABELS = {
    "strength_level": _("Strength"),
    "standing_walking": _("Standing and walking"),
    "sitting": _("Sitting"),
    "fine_hand_use": _("Fine hand use"),
    "vision": _("Vision"),
    "hearing": _("Hearing"),
    "speech": _("Speech"),
    "driving": _("Driving"),
    "cognitive_load": _("Cognitive load"),
}

ACCESSIBILITY_LABELS = {
    "wheelchair_access": _("Wheelchair access"),
    "accessible_toilet": _("Accessible toilet"),
    "flexible_hours": _("Flexible hours"),
    "remote_work": _("Remote work possible"),
    "assistive_technology": _("Assistive technology"),
}

ISCO_MAJOR_CHOICES = [
    ("", _("All occupation groups")),
    ("1", _("1 Managers")),
    ("2", _("2 Professionals")),
    ("3", _("3 Technicians and associate professionals")),
    ("4", _("4 Clerical support workers")),
    ("5", _("5 Service and sales workers")),
    ("6", _("6 Skilled agricultural, forestry and fishery workers")),
    ("7", _("7 Craft and related trades workers")),
    ("8", _("8 Plant and machine operators and assemblers")),
    ("9", _("9 Elementary occupations")),
    ("0", _("0 Armed forces occupations")),
]


class VacancyFilterForm(forms.Form):
    q = forms.CharField(label=_("Job title or reference"), required=False, max_length=100)
    state = _states(label=_("State"), required=False, empty_label=_("All states"))
    isco_major = forms.ChoiceField(
        label=_("Occupation group"), required=False, choices=ISCO_MAJOR_CHOICES
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All statuses")), *Vacancy.Status.choices],
    )
    employer = EmployerCodeField(label=_("Employer code"), required=False, help_text="")


class VacancyForm(forms.Form):
    """A vacancy; `version` carries the version the officer read, so a change made
    in between is refused rather than overwritten."""

    employer_code = EmployerCodeField(label=_("Employer's SOCSO code"))
    reference = forms.CharField(
        label=_("Reference"),
        max_length=40,
        required=False,
        help_text=_("The employer's or the job board's own id of the vacancy, if there is one."),
    )
    isco_code = forms.RegexField(
        label=_("Occupation (ISCO-08 unit group code)"),
        regex=r"^\d{4}$",
        help_text=_("4 digits. Type a job title to see matching occupations and their codes."),
        error_messages={"invalid": _("Enter the 4-digit code of an ISCO-08 unit group.")},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    title = forms.CharField(label=_("Job title"), max_length=150)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    state = _states(label=_("State"))
    district = forms.CharField(label=_("District"), max_length=60, required=False)
    latitude = forms.FloatField(
        label=_("Latitude"),
        required=False,
        help_text=_("Decimal degrees, like 3.1390. Leave empty if not known."),
    )
    longitude = forms.FloatField(
        label=_("Longitude"), required=False, help_text=_("Decimal degrees, like 101.6869.")
    )
    monthly_wage = forms.DecimalField(label=_("Monthly wage (RM)"), max_digits=9, decimal_places=2)
    hours_per_week = forms.IntegerField(label=_("Hours per week"), initial=45)
    shift_work = forms.BooleanField(label=_("Shift work"), required=False)
    strength_level = forms.TypedChoiceField(
        label=DEMAND_LABELS["strength_level"],
        choices=StrengthLevel.choices,
        coerce=int,
        initial=StrengthLevel.LIGHT,
        help_text=DEMAND_HINTS["strength_level"],
    )
    max_lift_kg = forms.IntegerField(
        label=_("Heaviest lift (kg)"), initial=0, help_text=DEMAND_HINTS["max_lift_kg"]
    )
    openings = forms.IntegerField(label=_("Openings"), initial=1)
    opened_on = forms.DateField(label=_("Opened on"), widget=DateInput())
    closes_on = forms.DateField(label=_("Closes on"), widget=DateInput(), required=False)
    status = forms.ChoiceField(
        label=_("Status"), choices=Vacancy.Status.choices, initial=Vacancy.Status.OPEN
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    LEVEL_FIELDS = (
        "standing_walking",
        "sitting",
        "fine_hand_use",
        "vision",
        "hearing",
        "speech",
        "driving",
        "cognitive_load",
    )
    FIELDSETS = (
        (
            _("The job"),
            ("employer_code", "reference", "isco_code", "title", "description", "status"),
        ),
        (_("Where"), ("state", "district", "latitude", "longitude")),
        (
            _("Pay and hours"),
            ("monthly_wage", "hours_per_week", "shift_work", "openings", "opened_on", "closes_on"),
        ),
        (_("Physical and other demands"), ("strength_level", "max_lift_kg", *LEVEL_FIELDS)),
        (_("Accessibility the workplace offers"), ACCESSIBILITY_FIELDS),
    )
    # Where the service's input names are shown on this form.
    SERVICE_FIELDS = {"employer_id": "employer_code", "state_code": "state"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        defaults = VacancyInput(None, "", "", "", None, None)
        for name in self.LEVEL_FIELDS:
            self.fields[name] = forms.TypedChoiceField(
                label=DEMAND_LABELS[name],
                choices=DemandLevel.choices,
                coerce=int,
                initial=getattr(defaults, name),
                help_text=DEMAND_HINTS[name],
            )
        for name in ACCESSIBILITY_FIELDS:
            self.fields[name] = forms.BooleanField(label=ACCESSIBILITY_LABELS[name], required=False)
        self.fields["opened_on"].initial = timezone.localdate
        self.fields["max_lift_kg"].max_value = MAX_LIFT_KG
        self.fields["hours_per_week"].max_value = MAX_HOURS_PER_WEEK

    def fieldsets(self):
        return [(legend, [self[name] for name in names]) for legend, names in self.FIELDSETS]

    def clean_employer_code(self):
        code = self.cleaned_data["employer_code"]
        employer = Employer.objects.filter(employer_code=code).first()
        if employer is None:
            raise forms.ValidationError(
                _("No employer on file has the code %(code)s: add the employer first."),
                params={"code": code},
            )
        self.employer = employer
        return code

    def to_input(self) -> VacancyInput:
        d = self.cleaned_data
        values = {
            name: d[name]
            for name in (
                "title",
                "description",
                "district",
                "latitude",
                "longitude",
                "monthly_wage",
                "hours_per_week",
                "shift_work",
                "strength_level",
                "max_lift_kg",
                "openings",
                "opened_on",
                "closes_on",
                "status",
                *self.LEVEL_FIELDS,
                *ACCESSIBILITY_FIELDS,
            )
        }
        return VacancyInput(
            employer_id=self.employer.pk,
            isco_code=d["isco_code"],
            state_code=d["state"].code,
            reference=d["reference"] or None,
            **values,
        )

    def show_service_errors(self, errors) -> None:
        for name, message in errors:
            field = self.SERVICE_FIELDS.get(name, name)
            self.add_error(field if field in self.fields else None, message)


class VacancyCloseForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Why is it closing"),
        choices=[
            (Vacancy.Status.FILLED, _("Filled")),
            (Vacancy.Status.CLOSED, _("Closed without hiring")),
        ],
        widget=forms.RadioSelect,
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class VacancyImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"), help_text=_("UTF-8, comma-separated, the columns below.")
    )
    mode = forms.ChoiceField(
        label=_("If some rows are wrong"),
        choices=[
            (ALL_OR_NOTHING, _("Import nothing, so I can correct the file and try again")),
            (GOOD_ROWS, _("Import the good rows and list the wrong ones")),
        ],
        initial=ALL_OR_NOTHING,
        widget=forms.RadioSelect,
    )


# -- trainings ---------------------------------------------------------------


class TrainingForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=DateInput())
    place = forms.CharField(label=_("Place"), max_length=150)
    state = _states(label=_("State"))
    trainer = forms.CharField(label=_("Trainer"), max_length=150)
    topic = forms.CharField(label=_("Topic"), max_length=200)
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class AttendanceForm(forms.Form):
    employer_code = EmployerCodeField(label=_("Employer's SOCSO code"))
    attended = forms.BooleanField(label=_("Attended"), required=False, initial=True)
    people = forms.IntegerField(label=_("People attending"), min_value=0, max_value=500, initial=1)

    def clean_employer_code(self):
        code = self.cleaned_data["employer_code"]
        self.employer = Employer.objects.filter(employer_code=code).first()
        if self.employer is None:
            raise forms.ValidationError(
                _("No employer on file has the code %(code)s."), params={"code": code}
            )
        return code
