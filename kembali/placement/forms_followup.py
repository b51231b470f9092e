"""The follow-up form and the "job lost" form. They check the shape of the input; the
services in kembali.placement.followups check it again and decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from kembali.cases.forms import YES_NO, DateInput, VersionForm
from kembali.placement.forms import RATING_CHOICES, RATING_LABELS, Fieldset, _scale_field
from kembali.placement.models import OUTCOME_RATINGS


def _yes_no(label, *, required=True, hint="", message=""):
    return forms.ChoiceField(
        label=label,
        help_text=hint,
        choices=YES_NO,
        widget=forms.RadioSelect,
        required=required,
        error_messages={"required": message, "invalid_choice": message},
    )


def _answer(value: str) -> bool | None:
    return {"yes": True, "no": False}.get(value)


class FollowUpForm(forms.Form):
    done_on = forms.DateField(
        label=_("Date of the follow-up"),
        widget=DateInput(),
        error_messages={"required": _("Enter the date of the follow-up.")},
    )
    still_employed = _yes_no(
        _("Is the person still in work?"),
        message=_("Say whether the person is still in work."),
    )
    same_employer = _yes_no(
        _("With the same employer as at the return to work?"),
        required=False,
        hint=_("Only if the person is still in work."),
    )
    hours_per_week = forms.IntegerField(
        label=_("Hours worked a week"),
        min_value=1,
        max_value=84,
        required=False,
        help_text=_("Only if the person is still in work."),
    )
    monthly_wage = forms.DecimalField(
        label=_("Monthly wage (RM)"),
        min_value=0,
        max_digits=9,
        decimal_places=2,
        required=False,
        help_text=_("Only if the person is still in work."),
    )
    problems = forms.CharField(
        label=_("Problems"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("At work or outside it. If the job ended, say what happened."),
    )
    actions = forms.CharField(
        label=_("Actions agreed"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    return_to_placement = _yes_no(
        _("Return the case to job placement?"),
        required=False,
        hint=_("Only if the person is no longer in work: JPESS looks for a new job."),
    )
    job_lost_reason = forms.CharField(
        label=_("Why the case returns to job placement"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, baseline=None, offer_job_lost=False, **kwargs):
        super().__init__(*args, **kwargs)
        for name in OUTCOME_RATINGS:
            hint = ""
            if baseline is not None:
                hint = _("At the job placement assessment: %(rating)s") % {
                    "rating": dict(RATING_CHOICES)[getattr(baseline, name)]
                }
            self.fields[f"rating_{name}"] = _scale_field(
                RATING_LABELS[name],
                hint,
                RATING_CHOICES,
                _("Choose a rating from 1 to 5 for “%(what)s”.") % {"what": RATING_LABELS[name]},
            )
        self.offer_job_lost = offer_job_lost
        if not offer_job_lost:
            del self.fields["return_to_placement"]
            del self.fields["job_lost_reason"]

    def clean(self):
        cleaned = super().clean()
        employed = _answer(cleaned.get("still_employed", ""))
        if employed:
            if not cleaned.get("same_employer"):
                self.add_error(
                    "same_employer", _("Say whether the person works for the same employer.")
                )
            if cleaned.get("hours_per_week") is None and not self.has_error("hours_per_week"):
                self.add_error("hours_per_week", _("Enter the hours worked in a week."))
            if cleaned.get("monthly_wage") is None and not self.has_error("monthly_wage"):
                self.add_error("monthly_wage", _("Enter the monthly wage in RM."))
        elif employed is False and not cleaned.get("problems", "").strip():
            self.add_error("problems", _("Say what happened to the job."))
        if self.offer_job_lost:
            back = _answer(cleaned.get("return_to_placement", ""))
            if back and employed:
                self.add_error(
                    "return_to_placement",
                    _("Only a person no longer in work goes back to job placement."),
                )
            if employed is False and back is None:
                self.add_error(
                    "return_to_placement",
                    _("Say whether the case returns to job placement."),
                )
            if back and not cleaned.get("job_lost_reason", "").strip():
                self.add_error("job_lost_reason", _("Say why the case returns to job placement."))
        return cleaned

    def fieldsets(self) -> list[Fieldset]:
        def f(*names):
            return [self[name] for name in names if name in self.fields]

        sets = [
            Fieldset(
                _("The job"),
                "",
                f("done_on", "still_employed", "same_employer", "hours_per_week", "monthly_wage"),
            ),
            Fieldset(_("Problems and actions"), "", f("problems", "actions")),
            Fieldset(
                _("The person's own ratings"),
                _(
                    "Ask the same questions as at the job placement assessment: each from "
                    "1 (very poor) to 5 (very good). The answer then is shown under each."
                ),
                f(*(f"rating_{name}" for name in OUTCOME_RATINGS)),
            ),
        ]
        if self.offer_job_lost:
            sets.append(
                Fieldset(
                    _("If the person is no longer in work"),
                    "",
                    f("return_to_placement", "job_lost_reason"),
                )
            )
        return sets

    def service_arguments(self) -> dict:
        d = self.cleaned_data
        employed = bool(_answer(d["still_employed"]))
        back = self.offer_job_lost and _answer(d.get("return_to_placement", "")) and not employed
        return {
            "done_on": d["done_on"],
            "still_employed": employed,
            "same_employer": _answer(d.get("same_employer") or "") if employed else None,
            "hours_per_week": d.get("hours_per_week") if employed else None,
            "monthly_wage": d.get("monthly_wage") if employed else None,
            "problems": d.get("problems", ""),
            "actions": d.get("actions", ""),
            "ratings": {name: d[f"rating_{name}"] for name in OUTCOME_RATINGS},
            "job_lost_reason": d.get("job_lost_reason", "") if back else "",
        }


class JobLostForm(VersionForm):
    reason = forms.CharField(
        label=_("What happened to the job?"),
        help_text=_(
            "For example: the contract ended, the person was dismissed, or the work was "
            "too heavy. The case goes back to job placement with this reason."
        ),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Say what happened to the job.")},
    )
