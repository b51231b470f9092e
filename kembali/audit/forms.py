"""The audit trail search form: plain GET parameters, so a search is a link."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from kembali.accounts.models import Office, Role
from kembali.audit.selectors import (
    CHANGES,
    READS,
    AuditQuery,
    object_type_choices,
    resolve_object_id,
)
from kembali.audit.services import CASE_LABEL
from kembali.core.digits import is_digits

# Case numbers read RTW-2026-0000123: typed alone, they mean a case.
CASE_NUMBER_START = "RTW-"


class DateInput(forms.DateInput):
    input_type = "date"


class AuditSearchForm(forms.Form):
    kind = forms.ChoiceField(
        choices=[(CHANGES, _("Changes")), (READS, _("Views and exports"))],
        required=False,
        widget=forms.HiddenInput,
    )
    who = forms.CharField(
        label=_("Who (user name)"),
        required=False,
        max_length=150,
        help_text=_("The user name someone signs in with, for example aisyah."),
    )
    office = forms.ModelChoiceField(
        label=_("Office"),
        queryset=Office.objects.none(),
        required=False,
        empty_label=_("All offices"),
    )
    object_type = forms.ChoiceField(label=_("Object type"), required=False)
    object_id = forms.CharField(
        label=_("Object"),
        required=False,
        max_length=40,
        help_text=_("A case number, an IC number for an insured person, or an object's id."),
    )
    action = forms.CharField(
        label=_("Action"),
        required=False,
        max_length=60,
        help_text=_("For example create, update, transition, or case.view for a view."),
    )
    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput)
    date_to = forms.DateField(label=_("To"), required=False, widget=DateInput)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["object_type"].choices = [("", _("Any type"))] + object_type_choices()
        if user.role == Role.NATIONAL_ADMIN:
            self.fields["office"].queryset = Office.objects.order_by("name")
        else:
            # A supervisor's search is always within their own office.
            del self.fields["office"]

    def clean_who(self):
        username = self.cleaned_data["who"].strip()
        if not username:
            return None
        user = get_user_model().objects.filter(username__iexact=username).first()
        if user is None:
            raise forms.ValidationError(_("No staff member has this user name."))
        return user

    def clean(self):
        data = super().clean()
        object_id = (data.get("object_id") or "").strip()
        object_type = data.get("object_type") or ""
        if object_id and not object_type:
            if object_id.upper().startswith(CASE_NUMBER_START):
                object_type = data["object_type"] = CASE_LABEL
            else:
                self.add_error("object_type", _("Choose the object type to search for one object."))
        if object_id and object_type:
            resolved = resolve_object_id(object_type, object_id)
            if resolved is None:
                self.add_error("object_id", _("Nothing of this type has this number."))
            data["resolved_object_id"] = resolved or ""
        date_from, date_to = data.get("date_from"), data.get("date_to")
        if date_from and date_to and date_from > date_to:
            self.add_error("date_to", _("The end date must be on or after the start date."))
        return data

    @staticmethod
    def _case_id(data) -> int | None:
        """A case searched for means every event about it: its plans, consents,
        notes and placements as well as the case row's own."""
        resolved = data.get("resolved_object_id", "")
        if data.get("object_type") == CASE_LABEL and is_digits(resolved):
            return int(resolved)
        return None

    def to_query(self) -> AuditQuery:
        data = self.cleaned_data
        who = data.get("who")
        office = data.get("office")
        return AuditQuery(
            kind=data.get("kind") or CHANGES,
            actor_id=who.pk if who else None,
            office_id=office.pk if office else None,
            object_type=data.get("object_type") or "",
            object_id=data.get("resolved_object_id", ""),
            case_id=self._case_id(data),
            action=(data.get("action") or "").strip(),
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
        )
