"""The consent forms: recording consent with the signed form, choosing the parties
to print on the consent form, and recording a withdrawal. The rules live in
services_consent."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from kembali.cases.forms import DateInput, VersionForm
from kembali.cases.models import Case, Consent
from kembali.core.uploads import validate_upload
from kembali.employers.models import Employer
from kembali.providers.models import Provider


def case_employers(case: Case):
    """The employers a consent may name: those the person worked for, on file."""
    worked_for = case.person.employments.filter(employer__isnull=False).values("employer")
    return Employer.objects.filter(pk__in=worked_for).order_by("name")


class _ProviderChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        name = obj.local_name
        return name if obj.city in name else f"{name}, {obj.city}"


class PartiesForm(forms.Form):
    """The parties the person's data may be shared with."""

    providers = _ProviderChoice(
        label=_("Rehabilitation providers"),
        queryset=Provider.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The providers the person agrees may receive their data."),
    )
    employers = forms.ModelMultipleChoiceField(
        label=_("Employers"),
        queryset=Employer.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Employers the person worked for. Leave empty if none may be told."),
    )
    shares_with_jpess = forms.BooleanField(
        label=_("The job placement service (JPESS) may receive the person's data"),
        required=False,
    )

    def __init__(self, *args, case: Case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["providers"].queryset = Provider.objects.active().order_by("name", "city")
        self.fields["employers"].queryset = case_employers(case)


class ConsentPrintForm(PartiesForm):
    """GET form of the print page: the parties named on the printed consent form."""


class ConsentForm(VersionForm, PartiesForm):
    given_on = forms.DateField(
        label=_("Date the person gave their consent"),
        widget=DateInput(),
        help_text=_("The date written on the signed form."),
    )
    method = forms.ChoiceField(
        label=_("How was consent given?"),
        choices=Consent.Method.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose how the person gave their consent.")},
    )
    joins_programme = forms.BooleanField(
        label=_("The person consents to join the Return to Work programme"),
        required=False,
    )
    intention_confirmed = forms.BooleanField(
        label=_("The person confirms they intend to take part"),
        required=False,
    )
    signed_form = forms.FileField(
        label=_("The signed consent form"),
        help_text=_("A PDF, JPEG or PNG scan or photo of the signed form."),
        validators=[validate_upload],
        error_messages={"required": _("Upload the signed consent form.")},
        widget=forms.FileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
    )

    field_order = [
        "given_on",
        "method",
        "joins_programme",
        "intention_confirmed",
        "providers",
        "employers",
        "shares_with_jpess",
        "signed_form",
        "version",
    ]

    def service_arguments(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        return data


class WithdrawForm(VersionForm):
    on_date = forms.DateField(label=_("Date the person withdrew their consent"), widget=DateInput())
    reason = forms.CharField(
        label=_("What did the person say?"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        help_text=_("How they told you, and why, if they said. The supervisor reads this."),
    )
