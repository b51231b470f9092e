"""The four eligibility rules: by example at every boundary, then as properties."""

import dataclasses
import re
from datetime import date, timedelta

import pytest
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from kembali.cases.eligibility import (
    EligibilityFacts,
    RuleResult,
    age_on,
    decide_eligibility,
)
from kembali.cases.eligibility_text import describe_decision, describe_rule

NOBODY = dict(
    is_contributor=True,
    work_related_injury=False,
    receiving_tdb=False,
    applying_pdb=False,
    applying_invalidity_pension=False,
    certified_invalid=False,
    recommended_by_board=False,
)


def facts(*, born=date(1980, 6, 1), referred=date(2026, 6, 1), **overrides) -> EligibilityFacts:
    return EligibilityFacts(date_of_birth=born, referral_date=referred, **{**NOBODY, **overrides})


def rule(decision, number):
    return decision.rules[number - 1]


# --- age --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("born", "on", "age"),
    [
        (date(1976, 5, 10), date(2026, 5, 10), 50),  # birthday on the day: a year older
        (date(1976, 5, 10), date(2026, 5, 9), 49),
        (date(1976, 5, 10), date(1976, 5, 10), 0),
        (date(1976, 2, 29), date(2026, 2, 28), 49),  # common year: 29 Feb birthday is 1 March
        (date(1976, 2, 29), date(2026, 3, 1), 50),
        (date(1988, 2, 29), date(2028, 2, 28), 39),
        (date(1988, 2, 29), date(2028, 2, 29), 40),  # leap year: the day itself
        (date(1999, 12, 31), date(2000, 1, 1), 0),
    ],
)
def test_age_on_counts_whole_years(born, on, age):
    assert age_on(born, on) == age


def test_a_referral_before_birth_is_refused():
    with pytest.raises(ValueError, match="before the date of birth"):
        facts(born=date(2000, 1, 2), referred=date(2000, 1, 1))


# --- each rule by example -----------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "eligible", "matched", "code_of_rule"),
    [
        # Rule 1: work-related injury and receiving TDB.
        (dict(work_related_injury=True, receiving_tdb=True), True, (1,), (1, "rule1.matched")),
        (dict(work_related_injury=True), False, (), (1, "rule1.not_receiving_tdb")),
        (dict(receiving_tdb=True), False, (), (1, "rule1.injury_not_work_related")),
        (
            {},
            False,
            (),
            (1, "rule1.injury_not_work_related+not_receiving_tdb"),
        ),
        # Rule 2: applying PDB and recommended by a board.
        (dict(applying_pdb=True, recommended_by_board=True), True, (2,), (2, "rule2.matched")),
        (dict(applying_pdb=True), False, (), (2, "rule2.no_board_recommendation")),
        (dict(recommended_by_board=True), False, (), (2, "rule2.not_applying_pdb")),
        # Rule 3 at age 46 (born 1980-06-01, referred 2026-06-01).
        (
            dict(applying_invalidity_pension=True, recommended_by_board=True),
            True,
            (3,),
            (3, "rule3.matched"),
        ),
        (
            dict(applying_invalidity_pension=True),
            False,
            (),
            (3, "rule3.no_board_recommendation"),
        ),
        # Rule 4 at age 46: too old.
        (dict(certified_invalid=True), False, (), (4, "rule4.too_old")),
        # All at once.
        (
            dict(
                work_related_injury=True,
                receiving_tdb=True,
                applying_pdb=True,
                applying_invalidity_pension=True,
                recommended_by_board=True,
                certified_invalid=True,
            ),
            True,
            (1, 2, 3),
            (4, "rule4.too_old"),
        ),
    ],
)
def test_rules_by_example(overrides, eligible, matched, code_of_rule):
    decision = decide_eligibility(facts(**overrides))
    assert decision.eligible is eligible
    assert decision.matched_rules == matched
    number, code = code_of_rule
    assert rule(decision, number).code == code


INVALIDITY = dict(applying_invalidity_pension=True, recommended_by_board=True)


@pytest.mark.parametrize(
    ("born", "referred", "age", "matched"),
    [
        (date(1976, 5, 10), date(2026, 5, 9), 49, True),
        (date(1976, 5, 10), date(2026, 5, 10), 50, False),  # the 50th birthday is the referral day
        (date(1976, 2, 29), date(2026, 2, 28), 49, True),
        (date(1976, 2, 29), date(2026, 3, 1), 50, False),
    ],
)
def test_rule_3_needs_below_50_on_the_referral_date(born, referred, age, matched):
    decision = decide_eligibility(facts(born=born, referred=referred, **INVALIDITY))
    assert decision.age == age
    assert rule(decision, 3).matched is matched
    assert decision.eligible is matched


