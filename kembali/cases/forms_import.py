"""The upload form of the CSV import of referrals."""

from django import forms
from django.utils.translation import gettext_lazy as _

from kembali.accounts.models import Office
from kembali.cases.imports import ALL_OR_NOTHING, GOOD_ROWS

# Bigger than the limit of scanned documents: 100,000 referrals make about 25 MB.
IMPORT_MAX_MB = 50


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file of referrals"),
        help_text=_("UTF-8 (Excel: “CSV UTF-8”), one referral a row, at most %(mb)s MB.")
        % {"mb": IMPORT_MAX_MB},
    )
    mode = forms.ChoiceField(
        label=_("If some rows are not right"),
        choices=[
            (ALL_OR_NOTHING, _("Import nothing, and show me the rows to correct")),
            (GOOD_ROWS, _("Import the good rows, and show me the others")),
        ],
        initial=ALL_OR_NOTHING,
        widget=forms.RadioSelect,
    )
    office = forms.ModelChoiceField(
        label=_("Office that takes the cases"),
        queryset=Office.objects.none(),
        required=False,
        help_text=_("For rows without an office_code."),
    )

    def __init__(self, *args, offices=None, **kwargs):
        super().__init__(*args, **kwargs)
        if offices is None:
            del self.fields["office"]
        else:
            self.fields["office"].queryset = offices

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > IMPORT_MAX_MB * 1024 * 1024:
            raise forms.ValidationError(
                _("The file is larger than %(mb)s MB: split it in parts.") % {"mb": IMPORT_MAX_MB}
            )
        if not upload.name.lower().endswith((".csv", ".txt")):
            raise forms.ValidationError(_("Choose a CSV file (its name ends in .csv)."))
        return upload
