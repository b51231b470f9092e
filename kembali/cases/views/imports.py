"""The CSV import of referrals: the upload page, the result, and the status of a large
import running in the background.

Who may import: whoever may make a referral on the form (a national administrator for
any office; a supervisor or case manager for their own office), because an import is
many referrals. A file of up to SYNC_ROWS rows is imported while the user waits; a
larger one is stored and imported by a background task (django-tasks), whose page the
user refreshes. The task takes the stored file and the user's id and is safe to run
twice: the references already imported are skipped."""

from __future__ import annotations

import uuid

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from kembali.accounts.models import Office, Role
from kembali.cases.forms_import import ImportForm
from kembali.cases.imports import ImportReport, import_referrals_task, referrals_import
from kembali.cases.imports_csv import COLUMN_HELP, ImportFileError, decode_upload
from kembali.cases.services import may_create_referral
from kembali.core.uploads import protected_storage

# Up to this many rows the page imports while the user waits (a few seconds).
SYNC_ROWS = 5000


def _require_importer(user) -> None:
    if not may_create_referral(user):
        raise PermissionDenied


@login_required
def import_upload(request):
    user = request.user
    _require_importer(user)
    offices = Office.objects.order_by("name") if user.role == Role.NATIONAL_ADMIN else None
    form = ImportForm(request.POST or None, request.FILES or None, offices=offices)
    if request.method == "POST" and form.is_valid():
        office = form.cleaned_data.get("office") if offices is not None else user.office
        upload = form.cleaned_data["file"]
        try:
            text = decode_upload(upload.read())
        except ImportFileError as exc:
            form.add_error("file", exc.message)
        else:
            mode = form.cleaned_data["mode"]
            if text.count("\n") > SYNC_ROWS:
                return _in_background(request, text, mode=mode, office=office, name=upload.name)
            report = referrals_import(
                actor=user, source=text, mode=mode, office=office, filename=upload.name
            )
            if report.file_error:
                form.add_error("file", report.file_error)
            else:
                return render(request, "cases/import_result.html", {"report": report})
    return render(
        request,
        "cases/import.html",
        {"form": form, "columns": COLUMN_HELP, "sync_rows": SYNC_ROWS},
        status=422 if form.errors else 200,
    )


def _in_background(request, text: str, *, mode: str, office, name: str):
    stored = protected_storage().save(
        f"imports/{uuid.uuid4().hex}.csv", ContentFile(text.encode("utf-8"))
    )
    result = import_referrals_task.enqueue(
        stored, request.user.pk, mode, office.code if office else "", name
    )
    return redirect("cases:import_status", result_id=result.id)


@login_required
def import_status(request, result_id: str):
    """The background import's state; its result once done. Only its own user sees it."""
    _require_importer(request.user)
    try:
        result = import_referrals_task.get_result(result_id)
    except Exception:  # an unknown or malformed id: the same answer as someone else's
        raise Http404 from None
    if len(result.args) < 2 or result.args[1] != request.user.pk:
        raise Http404
    report = None
    if result.is_finished and result.status == "SUCCESSFUL":
        report = ImportReport.from_dict(result.return_value)
    return render(
        request,
        "cases/import_status.html",
        {
            "result": result,
            "report": report,
            "failed": result.is_finished and report is None,
            "filename": result.args[4] if len(result.args) > 4 else "",
            "status_text": _status_text(result),
        },
    )


def _status_text(result) -> str:
    if not result.is_finished:
        if str(result.status) == "RUNNING":
            return _("The import is running. Refresh this page in a minute.")
        return _("The import is waiting to start. Refresh this page in a minute.")
    if str(result.status) == "SUCCESSFUL":
        return _("The import has finished.")
    return _(
        "The import stopped with an error. Run it again: the referrals already imported "
        "are skipped."
    )
