"""The JPESS pages of a case: the summary, the referral, the job placement officer's
assignment, the job placement assessment and the employment support plan with its
PDF. Thin: parse, load through access_case, call a service, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from kembali.audit.services import access_record
from kembali.cases.access import access_case
from kembali.cases.models import Case
from kembali.cases.workflow import WorkflowError
from kembali.cases.workload import placement_officer_loads
from kembali.placement import selectors, services
from kembali.placement.followups import followup_context
from kembali.placement.forms import (
    AssignOfficerForm,
    PlacementAssessmentForm,
    ReferForm,
    SupportActivityForm,
    SupportPlanForm,
    assessment_initial,
)
from kembali.placement.pdf import support_plan_pdf, support_plan_pdf_language
from kembali.placement.views_referrals import jobs_context
from kembali.reference.models import IscoGroup


def _load(request, number: str) -> Case:
    """The case if this user may see it (else 404), with the people the pages name."""
    case = access_case(request.user, number)
    return Case.objects.select_related(
        "person__state", "office", "case_manager", "placement_officer"
    ).get(pk=case.pk)


def _jpess_url(case: Case) -> str:
    return reverse("placement:case", args=[case.number])


def _add_error(form, error: Exception) -> None:
    if isinstance(error, ValidationError) and hasattr(error, "error_dict"):
        for name, problems in error.message_dict.items():
            form.add_error(name if name in form.fields else None, problems)
    elif isinstance(error, ValidationError):
        for problem in error.messages:
            form.add_error(None, problem)
    else:
        form.add_error(None, getattr(error, "detail", str(error)))


@login_required
def jpess_page(request, number):
    case = _load(request, number)
    overview = selectors.jpess_overview(case)
    access_record(actor=request.user, what="jpess.view", obj=case, request=request)
    return render(
        request,
        "placement/jpess.html",
        {
            "case": case,
            "person": case.person,
            "overview": overview,
            "assessment": overview.assessment,
            "plan": overview.plan,
            "may_refer": services.may_refer(request.user, case)
            and case.status in services.REFERRABLE_STATUSES,
            "may_assign": services.may_assign_officer(request.user, case) and case.in_jpess,
            "may_work": services.may_work_placement(request.user, case) and case.in_jpess,
            **jobs_context(case, request.user),  # H2: referrals to vacancies, coaching
            **followup_context(case, request.user),  # H3: follow-ups, self-employment
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def refer(request, number):
    case = _load(request, number)
    if not services.may_refer(request.user, case):
        raise PermissionDenied
    form = ReferForm(request.POST or None, initial={"version": case.version})
    if request.method == "POST" and form.is_valid():
        try:
            services.jpess_refer(
                case=case,
                actor=request.user,
                reason=form.cleaned_data["reason"],
                expected_version=form.cleaned_data["version"],
            )
        except (WorkflowError, ValidationError) as error:
            _add_error(form, error)
        else:
            messages.success(request, _("The case is referred to JPESS."))
            return redirect(_jpess_url(case))
    return render(request, "placement/refer.html", {"case": case, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def assign_officer(request, number):
    """The supervisor's page: the office's job placement officers with their loads,
    the least loaded one chosen already."""
    case = _load(request, number)
    if not services.may_assign_officer(request.user, case):
        raise PermissionDenied
    loads = placement_officer_loads(office=case.office)
    suggested = loads[0].user if loads else None
    officers = [row.user for row in loads]
    initial = {"version": case.version}
    if suggested is not None and case.placement_officer_id is None:
        initial["officer"] = suggested.pk
    form = AssignOfficerForm(request.POST or None, officers=officers, initial=initial)
    if request.method == "POST" and form.is_valid():
        chosen = next(u for u in officers if u.pk == form.cleaned_data["officer"])
        try:
            services.placement_officer_assign(
                case=case,
                officer=chosen,
                actor=request.user,
                reason=form.cleaned_data["reason"],
                expected_version=form.cleaned_data["version"],
            )
        except (WorkflowError, ValidationError) as error:
            _add_error(form, error)
        else:
            messages.success(
                request,
                _("%(name)s is now the job placement officer.") % {"name": chosen.display_name},
            )
            return redirect(_jpess_url(case))
    return render(
        request,
        "placement/assign.html",
        {
            "case": case,
            "form": form,
            "loads": loads,
            "suggested": suggested,
            "reassigning": case.placement_officer_id is not None,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def assessment_new(request, number):
    case = _load(request, number)
    if not services.may_work_placement(request.user, case):
        raise PermissionDenied
    current = selectors.current_assessment(case)
    employments = selectors.person_employments(case)
    form = PlacementAssessmentForm(
        request.POST or None,
        employments=employments,
        initial={**assessment_initial(current, case), "assessed_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        codes = [form.cleaned_data.get(f"preferred_isco_{n}") for n in (1, 2, 3)]
        units = IscoGroup.objects.in_bulk([c for c in codes if c])
        try:
            services.placement_assessment_record(
                case=case,
                actor=request.user,
                **form.service_arguments(employments=employments, isco_units=units),
            )
        except (WorkflowError, ValidationError) as error:
            _add_error(form, error)
        else:
            messages.success(request, _("Job placement assessment recorded."))
            return redirect(_jpess_url(case))
    access_record(actor=request.user, what="placement_assessment.form", obj=case, request=request)
    return render(
        request,
        "placement/assessment_form.html",
        {"case": case, "form": form, "employments": employments, "current": current},
    )


@login_required
@require_http_methods(["GET", "POST"])
def support_plan(request, number):
    """The plan with its activities; its goals are edited on the same page."""
    case = _load(request, number)
    plan = selectors.support_plan_with_activities(case)
    may_edit = services.may_work_placement(request.user, case) and case.in_jpess
    if request.method == "POST" and not may_edit:
        raise PermissionDenied
    initial = {"goals": plan.goals, "target_date": plan.target_date} if plan else {}
    form = SupportPlanForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.support_plan_save(case=case, actor=request.user, **form.cleaned_data)
        except (WorkflowError, ValidationError) as error:
            _add_error(form, error)
        else:
            messages.success(request, _("Employment support plan saved."))
            return redirect(reverse("placement:support_plan", args=[case.number]))
    access_record(actor=request.user, what="support_plan.view", obj=case, request=request)
    return render(
        request,
        "placement/support_plan.html",
        {"case": case, "plan": plan, "form": form, "may_edit": may_edit},
    )


def _activity_page(request, case, plan, activity=None):
    if not services.may_work_placement(request.user, case):
        raise PermissionDenied
    owners = selectors.activity_owner_choices(case)
    initial = {"planned_on": timezone.localdate(), "owner": str(request.user.pk)}
    if activity is not None:
        initial = {
            "kind": activity.kind,
            "description": activity.description,
            "owner": str(activity.owner_id) if activity.owner_id else "person",
            "planned_on": activity.planned_on,
            "status": activity.status,
            "done_on": activity.done_on,
        }
    form = SupportActivityForm(request.POST or None, owners=owners, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if activity is None:
                services.support_activity_add(
                    plan=plan, actor=request.user, **form.service_arguments()
                )
            else:
                services.support_activity_update(
                    activity=activity, actor=request.user, **form.service_arguments()
                )
        except (WorkflowError, ValidationError) as error:
            _add_error(form, error)
        else:
            messages.success(request, _("Activity saved."))
            return redirect(reverse("placement:support_plan", args=[case.number]))
    return render(
        request,
        "placement/activity_form.html",
        {"case": case, "form": form, "activity": activity},
    )


@login_required
@require_http_methods(["GET", "POST"])
def activity_new(request, number):
    case = _load(request, number)
    plan = selectors.support_plan_with_activities(case)
    if plan is None:
        messages.info(request, _("Write the plan's goals first."))
        return redirect(reverse("placement:support_plan", args=[case.number]))
    return _activity_page(request, case, plan)


@login_required
@require_http_methods(["GET", "POST"])
def activity_edit(request, number, pk):
    case = _load(request, number)
    plan = selectors.support_plan_with_activities(case)
    if plan is None:
        raise PermissionDenied
    activity = get_object_or_404(plan.activities.select_related("plan__case"), pk=pk)
    return _activity_page(request, case, plan, activity)


@login_required
def support_plan_pdf_download(request, number):
    case = _load(request, number)
    plan = selectors.support_plan_with_activities(case)
    if plan is None:
        messages.info(request, _("Write the plan's goals first."))
        return redirect(reverse("placement:support_plan", args=[case.number]))
    content = support_plan_pdf(case, plan, assessment=selectors.current_assessment(case))
    access_record(actor=request.user, what="support_plan.pdf", obj=case, request=request)
    response = HttpResponse(content, content_type="application/pdf")
    language = support_plan_pdf_language(case)
    filename = f"{case.number}-employment-support-plan-{language}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
