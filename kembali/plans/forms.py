"""Input forms of the plan pages. They only parse and check single fields; the rules
that span the plan (time frame, submission) are the services'."""

from django import forms
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from kembali.cases.models import RtwLevel
from kembali.plans.models import Intervention, InterventionStatus, RehabPlan
from kembali.plans.selectors import active_providers


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class ProviderChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.local_name}, {obj.city}"


class PlanForm(forms.ModelForm):
    goal = forms.TypedChoiceField(
        label=_("Overall return-to-work goal"),
        choices=RtwLevel.choices,
        coerce=int,
        help_text=_("The best level of the RTW hierarchy the person can reach, 1 being best."),
    )

    class Meta:
        model = RehabPlan
        fields = [
            "goal",
            "goal_description",
            "designed_with_person",
            "start_date",
            "target_end_date",
        ]
        widgets = {
            "start_date": DateInput(),
            "target_end_date": DateInput(),
            "goal_description": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {
            "designed_with_person": _("Required before the plan goes for approval."),
            "target_end_date": _("The end of the plan's time frame."),
        }

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("target_end_date")
        if start and end and end <= start:
            self.add_error(
                "target_end_date", _("The target end date must be after the start date.")
            )
        return cleaned


class InterventionForm(forms.ModelForm):
    provider = ProviderChoiceField(
        label=_("Provider"),
        queryset=active_providers(),
        required=False,
        empty_label=_("No provider (done by the case manager or the person)"),
    )

    class Meta:
        model = Intervention
        fields = ["kind", "description", "provider", "planned_start", "due_date", "cost"]
        widgets = {
            "planned_start": DateInput(),
            "due_date": DateInput(),
            "description": forms.Textarea(attrs={"rows": 3}),
            "cost": forms.NumberInput(attrs={"step": "0.01", "min": "0", "inputmode": "decimal"}),
        }

    def __init__(self, *args, plan: RehabPlan | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan
        if plan is not None:
            self.fields["planned_start"].help_text = _(
                "Within the plan's time frame, %(start)s to %(end)s."
            ) % {
                "start": date_format(plan.start_date, "j F Y"),
                "end": date_format(plan.target_end_date, "j F Y"),
            }
        if self.instance.pk and self.instance.provider_id:
            # Keep a provider that has since left the panel selectable for this row.
            self.fields["provider"].queryset = (
                active_providers()
                | type(self.instance.provider).objects.filter(pk=self.instance.provider_id)
            ).distinct()

    def clean(self):
        cleaned = super().clean()
        start, due = cleaned.get("planned_start"), cleaned.get("due_date")
        if start and due and due < start:
            self.add_error("due_date", _("The due date must be on or after the planned start."))
        elif (
            self.plan is not None
            and start
            and due
            and not (self.plan.start_date <= start and due <= self.plan.target_end_date)
        ):
            self.add_error(
                "planned_start",
                _("The intervention must fall within the plan's time frame (%(start)s to %(end)s).")
                % {
                    "start": date_format(self.plan.start_date, "j F Y"),
                    "end": date_format(self.plan.target_end_date, "j F Y"),
                },
            )
        return cleaned


class InterventionStatusForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[
            (v, label) for v, label in InterventionStatus.choices if v != InterventionStatus.OVERDUE
        ],
    )


class DecisionForm(forms.Form):
    """Approve or return a submitted plan: two buttons, one reason box."""

    reason = forms.CharField(
        label=_("Reason or note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Required when you return the plan for changes."),
    )


class ReferralForm(forms.Form):
    provider = ProviderChoiceField(label=_("Provider"), queryset=active_providers())
    intervention = forms.ModelChoiceField(
        label=_("For the intervention"),
        queryset=Intervention.objects.none(),
        required=False,
        empty_label=_("Not for a particular intervention"),
    )
    referred_on = forms.DateField(label=_("Referred on"), widget=DateInput())
    cost = forms.DecimalField(
        label=_("Agreed cost (RM)"),
        required=False,
        min_value=0,
        max_digits=10,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.01", "min": "0", "inputmode": "decimal"}),
    )

    def __init__(self, *args, interventions=None, **kwargs):
        super().__init__(*args, **kwargs)
        if interventions is not None:
            self.fields["intervention"].queryset = interventions
        self.fields["intervention"].label_from_instance = lambda i: (
            _("%(kind)s (plan version %(version)s, due %(due)s)")
            % {
                "kind": i.get_kind_display(),
                "version": i.plan.version,
                "due": date_format(i.due_date, "j M Y"),
            }
        )


class ReferralReportForm(forms.Form):
    accepted_on = forms.DateField(
        label=_("Accepted by the provider on"), required=False, widget=DateInput()
    )
    report_received_on = forms.DateField(
        label=_("Report received on"), required=False, widget=DateInput()
    )
    report_summary = forms.CharField(
        label=_("Summary of the report"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    cost = forms.DecimalField(
        label=_("Final cost (RM)"),
        required=False,
        min_value=0,
        max_digits=10,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.01", "min": "0", "inputmode": "decimal"}),
    )
    cancelled = forms.BooleanField(label=_("The referral was cancelled"), required=False)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("report_received_on") and not (cleaned.get("report_summary") or "").strip():
            self.add_error("report_summary", _("Summarise the provider's report."))
        return cleaned
