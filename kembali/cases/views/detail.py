"""The case page: the person, the stage, the eligibility decision, what is due next,
the steps this user can take, and the timeline."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from kembali.audit.services import access_record
from kembali.cases.access import cases_visible_to
from kembali.cases.actions import next_actions
from kembali.cases.eligibility import RuleResult, age_on
from kembali.cases.eligibility_text import describe_rule
from kembali.cases.models import Case, EligibilityDecision
from kembali.cases.timeline import case_timeline
from kembali.cases.workflow import due_next


def eligibility_rules(decision: EligibilityDecision | None) -> list[dict]:
    """The stored rule results with their reason in the active language."""
    if decision is None:
        return []
    rows = []
    for stored in decision.rules:
        result = RuleResult(
            rule=stored["rule"],
            matched=stored["matched"],
            code=stored.get("code", ""),
            params=stored.get("params", {}),
            reason=stored.get("reason", ""),
        )
        rows.append(
            {"rule": result.rule, "matched": result.matched, "reason": describe_rule(result)}
        )
    return rows


def render_case_page(request, case, *, error: str = "", status: int = 200):
    """The case page; also re-rendered with `error` when a step on it was refused."""
    person = case.person
    decision = getattr(case, "eligibility", None)  # None before eligibility is decided
    context = {
        "case": case,
        "person": person,
        "age": age_on(person.date_of_birth, timezone.localdate()),
        "decision": decision,
        "rules": eligibility_rules(decision),
        "due_next": due_next(case),
        "actions": next_actions(case, request.user),
        "timeline": case_timeline(case),
        "error": error,
    }
    return render(request, "cases/case_detail.html", context, status=status)


def load_case(request, number: str) -> Case:
    """The case for the case page, with what the page shows, in one query: the
    cases this user may see (cases_visible_to decides, as access_case does), with
    the joins the page needs; missing and not yours are the same 404."""
    cases = cases_visible_to(request.user).select_related(
        "person__state",
        "office",
        "case_manager",
        "placement_officer",
        "eligibility__overridden_by",
    )
    try:
        return cases.get(number=number)
    except Case.DoesNotExist:
        raise Http404("No such case.") from None


@login_required
def case_detail(request, number: str):
    case = load_case(request, number)
    access_record(actor=request.user, what="case.view", obj=case, request=request)
    return render_case_page(request, case)
