"""Eligibility for the Return to Work programme: the four rules, as a pure function.

No Django import: the same function serves the referral service, the
``/eligibility/check`` endpoint and the tests, which generate thousands of cases.

A contributor of the scheme is eligible when at least ONE rule holds:

1. a work-related injury AND currently receiving Temporary Disablement Benefit;
2. applying for Permanent Disablement Benefit AND recommended for rehabilitation
   by a Medical Board, Special Medical Board or Appellate Medical Board;
3. below 50 on the referral date, applying for Invalidity Pension AND recommended
   by one of those boards;
4. certified invalid AND below 40 on the referral date.

Being a contributor is a condition of every rule, so a non-contributor matches
none and ``eligible == any(rule matched)`` holds without exception.

Every rule reports the conditions it found met and unmet (``params["met"]`` and
``params["unmet"]``), so a reason can be rebuilt in any language from
``(rule, matched, params)`` alone: :func:`render_rule_reason` does it with an
identity translation here and with gettext in ``eligibility_text``. The message
templates are marked with :func:`gettext_noop` (a local identity function that
``makemessages`` recognises) so the English text exists in one place only.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

__all__ = [
    "RULE3_AGE_LIMIT",
    "RULE4_AGE_LIMIT",
    "EligibilityDecision",
    "EligibilityFacts",
    "RuleResult",
    "age_on",
    "decide_eligibility",
    "render_decision_reason",
    "render_rule_reason",
]

RULE3_AGE_LIMIT = 50  # "below 50": aged 49 on the referral date qualifies, 50 does not
RULE4_AGE_LIMIT = 40  # "below 40"

Params = dict[str, object]
Translate = Callable[[str], str]


def gettext_noop(message: str) -> str:
    """Mark a string for the translation catalogue without translating it."""
    return message


def _identity(message: str) -> str:
    return message


# Conditions, by stable code. "met" fragments describe a condition that holds,
# "unmet" fragments one that does not. {age} and {limit} come from params.
MET_TEXT: dict[str, str] = {
    "work_related_injury": gettext_noop("a work-related injury or disease"),
    "receiving_tdb": gettext_noop("receiving Temporary Disablement Benefit"),
    "applying_pdb": gettext_noop("applying for Permanent Disablement Benefit"),
    "applying_invalidity_pension": gettext_noop("applying for Invalidity Pension"),
    "certified_invalid": gettext_noop("certified invalid"),
    "board_recommendation": gettext_noop("recommended for rehabilitation by a medical board"),
    "below_age_limit": gettext_noop("aged {age} on the referral date (below {limit})"),
}
UNMET_TEXT: dict[str, str] = {
    "not_contributor": gettext_noop("not a contributor of the scheme"),
    "injury_not_work_related": gettext_noop("the injury or disease is not work-related"),
    "not_receiving_tdb": gettext_noop("not receiving Temporary Disablement Benefit"),
    "not_applying_pdb": gettext_noop("not applying for Permanent Disablement Benefit"),
    "not_applying_invalidity_pension": gettext_noop("not applying for Invalidity Pension"),
    "not_certified_invalid": gettext_noop("not certified invalid"),
    "no_board_recommendation": gettext_noop(
        "not recommended for rehabilitation by a Medical Board, Special Medical Board "
        "or Appellate Medical Board"
    ),
    "too_old": gettext_noop("aged {age} on the referral date (the rule needs below {limit})"),
}
RULE_MATCHED_TEXT = gettext_noop("Rule {rule} met: {met}.")
RULE_UNMATCHED_TEXT = gettext_noop("Rule {rule} not met: {unmet}.")
RULE_PARTLY_TEXT = gettext_noop("Rule {rule} not met: {met}, but {unmet}.")
AND_TEXT = gettext_noop(" and ")
LIST_SEPARATOR_TEXT = gettext_noop("; ")

DECISION_TEXT: dict[str, str] = {
    "eligibility.eligible": gettext_noop("Eligible under rule {rules}."),
    "eligibility.eligible_many": gettext_noop("Eligible under rules {rules}."),
    "eligibility.not_contributor": gettext_noop(
        "Not eligible: only contributors of the scheme can join the Return to Work programme."
    ),
    "eligibility.no_rule_matched": gettext_noop("Not eligible: none of the four rules is met."),
}


@dataclass(frozen=True)
class EligibilityFacts:
    date_of_birth: date
    referral_date: date
    is_contributor: bool
    work_related_injury: bool
    receiving_tdb: bool  # Temporary Disablement Benefit
    applying_pdb: bool  # Permanent Disablement Benefit
    applying_invalidity_pension: bool
    certified_invalid: bool
    recommended_by_board: bool  # by a Medical Board, Special MB or Appellate MB

    def __post_init__(self) -> None:
        if self.referral_date < self.date_of_birth:
            raise ValueError(
                f"The referral date {self.referral_date.isoformat()} is before the date of "
                f"birth {self.date_of_birth.isoformat()}."
            )


@dataclass(frozen=True)
class RuleResult:
    rule: int  # 1..4 as in the domain brief
    matched: bool
    code: str  # "rule3.matched", "rule3.too_old", "rule1.not_contributor+not_receiving_tdb"
    params: Params  # {"age", "limit" (rules 3, 4), "met": [codes], "unmet": [codes]}
    reason: str  # plain English sentence

    @property
    def unmet(self) -> tuple[str, ...]:
        return tuple(_str_list(self.params.get("unmet")))


@dataclass(frozen=True)
class EligibilityDecision:
    eligible: bool
    age: int  # whole years on the referral date
    rules: tuple[RuleResult, ...]  # all four, in order

    @property
    def matched_rules(self) -> tuple[int, ...]:
        return tuple(r.rule for r in self.rules if r.matched)

    @property
    def code(self) -> str:
        """``eligibility.eligible``, ``eligibility.not_contributor`` or
        ``eligibility.no_rule_matched``."""
        if self.eligible:
            return "eligibility.eligible"
        if all("not_contributor" in r.unmet for r in self.rules):
            return "eligibility.not_contributor"
        return "eligibility.no_rule_matched"

    @property
    def reason(self) -> str:
        return render_decision_reason(self.code, self.matched_rules)


def age_on(date_of_birth: date, on: date) -> int:
    """Whole years of age on ``on``.

    A birthday on 29 February is reached on 1 March in common years (the person
    is not a year older until the day after 28 February), which is how the
    calendar comparison below falls out naturally.
    """
    if on < date_of_birth:
        raise ValueError(
            f"{on.isoformat()} is before the date of birth {date_of_birth.isoformat()}."
        )
    before_birthday = (on.month, on.day) < (date_of_birth.month, date_of_birth.day)
    return on.year - date_of_birth.year - int(before_birthday)


def _str_list(value: object) -> list[str]:
    if isinstance(value, list | tuple):
        return [str(v) for v in value]
    return []


def _join(parts: Sequence[str], separator: str) -> str:
    return separator.join(parts)


def render_rule_reason(
    rule: int, matched: bool, params: Params, *, translate: Translate = _identity
) -> str:
    """The sentence for one rule's result, through ``translate`` (gettext or identity)."""
    values = {k: v for k, v in params.items() if k not in ("met", "unmet")}
    met = [translate(MET_TEXT[c]).format(**values) for c in _str_list(params.get("met"))]
    unmet = [translate(UNMET_TEXT[c]).format(**values) for c in _str_list(params.get("unmet"))]
    if matched:
        return translate(RULE_MATCHED_TEXT).format(rule=rule, met=_join(met, translate(AND_TEXT)))
    unmet_text = _join(unmet, translate(LIST_SEPARATOR_TEXT))
    if met:
        return translate(RULE_PARTLY_TEXT).format(
            rule=rule, met=_join(met, translate(AND_TEXT)), unmet=unmet_text
        )
    return translate(RULE_UNMATCHED_TEXT).format(rule=rule, unmet=unmet_text)


