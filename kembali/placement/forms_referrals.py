"""Forms of referrals to vacancies: the confirmation, and one form per step. They
check the shape of the input; the rules live in kembali.placement.referrals."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kembali.cases.forms import DateInput


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%H:%M")


def _date(label, required_message, **kwargs):
    return forms.DateField(
        label=label,
        widget=DateInput(),
        error_messages={"required": required_message, "invalid": _("Enter a real date.")},
        **kwargs,
    )


class VersionOfReferral(forms.Form):
    """The referral's version as the user saw it: a stale step is refused."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class VacancyLookupForm(forms.Form):
    """Which vacancy, when the officer did not come from the match page."""

    vacancy = forms.IntegerField(
        label=_("Vacancy number"),
        min_value=1,
        help_text=_("The number on the vacancy's page, under Employers › Vacancies."),
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "required": _("Enter the vacancy's number."),
            "invalid": _("Enter the vacancy's number, as shown on its page."),
            "min_value": _("Enter the vacancy's number, as shown on its page."),
        },
    )


class ReferToVacancyForm(forms.Form):
    vacancy = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    notes = forms.CharField(
        label=_("Notes for the referral"),
        required=False,
        max_length=2000,
        help_text=_("For example: what the person wants the employer to know, or travel help."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class InterviewForm(VersionOfReferral):
    interview_date = _date(_("Date of the interview"), _("Enter the date of the interview."))
    interview_time = forms.TimeField(
        label=_("Time of the interview"),
        widget=TimeInput(),
        error_messages={
            "required": _("Enter the time of the interview."),
            "invalid": _("Enter the time as hours and minutes, like 10:30."),
        },
    )
    interview_place = forms.CharField(
        label=_("Where is the interview?"),
        max_length=200,
        error_messages={"required": _("Enter where the interview is.")},
    )

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        moment = dt.datetime.combine(data["interview_date"], data["interview_time"])
        return {
            "interview_at": timezone.make_aware(moment),
            "interview_place": data["interview_place"],
        }


class OfferForm(VersionOfReferral):
    offered_on = _date(_("Date of the offer"), _("Enter the date of the offer."))
    offered_wage = forms.DecimalField(
        label=_("Monthly wage offered (RM)"),
        required=False,
        min_value=0,
        max_digits=9,
        decimal_places=2,
        help_text=_("Leave empty if it is the vacancy's wage."),
        error_messages={"invalid": _("Enter the wage in RM, like 1800.")},
    )
    offered_hours = forms.IntegerField(
        label=_("Hours a week offered"),
        required=False,
        min_value=1,
        max_value=84,
        help_text=_("Leave empty if they are the vacancy's hours."),
        error_messages={"invalid": _("Enter the hours a week as a whole number.")},
    )
    feedback = forms.CharField(
        label=_("What the employer said"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def service_arguments(self) -> dict:
        names = ("offered_on", "offered_wage", "offered_hours", "feedback")
        return {name: self.cleaned_data[name] for name in names}


class AcceptForm(VersionOfReferral):
    accepted_on = _date(_("Date the person accepted"), _("Enter the date the person accepted."))
    start_date = _date(_("Start date"), _("Enter the day the person starts work."))

    def service_arguments(self) -> dict:
        return {k: self.cleaned_data[k] for k in ("accepted_on", "start_date")}


class PlaceForm(VersionOfReferral):
    started_on = _date(
        _("Day the person started work"),
        _("Enter the day the person started work."),
        help_text=_("The return to work is recorded from this day."),
    )

    def service_arguments(self) -> dict:
        return {"started_on": self.cleaned_data["started_on"]}


REASON_LABELS = {
    "not_selected": _("Why did the employer say no?"),
    "decline": _("Why did the person decline the offer?"),
    "withdraw": _("Why is the referral withdrawn?"),
}


class ReasonStepForm(VersionOfReferral):
    reason = forms.CharField(
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Say why: the reason is kept with the referral.")},
    )

    def __init__(self, *args, step: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = REASON_LABELS[step]

    def service_arguments(self) -> dict:
        return {"reason": self.cleaned_data["reason"]}


STEP_FORMS = {
    "interview": InterviewForm,
    "offer": OfferForm,
    "accept": AcceptForm,
    "place": PlaceForm,
    "not_selected": ReasonStepForm,
    "decline": ReasonStepForm,
    "withdraw": ReasonStepForm,
}


def step_form(step: str, data=None, *, initial=None):
    form_class = STEP_FORMS[step]
    if form_class is ReasonStepForm:
        return ReasonStepForm(data, initial=initial, step=step)
    return form_class(data, initial=initial)
