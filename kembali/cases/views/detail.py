"""The case page: the person, the stage, the eligibility decision, what is due next,
the steps this user can take, and the timeline."""

import functools

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.html import conditional_escape
from django.utils.translation import get_language

from kembali.accounts.models import User
from kembali.audit.services import access_record
from kembali.cases.access import cases_visible_to, sees_no_cases
from kembali.cases.actions import next_actions
from kembali.cases.eligibility import RuleResult, age_on
from kembali.cases.eligibility_text import describe_rule
from kembali.cases.models import Case, EligibilityDecision
from kembali.cases.selectors_prepared import PreparedQuery
from kembali.cases.timeline import (
    case_timeline,
    probe_annotations,
    probe_counts,
    timeline_rows_absent,
)
from kembali.cases.timeline_kept import kept_timeline_html, key_annotations
from kembali.cases.views.detail_page import case_page_html
from kembali.cases.views.detail_timeline import timeline_html
from kembali.cases.workflow import due_next
from kembali.core.layout import page_response


def eligibility_rules(decision: EligibilityDecision | None) -> list[dict]:
    """The stored rule results with their reason in the active language."""
    if decision is None:
        return []
    language = get_language()
    rows = []
    for stored in decision.rules:
        result = (
            stored["rule"],
            stored["matched"],
            stored.get("code", ""),
            _frozen(stored.get("params", {})),
            stored.get("reason", ""),
        )
        reason = _rule_reason(language, *result) if _hashable(result) else _describe(*result)
        rows.append({"rule": stored["rule"], "matched": stored["matched"], "reason": reason})
    return rows


def _frozen(params):
    """A rule's params as a key: lists (the met and unmet conditions) as tuples."""
    if not isinstance(params, dict):
        return params
    return tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in params.items()))


def _hashable(key) -> bool:
    try:
        hash(key)
    except TypeError:
        return False
    return True


def _describe(rule, matched, code, params, reason) -> str:
    if isinstance(params, tuple):  # back from _frozen
        params = {k: list(v) if isinstance(v, tuple) else v for k, v in params}
    result = RuleResult(rule=rule, matched=matched, code=code, params=params, reason=reason)
    return describe_rule(result)


@functools.lru_cache(maxsize=4096)
def _rule_reason(language: str, rule, matched, code, params, reason) -> str:
    """describe_rule of one stored result in `language` (called with it active): a
    rule's result takes a few dozen forms (its conditions, an age, a limit), and its
    sentence cost four translations and a format each time the page was read."""
    return _describe(rule, matched, code, params, reason)


def render_case_page(request, case, *, error: str = "", status: int = 200, kept: bool = False):
    """The case page; also re-rendered with `error` when a step on it was refused.
    Its content is written in Python (kembali.cases.views.detail_page), and so is
    the frame around it (kembali.core.layout.page_response): the bytes
    cases/case_detail.html writes, which tests/cases/test_case_page_html.py compares.

    With `kept` the timeline may come from an earlier view of the case with nothing
    changed since (kembali.cases.timeline_kept): for a case read by load_case with
    its timeline probe, before anything in this request changed it."""
    person = case.person
    decision = getattr(case, "eligibility", None)  # None before eligibility is decided
    csrf_token = get_token(request)  # the one the page's forms carry, the frame's too
    # First: the timeline tells the open tasks what it found absent.
    if kept:
        timeline = kept_timeline_html(
            case, probe_counts(case), lambda: timeline_html(case_timeline(case))
        )
        case._timeline_rows_absent = timeline_rows_absent(case)
    else:
        timeline = timeline_html(case_timeline(case))
    page_html = case_page_html(
        case,
        user=request.user,
        person=person,
        age=age_on(person.date_of_birth, timezone.localdate()),
        decision=decision,
        rules=eligibility_rules(decision),
        due_next=due_next(case),
        actions=next_actions(case, request.user),
        timeline_html=timeline,
        csrf_token=csrf_token,
        error=error,
    )
    return page_response(
        request,
        title=f"{case.number}: {person.full_name}",
        content=f"\n{conditional_escape(page_html)}\n",  # the template's content block
        csrf_token=csrf_token,
        status=status,
    )


# The case page's read of the case, per database alias and role: cases_visible_to
# filters by role, and its SQL is otherwise the same for every case and user
# (kembali.cases.selectors_prepared). Built with a stand-in user, office and number.
_CASE_PAGE: dict[tuple, PreparedQuery] = {}
_CASE_PAGE_RELATED = (
    "person__state",
    "office",
    "case_manager",
    "placement_officer",
    "eligibility__overridden_by",
)
_USER_MARK, _OFFICE_MARK, _NUMBER_MARK = -7_000_000_002, -7_000_000_003, "KEMBALI-NUMBER-MARK"


def _case_page_query(alias: str, role: str, probe: bool) -> PreparedQuery:
    stand_in = User(pk=_USER_MARK, role=role, office_id=_OFFICE_MARK, is_active=True)
    cases = cases_visible_to(stand_in).using(alias).select_related(*_CASE_PAGE_RELATED)
    if probe:
        cases = cases.annotate(**probe_annotations(), **key_annotations())
    cases = cases.filter(number=_NUMBER_MARK).order_by()[:1]
    marks = {_USER_MARK: "user_id", _OFFICE_MARK: "office_id", _NUMBER_MARK: "number"}
    return PreparedQuery(cases, marks, required=("number",))


def load_case(request, number: str, *, timeline_probe: bool = False) -> Case:
    """The case for the case page, with what the page shows, in one query: the
    cases this user may see (cases_visible_to decides, as access_case does), with
    the joins the page needs; missing and not yours are the same 404.

    With `timeline_probe` the same query answers the timeline's probe (which of its
    sources have rows for the case: kembali.cases.timeline.probe_annotations), for
    a page that shows the timeline at once; a view that first changes the case
    must not ask for it, as the answer would be stale."""
    user = request.user
    if sees_no_cases(user):  # no role that sees cases, no office
        raise Http404("No such case.")
    alias = Case.objects.db
    key = (alias, user.role, timeline_probe)
    if key not in _CASE_PAGE:
        _CASE_PAGE[key] = _case_page_query(alias, user.role, timeline_probe)
    found = _CASE_PAGE[key].instances(user_id=user.pk, office_id=user.office_id, number=number)
    if not found:
        raise Http404("No such case.")
    return found[0]


@login_required
def case_detail(request, number: str):
    case = load_case(request, number, timeline_probe=True)
    access_record(actor=request.user, what="case.view", obj=case, request=request)
    return render_case_page(request, case, kept=True)
