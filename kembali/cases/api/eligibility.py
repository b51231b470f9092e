"""POST /eligibility/check: facts in, decision out, nothing stored.

For the benefit system (and anyone on staff) to pre-check a person before a
referral. It runs the same pure function as a referral does, so a pre-check and
the decision stored with the case cannot disagree. Nothing is written, so there
is nothing to audit; the caller must still be staff who may see personal data,
because the facts (an NRIC, a date of birth, health-related benefits) are.
"""

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.errors import ValidationError

from kembali.api.auth import personal_data_user
from kembali.api.errors import ERROR_RESPONSES
from kembali.cases.eligibility import EligibilityFacts, decide_eligibility
from kembali.cases.eligibility_text import describe_decision, describe_rule
from kembali.people.nric import NricError, parse_nric

router = Router(tags=["eligibility"])


class EligibilityFactsIn(Schema):
    nric: str | None = Field(
        None,
        description="YYMMDD-PB-###G or 12 digits. Give this or date_of_birth; "
        "the date of birth is then read from it.",
        examples=["800415-14-5123"],
    )
    date_of_birth: dt.date | None = Field(
        None, description="Needed when no NRIC is given; must agree with it when both are."
    )
    referral_date: dt.date = Field(description="Age is counted on this date.")
    is_contributor: bool = Field(description="A contributor of the social-security scheme.")
    work_related_injury: bool = Field(description="The injury or disease is work-related.")
    receiving_tdb: bool = Field(description="Currently receiving Temporary Disablement Benefit.")
    applying_pdb: bool = Field(description="Applying for Permanent Disablement Benefit.")
    applying_invalidity_pension: bool = Field(description="Applying for Invalidity Pension.")
    certified_invalid: bool = Field(description="Certified invalid.")
    recommended_by_board: bool = Field(
        description="Recommended for rehabilitation by a Medical Board, Special Medical Board "
        "or Appellate Medical Board."
    )


class RuleOut(Schema):
    rule: int = Field(description="1 to 4, as in the programme's rules.")
    matched: bool
    code: str = Field(
        description="Stable: 'rule<N>.matched', or 'rule<N>.' and the unmet conditions "
        "joined by '+', e.g. 'rule3.too_old'.",
        examples=["rule3.too_old"],
    )
    reason: str = Field(description="In the language asked for (Accept-Language: en or ms).")
    params: dict[str, Any] = Field(
        description="age and limit where the rule has an age limit; met and unmet conditions."
    )


class DecisionOut(Schema):
    eligible: bool
    code: str = Field(
        description="eligibility.eligible, eligibility.not_contributor or "
        "eligibility.no_rule_matched."
    )
    reason: str
    age: int = Field(description="Whole years on the referral date.")
    date_of_birth: dt.date
    matched_rules: list[int]
    rules: list[RuleOut] = Field(description="All four rules, in order.")


def _field_error(field: str, message: str) -> ValidationError:
    return ValidationError([{"loc": ("body", "facts", field), "msg": message}])


def _date_of_birth(facts: EligibilityFactsIn) -> dt.date:
    if facts.nric is None or not facts.nric.strip():
        if facts.date_of_birth is None:
            raise _field_error("date_of_birth", _("Give the NRIC or the date of birth."))
        return facts.date_of_birth
    try:
        nric = parse_nric(facts.nric, today=timezone.localdate())
    except NricError as error:
        raise _field_error("nric", str(error)) from None
    if facts.date_of_birth is not None and facts.date_of_birth != nric.date_of_birth:
        raise _field_error(
            "date_of_birth",
            _("The date of birth %(given)s does not match the NRIC, which gives %(nric)s.")
            % {"given": facts.date_of_birth.isoformat(), "nric": nric.date_of_birth.isoformat()},
        )
    return nric.date_of_birth


@router.post(
    "/eligibility/check",
    response={200: DecisionOut, **ERROR_RESPONSES},
    summary="Check eligibility",
)
def eligibility_check(request, facts: EligibilityFactsIn):
    """Apply the four eligibility rules to the facts given and say which matched
    and, for each that did not, why. Nothing is stored."""
    personal_data_user(request)
    born = _date_of_birth(facts)
    try:
        decision = decide_eligibility(
            EligibilityFacts(
                date_of_birth=born,
                referral_date=facts.referral_date,
                is_contributor=facts.is_contributor,
                work_related_injury=facts.work_related_injury,
                receiving_tdb=facts.receiving_tdb,
                applying_pdb=facts.applying_pdb,
                applying_invalidity_pension=facts.applying_invalidity_pension,
                certified_invalid=facts.certified_invalid,
                recommended_by_board=facts.recommended_by_board,
            )
        )
    except ValueError:
        raise _field_error(
            "referral_date", _("The referral date is before the date of birth.")
        ) from None
    return {
        "eligible": decision.eligible,
        "code": decision.code,
        "reason": describe_decision(decision),
        "age": decision.age,
        "date_of_birth": born,
        "matched_rules": list(decision.matched_rules),
        "rules": [
            {
                "rule": r.rule,
                "matched": r.matched,
                "code": r.code,
                "reason": describe_rule(r),
                "params": r.params,
            }
            for r in decision.rules
        ],
    }
