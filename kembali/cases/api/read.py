"""Reading cases through the API: the list and one case.

The same rules as the web pages: the list is always ``cases_visible_to(user)``,
one case is always ``access_case`` (404 when missing or not yours), and a
ministry analyst gets 403 from both (``personal_data_user``)."""

import datetime as dt

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from kembali.api.auth import personal_data_user
from kembali.api.errors import ERROR_RESPONSES, NotFound
from kembali.audit.services import access_record
from kembali.cases.access import access_case, cases_visible_to
from kembali.cases.models import Case, Status
from kembali.cases.selectors import name_holds
from kembali.core.digits import is_digits

router = Router(tags=["cases"])

MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 25


class OfficeOut(Schema):
    code: str
    name: str


class StaffOut(Schema):
    username: str
    name: str


class CaseOut(Schema):
    number: str = Field(examples=["RTW-2026-0000123"])
    person_name: str
    status: Status
    status_label: str
    office: OfficeOut
    case_manager: StaffOut | None
    referral_date: dt.date
    stage_changed_at: dt.datetime
    version: int = Field(description="Send it back with a change: a stale version is refused.")


class CaseListItem(CaseOut):
    nric_masked: str = Field(description="Only the last four digits are shown in a list.")


class CaseDetail(CaseOut):
    nric: str = Field(description="The full NRIC: 12 digits, no dashes.")
    placement_officer: StaffOut | None
    in_jpess: bool
    eligible: bool | None
    referral_source: str
    rtw_level: int | None
    rtw_date: dt.date | None
    closure_reason: str
    closed_at: dt.datetime | None
    created_at: dt.datetime
    updated_at: dt.datetime


class CasePage(Schema):
    count: int = Field(description="How many cases match, over all pages.")
    limit: int
    offset: int
    items: list[CaseListItem]


# PostgreSQL refuses NUL in text, and no name, number or code has control characters.
NO_CONTROL_CHARACTERS = r"^[^\x00-\x1f\x7f]*$"


class CaseFilters(Schema):
    # Plain strings, empty when not given: a nullable query parameter has no way to
    # say null in a query string, and clients (and fuzzers) then disagree about "null".
    q: str = Field(
        "",
        max_length=100,
        pattern=NO_CONTROL_CHARACTERS,
        description="Name (any part), NRIC (with or without dashes, or its start) or case number.",
    )
    office: str = Field(
        "", max_length=12, pattern=NO_CONTROL_CHARACTERS, description="Office code, e.g. KL01."
    )
    status: Status | None = None
    limit: int = Field(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)
    offset: int = Field(0, ge=0, le=10_000_000)


def _staff(user) -> dict | None:
    if user is None:
        return None
    return {"username": user.username, "name": user.display_name}


def _mask_nric(nric: str) -> str:
    return f"******-**-{nric[-4:]}" if len(nric) == 12 else "*" * len(nric)


def _case_fields(case: Case) -> dict:
    return {
        "number": case.number,
        "person_name": case.person.full_name,
        "status": case.status,
        "status_label": str(case.get_status_display()),
        "office": {"code": case.office.code, "name": case.office.name},
        "case_manager": _staff(case.case_manager),
        "referral_date": case.referral_date,
        "stage_changed_at": case.stage_changed_at,
        "version": case.version,
    }


def filter_cases(qs: QuerySet[Case], filters: CaseFilters) -> QuerySet[Case]:
    q = (filters.q or "").strip()
    if q:
        match = name_holds(q) | Q(number__iexact=q)
        digits = q.replace("-", "").replace(" ", "")
        if is_digits(digits):
            match |= Q(person__nric__startswith=digits)
        qs = qs.filter(match)
    if filters.office and filters.office.strip():
        qs = qs.filter(office__code__iexact=filters.office.strip())
    if filters.status:
        qs = qs.filter(status=filters.status)
    return qs


@router.get("/cases", response={200: CasePage, **ERROR_RESPONSES}, summary="List cases")
def case_list(request, filters: Query[CaseFilters]):
    """The cases you may see (your own, your office's or all, by role), newest referral
    first, filtered and paged. The NRIC is masked here: open one case to see it."""
    user = personal_data_user(request)
    qs = filter_cases(
        cases_visible_to(user).select_related("person", "office", "case_manager"), filters
    )
    page = qs[filters.offset : filters.offset + filters.limit]
    return {
        "count": qs.count(),
        "limit": filters.limit,
        "offset": filters.offset,
        "items": [{**_case_fields(c), "nric_masked": _mask_nric(c.person.nric)} for c in page],
    }


@router.get("/cases/{number}", response={200: CaseDetail, **ERROR_RESPONSES}, summary="One case")
def case_detail(request, number: str):
    """One case with the person's full NRIC. Every read is recorded in the access log."""
    user = personal_data_user(request)
    try:
        case = access_case(user, number)
    except Http404:
        raise NotFound(
            _("No case %(number)s among the cases you may see: check the case number.")
            % {"number": number[:40]}
        ) from None
    access_record(actor=user, what="case.view", obj=case, request=request)
    placement_officer = case.placement_officer if case.placement_officer_id else None
    return {
        **_case_fields(case),
        "nric": case.person.nric,
        "placement_officer": _staff(placement_officer),
        "in_jpess": case.in_jpess,
        "eligible": case.eligible,
        "referral_source": case.referral_source,
        "rtw_level": case.rtw_level,
        "rtw_date": case.rtw_date,
        "closure_reason": case.closure_reason,
        "closed_at": case.closed_at,
        "created_at": case.created_at,
        "updated_at": case.updated_at,
    }
