"""The follow-up pages: recording one follow-up (or reading a recorded one), and
"the person lost the job". Thin: load through access_case, call a service, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from kembali.audit.services import access_record
from kembali.cases.workflow import WorkflowError
from kembali.placement import followups
from kembali.placement.forms_followup import FollowUpForm, JobLostForm
from kembali.placement.models import OUTCOME_RATINGS, OutcomeMeasure
from kembali.placement.models_followup import FollowUp
from kembali.placement.selectors import baseline_measure
from kembali.placement.views import _add_error, _load


def _add_errors(form, error: Exception, rename: dict[str, str] | None = None) -> None:
    """A service's refusal on the form: per field where it names one (`rename` maps
    the service's names to the form's), else above the form."""
    errors = getattr(error, "errors", None)
    if isinstance(errors, dict):
        for name, problems in errors.items():
            name = (rename or {}).get(name, name)
            for problem in problems:
                form.add_error(name if name in form.fields else None, problem)
    else:
        _add_error(form, error)


def _ratings_table(baseline, measure) -> list[tuple[str, int | None, int]]:
    """(label, at the assessment, at this follow-up) per outcome."""
    return [
        (
            str(OutcomeMeasure._meta.get_field(name).verbose_name),
            getattr(baseline, name) if baseline else None,
            getattr(measure, name),
        )
        for name in OUTCOME_RATINGS
    ]


@login_required
@require_http_methods(["GET", "POST"])
def followup_record(request, number, pk):
    case = _load(request, number)
    follow_up = get_object_or_404(
        FollowUp.objects.select_related("outcome", "recorded_by", "outcome_measure"),
        pk=pk,
        case=case,
    )
    may_record = followups.may_record(request.user, case)
    if not follow_up.is_done and not may_record:
        raise PermissionDenied
    can_record = not follow_up.is_done and case.status in followups.FOLLOWED_STATUSES
    if request.method == "POST" and not can_record:
        raise PermissionDenied
    baseline = baseline_measure(case)
    form = None
    if can_record:
        form = FollowUpForm(
            request.POST or None,
            baseline=baseline,
            offer_job_lost=followups.may_report_job_lost(request.user, case),
            initial={"done_on": timezone.localdate()},
        )
        if request.method == "POST" and form.is_valid():
            try:
                followups.follow_up_record(
                    follow_up=follow_up, actor=request.user, **form.service_arguments()
                )
            except (WorkflowError, ValidationError) as error:
                _add_errors(form, error)
            else:
                messages.success(
                    request,
                    _("The %(months)s-month follow-up is recorded.") % {"months": follow_up.months},
                )
                return redirect(reverse("placement:case", args=[case.number]))
    access_record(actor=request.user, what="follow_up.view", obj=follow_up, request=request)
    measure = follow_up.outcome_measure
    return render(
        request,
        "placement/followup_record.html",
        {
            "case": case,
            "follow_up": follow_up,
            "form": form,
            "ratings_table": _ratings_table(baseline, measure) if measure else [],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def job_lost(request, number):
    case = _load(request, number)
    if not followups.may_report_job_lost(request.user, case):
        raise PermissionDenied
    form = JobLostForm(request.POST or None, initial={"version": case.version})
    if request.method == "POST" and form.is_valid():
        try:
            followups.follow_up_job_lost(
                case=case,
                actor=request.user,
                reason=form.cleaned_data["reason"],
                expected_version=form.cleaned_data["version"],
            )
        except (WorkflowError, ValidationError) as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The case is back in job placement."))
            return redirect(reverse("placement:case", args=[case.number]))
    return render(request, "placement/followup_job_lost.html", {"case": case, "form": form})
