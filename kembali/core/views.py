"""The home page: each role lands on its own overview."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from kembali.accounts.models import Role
from kembali.core import selectors


@login_required
def home(request):
    user = request.user
    if user.role == Role.CASE_MANAGER:
        return render(request, "core/home_case_manager.html", selectors.case_manager_overview(user))
    if user.role == Role.PLACEMENT_OFFICER:
        context = selectors.placement_officer_overview(user)
        return render(request, "core/home_placement_officer.html", context)
    if user.role == Role.SUPERVISOR:
        return render(request, "core/home_supervisor.html", selectors.office_overview(user))
    if user.role == Role.NATIONAL_ADMIN:
        return render(request, "core/home_national_admin.html", selectors.national_overview())
    if user.role == Role.MINISTRY_ANALYST:
        return render(request, "core/home_ministry_analyst.html", selectors.aggregate_overview())
    # An account without a role (e.g. made with createsuperuser) sees no data.
    return render(request, "core/home_no_role.html")