def render_decision_reason(
    code: str, matched_rules: Sequence[int], *, translate: Translate = _identity
) -> str:
    if code == "eligibility.eligible" and len(matched_rules) > 1:
        code = "eligibility.eligible_many"
    rules = _join([str(r) for r in matched_rules], translate(AND_TEXT))
    return translate(DECISION_TEXT[code]).format(rules=rules)


def _rule(
    number: int, conditions: Sequence[tuple[bool, str, str]], extra: Params | None = None
) -> RuleResult:
    """One rule from its conditions, each ``(holds, met_code, unmet_code)``."""
    # Being a contributor goes without saying when it holds; only its absence is news.
    met = [met_code for holds, met_code, _ in conditions if holds and met_code]
    unmet = [unmet_code for holds, _, unmet_code in conditions if not holds]
    params: Params = {**(extra or {}), "met": met, "unmet": unmet}
    matched = not unmet
    code = f"rule{number}.matched" if matched else f"rule{number}." + "+".join(unmet)
    return RuleResult(
        rule=number,
        matched=matched,
        code=code,
        params=params,
        reason=render_rule_reason(number, matched, params),
    )


def decide_eligibility(facts: EligibilityFacts) -> EligibilityDecision:
    """Apply the four rules to ``facts``; every rule is evaluated and explained."""
    age = age_on(facts.date_of_birth, facts.referral_date)
    contributor = (facts.is_contributor, "", "not_contributor")
    board = (facts.recommended_by_board, "board_recommendation", "no_board_recommendation")
    rules = (
        _rule(
            1,
            [
                contributor,
                (facts.work_related_injury, "work_related_injury", "injury_not_work_related"),
                (facts.receiving_tdb, "receiving_tdb", "not_receiving_tdb"),
            ],
        ),
        _rule(2, [contributor, (facts.applying_pdb, "applying_pdb", "not_applying_pdb"), board]),
        _rule(
            3,
            [
                contributor,
                (age < RULE3_AGE_LIMIT, "below_age_limit", "too_old"),
                (
                    facts.applying_invalidity_pension,
                    "applying_invalidity_pension",
                    "not_applying_invalidity_pension",
                ),
                board,
            ],
            {"age": age, "limit": RULE3_AGE_LIMIT},
        ),
        _rule(
            4,
            [
                contributor,
                (facts.certified_invalid, "certified_invalid", "not_certified_invalid"),
                (age < RULE4_AGE_LIMIT, "below_age_limit", "too_old"),
            ],
            {"age": age, "limit": RULE4_AGE_LIMIT},
        ),
    )
    return EligibilityDecision(eligible=any(r.matched for r in rules), age=age, rules=rules)
