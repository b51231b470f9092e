"""Forms of the self-employment track. Shape only; kembali.placement.selfemployment
checks again and decides."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from kembali.cases.forms import DateInput
from kembali.placement.models_selfemployment import SupportKind


def _money(label, *, required=True, hint=""):
    return forms.DecimalField(
        label=label,
        min_value=0,
        max_digits=9,
        decimal_places=2,
        required=required,
        help_text=hint,
        error_messages={"required": _("Enter an amount in RM.")},
    )


def _date(label, message):
    return forms.DateField(label=label, widget=DateInput(), error_messages={"required": message})


class PlanForm(forms.Form):
    # The plan's version the user saw; empty before the plan exists.
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)
    business_idea = forms.CharField(
        label=_("Business idea"),
        help_text=_("What the business will do. The first line becomes the job title."),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Describe the business idea.")},
    )
    business_plan = forms.CharField(
        label=_("Business plan"),
        required=False,
        max_length=20000,
        help_text=_("Customers, costs, what is needed to start, the first months."),
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    isco_code = forms.RegexField(
        label=_("Occupation (ISCO-08 unit group)"),
        regex=r"^\d{4}$",
        required=False,
        error_messages={"invalid": _("Enter the 4-digit ISCO-08 unit group code.")},
        help_text=_("4 digits, for example 5221 for shopkeepers. Needed before the start."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
    )
    expected_monthly_income = _money(_("Expected monthly income (RM)"), required=False)


class SupportForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind of support"),
        choices=SupportKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the kind of support.")},
    )
    description = forms.CharField(
        label=_("What was given"),
        max_length=200,
        error_messages={"required": _("Say what was given.")},
    )
    amount = _money(_("Amount (RM)"), hint=_("0 for support without a price."))
    given_on = _date(_("Given on"), _("Enter the date it was given."))


class MilestoneForm(forms.Form):
    due_on = _date(_("By"), _("Enter the date the income should be reached by."))
    target_monthly_income = _money(_("Target monthly income (RM)"))
    notes = forms.CharField(
        label=_("Notes"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class MilestoneReportForm(forms.Form):
    actual_monthly_income = _money(_("Monthly income the business made (RM)"))
    reported_on = _date(_("Reported on"), _("Enter the date of the report."))
    notes = forms.CharField(
        label=_("Notes"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class StartForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    started_on = _date(_("The business started on"), _("Enter the date the business started."))
    monthly_income = _money(
        _("Monthly income (RM)"),
        hint=_("What the person takes out of the business a month, as far as known now."),
    )
    hours_per_week = forms.IntegerField(
        label=_("Hours worked a week"),
        min_value=1,
        max_value=84,
        error_messages={"required": _("Enter the hours worked in a week, from 1 to 84.")},
    )