def test_rule_3_at_50_says_the_age_and_the_limit():
    decision = decide_eligibility(
        facts(born=date(1976, 5, 10), referred=date(2026, 5, 10), **INVALIDITY)
    )
    result = rule(decision, 3)
    assert result.code == "rule3.too_old"
    assert result.params["age"] == 50
    assert result.params["limit"] == 50
    assert result.reason == (
        "Rule 3 not met: applying for Invalidity Pension and recommended for rehabilitation "
        "by a medical board, but aged 50 on the referral date (the rule needs below 50)."
    )


def test_rule_3_reason_names_what_held_and_what_did_not():
    decision = decide_eligibility(
        facts(born=date(1974, 1, 1), referred=date(2026, 6, 1), **INVALIDITY)
    )
    assert rule(decision, 3).reason == (
        "Rule 3 not met: applying for Invalidity Pension and recommended for rehabilitation "
        "by a medical board, but aged 52 on the referral date (the rule needs below 50)."
    )


@pytest.mark.parametrize(
    ("born", "referred", "age", "matched"),
    [
        (date(1987, 3, 15), date(2026, 3, 14), 38, True),
        (date(1986, 3, 15), date(2026, 3, 14), 39, True),
        (date(1986, 3, 15), date(2026, 3, 15), 40, False),
        (date(1988, 2, 29), date(2028, 2, 28), 39, True),
        (date(1988, 2, 29), date(2028, 2, 29), 40, False),
    ],
)
def test_rule_4_needs_below_40_on_the_referral_date(born, referred, age, matched):
    decision = decide_eligibility(facts(born=born, referred=referred, certified_invalid=True))
    assert decision.age == age
    assert rule(decision, 4).matched is matched
    assert decision.matched_rules == ((4,) if matched else ())


def test_all_failing_conditions_are_listed():
    decision = decide_eligibility(facts(born=date(1970, 1, 1)))
    assert rule(decision, 3).code == (
        "rule3.too_old+not_applying_invalidity_pension+no_board_recommendation"
    )
    assert rule(decision, 3).reason == (
        "Rule 3 not met: aged 56 on the referral date (the rule needs below 50); not applying "
        "for Invalidity Pension; not recommended for rehabilitation by a Medical Board, "
        "Special Medical Board or Appellate Medical Board."
    )
    assert rule(decision, 4).reason == (
        "Rule 4 not met: not certified invalid; aged 56 on the referral date "
        "(the rule needs below 40)."
    )


def test_a_non_contributor_is_not_eligible_whatever_else():
    everything = dict(
        work_related_injury=True,
        receiving_tdb=True,
        applying_pdb=True,
        applying_invalidity_pension=True,
        certified_invalid=True,
        recommended_by_board=True,
    )
    decision = decide_eligibility(facts(born=date(2000, 1, 1), is_contributor=False, **everything))
    assert not decision.eligible
    assert decision.matched_rules == ()
    assert decision.code == "eligibility.not_contributor"
    assert decision.reason == (
        "Not eligible: only contributors of the scheme can join the Return to Work programme."
    )
    for result in decision.rules:
        assert result.code == f"rule{result.rule}.not_contributor"
        assert "but not a contributor of the scheme" in result.reason


def test_the_decision_says_which_rules_matched():
    decision = decide_eligibility(
        facts(
            work_related_injury=True,
            receiving_tdb=True,
            applying_pdb=True,
            recommended_by_board=True,
        )
    )
    assert decision.code == "eligibility.eligible"
    assert decision.reason == "Eligible under rules 1 and 2."
    assert decide_eligibility(facts(applying_pdb=True, recommended_by_board=True)).reason == (
        "Eligible under rule 2."
    )
    assert decide_eligibility(facts()).reason == "Not eligible: none of the four rules is met."


# --- properties ---------------------------------------------------------------


