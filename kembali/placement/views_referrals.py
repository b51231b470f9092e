"""The pages of referrals to vacancies: the confirmation (from the match page, or by
vacancy number), one referral with its history, and one page per step. Thin: parse,
load through access_case, call kembali.placement.referrals, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from kembali.audit.services import access_record
from kembali.cases.access import access_case
from kembali.cases.actions import NextAction
from kembali.cases.models import Case, Status
from kembali.cases.workflow import WorkflowError
from kembali.employers.models import Vacancy
from kembali.placement import coaching, referrals
from kembali.placement.forms_referrals import ReferToVacancyForm, VacancyLookupForm, step_form
from kembali.placement.models_jobs import VacancyReferral
from kembali.placement.timeline_jobs import referral_history


def _load(request, number: str) -> Case:
    case = access_case(request.user, number)
    return Case.objects.select_related(
        "person", "office", "case_manager", "placement_officer", "pre_injury_employment"
    ).get(pk=case.pk)


def _add_error(form, error: Exception) -> None:
    errors = getattr(error, "errors", None)
    if isinstance(errors, dict):
        for name, problems in errors.items():
            form.add_error(name if name in form.fields else None, problems)
    elif isinstance(error, ValidationError):
        for problem in error.messages:
            form.add_error(None, problem)
    else:
        form.add_error(None, getattr(error, "detail", str(error)))


# ---------------------------------------------------------------------------
# The JPESS page's section and the case page's steps


def jobs_context(case: Case, user) -> dict:
    """What the JPESS page shows of referrals, the coach and sessions: 3 queries
    (none for a case not in JPESS)."""
    if not case.in_jpess:
        return {"jobs": None}
    return {
        "jobs": {
            "referrals": referrals.case_referrals(case),
            "may_refer": referrals.may_work_referrals(user, case)
            and not referrals.referable_problem(case),
            "may_work": referrals.may_work_referrals(user, case) and case.is_open,
            "coaches": coaching.coach_history(case),
            "sessions": coaching.case_sessions(case),
        }
    }


def job_actions(case: Case, user) -> list[NextAction]:
    """The case page's steps of this part; read only the case and the user."""
    if not (case.in_jpess and case.is_open and referrals.may_work_referrals(user, case)):
        return []
    found = []
    if case.status == Status.JOB_PLACEMENT:
        found.append(
            NextAction(
                _("Refer to a vacancy"),
                reverse("placement:referral_new", args=[case.number]),
                False,
                False,
            )
        )
    found.append(
        NextAction(
            _("Log a coaching or counselling session"),
            reverse("placement:session_new", args=[case.number]),
            False,
            True,
        )
    )
    return found


# ---------------------------------------------------------------------------
# Referring


def _vacancy_for(raw):
    if raw in (None, ""):
        return None
    try:
        pk = referrals.check_vacancy_value(raw)
    except ValidationError:
        return None
    try:
        return Vacancy.objects.select_related("employer", "isco_unit", "state").get(pk=pk)
    except Vacancy.DoesNotExist:
        return None


