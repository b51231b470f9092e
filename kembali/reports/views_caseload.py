"""The caseload page (/reports/caseload/): supervisors see their office; national
administrators choose one (the first by name until they do); everyone else gets 404."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from kembali.accounts.models import Role
from kembali.reports.caseload import caseload_offices, may_view_caseload, office_caseload


class OfficeChoiceForm(forms.Form):
    office = forms.ModelChoiceField(
        label=_("Office"),
        queryset=None,
        empty_label=None,
        error_messages={"invalid_choice": _("Choose an office from the list.")},
    )

    def __init__(self, *args, offices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["office"].queryset = offices


@login_required
@require_GET
def caseload(request):
    user = request.user
    if not may_view_caseload(user):
        raise Http404
    offices = caseload_offices(user)
    form = None
    office = None
    if user.role == Role.NATIONAL_ADMIN:
        if "office" in request.GET:
            form = OfficeChoiceForm(request.GET, offices=offices)
            if form.is_valid():
                office = form.cleaned_data["office"]
        else:
            office = offices.first()
            form = OfficeChoiceForm(offices=offices, initial={"office": office})
    else:
        office = offices.first()
    load = office_caseload(viewer=user, office=office) if office is not None else None
    return render(
        request,
        "reports/caseload.html",
        {
            "form": form,
            "caseload": load,
            # The case list filters by office only for roles that see several offices.
            "office_param": office.pk if office and user.role == Role.NATIONAL_ADMIN else None,
        },
    )
