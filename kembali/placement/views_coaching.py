"""The job coach's pages (assign, end) and logging a coaching or counselling session.
Thin: parse, load through access_case, call kembali.placement.coaching, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from kembali.accounts.models import Role, User
from kembali.cases.workflow import WorkflowError
from kembali.placement import coaching
from kembali.placement.forms_coaching import CoachAssignForm, CoachEndForm, SessionForm
from kembali.placement.views_referrals import _add_error, _load
from kembali.providers.models import Provider

STAFF_ROLES = (Role.PLACEMENT_OFFICER, Role.CASE_MANAGER, Role.SUPERVISOR)


def _staff(case) -> list[User]:
    return list(
        User.objects.filter(office=case.office, is_active=True, role__in=STAFF_ROLES).order_by(
            "first_name", "last_name", "username"
        )
    )


def _jpess_url(case) -> str:
    return reverse("placement:case", args=[case.number]) + "#coaching-title"


def _may(request, case) -> None:
    if not coaching.may_coach(request.user, case):
        raise PermissionDenied


@login_required
@require_http_methods(["GET", "POST"])
def coach_assign(request, number):
    case = _load(request, number)
    _may(request, case)
    current = coaching.current_coach(case)
    form = CoachAssignForm(
        request.POST or None,
        staff=_staff(case),
        providers=Provider.objects.filter(is_active=True).order_by("name"),
        initial={"assigned_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            coach = coaching.job_coach_assign(
                case=case, actor=request.user, **form.service_arguments()
            )
        except (WorkflowError, ValidationError) as error:
            _add_error(form, error)
        else:
            messages.success(
                request, _("%(name)s is the job coach.") % {"name": coach.display_name}
            )
            return redirect(_jpess_url(case))
    return render(
        request, "placement/coach_assign.html", {"case": case, "form": form, "current": current}
    )


@login_required
@require_http_methods(["GET", "POST"])
def coach_end(request, number):
    case = _load(request, number)
    _may(request, case)
    current = coaching.current_coach(case)
    if current is None:
        messages.info(request, _("The case has no job coach now."))
        return redirect(_jpess_url(case))
    form = CoachEndForm(request.POST or None, initial={"ended_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            coaching.job_coach_end(
                case=case, actor=request.user, ended_on=form.cleaned_data["ended_on"]
            )
        except (WorkflowError, ValidationError) as error:
            _add_error(form, error)
        else:
            messages.success(request, _("The job coach's support has ended."))
            return redirect(_jpess_url(case))
    return render(
        request, "placement/coach_end.html", {"case": case, "form": form, "current": current}
    )


@login_required
@require_http_methods(["GET", "POST"])
def session_new(request, number):
    case = _load(request, number)
    _may(request, case)
    staff = _staff(case)
    current = coaching.current_coach(case)
    initial = {"held_on": timezone.localdate()}
    if current is not None and current.coach_user_id:
        initial["given_by_user"] = str(current.coach_user_id)
    elif current is not None:
        initial["given_by_name"] = current.coach_name
    form = SessionForm(request.POST or None, staff=staff, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            coaching.support_session_log(case=case, actor=request.user, **form.service_arguments())
        except (WorkflowError, ValidationError) as error:
            _add_error(form, error)
        else:
            messages.success(request, _("Session logged."))
            return redirect(_jpess_url(case))
    return render(request, "placement/session_form.html", {"case": case, "form": form})
