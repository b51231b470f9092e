"""Employers and vacancies through the API: the same services, rules and audit as
the pages (kembali.employers.vacancies), the same roles (kembali.employers.access).

- GET /employers, GET /employers/{id}: read, for every role that may see employers.
- GET /vacancies (filtered, paged), GET /vacancies/{id}.
- POST /vacancies: create; 422 lists every rule the vacancy breaks.
- PATCH /vacancies/{id}: change some fields; send back the ``version`` you read,
  and a vacancy changed since is refused with 409 instead of being overwritten.

A ministry analyst gets 403 from all of them (contacts are personal data, and
the analyst works with aggregates only); a case manager may read but gets 403
from POST and PATCH."""

import datetime as dt
from decimal import Decimal
from typing import Literal

from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from kembali.api.errors import (
    ERROR_RESPONSES,
    VALIDATION_FAILED,
    ErrorOut,
    Forbidden,
    NotFound,
    error_body,
)
from kembali.employers.access import may_edit_employers, may_view_employers
from kembali.employers.models import DemandLevel, Employer, StrengthLevel, Vacancy
from kembali.employers.selectors import employer_list, vacancy_list
from kembali.employers.vacancies import (
    VacancyInput,
    VacancyInvalid,
    VacancyStale,
    vacancy_create,
    vacancy_update,
)

router = Router(tags=["employers"])

# Literals, not the models' TextChoices: the OpenAPI document names a component
# after its class, and another app's "Status" enum would take the same name.
VacancyStatus = Literal["open", "filled", "closed"]
FunnelStatus = Literal["prospect", "engaged", "hiring_partner", "inactive"]

MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 25
# PostgreSQL refuses NUL in text, and no title, code or name has control characters.
NO_CONTROL_CHARACTERS = r"^[^\x00-\x1f\x7f]*$"
TEXT = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$"  # descriptions may have line breaks
WRITE_RESPONSES = {**ERROR_RESPONSES, 409: ErrorOut}


def _user(request, *, edit: bool = False):
    user = request.auth
    if not may_view_employers.test(user):
        raise Forbidden(
            _(
                "Your role sees aggregate figures only: employers and vacancies are "
                "not available to you."
            )
        )
    if edit and not may_edit_employers.test(user):
        raise Forbidden(
            _(
                "Your role may read employers and vacancies but not change them: ask a "
                "job placement officer."
            )
        )
    return user


# -- employers ---------------------------------------------------------------


class EmployerOut(Schema):
    id: int
    employer_code: str = Field(examples=["E140000123"])
    name: str
    industry: str
    size: str
    state_code: str
    district: str
    funnel_status: FunnelStatus
    owner: str | None = Field(description="The owner officer's username.")
    engaged_on: dt.date | None = Field(description="The date of the first engagement.")
    informed_fiscal_benefits_on: dt.date | None


class EmployerPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[EmployerOut]


# Text filters are plain strings, empty when not given (as the case list's): a nullable
# query parameter has no way to say null in a query string, and clients (and fuzzers)
# then disagree about what a repeated or "null" value means.
class EmployerFilters(Schema):
    q: str = Field(
        "",
        max_length=100,
        pattern=NO_CONTROL_CHARACTERS,
        description="Any part of the name, or the start of the code.",
    )
    state_code: str = Field("", pattern=r"^(\d{2})?$", description="State code, e.g. 14.")
    funnel_status: FunnelStatus | None = None
    limit: int = Field(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)
    offset: int = Field(0, ge=0, le=10_000_000)


def _employer(e: Employer) -> dict:
    return {
        "id": e.pk,
        "employer_code": e.employer_code,
        "name": e.name,
        "industry": e.industry,
        "size": e.size,
        "state_code": e.state_id,
        "district": e.district,
        "funnel_status": e.funnel_status,
        "owner": e.owner.username if e.owner_id else None,
        "engaged_on": e.engaged_on,
        "informed_fiscal_benefits_on": e.informed_fiscal_benefits_on,
    }


@router.get("/employers", response={200: EmployerPage, **ERROR_RESPONSES}, summary="List employers")
def employers_list(request, filters: Query[EmployerFilters]):
    """All employers (they are national), by name, filtered and paged."""
    _user(request)
    qs = employer_list(q=filters.q or "", funnel=filters.funnel_status or "")
    if filters.state_code:
        qs = qs.filter(state_id=filters.state_code)
    page = qs[filters.offset : filters.offset + filters.limit]
    return {
        "count": qs.count(),
        "limit": filters.limit,
        "offset": filters.offset,
        "items": [_employer(e) for e in page],
    }


@router.get(
    "/employers/{employer_id}",
    response={200: EmployerOut, **ERROR_RESPONSES},
    summary="One employer",
)
def employer_one(request, employer_id: int):
    _user(request)
    employer = Employer.objects.select_related("owner").filter(pk=employer_id).first()
    if employer is None:
        raise NotFound(_("No employer has the id %(id)s.") % {"id": employer_id})
    return _employer(employer)


