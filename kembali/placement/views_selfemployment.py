"""The self-employment pages of a case: the plan (read and written on one page) with
its support and milestones, adding support and milestones, reporting a milestone's
income, and "the business has started"."""

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
from kembali.cases.models import Status
from kembali.cases.workflow import WorkflowError, allowed_targets
from kembali.placement import selfemployment as track
from kembali.placement.forms_selfemployment import (
    MilestoneForm,
    MilestoneReportForm,
    PlanForm,
    StartForm,
    SupportForm,
)
from kembali.placement.models_selfemployment import IncomeMilestone
from kembali.placement.views import _load
from kembali.placement.views_followup import _add_errors
from kembali.reference.models import IscoGroup

# The outcome service's field names, as the start form calls them.
OUTCOME_TO_FORM = {"return_date": "started_on", "monthly_wage": "monthly_income"}


def _page_url(case) -> str:
    return reverse("placement:self_employment", args=[case.number])


def _may_edit(user, case) -> bool:
    return track.may_work_self_employment(user, case) and case.in_jpess and case.is_open


def may_start(user, case, plan) -> bool:
    return (
        plan is not None
        and plan.started_on is None
        and _may_edit(user, case)
        and Status.RETURNED_TO_WORK in allowed_targets(case, user)
    )


def _plan_or_redirect(request, case):
    plan = track.plan_with_details(case)
    if plan is None:
        messages.info(request, _("Write the business idea first."))
    return plan


@login_required
@require_http_methods(["GET", "POST"])
def self_employment(request, number):
    case = _load(request, number)
    plan = track.plan_with_details(case)
    may_edit = _may_edit(request.user, case)
    if request.method == "POST" and not may_edit:
        raise PermissionDenied
    initial = {}
    if plan is not None:
        initial = {
            "version": plan.version,
            "business_idea": plan.business_idea,
            "business_plan": plan.business_plan,
            "isco_code": plan.isco_unit_id or "",
            "expected_monthly_income": plan.expected_monthly_income,
        }
    form = PlanForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        unit = None
        if data["isco_code"]:
            unit = IscoGroup.objects.filter(code=data["isco_code"], level=4).first()
            if unit is None:
                form.add_error("isco_code", _("No ISCO-08 unit group has this code."))
        if not form.errors:
            try:
                track.self_employment_plan_save(
                    case=case,
                    actor=request.user,
                    business_idea=data["business_idea"],
                    business_plan=data["business_plan"],
                    isco_unit=unit,
                    expected_monthly_income=data["expected_monthly_income"],
                    expected_version=data["version"],
                )
            except (WorkflowError, ValidationError) as error:
                _add_errors(form, error)
            else:
                messages.success(request, _("Self-employment plan saved."))
                return redirect(_page_url(case))
    access_record(actor=request.user, what="self_employment.view", obj=case, request=request)
    supports = list(plan.supports.all()) if plan else []
    return render(
        request,
        "placement/selfemployment_plan.html",
        {
            "case": case,
            "plan": plan,
            "form": form,
            "may_edit": may_edit,
            "may_start": may_start(request.user, case, plan),
            "supports": supports,
            "support_total": track.support_total(plan) if plan else None,
            "milestones": list(plan.milestones.all()) if plan else [],
        },
    )


def _edit_page(request, number):
    case = _load(request, number)
    if not _may_edit(request.user, case):
        raise PermissionDenied
    return case, _plan_or_redirect(request, case)


@login_required
@require_http_methods(["GET", "POST"])
def support_new(request, number):
    case, plan = _edit_page(request, number)
    if plan is None:
        return redirect(_page_url(case))
    form = SupportForm(request.POST or None, initial={"given_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            track.self_employment_support_add(plan=plan, actor=request.user, **form.cleaned_data)
        except (WorkflowError, ValidationError) as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Support recorded."))
            return redirect(_page_url(case))
    return render(
        request,
        "placement/selfemployment_form.html",
        {"case": case, "form": form, "title": _("Record support for the business")},
    )


@login_required
@require_http_methods(["GET", "POST"])
def milestone_new(request, number):
    case, plan = _edit_page(request, number)
    if plan is None:
        return redirect(_page_url(case))
    form = MilestoneForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            track.income_milestone_add(plan=plan, actor=request.user, **form.cleaned_data)
        except (WorkflowError, ValidationError) as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Income milestone added."))
            return redirect(_page_url(case))
    return render(
        request,
        "placement/selfemployment_form.html",
        {"case": case, "form": form, "title": _("Add an income milestone")},
    )


@login_required
@require_http_methods(["GET", "POST"])
def milestone_report(request, number, pk):
    case, plan = _edit_page(request, number)
    if plan is None:
        return redirect(_page_url(case))
    milestone = get_object_or_404(IncomeMilestone, pk=pk, plan=plan)
    initial = {
        "actual_monthly_income": milestone.actual_monthly_income,
        "reported_on": milestone.reported_on or timezone.localdate(),
        "notes": milestone.notes,
    }
    form = MilestoneReportForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            track.income_milestone_report(
                milestone=milestone, actor=request.user, **form.cleaned_data
            )
        except (WorkflowError, ValidationError) as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Income reported."))
            return redirect(_page_url(case))
    return render(
        request,
        "placement/selfemployment_form.html",
        {
            "case": case,
            "form": form,
            "milestone": milestone,
            "title": _("Report the business's income"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def start(request, number):
    case = _load(request, number)
    plan = track.plan_with_details(case)
    if not may_start(request.user, case, plan):
        raise PermissionDenied
    form = StartForm(
        request.POST or None,
        initial={
            "version": plan.version,
            "started_on": timezone.localdate(),
            "monthly_income": plan.expected_monthly_income,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            outcome = track.self_employment_start(
                plan=plan,
                actor=request.user,
                started_on=form.cleaned_data["started_on"],
                monthly_income=form.cleaned_data["monthly_income"],
                hours_per_week=form.cleaned_data["hours_per_week"],
                expected_version=form.cleaned_data["version"],
            )
        except (WorkflowError, ValidationError) as error:
            _add_errors(form, error, rename=OUTCOME_TO_FORM)
        else:
            messages.success(
                request,
                _(
                    "The business has started: the return to work is recorded at level "
                    "%(level)s, %(label)s."
                )
                % {"level": outcome.level, "label": outcome.get_level_display()},
            )
            return redirect(_page_url(case))
    return render(
        request, "placement/selfemployment_start.html", {"case": case, "plan": plan, "form": form}
    )
