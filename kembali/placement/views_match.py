"""The matching pages: the vacancies for a case (with near misses), one pair
explained, the candidates for a vacancy, and the skills a vacancy asks for.
Thin: load through access_case / access_vacancy, call a selector or service, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from kembali.audit.services import access_record
from kembali.cases.models import Case
from kembali.cases.views.detail import load_case
from kembali.core.layout import page_response
from kembali.employers.access import access_vacancy
from kembali.employers.models import Vacancy
from kembali.placement import services
from kembali.placement.forms_match import VacancySkillsForm
from kembali.placement.match import (
    case_matches,
    explain_pair,
    match_candidates_for_vacancy,
    may_match,
)
from kembali.placement.vacancy_skills import vacancy_skills, vacancy_skills_set


def _case(request, number: str) -> Case:
    # The case page's read of the case (cases_visible_to decides, as access_case
    # does), prepared once per role: a third of the ORM's cost of building it.
    case = load_case(request, number)
    if not may_match(request.user, case):
        raise PermissionDenied(
            _("Only the people working on the case and their supervisors see its matches.")
        )
    return case


def _vacancy(request, vacancy_id: int, *, edit: bool = False) -> Vacancy:
    return access_vacancy(
        request.user,
        vacancy_id,
        edit=edit,
        queryset=Vacancy.objects.select_related("employer", "state", "isco_unit"),
    )


@login_required
def case_matches_page(request, number):
    case = _case(request, number)
    found = case_matches(case) if case.in_jpess else None
    if found is not None and found.has_assessment:
        access_record(actor=request.user, what="match.vacancies", obj=case, request=request)
    # The content through the template engine, the frame around it written in Python
    # (page_response: what base.html writes, without its context processors' cost).
    content = render_to_string(
        "placement/match_vacancies.html",
        {
            "case": case,
            "found": found,
            "may_assess": case.in_jpess and services.may_work_placement(request.user, case),
        },
    )
    return page_response(
        request, title=f"{_('Matching vacancies')} – {case.number}", content=content
    )


@login_required
def match_pair_page(request, number, vacancy_id):
    case = _case(request, number)
    vacancy = _vacancy(request, vacancy_id)
    pair = explain_pair(case, vacancy)
    if pair["has_assessment"]:
        access_record(actor=request.user, what="match.pair", obj=case, request=request)
    return render(
        request,
        "placement/match_pair.html",
        {"case": case, "vacancy": vacancy, "pair": pair},
    )


@login_required
def vacancy_candidates_page(request, vacancy_id):
    vacancy = _vacancy(request, vacancy_id)
    rows = match_candidates_for_vacancy(vacancy, user=request.user)
    for row in rows:
        access_record(actor=request.user, what="match.candidate", obj=row.case, request=request)
    return render(
        request,
        "placement/match_candidates.html",
        {"vacancy": vacancy, "rows": rows},
    )


@login_required
@require_http_methods(["GET", "POST"])
def vacancy_skills_page(request, vacancy_id):
    vacancy = _vacancy(request, vacancy_id, edit=True)
    current = vacancy_skills(vacancy)
    form = VacancySkillsForm(
        request.POST or None, initial={"skills": [skill.pk for skill in current]}
    )
    if request.method == "POST" and form.is_valid():
        try:
            vacancy_skills_set(
                vacancy=vacancy, skills=form.cleaned_data["skills"], actor=request.user
            )
        except ValidationError as error:
            for problem in error.message_dict.get("skills", error.messages):
                form.add_error("skills", problem)
        else:
            messages.success(request, _("The vacancy's skills are saved."))
            return redirect(reverse("employers:vacancy_detail", args=[vacancy.pk]))
    return render(
        request,
        "placement/vacancy_skills.html",
        {"vacancy": vacancy, "form": form, "current": current},
    )