# -- vacancies ---------------------------------------------------------------


class VacancyFields(Schema):
    """Every field of a vacancy but the employer. Levels: strength 1 sedentary to 5
    very heavy; the others 0 not needed, 1 low, 2 moderate, 3 high."""

    reference: str | None = Field(
        None,
        max_length=40,
        pattern=NO_CONTROL_CHARACTERS,
        description="Your own id of the vacancy.",
    )
    isco_code: str = Field(pattern=r"^\d{4}$", description="ISCO-08 unit group.", examples=["4110"])
    title: str = Field(max_length=150, pattern=NO_CONTROL_CHARACTERS, examples=["Office clerk"])
    description: str = Field("", max_length=5000, pattern=TEXT)
    state_code: str = Field(
        pattern=r"^\d{2}$", description="01 Johor to 16 Putrajaya.", examples=["14"]
    )
    district: str = Field("", max_length=60, pattern=NO_CONTROL_CHARACTERS)
    latitude: float | None = Field(None, ge=-90, le=90)
    longitude: float | None = Field(None, ge=-180, le=180)
    monthly_wage: Decimal = Field(
        max_digits=9,
        decimal_places=2,
        description="RM per month, more than 0.",
        examples=["1800.00"],
    )
    hours_per_week: int = Field(45, ge=0, le=168)
    shift_work: bool = False
    strength_level: int = Field(StrengthLevel.LIGHT, ge=0, le=10)
    max_lift_kg: int = Field(0, ge=0, le=1000)
    standing_walking: int = Field(DemandLevel.LOW, ge=0, le=10)
    sitting: int = Field(DemandLevel.LOW, ge=0, le=10)
    fine_hand_use: int = Field(DemandLevel.LOW, ge=0, le=10)
    vision: int = Field(DemandLevel.LOW, ge=0, le=10)
    hearing: int = Field(DemandLevel.LOW, ge=0, le=10)
    speech: int = Field(DemandLevel.LOW, ge=0, le=10)
    driving: int = Field(DemandLevel.NONE, ge=0, le=10)
    cognitive_load: int = Field(DemandLevel.LOW, ge=0, le=10)
    wheelchair_access: bool = False
    accessible_toilet: bool = False
    flexible_hours: bool = False
    remote_work: bool = False
    assistive_technology: bool = False
    openings: int = Field(1, ge=0, le=10_000)
    opened_on: dt.date
    closes_on: dt.date | None = Field(None, description="After opened_on.")
    status: VacancyStatus = "open"


class VacancyIn(VacancyFields):
    employer_code: str = Field(
        max_length=14, pattern=NO_CONTROL_CHARACTERS, examples=["E140000123"]
    )


class VacancyPatch(Schema):
    """Only the fields you change, and the version you read."""

    version: int = Field(
        ge=1, le=2_000_000_000, description="The version you read; a stale one is refused with 409."
    )
    reference: str | None = Field(None, max_length=40, pattern=NO_CONTROL_CHARACTERS)
    isco_code: str | None = Field(None, pattern=r"^\d{4}$")
    title: str | None = Field(None, max_length=150, pattern=NO_CONTROL_CHARACTERS)
    description: str | None = Field(None, max_length=5000, pattern=TEXT)
    state_code: str | None = Field(None, pattern=r"^\d{2}$")
    district: str | None = Field(None, max_length=60, pattern=NO_CONTROL_CHARACTERS)
    latitude: float | None = Field(None, ge=-90, le=90)
    longitude: float | None = Field(None, ge=-180, le=180)
    monthly_wage: Decimal | None = Field(None, max_digits=9, decimal_places=2)
    hours_per_week: int | None = Field(None, ge=0, le=168)
    shift_work: bool | None = None
    strength_level: int | None = Field(None, ge=0, le=10)
    max_lift_kg: int | None = Field(None, ge=0, le=1000)
    standing_walking: int | None = Field(None, ge=0, le=10)
    sitting: int | None = Field(None, ge=0, le=10)
    fine_hand_use: int | None = Field(None, ge=0, le=10)
    vision: int | None = Field(None, ge=0, le=10)
    hearing: int | None = Field(None, ge=0, le=10)
    speech: int | None = Field(None, ge=0, le=10)
    driving: int | None = Field(None, ge=0, le=10)
    cognitive_load: int | None = Field(None, ge=0, le=10)
    wheelchair_access: bool | None = None
    accessible_toilet: bool | None = None
    flexible_hours: bool | None = None
    remote_work: bool | None = None
    assistive_technology: bool | None = None
    openings: int | None = Field(None, ge=0, le=10_000)
    opened_on: dt.date | None = None
    closes_on: dt.date | None = None
    status: VacancyStatus | None = None


class VacancyOut(VacancyFields):
    id: int
    employer_id: int
    employer_code: str
    employer_name: str
    version: int = Field(description="Send it back with a change: a stale version is refused.")
    updated_at: dt.datetime


