"""The initial assessment: the page of a case's assessments (the newest in full, the
earlier ones below) and the form that records one.

Like every step page: access_case (404 when not visible), a 403 when the user may
not take the step, the version the user saw goes to the service, and a refused step
re-renders the form with the reason; nothing changes then."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from kembali.audit.services import access_record
from kembali.cases.assessment import area_ratings, case_assessments
from kembali.cases.forms_assessment import AssessmentForm
from kembali.cases.models import Status
from kembali.cases.services_assessment import (
    StepInvalid,
    assessment_record,
    may_record_assessment,
)
from kembali.cases.views.detail import load_case
from kembali.cases.views.steps import _done, _posted_stale, _refused, _seen_version
from kembali.cases.workflow import WorkflowError


def add_service_errors(form, exc: StepInvalid) -> None:
    """Put a service's per-field refusals on the form's fields."""
    for field, messages in exc.errors.items():
        for message in messages:
            form.add_error(field if field in form.fields else None, message)
    form.refused_with = exc.status_code


@login_required
@require_http_methods(["GET"])
def assessment_page(request, number: str):
    case = load_case(request, number)
    assessments = case_assessments(case)
    access_record(actor=request.user, what="case.assessment.view", obj=case, request=request)
    rows = [{"assessment": a, "areas": area_ratings(a)} for a in assessments]
    return render(
        request,
        "cases/assessment.html",
        {
            "case": case,
            "latest": rows[0] if rows else None,
            "earlier": rows[1:],
            "may_record": may_record_assessment(request.user, case),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def assessment_new(request, number: str):
    case = load_case(request, number)
    if not may_record_assessment(request.user, case) and not _posted_stale(request, case):
        raise PermissionDenied
    initial_step = case.status == Status.ASSIGNED
    form = AssessmentForm(
        request.POST or None,
        initial={"version": _seen_version(request, case), "assessed_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            assessment_record(
                case=case,
                actor=request.user,
                expected_version=form.cleaned_data["version"],
                **form.service_arguments(),
            )
        except StepInvalid as exc:
            add_service_errors(form, exc)
        except WorkflowError as exc:
            _refused(form, exc)
        else:
            if initial_step:
                text = _("The initial assessment is recorded; next, record the person's consent.")
            else:
                text = _("The reassessment is recorded.")
            return _done(request, case, text)
    status = getattr(form, "refused_with", 422) if form.errors else 200
    return render(
        request,
        "cases/assessment_form.html",
        {"case": case, "form": form, "initial_step": initial_step},
        status=status,
    )
