"""The ministry report pack pages: the request form with the user's recent exports
(each row polls with htmx while its pack is being made), and the downloads, served
only to the export's owner or a national administrator (404 for anyone else)."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from kembali.accounts.models import Office
from kembali.audit.services import access_record
from kembali.reports.pack import (
    SYNC_MAX_DAYS,
    access_export,
    exports_of,
    may_request_pack,
    pack_request,
    pack_scope,
    period_check,
)

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class PackForm(forms.Form):
    start = forms.DateField(
        label=gettext_lazy("Start of the period"),
        widget=DateInput(),
        help_text=gettext_lazy("For example, 1 January 2025"),
        error_messages={
            "required": gettext_lazy("Enter the first day of the period."),
            "invalid": gettext_lazy("Enter the start as a real date, for example 2025-01-01."),
        },
    )
    end = forms.DateField(
        label=gettext_lazy("End of the period"),
        widget=DateInput(),
        help_text=gettext_lazy("The last day the pack covers: today or earlier"),
        error_messages={
            "required": gettext_lazy("Enter the last day of the period."),
            "invalid": gettext_lazy("Enter the end as a real date, for example 2025-12-31."),
        },
    )

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end:
            try:
                period_check(start, end)
            except ValidationError as error:
                for field, problems in error.message_dict.items():
                    self.add_error(field, problems)
        return data


def _require_requester(user) -> None:
    if not may_request_pack(user):
        raise Http404


def _scope_text(user) -> str:
    office_id, suppressed = pack_scope(user)
    if office_id is not None:
        return _("The pack covers your office, %(office)s.") % {"office": user.office.name}
    if suppressed:
        return _(
            "The pack covers every RTW office. Counts of fewer than 5 people are not shown, "
            "so that no one can be recognised."
        )
    return _("The pack covers every RTW office.")


def _office_names(exports) -> dict[int, str]:
    ids = {e.filters.get("office_id") for e in exports} - {None}
    if not ids:
        return {}
    return dict(Office.objects.filter(pk__in=ids).values_list("pk", "name"))


def _rows(exports) -> list[dict]:
    names = _office_names(exports)
    return [
        {
            "export": export,
            "start": dt.date.fromisoformat(export.filters["start"]),
            "end": dt.date.fromisoformat(export.filters["end"]),
            "covers": names.get(export.filters.get("office_id"), "")
            if export.filters.get("office_id")
            else _("All RTW offices"),
        }
        for export in exports
    ]


@login_required
@require_http_methods(["GET", "POST"])
def pack(request):
    user = request.user
    _require_requester(user)
    today = timezone.localdate()
    form = PackForm(
        request.POST or None, initial={"start": today.replace(month=1, day=1), "end": today}
    )
    if request.method == "POST" and form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
        export = pack_request(
            actor=user, start=start, end=end, language=translation.get_language() or "en"
        )
        if export.is_ready:
            messages.success(request, _("Your report pack is ready to download."))
        elif export.is_pending:
            messages.success(
                request, _("Your report pack is being made. Its download links appear below.")
            )
        return redirect("reports:pack")
    return render(
        request,
        "reports/pack.html",
        {
            "form": form,
            "rows": _rows(list(exports_of(user))),
            "scope_text": _scope_text(user),
            "sync_max_days": SYNC_MAX_DAYS,
        },
        status=422 if form.errors else 200,
    )


@login_required
@require_GET
def pack_export(request, pk: int):
    """One export's row, for the htmx poll; without htmx, the pack page."""
    export = access_export(request.user, pk)
    if not request.htmx:
        return redirect("reports:pack")
    response = render(request, "reports/pack_export_row.html", {"row": _rows([export])[0]})
    patch_vary_headers(response, ("HX-Request",))
    return response


def _download(request, pk: int, kind: str):
    export = access_export(request.user, pk)
    file_field = export.pdf_file if kind == "pdf" else export.xlsx_file
    if not export.is_ready or not file_field:
        raise Http404
    access_record(actor=request.user, what=f"report_pack.{kind}", obj=export, request=request)
    name = f"kembali-report-pack-{export.filters['start']}-{export.filters['end']}.{kind}"
    file_field.open("rb")
    response = FileResponse(
        file_field, as_attachment=True, filename=name, content_type=CONTENT_TYPES[kind]
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@login_required
@require_GET
def pack_download_pdf(request, pk: int):
    return _download(request, pk, "pdf")


@login_required
@require_GET
def pack_download_xlsx(request, pk: int):
    return _download(request, pk, "xlsx")