class VacancyPage(Schema):
    count: int = Field(description="How many vacancies match, over all pages.")
    limit: int
    offset: int
    items: list[VacancyOut]


class VacancyFilters(Schema):
    state_code: str = Field("", pattern=r"^(\d{2})?$", description="State code, e.g. 14.")
    isco_major: str = Field("", pattern=r"^\d?$", description="ISCO-08 major group, 0 to 9.")
    status: VacancyStatus | None = None
    employer_code: str = Field("", max_length=14, pattern=NO_CONTROL_CHARACTERS)
    q: str = Field(
        "",
        max_length=100,
        pattern=NO_CONTROL_CHARACTERS,
        description="Part of the title, or a reference.",
    )
    limit: int = Field(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)
    offset: int = Field(0, ge=0, le=10_000_000)


# Input names of VacancyInput as the API calls them.
API_FIELDS = {"employer_id": "employer_code"}
NULLABLE = {"reference", "latitude", "longitude", "closes_on"}


def _vacancy(v: Vacancy) -> dict:
    data = vars(VacancyInput.from_vacancy(v)).copy()
    data.pop("employer_id")
    return {
        **data,
        "id": v.pk,
        "employer_id": v.employer_id,
        "employer_code": v.employer.employer_code,
        "employer_name": v.employer.name,
        "version": v.version,
        "updated_at": v.updated_at,
    }


def _invalid(exc: VacancyInvalid):
    errors = [
        {"field": f"body.{API_FIELDS.get(name, name)}", "message": message}
        for name, message in exc.errors
    ]
    return Status(422, error_body(VALIDATION_FAILED, errors))


def _get_vacancy(pk: int) -> Vacancy:
    vacancy = Vacancy.objects.select_related("employer").filter(pk=pk).first()
    if vacancy is None:
        raise NotFound(_("No vacancy has the id %(id)s.") % {"id": pk})
    return vacancy


@router.get("/vacancies", response={200: VacancyPage, **ERROR_RESPONSES}, summary="List vacancies")
def vacancies_list(request, filters: Query[VacancyFilters]):
    """Vacancies, newest opening first, filtered and paged."""
    _user(request)
    qs = vacancy_list(
        isco_major=filters.isco_major or "", status=filters.status or "", q=filters.q or ""
    )
    if filters.state_code:
        qs = qs.filter(state_id=filters.state_code)
    if filters.employer_code:
        qs = qs.filter(employer__employer_code=filters.employer_code.strip().upper())
    page = qs[filters.offset : filters.offset + filters.limit]
    return {
        "count": qs.count(),
        "limit": filters.limit,
        "offset": filters.offset,
        "items": [_vacancy(v) for v in page],
    }


@router.get(
    "/vacancies/{vacancy_id}", response={200: VacancyOut, **ERROR_RESPONSES}, summary="One vacancy"
)
def vacancy_one(request, vacancy_id: int):
    _user(request)
    return _vacancy(_get_vacancy(vacancy_id))


@router.post(
    "/vacancies", response={201: VacancyOut, **WRITE_RESPONSES}, summary="Create a vacancy"
)
def vacancy_post(request, payload: VacancyIn):
    """A new vacancy of an employer on file. 422 lists every rule it breaks."""
    user = _user(request, edit=True)
    values = payload.dict()
    code = values.pop("employer_code").replace(" ", "").replace("-", "").upper()
    employer = Employer.objects.filter(employer_code=code).first()
    data = VacancyInput(employer_id=employer.pk if employer else None, **values)
    try:
        vacancy = vacancy_create(actor=user, data=data)
    except VacancyInvalid as exc:
        if employer is None:
            exc.errors[:] = [(n, m) for n, m in exc.errors if n != "employer_id"] + [
                ("employer_id", _("No employer on file has the code %(code)s.") % {"code": code})
            ]
        return _invalid(exc)
    vacancy.employer = employer
    return Status(201, _vacancy(vacancy))


@router.patch(
    "/vacancies/{vacancy_id}",
    response={200: VacancyOut, **WRITE_RESPONSES},
    summary="Change a vacancy",
)
def vacancy_patch(request, vacancy_id: int, payload: VacancyPatch):
    """Change the fields you send. Send null only for reference, latitude,
    longitude and closes_on, to clear them."""
    user = _user(request, edit=True)
    vacancy = _get_vacancy(vacancy_id)
    sent = payload.dict(exclude_unset=True)
    version = sent.pop("version")
    changes = {k: v for k, v in sent.items() if v is not None or k in NULLABLE}
    try:
        vacancy = vacancy_update(
            actor=user, vacancy=vacancy, changes=changes, expected_version=version
        )
    except VacancyStale as exc:
        return Status(409, error_body(str(exc)))
    except VacancyInvalid as exc:
        return _invalid(exc)
    return _vacancy(Vacancy.objects.select_related("employer").get(pk=vacancy.pk))
