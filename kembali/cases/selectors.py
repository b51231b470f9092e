"""Reads of cases that cross relations. Callers pass in what the user may see
(kembali.cases.access.cases_visible_to), so these functions never widen access."""

import re

from django.db import connections
from django.db.models import Q, QuerySet

from kembali.cases.models import Case
from kembali.people.models import InsuredPerson

CASE_LIST_RELATED = ("person", "office", "case_manager")
# What a row of the list shows (cases/_case_results.html): a person has a dozen
# more columns, a user a password hash, none of which a row needs.
CASE_LIST_COLUMNS = (
    "number",
    "status",
    "referral_date",
    "office_id",
    "case_manager_id",
    "person__full_name",
    "person__nric",
    "office__name",
    "case_manager__username",
    "case_manager__first_name",
    "case_manager__last_name",
)
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
        cases = cases.filter(_search_q(query, vendor=_vendor(cases)))
    if office_id:
        cases = cases.filter(office_id=office_id)
    if status:
        cases = cases.filter(status=status)
    return (
        cases.select_related(*CASE_LIST_RELATED)
        .only(*CASE_LIST_COLUMNS)
        .order_by("-referral_date", "-id")
    )


def _vendor(cases: QuerySet) -> str:
    return connections[cases.db].vendor


def _search_q(query: str, *, vendor: str = "") -> Q:
    if vendor == "postgresql":
        # The people whose name matches, found through the trigram index on
        # UPPER(full_name) (migration cases 0007), then the office's cases among
        # them: PostgreSQL cannot use that index for a join whose condition ORs
        # the name with the case number, and would read every person instead.
        named = InsuredPerson.objects.filter(full_name__icontains=query).values("pk")
        condition = Q(person__in=named)
    else:
        # SQLite has no index for a match inside a string: it reads the office's
        # cases through their index and looks at each one's person, which is the
        # cheaper side when the list is already narrowed to an office.
        condition = Q(person__full_name__icontains=query)
    condition |= Q(number__icontains=query)
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
