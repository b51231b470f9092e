"""The referral form, and the occupation suggestions it asks for while typing."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from kembali.accounts.models import Office, Role
from kembali.cases.access import cases_visible_to
from kembali.cases.forms import ReferralForm
from kembali.cases.models import Case
from kembali.cases.services import (
    DuplicateOpenCase,
    ReferralError,
    may_create_referral,
    referral_create,
)
from kembali.core.digits import is_digits
from kembali.reference.selectors import occupation_search, unit_groups


def _offices_for(user):
    """A national administrator refers for any office; everyone else for their own."""
    if user.role == Role.NATIONAL_ADMIN:
        return Office.objects.order_by("name")
    return None


@login_required
def referral_new(request):
    user = request.user
    if not may_create_referral(user):
        raise PermissionDenied
    offices = _offices_for(user)
    form = ReferralForm(request.POST or None, offices=offices)
    duplicate = None
    if request.method == "POST" and form.is_valid():
        office = form.cleaned_data["office"] if offices is not None else user.office
        try:
            outcome = referral_create(
                actor=user, office=office, referral=form.to_input(source=Case.Source.FORM)
            )
        except DuplicateOpenCase as exc:
            form.add_service_errors(exc)
            duplicate = _visible_case(user, exc.case_number) or {"number": exc.case_number}
        except ReferralError as exc:
            form.add_service_errors(exc)
        else:
            return _after_referral(request, outcome)
    return render(
        request,
        "cases/referral_form.html",
        {"form": form, "duplicate": duplicate},
        status=422 if form.errors else 200,
    )


def _visible_case(user, number: str):
    return cases_visible_to(user).filter(number=number).first()


def _after_referral(request, outcome):
    case = outcome.case
    if outcome.created:
        text = _("Referral registered as case %(number)s: %(status)s.")
    else:
        text = _("This referral was received before, as case %(number)s: %(status)s.")
    messages.success(request, text % {"number": case.number, "status": case.get_status_display()})
    if cases_visible_to(request.user).filter(pk=case.pk).exists():
        return redirect("cases:detail", number=case.number)
    # A case manager sees a case once a supervisor assigns it to them.
    messages.info(request, _("A supervisor of the office will assign a case manager."))
    return redirect("cases:new")


@login_required
def occupation_suggestions(request):
    """<option> elements for the occupation code's datalist: ESCO titles with their
    ISCO-08 unit group code."""
    if not may_create_referral(request.user):
        raise PermissionDenied
    query = (request.GET.get("isco_code", "") or request.GET.get("q", "")).strip()
    options: list[tuple[str, str]] = []
    if is_digits(query):
        options = [
            (g.code, g.local_title) for g in unit_groups().filter(code__startswith=query)[:15]
        ]
    elif len(query) >= 3:
        options = [
            (o.isco_unit_id, f"{o.title} ({o.isco_unit.local_title})")
            for o in occupation_search(query, limit=15)
        ]
    return render(request, "cases/_occupation_options.html", {"options": options})
