"""Eligibility reasons in the active language.

The pure core (``eligibility.py``) holds the English templates and builds its
sentences with an identity translation; here the same builder runs through
gettext, so English output is identical to ``RuleResult.reason`` and Malay comes
from kembali/cases/locale. A stored result needs only rule, matched and params.
"""

from django.utils.translation import gettext

from kembali.cases.eligibility import (
    EligibilityDecision,
    RuleResult,
    render_decision_reason,
    render_rule_reason,
)

__all__ = ["describe_decision", "describe_rule"]


def describe_rule(result: RuleResult) -> str:
    """The rule's reason in the active language. A stored result whose params no
    longer fit the templates (written by an older version) keeps its stored reason."""
    try:
        return render_rule_reason(result.rule, result.matched, result.params, translate=gettext)
    except (KeyError, IndexError, ValueError):
        return result.reason


def describe_decision(decision: EligibilityDecision) -> str:
    return render_decision_reason(decision.code, decision.matched_rules, translate=gettext)
