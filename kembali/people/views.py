"""The subject-access export of one person (PDPA): a page, the JSON and the PDF.

Only national administrators and supervisors of an office where the person has
a case may export; anyone else gets 404, as if the person did not exist."""

import json

from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from kembali.audit.services import access_record
from kembali.people.pdpa import access_person_for_export, person_export, person_export_pdf


def _download(content, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def export_page(request, ref):
    person = access_person_for_export(request.user, ref)
    access_record(actor=request.user, what="person.view", obj=person, request=request)
    cases = person.cases.select_related("office").order_by("-referral_date")
    return render(request, "people/export.html", {"person": person, "cases": cases})


@login_required
@require_GET
def export_json(request, ref):
    person = access_person_for_export(request.user, ref)
    export = person_export(actor=request.user, person=person, request=request)
    content = json.dumps(export.as_json(), cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
    return _download(content, "application/json; charset=utf-8", f"person-{person.pk}-export.json")


@login_required
@require_GET
def export_pdf(request, ref):
    person = access_person_for_export(request.user, ref)
    export = person_export(actor=request.user, person=person, request=request)
    return _download(person_export_pdf(export), "application/pdf", f"person-{person.pk}-export.pdf")
