"""The plan pages of a case: the plan and its versions, the draft forms, submission,
the supervisor's decision, the PDF, and referrals to providers. Thin: parse, load
through access_case, call a service, render."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from kembali.audit.services import access_record
from kembali.cases.access import access_case
from kembali.cases.workflow import WorkflowError
from kembali.plans import services
from kembali.plans.forms import (
    DecisionForm,
    InterventionForm,
    InterventionStatusForm,
    PlanForm,
    ReferralForm,
    ReferralReportForm,
)
from kembali.plans.models import PlanStatus
from kembali.plans.pdf import plan_pdf, plan_pdf_language
from kembali.plans.selectors import (
    case_intervention_choices,
    case_referrals,
    interventions_total,
    plan_interventions,
    plan_overview,
    plan_version,
    referrals_total,
)
from kembali.plans.services import PlanError, PlanNotValid, may_approve_plan, may_edit_plan


def _plan_url(case, plan=None) -> str:
    if plan is None:
        return reverse("plans:plan", args=[case.number])
    return reverse("plans:version", args=[case.number, plan.version])


def _problems_form(problems: list[str]) -> forms.Form:
    """A form carrying only non-field errors, for the shared error summary."""
    form = forms.Form(data={})
    form.is_valid()
    for problem in problems:
        form.add_error(None, problem)
    return form


def _add_service_error(form: forms.Form, error: Exception) -> None:
    if isinstance(error, PlanNotValid):
        for problem in error.errors:
            form.add_error(None, problem)
    else:
        form.add_error(None, getattr(error, "detail", str(error)))


def _render_plan(request, case, plan, *, problems=None, status=200):
    overview = plan_overview(case)
    interventions = plan_interventions(plan) if plan is not None else []
    referrals = case_referrals(case)
    can_edit = may_edit_plan(request.user, case)
    access_record(actor=request.user, what="plan.view", obj=plan or case, request=request)
    context = {
        "case": case,
        "person": case.person,
        "plan": plan,
        "overview": overview,
        "interventions": interventions,
        "total": interventions_total(interventions),
        "referrals": referrals,
        "referrals_total": referrals_total(referrals),
        "can_edit": can_edit,
        "can_approve": may_approve_plan(request.user, case),
        "can_start_version": can_edit
        and overview.open is None
        and case.status in services.PLANNING_STAGES,
        "can_start_rehabilitation": can_edit
        and case.status == "plan_approved"
        and case.case_manager_id == request.user.pk,
        "status_form": InterventionStatusForm(),
        "form": _problems_form(problems) if problems else None,
        "planning_stages": services.PLANNING_STAGES,
    }
    return render(request, "plans/plan.html", context, status=status)


@login_required
def plan_page(request, number):
    case = access_case(request.user, number)
    return _render_plan(request, case, plan_overview(case).current)


@login_required
def version_page(request, number, version):
    case = access_case(request.user, number)
    return _render_plan(request, case, plan_version(case, version))


@login_required
@require_http_methods(["GET", "POST"])
def plan_new(request, number):
    """Version 1 is filled in here; a later version starts as a copy of the plan in
    force, so it needs only a confirming POST."""
    case = access_case(request.user, number)
    if not may_edit_plan(request.user, case):
        raise PermissionDenied
    overview = plan_overview(case)
    if overview.in_force is not None:
        if request.method == "POST":
            try:
                plan = services.plan_create(case=case, actor=request.user)
            except (PlanError, WorkflowError) as error:
                messages.error(request, error.detail)
                return redirect(_plan_url(case))
            messages.success(
                request,
                _(
                    "Version %(version)s started as a copy of version %(old)s. Change it, then "
                    "submit it for approval."
                )
                % {"version": plan.version, "old": overview.in_force.version},
            )
            return redirect(_plan_url(case, plan))
        return redirect(_plan_url(case))
    form = PlanForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.plan_create(case=case, actor=request.user, **form.cleaned_data)
        except (PlanError, WorkflowError) as error:
            _add_service_error(form, error)
        else:
            messages.success(request, _("Plan started. Now add its interventions."))
            return redirect(_plan_url(case, plan))
    return render(request, "plans/plan_form.html", {"case": case, "form": form, "plan": None})


@login_required
@require_http_methods(["GET", "POST"])
def plan_edit(request, number, version):
    case = access_case(request.user, number)
    plan = plan_version(case, version)
    if not may_edit_plan(request.user, case):
        raise PermissionDenied
    if not plan.is_editable:
        return redirect(_plan_url(case, plan))
    form = PlanForm(request.POST or None, instance=plan)
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_update(plan=plan, actor=request.user, **form.cleaned_data)
        except (PlanError, WorkflowError) as error:
            _add_service_error(form, error)
        else:
            messages.success(request, _("Plan saved."))
            return redirect(_plan_url(case, plan))
    return render(request, "plans/plan_form.html", {"case": case, "form": form, "plan": plan})


def _editable_plan(request, number, version):
    case = access_case(request.user, number)
    plan = plan_version(case, version)
    if not may_edit_plan(request.user, case):
        raise PermissionDenied
    return case, plan


def _locked(request, case, plan):
    messages.error(
        request,
        _("Version %(version)s is %(status)s and can no longer be changed.")
        % {"version": plan.version, "status": plan.get_status_display().lower()},
    )
    return redirect(_plan_url(case, plan))


@login_required
@require_http_methods(["GET", "POST"])
def intervention_new(request, number, version):
    case, plan = _editable_plan(request, number, version)
    if not plan.is_editable:
        return _locked(request, case, plan)
    form = InterventionForm(request.POST or None, plan=plan)
    if request.method == "POST" and form.is_valid():
        try:
            services.intervention_add(plan=plan, actor=request.user, **form.cleaned_data)
        except (PlanError, WorkflowError) as error:
            _add_service_error(form, error)
        else:
            messages.success(request, _("Intervention added."))
            return redirect(_plan_url(case, plan))
    return render(
        request,
        "plans/intervention_form.html",
        {"case": case, "plan": plan, "form": form, "intervention": None},
    )


@login_required
@require_http_methods(["GET", "POST"])
def intervention_edit(request, number, version, pk):
    case, plan = _editable_plan(request, number, version)
    if not plan.is_editable:
        return _locked(request, case, plan)
    item = get_object_or_404(plan.interventions.all(), pk=pk)
    form = InterventionForm(request.POST or None, instance=item, plan=plan)
    if request.method == "POST" and form.is_valid():
        try:
            services.intervention_update(intervention=item, actor=request.user, **form.cleaned_data)
        except (PlanError, WorkflowError) as error:
            _add_service_error(form, error)
        else:
            messages.success(request, _("Intervention saved."))
            return redirect(_plan_url(case, plan))
    return render(
        request,
        "plans/intervention_form.html",
        {"case": case, "plan": plan, "form": form, "intervention": item},
    )


@login_required
@require_http_methods(["GET", "POST"])
def intervention_remove(request, number, version, pk):
    case, plan = _editable_plan(request, number, version)
    if not plan.is_editable:
        return _locked(request, case, plan)
    item = get_object_or_404(plan.interventions.select_related("provider"), pk=pk)
    if request.method == "POST":
        try:
            services.intervention_remove(intervention=item, actor=request.user)
        except (PlanError, WorkflowError) as error:
            messages.error(request, error.detail)
        else:
            messages.success(request, _("Intervention removed."))
        return redirect(_plan_url(case, plan))
    return render(
        request,
        "plans/intervention_remove.html",
        {"case": case, "plan": plan, "intervention": item},
    )


@login_required
@require_POST
def intervention_status(request, number, version, pk):
    """Progress of an intervention of the approved plan, from the plan page."""
    case = access_case(request.user, number)
    plan = plan_version(case, version)
    item = get_object_or_404(plan.interventions.all(), pk=pk)
    form = InterventionStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a status."))
        return redirect(_plan_url(case, plan))
    try:
        services.intervention_update(
            intervention=item, actor=request.user, status=form.cleaned_data["status"]
        )
    except (PlanError, WorkflowError) as error:
        messages.error(request, error.detail)
    else:
        messages.success(
            request, _("Status of “%(kind)s” saved.") % {"kind": item.get_kind_display()}
        )
    return redirect(_plan_url(case, plan))


@login_required
@require_POST
def plan_submit(request, number, version):
    case = access_case(request.user, number)
    plan = plan_version(case, version)
    try:
        services.plan_submit(plan=plan, actor=request.user)
    except PlanNotValid as error:
        return _render_plan(request, case, plan, problems=error.errors, status=400)
    except (PlanError, WorkflowError) as error:
        return _render_plan(request, case, plan, problems=[error.detail], status=400)
    messages.success(
        request,
        _("Version %(version)s sent to a supervisor for approval.") % {"version": plan.version},
    )
    return redirect(_plan_url(case, plan))


@login_required
@require_http_methods(["GET", "POST"])
def plan_decide(request, number, version):
    """The supervisor approves the submitted version, or returns it with a reason."""
    case = access_case(request.user, number)
    plan = plan_version(case, version)
    if not may_approve_plan(request.user, case):
        raise PermissionDenied
    if plan.status != PlanStatus.SUBMITTED:
        messages.info(request, _("This version is not waiting for approval."))
        return redirect(_plan_url(case, plan))
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        decision = request.POST.get("decision")
        reason = form.cleaned_data["reason"]
        try:
            if decision == "approve":
                services.plan_approve(plan=plan, actor=request.user, reason=reason)
                messages.success(
                    request, _("Version %(version)s approved.") % {"version": plan.version}
                )
                return redirect(_plan_url(case, plan))
            if decision == "reject":
                if not reason.strip():
                    form.add_error(
                        "reason", _("Say why the plan is returned, so it can be put right.")
                    )
                else:
                    services.plan_reject(plan=plan, actor=request.user, reason=reason)
                    messages.success(
                        request,
                        _("Version %(version)s returned for changes.") % {"version": plan.version},
                    )
                    return redirect(_plan_url(case, plan))
            else:
                form.add_error(None, _("Choose whether to approve the plan or return it."))
        except (PlanError, WorkflowError) as error:
            _add_service_error(form, error)
    interventions = plan_interventions(plan)
    return render(
        request,
        "plans/decide.html",
        {
            "case": case,
            "plan": plan,
            "form": form,
            "interventions": interventions,
            "total": interventions_total(interventions),
        },
    )


@login_required
@require_POST
def plan_start(request, number):
    case = access_case(request.user, number)
    try:
        services.plan_start(
            case=case, actor=request.user, expected_version=request.POST.get("version") or None
        )
    except (PlanError, WorkflowError) as error:
        messages.error(request, error.detail)
    else:
        messages.success(request, _("Rehabilitation started."))
    return redirect(_plan_url(case))


@login_required
def plan_pdf_download(request, number, version):
    case = access_case(request.user, number)
    plan = plan_version(case, version)
    content = plan_pdf(plan)
    access_record(actor=request.user, what="plan.pdf", obj=plan, request=request)
    response = HttpResponse(content, content_type="application/pdf")
    filename = f"{case.number}-plan-v{plan.version}-{plan_pdf_language(plan)}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def referral_new(request, number):
    case = access_case(request.user, number)
    if not may_edit_plan(request.user, case):
        raise PermissionDenied
    form = ReferralForm(request.POST or None, interventions=case_intervention_choices(case))
    if request.method == "POST" and form.is_valid():
        try:
            services.provider_referral_create(case=case, actor=request.user, **form.cleaned_data)
        except (PlanError, WorkflowError) as error:
            _add_service_error(form, error)
        else:
            messages.success(
                request,
                _("Referral to %(provider)s recorded.")
                % {"provider": form.cleaned_data["provider"]},
            )
            return redirect(reverse("plans:plan", args=[case.number]) + "#referrals")
    return render(
        request, "plans/referral_form.html", {"case": case, "form": form, "referral": None}
    )


@login_required
@require_http_methods(["GET", "POST"])
def referral_report(request, number, pk):
    case = access_case(request.user, number)
    if not may_edit_plan(request.user, case):
        raise PermissionDenied
    referral = get_object_or_404(case.provider_referrals.select_related("provider"), pk=pk)
    initial = {
        "accepted_on": referral.accepted_on,
        "report_received_on": referral.report_received_on,
        "report_summary": referral.report_summary,
        "cost": referral.cost,
        "cancelled": referral.status == "cancelled",
    }
    form = ReferralReportForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.provider_referral_record_report(
                referral=referral, actor=request.user, **form.cleaned_data
            )
        except (PlanError, WorkflowError) as error:
            _add_service_error(form, error)
        else:
            messages.success(
                request, _("Referral to %(provider)s saved.") % {"provider": referral.provider}
            )
            return redirect(reverse("plans:plan", args=[case.number]) + "#referrals")
    return render(
        request, "plans/referral_form.html", {"case": case, "form": form, "referral": referral}
    )