@login_required
@require_http_methods(["GET", "POST"])
def referral_new(request, number):
    """GET ?vacancy=<pk>: the vacancy and why it matches, with a notes box; POST
    refers. Without a vacancy, a box for its number."""
    case = _load(request, number)
    if not referrals.may_work_referrals(request.user, case):
        raise PermissionDenied
    raw = request.POST.get("vacancy") if request.method == "POST" else request.GET.get("vacancy")
    vacancy = _vacancy_for(raw)
    lookup = VacancyLookupForm(request.GET if "vacancy" in request.GET else None)
    if raw not in (None, "") and vacancy is None and lookup.is_bound and lookup.is_valid():
        lookup.add_error("vacancy", _("No vacancy has this number."))
    if vacancy is None:
        if request.method == "POST":
            raise Http404
        return render(
            request,
            "placement/referral_lookup.html",
            {"case": case, "form": lookup, "problem": referrals.referable_problem(case)},
        )
    explained = referrals.match_explanation(case, vacancy)
    form = ReferToVacancyForm(request.POST or None, initial={"vacancy": vacancy.pk})
    if request.method == "POST" and form.is_valid():
        try:
            referral = referrals.vacancy_refer(
                case=case,
                vacancy=vacancy,
                actor=request.user,
                notes=form.cleaned_data["notes"],
                score=explained["score"] if explained else None,
                reasons=explained["reasons"] if explained else (),
            )
        except (WorkflowError, ValidationError) as error:
            _add_error(form, error)
        else:
            messages.success(
                request,
                _("%(name)s is referred to %(vacancy)s.")
                % {"name": case.person.full_name, "vacancy": vacancy.title},
            )
            return redirect(reverse("placement:referral_detail", args=[case.number, referral.pk]))
    access_record(actor=request.user, what="vacancy_referral.confirm", obj=case, request=request)
    return render(
        request,
        "placement/referral_new.html",
        {
            "case": case,
            "form": form,
            "vacancy": vacancy,
            "explained": explained,
            "problem": referrals.referable_problem(case) or referrals.vacancy_problem(vacancy),
        },
    )


# ---------------------------------------------------------------------------
# One referral


def _referral(case: Case, pk: int) -> VacancyReferral:
    return get_object_or_404(
        VacancyReferral.objects.select_related(
            "vacancy__employer", "vacancy__isco_unit", "referred_by", "outcome"
        ),
        case=case,
        pk=pk,
    )


@login_required
def referral_detail(request, number, pk):
    case = _load(request, number)
    referral = _referral(case, pk)
    may_work = referrals.may_work_referrals(request.user, case)
    steps = referrals.steps_from(referral.status) if may_work else []
    access_record(actor=request.user, what="vacancy_referral.view", obj=referral, request=request)
    return render(
        request,
        "placement/referral_detail.html",
        {
            "case": case,
            "referral": referral,
            "history": referral_history(referral),
            "steps": [s for s in steps if s.slug != "withdraw"],
            "withdraw": next((s for s in steps if s.slug == "withdraw"), None),
        },
    )


def _initial(referral: VacancyReferral, step: str) -> dict:
    today = timezone.localdate()
    initial = {"version": referral.version}
    if step == "offer":
        initial["offered_on"] = today
    elif step == "accept":
        initial["accepted_on"] = today
    elif step == "place":
        initial["started_on"] = referral.start_date or today
    return initial


@login_required
@require_http_methods(["GET", "POST"])
def referral_step(request, number, pk, step):
    case = _load(request, number)
    referral = _referral(case, pk)
    if not referrals.may_work_referrals(request.user, case):
        raise PermissionDenied
    spec = referrals.STEP_BY_SLUG[step]
    detail_url = reverse("placement:referral_detail", args=[case.number, referral.pk])
    if referral.status not in spec.sources:
        messages.info(
            request,
            _("This referral is “%(status)s”: that step is not open now.")
            % {"status": referral.get_status_display()},
        )
        return redirect(detail_url)
    form = step_form(step, request.POST or None, initial=_initial(referral, step))
    if request.method == "POST" and form.is_valid():
        try:
            referrals.referral_step(
                referral=referral,
                step=step,
                actor=request.user,
                expected_version=form.cleaned_data["version"],
                **form.service_arguments(),
            )
        except (WorkflowError, ValidationError) as error:
            _add_error(form, error)
        else:
            messages.success(
                request,
                _("Saved: the referral is now “%(status)s”.")
                % {"status": referral.get_status_display()},
            )
            if step == "place":
                return redirect(reverse("cases:detail", args=[case.number]))
            return redirect(detail_url)
    return render(
        request,
        "placement/referral_step.html",
        {"case": case, "referral": referral, "step": spec, "form": form},
    )
