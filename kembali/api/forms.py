from django import forms
from django.utils.translation import gettext_lazy as _

from kembali.accounts.models import ApiToken


class TokenCreateForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=ApiToken._meta.get_field("name").max_length,
        help_text=_(
            "What the token is for, so you can tell it apart later. "
            "For example: monthly report script."
        ),
        error_messages={
            "required": _("Enter a name for the token"),
            "max_length": _("The name must be 80 characters or fewer"),
        },
    )
