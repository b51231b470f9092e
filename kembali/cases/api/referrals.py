"""POST /referrals: a referral from another system, through the same service as the
referral form and the CSV import (referral_create): the same checks, the same
eligibility decision, the same audit.

Idempotent by ``referral_reference``: sending the same referral again answers 200
with the case made the first time, instead of 201 and a second case."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from kembali.accounts.models import Office, Role
from kembali.api.auth import personal_data_user
from kembali.cases.api.common import (
    LIFECYCLE_RESPONSES,
    NO_NUL,
    CaseStateOut,
    case_state,
    field_errors,
    refusals,
)
from kembali.cases.models import Case
from kembali.cases.services import (
    BenefitInput,
    BoardRecommendationInput,
    EmploymentInput,
    InjuryInput,
    PersonInput,
    ReferralInput,
    referral_create,
)
from kembali.people.models import BenefitStatus, BoardRecommendation, Injury

router = Router(tags=["referrals"])


def text(max_length: int, **kwargs):
    return Field(max_length=max_length, pattern=NO_NUL, **kwargs)


class PersonIn(Schema):
    nric: str = text(20, description="YYMMDD-PB-###G or 12 digits.", examples=["850312-14-5371"])
    full_name: str = text(150, min_length=1)
    state_code: str = text(2, description="01 Johor ... 14 Kuala Lumpur, 15 Labuan, 16 Putrajaya.")
    date_of_birth: dt.date | None = Field(None, description="Optional: checked against the NRIC.")
    sex: str = Field(
        "", pattern=r"^(M|F|)$", description="Optional (M or F): checked against the NRIC."
    )
    socso_number: str = text(20, default="")
    phone: str = text(20, default="")
    email: str = text(254, default="")
    address: str = text(500, default="")
    postcode: str = text(5, default="")
    district: str = text(60, default="")
    preferred_language: str = Field("ms", pattern=r"^(ms|en)$")
    dependants: int | None = Field(None, ge=0, le=50)


class InjuryIn(Schema):
    date: dt.date
    kind: Injury.Kind
    work_related: bool
    description: str = text(2000, min_length=1)
    body_part: str = text(60, default="")
    icd10: str = text(8, default="")


class EmploymentIn(Schema):
    employer_name: str = text(150, min_length=1)
    isco_code: str = Field(pattern=r"^[0-9]{4}$", description="A 4-digit ISCO-08 unit group.")
    job_title: str = text(150, min_length=1)
    monthly_wage: Decimal = Field(ge=0, max_digits=9, decimal_places=2)
    start_date: dt.date
    end_date: dt.date | None = None
    employer_code: str = text(20, default="", description="SOCSO employer code, if on file.")


class BenefitIn(Schema):
    kind: BenefitStatus.Kind
    start_date: dt.date
    end_date: dt.date | None = None


class BoardIn(Schema):
    board: BoardRecommendation.Board
    date: dt.date
    recommended_rehabilitation: bool


class ReferralIn(Schema):
    referral_reference: str = text(
        40,
        min_length=1,
        description="Your system's own id of the referral: sending it again returns the same case.",
    )
    referral_date: dt.date
    office: str | None = Field(
        None,
        max_length=12,
        pattern=NO_NUL,
        description="Office code (e.g. KL01); your own office when left out.",
    )
    person: PersonIn
    is_contributor: bool = True
    referred_by: str = text(150, default="")
    injury: InjuryIn | None = None
    employment: EmploymentIn | None = None
    benefits: list[BenefitIn] = Field(default_factory=list, max_length=10)
    board_recommendations: list[BoardIn] = Field(default_factory=list, max_length=10)


class RuleOut(Schema):
    rule: int
    matched: bool
    reason: str


class EligibilityOut(Schema):
    eligible: bool
    matched_rules: list[int]
    rules: list[RuleOut] = Field(description="All four rules: which matched, and why not.")


class ReferralOut(Schema):
    created: bool = Field(description="False: this reference was received before.")
    case: CaseStateOut
    eligibility: EligibilityOut | None


def _office(user, code: str | None) -> Office:
    if not code:
        if user.office_id is None:
            raise field_errors({"office": [_("Give the office that takes the case.")]})
        return user.office
    office = Office.objects.filter(code__iexact=code.strip()).first()
    if office is None or (user.role != Role.NATIONAL_ADMIN and office.pk != user.office_id):
        raise field_errors({"office": [_("You may not create referrals for this office.")]})
    return office


@router.post(
    "/referrals",
    response={200: ReferralOut, 201: ReferralOut, **LIFECYCLE_RESPONSES},
    summary="Refer a person",
)
def referral_post(request, referral: ReferralIn):
    """Register a referral: the person is found by NRIC or added, a case is opened and
    eligibility decided on the referral date. 201 with the new case; 200 with the case
    made before when this referral_reference was sent already; 409 with the number of
    the person's open case when they have one; 422 with the fields to correct."""
    user = personal_data_user(request)
    office = _office(user, referral.office)
    data = ReferralInput(
        person=PersonInput(**referral.person.dict()),
        referral_date=referral.referral_date,
        source=Case.Source.API,
        is_contributor=referral.is_contributor,
        referral_reference=referral.referral_reference,
        referred_by=referral.referred_by,
        injury=InjuryInput(**referral.injury.dict()) if referral.injury else None,
        employment=EmploymentInput(**referral.employment.dict()) if referral.employment else None,
        benefits=tuple(BenefitInput(**b.dict()) for b in referral.benefits),
        board_recommendations=tuple(
            BoardRecommendationInput(**b.dict()) for b in referral.board_recommendations
        ),
    )
    with refusals():
        outcome = referral_create(actor=user, office=office, referral=data)
    case = outcome.case
    decision = getattr(case, "eligibility", None)
    body = {
        "created": outcome.created,
        "case": case_state(case),
        "eligibility": {
            "eligible": decision.eligible,
            "matched_rules": decision.matched_rules,
            "rules": [
                {"rule": r["rule"], "matched": r["matched"], "reason": r["reason"]}
                for r in decision.rules
            ],
        }
        if decision is not None
        else None,
    }
    return (201 if outcome.created else 200), body
