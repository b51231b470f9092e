"""Reads of cases that cross relations. Callers pass in what the user may see
(kembali.cases.access.cases_visible_to), so these functions never widen access."""

import re

from django.db.models import Q, QuerySet

from kembali.cases.models import Case

CASE_LIST_RELATED = ("person", "office", "case_manager")
_NRIC_SEPARATORS = re.compile(r"[\s-]")


def case_list_search(
    cases: QuerySet[Case],
    *,
    query: str = "",
    office_id: int | None = None,
    status: str = "",
) -> QuerySet[Case]:
    """Cases matching one search box (name, NRIC with or without dashes, or case
    number) and the filters, newest referral first, ready for a table row."""
    query = (query or "").strip()
    if query:
        cases = cases.filter(_search_q(query))
    if office_id:
        cases = cases.filter(office_id=office_id)
    if status:
        cases = cases.filter(status=status)
    return cases.select_related(*CASE_LIST_RELATED).order_by("-referral_date", "-id")


def _search_q(query: str) -> Q:
    condition = Q(person__full_name__icontains=query) | Q(number__icontains=query)
    digits = _NRIC_SEPARATORS.sub("", query)
    if digits.isdigit():
        if len(digits) == 12:
            condition |= Q(person__nric=digits)
        elif len(digits) >= 6:
            # A date of birth (YYMMDD) or more: the start of an NRIC.
            condition |= Q(person__nric__startswith=digits)
    return condition


def cases_worked_by(cases: QuerySet[Case], user) -> QuerySet[Case]:
    """The cases where this user is the case manager or the job placement officer."""
    return cases.filter(Q(case_manager=user) | Q(placement_officer=user))
