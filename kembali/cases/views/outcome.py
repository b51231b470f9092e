"""Recording the return to work, and starting the follow-up."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kembali.cases.forms_monitoring import OutcomeForm
from kembali.cases.models import RtwLevel, Status
from kembali.cases.services_outcome import (
    NewJob,
    OutcomeInvalid,
    classify_outcome,
    outcome_record,
)
from kembali.cases.views.detail import load_case
from kembali.cases.views.steps import _button_step, _posted_stale, _seen_version
from kembali.cases.workflow import ReasonRequired, WorkflowError, allowed_targets


def _new_job(form) -> NewJob:
    data = form.cleaned_data
    return NewJob(
        return_date=data["return_date"],
        isco_code=data["isco_code"],
        job_title=data["job_title"],
        monthly_wage=data["monthly_wage"],
        hours_per_week=data["hours_per_week"],
        self_employed=data["self_employed"],
        employer=form.employer,
        employer_name=data.get("employer_name", ""),
    )


@login_required
def outcome_view(request, number: str):
    case = load_case(request, number)
    if Status.RETURNED_TO_WORK not in allowed_targets(case, request.user) and not _posted_stale(
        request, case
    ):
        raise PermissionDenied
    before = case.pre_injury_employment
    form = OutcomeForm(
        request.POST or None, initial={"version": _seen_version(request, case)}, before=before
    )
    classified = None
    if request.method == "POST" and form.is_valid():
        job = _new_job(form)
        try:
            outcome = outcome_record(
                case=case,
                actor=request.user,
                job=job,
                level_override=form.cleaned_data["level_override"],
                override_reason=form.cleaned_data["override_reason"],
                expected_version=form.cleaned_data["version"],
            )
        except OutcomeInvalid as exc:
            for field, errors in exc.errors.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        except ReasonRequired as exc:
            form.add_error("override_reason", exc.detail)
            classified = _classified(case, job)
        except WorkflowError as exc:
            form.add_error(None, exc.detail)
            form.refused_with = exc.status_code
        else:
            messages.success(
                request,
                _("The return to work is recorded: level %(level)s, %(label)s.")
                % {"level": outcome.level, "label": outcome.get_level_display()},
            )
            return redirect("cases:detail", number=case.number)
    status = getattr(form, "refused_with", 422) if form.errors else 200
    return render(
        request,
        "cases/outcome_form.html",
        {"case": case, "form": form, "before": before, "classified": classified},
        status=status,
    )


def _classified(case, job: NewJob) -> dict | None:
    try:
        level = classify_outcome(case, job)
    except ValueError:
        return None
    return {"level": level, "label": RtwLevel(level).label}


@login_required
@require_POST
def follow_up_start_view(request, number: str):
    return _button_step(
        request,
        number,
        target=Status.FOLLOW_UP,
        done_text=_("The follow-up has started."),
    )
