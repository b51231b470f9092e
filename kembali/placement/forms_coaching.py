"""Forms of the job coach and the support sessions. The rules live in
kembali.placement.coaching; these check the shape of the input."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from kembali.cases.forms import DateInput
from kembali.placement.models_jobs import SessionKind


def _staff_choices(staff) -> list[tuple[str, str]]:
    return [("", _("Not a member of staff"))] + [(str(u.pk), u.display_name) for u in staff]


def _pick(staff, value):
    if not value:
        return None
    return next((u for u in staff if str(u.pk) == str(value)), None)


class CoachAssignForm(forms.Form):
    coach_user = forms.ChoiceField(
        label=_("A member of staff as job coach"),
        required=False,
        help_text=_("Or leave this and enter the coach's name below."),
    )
    coach_name = forms.CharField(
        label=_("The job coach's name"),
        required=False,
        max_length=150,
        help_text=_("For a coach who is not a member of staff, such as a provider's coach."),
    )
    provider = forms.ChoiceField(label=_("Their provider"), required=False)
    phone = forms.CharField(label=_("The coach's phone"), required=False, max_length=30)
    assigned_on = forms.DateField(
        label=_("From"),
        widget=DateInput(),
        error_messages={
            "required": _("Enter the day the coach starts."),
            "invalid": _("Enter a real date."),
        },
    )

    def __init__(self, *args, staff=(), providers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.staff = list(staff)
        self.providers = list(providers)
        self.fields["coach_user"].choices = _staff_choices(self.staff)
        self.fields["provider"].choices = [("", _("None"))] + [
            (str(p.pk), p.name) for p in self.providers
        ]

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "coach_user": _pick(self.staff, data["coach_user"]),
            "coach_name": data["coach_name"],
            "provider": _pick(self.providers, data["provider"]),
            "phone": data["phone"],
            "assigned_on": data["assigned_on"],
        }


class CoachEndForm(forms.Form):
    ended_on = forms.DateField(
        label=_("Last day of the coach's support"),
        widget=DateInput(),
        error_messages={"required": _("Enter the last day."), "invalid": _("Enter a real date.")},
    )


class SessionForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind of session"),
        choices=SessionKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose job coaching or counselling.")},
    )
    held_on = forms.DateField(
        label=_("Date of the session"),
        widget=DateInput(),
        error_messages={
            "required": _("Enter the date of the session."),
            "invalid": _("Enter a real date."),
        },
    )
    duration_minutes = forms.IntegerField(
        label=_("Length (minutes)"),
        min_value=1,
        max_value=600,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "required": _("Enter how long it took, in minutes."),
            "invalid": _("Enter the minutes as a whole number."),
            "min_value": _("Enter how long it took, from 1 to 600 minutes."),
            "max_value": _("Enter how long it took, from 1 to 600 minutes."),
        },
    )
    given_by_user = forms.ChoiceField(
        label=_("Given by a member of staff"),
        required=False,
        help_text=_("Or leave this and enter who gave it below."),
    )
    given_by_name = forms.CharField(label=_("Given by"), required=False, max_length=150)
    place = forms.CharField(label=_("Where"), required=False, max_length=150)
    topics = forms.CharField(
        label=_("What was worked on"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Write what was worked on.")},
    )
    next_steps = forms.CharField(
        label=_("Next steps"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, staff=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.staff = list(staff)
        self.fields["given_by_user"].choices = _staff_choices(self.staff)

    def service_arguments(self) -> dict:
        data = dict(self.cleaned_data)
        data["given_by_user"] = _pick(self.staff, data["given_by_user"])
        return data
