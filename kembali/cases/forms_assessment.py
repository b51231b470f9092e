"""The assessment form. It checks the shape of the input; the rules (who may record,
the dates against the referral, the workflow) live in services_assessment."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from kembali.cases.assessment import AREAS
from kembali.cases.forms import DateInput, VersionForm
from kembali.cases.models import IssueRating

AREA_HINTS = {
    "medical": _("The injury or disease, treatment still going on, medication, prognosis."),
    "functional": _("What the person can and cannot do now: lifting, standing, walking, hands."),
    "psychosocial": _("Mood, pain, confidence, family and money worries, motivation."),
    "workplace": _("The employer's willingness to take the person back, the job's demands."),
    "vocational": _("Skills, education, work history, the chance of doing the same work again."),
}


def _rating_choices():
    return [(value, f"{value} – {label}") for value, label in IssueRating.choices]


class AssessmentForm(VersionForm):
    assessed_on = forms.DateField(
        label=_("Date of the assessment"),
        widget=DateInput(),
        help_text=_("Not in the future, and not before the referral."),
        error_messages={
            "required": _("Enter the date of the assessment."),
            "invalid": _("Enter the date of the assessment as a real date."),
        },
    )
    person_goal = forms.CharField(
        label=_("The person's own goal, in their words"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_("Write down what the person says they want, as they say it."),
        error_messages={"required": _("Enter the person's own goal, in their words.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for key, label in AREAS:
            self.fields[f"{key}_rating"] = forms.TypedChoiceField(
                label=label,
                choices=_rating_choices(),
                coerce=int,
                widget=forms.RadioSelect,
                help_text=AREA_HINTS[key],
                error_messages={
                    "required": _("Choose a rating for “%(area)s”.") % {"area": label},
                },
            )
            self.fields[f"{key}_notes"] = forms.CharField(
                label=_("Notes on “%(area)s”") % {"area": label},
                required=False,
                max_length=4000,
                widget=forms.Textarea(attrs={"rows": 3}),
            )
        # Field order follows the page: areas first, then the goal and the date.
        order = [f"{key}_{part}" for key, _label in AREAS for part in ("rating", "notes")]
        self.order_fields([*order, "person_goal", "assessed_on", "version"])

    def areas(self):
        """(rating field, notes field) per area, for the template."""
        return [(self[f"{key}_rating"], self[f"{key}_notes"]) for key, _label in AREAS]

    def service_arguments(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        return data
