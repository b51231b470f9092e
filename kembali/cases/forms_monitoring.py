"""Forms for notes, contacts, tasks and the return-to-work outcome. They check the
shape of the input; the rules live in services_monitoring and services_outcome."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kembali.cases.forms import DateInput, VersionForm
from kembali.cases.models import CaseContact, RtwLevel
from kembali.employers.models import Employer


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%H:%M")


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("Note"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What happened or was decided. Notes cannot be changed later."),
    )


class ContactForm(forms.Form):
    party = forms.ChoiceField(
        label=_("Who was the contact with?"),
        choices=[("", _("Choose who")), *CaseContact.Party.choices],
    )
    party_name = forms.CharField(
        label=_("Their name"),
        max_length=150,
        required=False,
        help_text=_("For example the doctor's or the employer's contact person's name."),
    )
    method = forms.ChoiceField(
        label=_("How?"), choices=[("", _("Choose how")), *CaseContact.Method.choices]
    )
    contact_date = forms.DateField(label=_("Date"), widget=DateInput())
    contact_time = forms.TimeField(label=_("Time"), widget=TimeInput(), required=False)
    summary = forms.CharField(
        label=_("Summary"), max_length=5000, widget=forms.Textarea(attrs={"rows": 5})
    )
    follow_up_needed = forms.BooleanField(label=_("Follow-up needed"), required=False)
    follow_up_by = forms.DateField(
        label=_("Follow up by"),
        required=False,
        widget=DateInput(),
        help_text=_("A date here adds a follow-up task for the case manager."),
    )

    def contacted_at(self) -> dt.datetime:
        """The moment of the contact; without a time, now for a contact today and
        midday for an earlier day."""
        data = self.cleaned_data
        if data["contact_time"] is None and data["contact_date"] == timezone.localdate():
            return timezone.now()
        moment = dt.datetime.combine(data["contact_date"], data["contact_time"] or dt.time(12))
        return timezone.make_aware(moment)


class TaskForm(forms.Form):
    title = forms.CharField(label=_("What needs doing?"), max_length=200)
    due_date = forms.DateField(label=_("Due date"), widget=DateInput())
    assigned_to = forms.ModelChoiceField(label=_("Assigned to"), queryset=None, empty_label=None)

    def __init__(self, *args, assignees, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assigned_to"].queryset = assignees
        self.fields["assigned_to"].label_from_instance = lambda user: user.display_name


class OutcomeForm(VersionForm):
    return_date = forms.DateField(label=_("Date of the return to work"), widget=DateInput())
    self_employed = forms.BooleanField(
        label=_("The person is self-employed (runs their own business)"), required=False
    )
    same_employer = forms.BooleanField(
        label=_("Back with the employer from before the injury"), required=False
    )
    employer_code = forms.CharField(
        label=_("SOCSO employer code"),
        max_length=12,
        required=False,
        help_text=_("If the new employer is on file. Leave empty otherwise."),
        widget=forms.TextInput(attrs={"spellcheck": "false"}),
    )
    employer_name = forms.CharField(
        label=_("Employer name"),
        max_length=150,
        required=False,
        help_text=_("For an employer not on file, or the name of the person's own business."),
    )
    isco_code = forms.RegexField(
        label=_("Occupation (ISCO-08 unit group)"),
        regex=r"^\d{4}$",
        error_messages={"invalid": _("Enter the 4-digit ISCO-08 unit group code.")},
        help_text=_("4 digits, for example 8322 for car, taxi and van drivers."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
    )
    job_title = forms.CharField(label=_("Job title"), max_length=150)
    monthly_wage = forms.DecimalField(
        label=_("Monthly wage (RM)"), min_value=0, max_digits=9, decimal_places=2
    )
    hours_per_week = forms.IntegerField(label=_("Hours per week"), min_value=1, max_value=84)
    level_override = forms.TypedChoiceField(
        label=_("Hierarchy level"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("As classified (recommended)")), *RtwLevel.choices],
        help_text=_(
            "The level is classified from the job before the injury and the new one. "
            "Choose another only with a reason."
        ),
    )
    override_reason = forms.CharField(
        label=_("Reason for choosing another level"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, before=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.before = before  # the pre-injury employment, or None
        if before is None:
            del self.fields["same_employer"]
        else:
            self.fields["same_employer"].label = _(
                "Back with the employer from before the injury (%(name)s)"
            ) % {"name": before.employer_name}

    def clean(self):
        data = super().clean()
        self.employer = None
        if data.get("same_employer") and self.before is not None:
            self.employer = self.before.employer
            if self.employer is None:
                data["employer_name"] = self.before.employer_name
        elif data.get("employer_code"):
            self.employer = Employer.objects.filter(
                employer_code=data["employer_code"].strip()
            ).first()
            if self.employer is None:
                self.add_error(
                    "employer_code", _("No employer on file has this SOCSO employer code.")
                )
        return data