@st.composite
def any_facts(draw, referred=None):
    referral_date = referred or draw(
        st.dates(min_value=date(2000, 1, 1), max_value=date(2035, 12, 31))
    )
    born = draw(
        st.dates(min_value=referral_date - timedelta(days=80 * 366), max_value=referral_date)
    )
    return EligibilityFacts(
        date_of_birth=born,
        referral_date=referral_date,
        **{name: draw(st.booleans()) for name in NOBODY},
    )


RELEVANT = {
    1: {"is_contributor", "work_related_injury", "receiving_tdb"},
    2: {"is_contributor", "applying_pdb", "recommended_by_board"},
    3: {
        "is_contributor",
        "date_of_birth",
        "referral_date",
        "applying_invalidity_pension",
        "recommended_by_board",
    },
    4: {"is_contributor", "certified_invalid", "date_of_birth", "referral_date"},
}


@given(any_facts())
def test_eligible_exactly_when_some_rule_matches(f):
    decision = decide_eligibility(f)
    assert decision.eligible == any(r.matched for r in decision.rules)
    assert [r.rule for r in decision.rules] == [1, 2, 3, 4]
    assert decision.matched_rules == tuple(r.rule for r in decision.rules if r.matched)
    if not f.is_contributor:
        assert not decision.eligible
        assert decision.code == "eligibility.not_contributor"


@given(any_facts())
def test_every_unmatched_rule_says_why(f):
    for result in decide_eligibility(f).rules:
        if result.matched:
            assert result.code == f"rule{result.rule}.matched"
            assert result.params["unmet"] == []
        else:
            unmet = result.params["unmet"]
            assert unmet, result
            assert result.code == f"rule{result.rule}." + "+".join(unmet)
            assert result.reason.startswith(f"Rule {result.rule} not met: ")
            assert "{" not in result.reason


@given(any_facts(), any_facts(), st.sampled_from([1, 2, 3, 4]))
def test_a_rule_ignores_facts_it_does_not_name(f, other, number):
    # Keep the facts the rule reads; take everything else from another person.
    names = {field.name for field in dataclasses.fields(EligibilityFacts)}
    mixed = {n: getattr(f if n in RELEVANT[number] else other, n) for n in names}
    if mixed["referral_date"] < mixed["date_of_birth"]:
        return
    mixed_facts = EligibilityFacts(**mixed)
    assert rule(decide_eligibility(mixed_facts), number) == rule(decide_eligibility(f), number)


@given(any_facts(), st.integers(min_value=1, max_value=40 * 366))
def test_being_younger_never_loses_rules_3_and_4(f, days_younger):
    younger_birth = min(f.date_of_birth + timedelta(days=days_younger), f.referral_date)
    younger = dataclasses.replace(f, date_of_birth=younger_birth)
    before, after = decide_eligibility(f), decide_eligibility(younger)
    assert after.age <= before.age
    for number in (3, 4):
        if rule(before, number).matched:
            assert rule(after, number).matched
    if before.eligible:
        assert after.eligible


# --- in the user's language -----------------------------------------------------------


# The first call loads the translation catalogues: no deadline.
@settings(deadline=None)
@given(any_facts())
def test_english_descriptions_equal_the_core_reasons(f):
    decision = decide_eligibility(f)
    with translation.override("en"):
        for result in decision.rules:
            assert describe_rule(result) == result.reason
        assert describe_decision(decision) == decision.reason


# The first call loads the translation catalogues: no deadline.
@settings(deadline=None)
@given(any_facts())
def test_malay_descriptions_are_complete_sentences(f):
    decision = decide_eligibility(f)
    with translation.override("ms"):
        texts = [describe_rule(r) for r in decision.rules] + [describe_decision(decision)]
    for text in texts:
        assert not re.search(r"[{}]", text)
        assert text.endswith(".")


def test_malay_reason_for_rule_3_at_52():
    decision = decide_eligibility(
        facts(born=date(1974, 1, 1), referred=date(2026, 6, 1), **INVALIDITY)
    )
    with translation.override("ms"):
        text = describe_rule(rule(decision, 3))
    assert text != rule(decision, 3).reason
    assert "52" in text and "50" in text
    assert text.startswith("Peraturan 3")


def test_a_stored_result_the_templates_no_longer_fit_keeps_its_reason():
    stored = RuleResult(
        rule=3,
        matched=False,
        code="rule3.retired",
        params={"unmet": ["retired"]},
        reason="Rule 3 not met: an old reason.",
    )
    with translation.override("ms"):
        assert describe_rule(stored) == "Rule 3 not met: an old reason."
