"""Reads of cases that cross relations. Callers pass in what the user may see
(kembali.cases.access.cases_visible_to), so these functions never widen access."""

import re

from django.db.models import F, Q, QuerySet
from django.db.models.expressions import Col
from django.db.models.lookups import Exact, IContains
from django.db.models.sql.where import AND

from kembali.accounts.models import Role, User
from kembali.cases.access import cases_visible_to, sees_no_cases
from kembali.cases.models import Case
from kembali.cases.selectors_prepared import PreparedList
from kembali.core.digits import is_digits

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
# A row of the list as case_list_rows() reads it, in this order.
CASE_LIST_ROW = (
    "number",
    "person__full_name",
    "person__nric",
    "office__name",
    "status",
    "case_manager_id",
    "case_manager__first_name",
    "case_manager__last_name",
    "case_manager__username",
    "referral_date",
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
        nric, nric_start = _nric_terms(query)
        condition = _search_q(
            query,
            nric=nric,
            nric_start=nric_start,
            number=_may_be_case_number(query),
        )
        cases = cases.filter(condition)
    if office_id:
        cases = cases.filter(office_id=office_id)
    if status:
        cases = cases.filter(status=status)
    return (
        cases.select_related(*CASE_LIST_RELATED)
        .only(*CASE_LIST_COLUMNS)
        .order_by("-referral_date", "-id")
    )


def _nric_terms(query: str) -> tuple[str, str]:
    """(a whole NRIC, the start of one) that the search text may be, or empty."""
    digits = _NRIC_SEPARATORS.sub("", query)
    if is_digits(digits):
        if len(digits) == 12:
            return digits, ""
        if len(digits) >= 6:  # a date of birth (YYMMDD) or more
            return "", digits
    return "", ""


# Case numbers read RTW-2026-0000123: a search text with any other character is
# not part of one, and its condition need not ask.
_CASE_NUMBER_CHARACTERS = frozenset("RTW0123456789-")


def _may_be_case_number(query: str) -> bool:
    return set(query.upper()) <= _CASE_NUMBER_CHARACTERS


# pg_trgm finds a text of fewer characters only by reading its whole index.
TRIGRAM = 3


def _search_q(
    query: str,
    *,
    nric: str = "",
    nric_start: str = "",
    number: bool = True,
    short: bool | None = None,
) -> Q:
    """The search box's condition: the name holds the text, or (where the text may
    be one) the case number holds it or the NRIC is it or starts with it.

    The name is the case's own copy (Case.person_name): no person row is read to
    decide which of an office's cases match. PostgreSQL finds them through the
    trigram index on it (migration cases 0012) or, for a name many people have, by
    reading the office's newest cases until a page is found; SQLite walks the
    office's cases in case_office_search, which holds the name. `short`: the
    text has fewer characters than a trigram (the default: query's length)."""
    if short is None:
        short = len(query) < TRIGRAM
    condition = name_holds(query, short=short)
    if number:
        condition |= _holds("number", query, short=short)
    if nric:
        condition |= Q(person__nric=nric)
    elif nric_start:
        condition |= Q(person__nric__startswith=nric_start)
    return condition


def name_holds(text: str, *, short: bool | None = None) -> Q:
    """Cases whose person's name holds `text`, case-blind, read from the case's copy
    (Case.person_name); `short` as _search_q's."""
    return _holds("person_name", text, short=len(text) < TRIGRAM if short is None else short)


def _holds(field: str, text: str, *, short: bool) -> Q:
    if short:  # the trigram indexes cannot find it
        return Q(_IContainsByScan(F(field), text))
    return Q(**{f"{field}__icontains": text})


class _IContainsByScan(IContains):
    """`icontains` as PostgreSQL cannot serve it from the trigram indexes (on the
    name, on the case number), for a text too short to have a trigram: PostgreSQL keeps one generic
    plan of a search statement after a few runs (kembali/settings.py), and the
    one it kept for such texts read the whole index, 40-50 ms for "Ho" instead
    of 3 through the office's cases newest first. The same match otherwise."""

    def process_lhs(self, compiler, connection, lhs=None):
        sql, params = super().process_lhs(compiler, connection, lhs)
        if connection.vendor == "postgresql":
            sql = f"({sql} || '')"  # not the indexed expression: no index for it
        return sql, params


def cases_worked_by(cases: QuerySet[Case], user) -> QuerySet[Case]:
    """The cases where this user is the case manager or the job placement officer."""
    return cases.filter(Q(case_manager=user) | Q(placement_officer=user))


# Roles that see only the cases they work on (kembali.cases.access): their "my
# cases" is what they see. Asking again doubles the condition, and PostgreSQL,
# counting it twice, expects one case where a manager has 1,300, joins every one
# before sorting and takes 30 ms for a page instead of 2.
_WORK_ON_WHAT_THEY_SEE = frozenset({Role.CASE_MANAGER, Role.PLACEMENT_OFFICER})


# --- The lists' SQL, built once per shape ---------------------------------------
# Building a list's queries through the ORM cost several times running them (a
# page of a search: 1.8 ms to build, 1.8 ms to run in SQLite). Their SQL depends
# only on the database, the user's role, my cases or all, which kinds of search
# term and which filters are used: it is built once per such shape with stand-in
# values (kembali.cases.selectors_prepared) and run with the real ones.
_USER_MARK, _OFFICE_MARK, _FILTER_OFFICE_MARK = -7_000_000_102, -7_000_000_103, -7_000_000_104
_STATUS_MARK, _NRIC_MARK = "KEMBALI-STATUS-MARK", "KEMBALI-NRIC-MARK"
# Inside LIKE patterns: no wildcard or escape character.
_TEXT_MARK, _NRIC_START_MARK = "KEMBALITEXTMARK", "KEMBALINRICSTARTMARK"

# The columns of a row the user's own office and the user stand for where every case
# the user sees is of their office and managed by them (a case manager's): the
# office's name and the manager's names need no join. PostgreSQL joins them before
# sorting, to every match: a search for a common name by a case manager read the
# user table once per match among the manager's 1,300 cases. Only then: without the
# office's join a supervisor's search (the office's name alone) is planned once for
# every name (PostgreSQL keeps a generic plan of a statement prepared after five
# runs when it looks no dearer than planning each time), and that plan, good for a
# rare name, took 20-110 ms instead of 2-3 for a common one (Mohd, Ng).
_OFFICE_COLUMNS = ("office__name",)
_MANAGER_COLUMNS = ("case_manager__first_name", "case_manager__last_name", "case_manager__username")


class _ListQueries:
    """(a page's rows, the ids to count) for one shape of list, and which of
    CASE_LIST_ROW's columns the rows leave to the user's own office and names."""

    def __init__(self, rows: PreparedList, ids: PreparedList, selected: tuple, users_own: tuple):
        self.rows, self.ids = rows, ids
        self.users_own = users_own  # CASE_LIST_ROW's columns not selected
        # Where each of CASE_LIST_ROW's columns is: (True, position in a row) or
        # (False, its name among the user's own).
        self._where = tuple(
            (True, selected.index(name)) if name in selected else (False, name)
            for name in CASE_LIST_ROW
        )

    def completed(self, rows: list[tuple], user) -> list[tuple]:
        """Rows as CASE_LIST_ROW, the user's office's name and the user's names put in."""
        own = {
            "office__name": user.office.name,
            "case_manager__first_name": user.first_name,
            "case_manager__last_name": user.last_name,
            "case_manager__username": user.username,
        }
        where = self._where
        return [tuple(row[at] if selected else own[at] for selected, at in where) for row in rows]


_PREPARED: dict[tuple, _ListQueries] = {}


class CaseRows:
    """A list's cases, newest referral first, read a slice at a time as tuples of
    CASE_LIST_ROW (what the paginators page through), and counted up to a bound."""

    def __init__(self, prepared: _ListQueries | None, values: dict, user=None):
        self._prepared = prepared  # None: the user sees no case
        self._values = values
        self._user = user

    def __getitem__(self, bounds: slice) -> list[tuple]:
        if self._prepared is None:
            return []
        rows = self._prepared.rows.slice(bounds.start or 0, bounds.stop, **self._values)
        if not rows or not self._prepared.users_own:
            return rows
        return self._prepared.completed(rows, self._user)

    def count_upto(self, bound: int) -> int:
        """How many there are, counting at most `bound`."""
        if self._prepared is None:
            return 0
        return self._prepared.ids.count(bound, **self._values)


def case_list_rows(
    user, *, mine: bool = False, query: str = "", office_id: int | None = None, status: str = ""
) -> CaseRows:
    """The cases this user may see (only those they work on, if `mine`) that
    match the search and filters, as case_list_search() finds them."""
    if sees_no_cases(user):
        return CaseRows(None, {})
    query = (query or "").strip()
    nric, nric_start = _nric_terms(query) if query else ("", "")
    alias = Case.objects.db
    # The shape: which stand-ins the SQL holds (and so which terms it matches).
    number = bool(query) and _may_be_case_number(query)
    short = len(query) < TRIGRAM  # and so a statement of its own (_IContainsByScan)
    key = (alias, user.role, mine, bool(query), short, bool(nric), bool(nric_start), number)
    key += (bool(office_id), bool(status))
    if key not in _PREPARED:
        _PREPARED[key] = _case_list_queries(*key)
    values = {
        "user_id": user.pk,
        "office_id": user.office_id,
        "filter_office_id": office_id,
        "status": status,
        "text": query,
        "nric": nric,
        "nric_start": nric_start,
    }
    return CaseRows(_PREPARED[key], values, user)


def _case_list_queries(
    alias: str,
    role: str,
    mine: bool,
    text: bool,
    short: bool,
    nric: bool,
    nric_start: bool,
    number: bool,
    office: bool,
    status: bool,
) -> _ListQueries:
    """(a page's rows, the ids to count) for one shape of list: which of the
    search terms and filters it has."""
    stand_in = User(pk=_USER_MARK, role=role, office_id=_OFFICE_MARK, is_active=True)
    cases = cases_visible_to(stand_in).using(alias)
    users_own = _users_own_columns(cases)
    if mine and role not in _WORK_ON_WHAT_THEY_SEE:
        cases = cases_worked_by(cases, stand_in)
    if text:
        condition = _search_q(
            _TEXT_MARK,
            nric=_NRIC_MARK if nric else "",
            nric_start=_NRIC_START_MARK if nric_start else "",
            number=number,
            short=short,
        )
        cases = cases.filter(condition)
    found = case_list_search(
        cases,
        office_id=_FILTER_OFFICE_MARK if office else None,
        status=_STATUS_MARK if status else "",
    )
    marks = {
        _USER_MARK: "user_id",
        _OFFICE_MARK: "office_id",
        _FILTER_OFFICE_MARK: "filter_office_id",
        _STATUS_MARK: "status",
        _NRIC_MARK: "nric",
    }
    like_marks = {_TEXT_MARK: "text", _NRIC_START_MARK: "nric_start"}
    used = {"text": text, "nric": nric, "nric_start": nric_start}
    used |= {"filter_office_id": office, "status": status}
    required = [name for name, is_used in used.items() if is_used]
    selected = tuple(name for name in CASE_LIST_ROW if name not in users_own)
    rows = PreparedList(
        found.values_list(*selected), marks, like_marks=like_marks, required=required
    )
    ids = PreparedList(
        found.order_by().values("pk"), marks, like_marks=like_marks, required=required
    )
    return _ListQueries(rows, ids, selected, users_own)


def _users_own_columns(visible: QuerySet[Case]) -> tuple[str, ...]:
    """The columns of CASE_LIST_ROW that are the user's own office's and the user's
    for every case the (stand-in) user sees: those of the office and the case
    manager, when the access rules (kembali.cases.access) require both to be the
    user's office and the user; else none."""
    where = visible.query.where
    if where.connector != AND or where.negated:
        return ()
    required = set()
    for condition in where.children:
        if isinstance(condition, Exact) and isinstance(condition.lhs, Col):
            required.add((condition.lhs.target.attname, condition.rhs))
    if {("office_id", _OFFICE_MARK), ("case_manager_id", _USER_MARK)} <= required:
        return _OFFICE_COLUMNS + _MANAGER_COLUMNS
    return ()
