"""Matching through the API: the same selectors, rules and read audit as the pages
(kembali.placement.match, kembali.placement.views_match).

- GET /cases/{number}/matches: the best vacancies for a case, each with its score,
  factor breakdown, missing skills and reasons; and the near misses.
- GET /vacancies/{vacancy_id}/candidates: the best candidates among the cases the
  caller may see.
- GET /vacancies/{vacancy_id}/skills, PUT /vacancies/{vacancy_id}/skills: the skills
  a vacancy asks for, by code.

A ministry analyst gets 403 from all of them (they return personal data or
employers' data)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from kembali.api.auth import personal_data_user
from kembali.api.errors import ERROR_RESPONSES, VALIDATION_FAILED, Forbidden, error_body
from kembali.audit.services import access_record
from kembali.cases.access import access_case
from kembali.employers.access import access_vacancy
from kembali.employers.models import Vacancy
from kembali.placement.match import (
    DEFAULT_K,
    MAX_K,
    MatchRow,
    case_matches,
    match_candidates_for_vacancy,
    may_match,
)
from kembali.placement.models import Skill
from kembali.placement.vacancy_skills import vacancy_skills, vacancy_skills_set

router = Router(tags=["matching"])


class FactorOut(Schema):
    name: str = Field(description="occupation, skills, wage, distance or rtw")
    label: str
    value: float = Field(description="The factor's value, 0 to 1.")
    weight: float
    contribution: float = Field(description="value × weight; the score is their sum.")


class MatchOut(Schema):
    score: float = Field(description="0 to 1, higher is better.")
    rtw_level: int = Field(description="The RTW hierarchy level the job would be (1-6).")
    factors: list[FactorOut]
    missing_skills: list[str]
    reasons: list[str] = Field(description="The explanation, in the request's language.")


class VacancyBrief(Schema):
    id: int
    title: str
    employer: str
    state_code: str
    district: str
    monthly_wage: float


class VacancyMatchOut(MatchOut):
    vacancy: VacancyBrief


class NearMissOut(Schema):
    vacancy: VacancyBrief
    score: float
    failed: str = Field(description="The one limit the vacancy fails, in words.")


class CaseMatchesOut(Schema):
    has_assessment: bool = Field(
        description="False when the case has no current job placement assessment: record one first."
    )
    in_jpess: bool
    matches: list[VacancyMatchOut]
    near_misses: list[NearMissOut]


class CandidateOut(MatchOut):
    case_number: str
    person_name: str
    office: str


class CandidatesOut(Schema):
    vacancy: VacancyBrief
    candidates: list[CandidateOut]


class MatchQuery(Schema):
    k: int = Field(DEFAULT_K, ge=1, le=MAX_K, description="How many results.")


class SkillOut(Schema):
    code: str
    name: str


class SkillsIn(Schema):
    skills: list[str] = Field(
        max_length=64, description="Skill codes, e.g. forklift-licence; an empty list clears."
    )


def _vacancy(v: Vacancy) -> dict:
    return {
        "id": v.pk,
        "title": v.title,
        "employer": v.employer.name,
        "state_code": v.state_id,
        "district": v.district,
        "monthly_wage": float(v.monthly_wage),
    }


def _match(row: MatchRow) -> dict:
    return {
        "score": round(row.score, 4),
        "rtw_level": row.hierarchy_level,
        "factors": [
            {
                "name": f.name,
                "label": f.label,
                "value": round(f.value, 4),
                "weight": f.weight,
                "contribution": round(f.contribution, 4),
            }
            for f in row.factors
        ],
        "missing_skills": row.missing_skills,
        "reasons": row.lines,
    }


def _load_vacancy(user, vacancy_id: int, *, edit: bool = False) -> Vacancy:
    return access_vacancy(
        user, vacancy_id, edit=edit, queryset=Vacancy.objects.select_related("employer")
    )


@router.get(
    "/cases/{number}/matches",
    response={200: CaseMatchesOut, **ERROR_RESPONSES},
    summary="The best vacancies for a case",
)
def case_matches_get(request, number: str, query: Query[MatchQuery]):
    """The best open vacancies for the case's person, each explained, and five near
    misses (vacancies that fail exactly one limit). Reading them is recorded."""
    user = personal_data_user(request)
    case = access_case(user, number)
    if not may_match(user, case):
        raise Forbidden(
            _("Only the people working on the case and their supervisors see its matches.")
        )
    if not case.in_jpess:
        return {"has_assessment": False, "in_jpess": False, "matches": [], "near_misses": []}
    found = case_matches(case, k=query.k)
    if found.has_assessment:
        access_record(actor=user, what="match.vacancies", obj=case, request=request)
    return {
        "has_assessment": found.has_assessment,
        "in_jpess": True,
        "matches": [_match(r) | {"vacancy": _vacancy(r.vacancy)} for r in found.rows],
        "near_misses": [
            {"vacancy": _vacancy(m.vacancy), "score": round(m.score, 4), "failed": m.failed}
            for m in found.near_misses
        ],
    }


@router.get(
    "/vacancies/{vacancy_id}/candidates",
    response={200: CandidatesOut, **ERROR_RESPONSES},
    summary="The best candidates for a vacancy",
)
def vacancy_candidates_get(request, vacancy_id: int, query: Query[MatchQuery]):
    """The best candidates (cases in job placement) among those you may see."""
    user = personal_data_user(request)
    vacancy = _load_vacancy(user, vacancy_id)
    rows = match_candidates_for_vacancy(vacancy, user=user, k=query.k)
    for row in rows:
        access_record(actor=user, what="match.candidate", obj=row.case, request=request)
    return {
        "vacancy": _vacancy(vacancy),
        "candidates": [
            _match(r)
            | {
                "case_number": r.case.number,
                "person_name": r.case.person.full_name,
                "office": r.case.office.name,
            }
            for r in rows
        ],
    }


def _skills_out(skills) -> list[dict]:
    return [{"code": s.code, "name": s.local_name} for s in skills]


@router.get(
    "/vacancies/{vacancy_id}/skills",
    response={200: list[SkillOut], **ERROR_RESPONSES},
    summary="The skills a vacancy asks for",
)
def vacancy_skills_get(request, vacancy_id: int):
    user = personal_data_user(request)
    return _skills_out(vacancy_skills(_load_vacancy(user, vacancy_id)))


@router.put(
    "/vacancies/{vacancy_id}/skills",
    response={200: list[SkillOut], **ERROR_RESPONSES},
    summary="Set the skills a vacancy asks for",
)
def vacancy_skills_put(request, vacancy_id: int, body: SkillsIn):
    """Replace the vacancy's skills with these (codes from the skills vocabulary).
    Placement officers, supervisors and national administrators only."""
    user = personal_data_user(request)
    vacancy = _load_vacancy(user, vacancy_id, edit=True)
    codes = list(dict.fromkeys(body.skills))
    skills = list(Skill.objects.filter(code__in=codes))
    unknown = sorted(set(codes) - {s.code for s in skills})
    if unknown:
        message = _("Unknown skill codes: %(codes)s.") % {"codes": ", ".join(unknown)}
        return Status(422, error_body(VALIDATION_FAILED, [{"field": "skills", "message": message}]))
    try:
        return _skills_out(vacancy_skills_set(vacancy=vacancy, skills=skills, actor=user))
    except ValidationError as error:
        errors = [{"field": "skills", "message": m} for m in error.messages]
        return Status(422, error_body(VALIDATION_FAILED, errors))
    except PermissionDenied as error:
        raise Forbidden(str(error)) from None
