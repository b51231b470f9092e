"""Matches as the pages and the API show them: the engine's results over the index
(kembali.placement.matching.index), with the vacancies or cases they name loaded in
one query, the factor breakdown, the missing skills by name and the explanation in
the active language.

Selectors only: nothing here writes. Reading a match is reading the person's
capacity (health data), so the view or endpoint that shows one records the read
(``access_record``) once per page view.

Who sees which candidates: ``match_candidates_for_vacancy`` narrows the persons'
``active`` column to the cases ``cases_visible_to(user)`` returns (a mask over the
whole index, built from one query of visible case ids), before the engine ranks
them. Post-filtering a larger top k would be cheaper for a national administrator
but could show a placement officer none of their own people when others rank
higher; the mask is always right.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import math
from dataclasses import dataclass, field

import numpy as np
from django.utils import timezone
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from kembali.accounts.models import Role
from kembali.cases.access import cases_visible_to
from kembali.cases.models import Case, RtwLevel
from kembali.cases.selectors_prepared import PreparedQuery
from kembali.employers.models import Vacancy
from kembali.placement import services
from kembali.placement.matching import engine
from kembali.placement.matching.arrays import (
    ACCESS_BITS,
    DIMENSIONS,
    KM_PER_DEGREE,
    REMOTE_WORK,
    PersonArrays,
    VacancyArrays,
    day_number,
)
from kembali.placement.matching.engine import MatchResult, Reason
from kembali.placement.matching.explain import explain, reason_text
from kembali.placement.matching.index import (
    CANDIDATE_STATUSES,
    case_person_arrays,
    person_index,
    vacancy_arrays,
    vacancy_index,
)
from kembali.placement.models import Skill

DEFAULT_K = 20
MAX_K = 100
NEAR_MISSES = 5

FACTOR_LABELS = {
    "occupation": _("Occupation"),
    "skills": _("Skills"),
    "wage": _("Wage"),
    "distance": _("Distance"),
    "rtw": _("RTW hierarchy"),
}


# ------------------------------------------------------------------ who


def may_match(user, case: Case) -> bool:
    """The case's job placement officer, its case manager, supervisors of its
    office and national administrators (on a case the user may already see)."""
    if services.may_work_placement(user, case):
        return True
    return bool(
        user
        and user.is_authenticated
        and user.is_active
        and user.role == Role.CASE_MANAGER
        and case.case_manager_id == user.pk
    )


# ------------------------------------------------------------------ rows


@dataclass
class FactorRow:
    name: str
    label: str
    value: float
    weight: float
    contribution: float


@dataclass
class MatchRow:
    score: float
    factors: list[FactorRow]
    missing_skills: list[str]
    lines: list[str]
    hierarchy_level: int
    vacancy: Vacancy | None = None
    case: Case | None = None

    @property
    def score_percent(self) -> int:
        return round(self.score * 100)

    @property
    def hierarchy_label(self) -> str:
        return str(RtwLevel(self.hierarchy_level).label)


@dataclass
class NearMissRow:
    score: float
    failed: str
    vacancy: Vacancy | None = None

    @property
    def score_percent(self) -> int:
        return round(self.score * 100)


@dataclass
class CaseMatches:
    """What the match page of a case shows."""

    has_assessment: bool
    rows: list[MatchRow] = field(default_factory=list)
    near_misses: list[NearMissRow] = field(default_factory=list)


# The reads every match page makes, their SQL built once per database and size
# (kembali.cases.selectors_prepared): compiling them cost more than running them.
_PREPARED: dict[tuple, PreparedQuery] = {}


def skill_names() -> dict[int, str]:
    """Every skill's name in the active language, by bit: one query (prepared)."""
    malay = get_language() == "ms"
    key = ("skills", Skill.objects.db)
    if key not in _PREPARED:
        _PREPARED[key] = PreparedQuery(Skill.objects.values_list("bit", "name", "name_ms"), {})
    return {
        bit: (name_ms if malay and name_ms else name)
        for bit, name, name_ms in _PREPARED[key].rows()
    }


class _Translated:
    """The translations one page needs, each looked up once: 20 matches repeat the
    same few dozen phrases and factor labels some 400 times."""

    def __init__(self, names: dict[int, str]):
        self.names = names
        self.labels = {name: str(label) for name, label in FACTOR_LABELS.items()}
        self.gettext = functools.lru_cache(maxsize=None)(gettext)

    def skill_name(self, bit: int) -> str:
        return self.names.get(bit, str(bit))


def _row(result: MatchResult, words: _Translated) -> MatchRow:
    return MatchRow(
        score=result.score,
        factors=[
            FactorRow(name, words.labels[name], f.value, f.weight, f.contribution)
            for name, f in result.factors.items()
        ],
        missing_skills=[words.skill_name(b) for b in result.missing_skills],
        lines=explain(result, gettext=words.gettext, skill_name=words.skill_name),
        hierarchy_level=result.hierarchy_level,
    )


# What the match page and the API show of a vacancy; the rest (the description, the
# demands) stays in the database: it is the index's, and half the cost of the query.
VACANCY_SHOWN = (
    "title",
    "district",
    "monthly_wage",
    "employer__name",
    "state__name",
    "state__name_ms",
)


# The vacancies shown are read by a list of ids in slots of this many stand-ins (the
# page's 20 matches and 5 near misses fill one); unused slots repeat an id.
VACANCY_SLOTS = DEFAULT_K + NEAR_MISSES
_VACANCY_MARK = -7_000_000_100


def _shown_vacancies(alias: str, size: int) -> PreparedQuery:
    key = ("vacancies", alias, size)
    if key not in _PREPARED:
        marks = {_VACANCY_MARK - i: f"pk{i}" for i in range(size)}
        vacancies = (
            Vacancy.objects.using(alias)
            .select_related("employer", "state")
            .only(*VACANCY_SHOWN)
            .filter(pk__in=list(marks))
            .order_by()
        )
        _PREPARED[key] = PreparedQuery(vacancies, marks, required=tuple(marks.values()))
    return _PREPARED[key]


def _vacancies_by_pk(pks) -> dict[int, Vacancy]:
    """The vacancies matched, with what the rows show of them (VACANCY_SHOWN): one
    query, whatever their number."""
    pks = list(dict.fromkeys(int(pk) for pk in pks))
    if not pks:
        return {}
    size = -(-len(pks) // VACANCY_SLOTS) * VACANCY_SLOTS
    slots = {f"pk{i}": pks[min(i, len(pks) - 1)] for i in range(size)}
    found = _shown_vacancies(Vacancy.objects.db, size).instances(**slots)
    return {vacancy.pk: vacancy for vacancy in found}


def _today(today: dt.date | None) -> dt.date:
    return today or timezone.localdate()


# ------------------------------------------------------- case -> vacancies


def case_person(case: Case) -> PersonArrays | None:
    """The case's one row from its current assessment, read afresh (one query), or
    None without one."""
    return case_person_arrays(case.pk)


def case_matches(
    case: Case, *, k: int = DEFAULT_K, near: int = NEAR_MISSES, today: dt.date | None = None
) -> CaseMatches:
    """The k best vacancies for the case and its ``near`` best near misses. A fixed
    number of queries whatever k and the number of vacancies: the marker, the
    person (1), the vacancies shown (1), the skill names (1)."""
    day = _today(today)
    person = case_person(case)
    if person is None:
        return CaseMatches(has_assessment=False)
    index = vacancy_index(today=day)
    vac = index.arrays
    results = engine.best_vacancies(vac, person, 0, k=k, today=day)
    misses = engine.near_misses(vac, person, 0, k=near, today=day) if near else []
    pks = [int(vac.ids[r.vacancy_index]) for r in results]
    pks += [int(vac.ids[m.vacancy_index]) for m in misses]
    loaded = _vacancies_by_pk(pks)
    words = _Translated(skill_names())
    rows = []
    for r in results:
        row = _row(r, words)
        row.vacancy = loaded.get(int(vac.ids[r.vacancy_index]))
        if row.vacancy is not None:  # deleted since the index was built
            rows.append(row)
    near_rows = []
    for m in misses:
        vacancy = loaded.get(int(vac.ids[m.vacancy_index]))
        if vacancy is not None:
            line = reason_text(m.failed, gettext=words.gettext, skill_name=str) or m.failed.code
            near_rows.append(NearMissRow(m.score, line, vacancy))
    return CaseMatches(has_assessment=True, rows=rows, near_misses=near_rows)


def match_vacancies_for_case(case: Case, *, k: int = DEFAULT_K, user=None) -> list[MatchRow]:
    """The k best vacancies for the case, best first (the contract other parts use).
    ``user`` is accepted for symmetry; the caller has checked access to the case."""
    return case_matches(case, k=k, near=0).rows


# ------------------------------------------------------- vacancy -> cases


def _visible_mask(persons: PersonArrays, user) -> np.ndarray:
    visible = np.fromiter(
        cases_visible_to(user)
        .filter(in_jpess=True, status__in=CANDIDATE_STATUSES)
        .values_list("id", flat=True),
        dtype=np.int64,
    )
    return np.isin(persons.ids, visible)


def match_candidates_for_vacancy(
    vacancy: Vacancy, *, user, k: int = DEFAULT_K, today: dt.date | None = None
) -> list[MatchRow]:
    """The k best candidates for the vacancy among the cases the user may see."""
    day = _today(today)
    index = vacancy_index(today=day)
    v = index.row_of(vacancy.pk)
    vac = index.arrays
    if v is None:  # filled, closed or not yet in the index: read it afresh
        vac = vacancy_arrays(Vacancy.objects.filter(pk=vacancy.pk))
        v = 0
    persons = person_index().arrays
    if not len(persons):
        return []
    persons = dataclasses.replace(persons, active=persons.active & _visible_mask(persons, user))
    results = engine.best_candidates(vac, persons, v, k=k, today=day)
    case_ids = [int(persons.ids[r.person_index]) for r in results]
    cases = Case.objects.select_related("person", "office", "placement_officer").in_bulk(case_ids)
    words = _Translated(skill_names())
    rows = []
    for r, case_id in zip(results, case_ids, strict=True):
        if case_id in cases:
            row = _row(r, words)
            row.case = cases[case_id]
            row.vacancy = vacancy
            rows.append(row)
    return rows


# ------------------------------------------------------------- one pair


def _failures(vac: VacancyArrays, persons: PersonArrays, day: int) -> list[Reason]:
    """Every hard constraint the pair (row 0, row 0) fails, as engine reasons."""
    failed = []
    if not vac.status_open[0]:
        failed.append(Reason("closed"))
    elif vac.opens_day[0] > day:
        failed.append(Reason("not_open_yet", {"opens_day": int(vac.opens_day[0])}))
    elif vac.closes_day[0] < day:
        failed.append(Reason("closed_on", {"closes_day": int(vac.closes_day[0])}))
    for d, name in enumerate(DIMENSIONS):
        demand, cap = int(vac.demands[d, 0]), int(persons.capacity[d, 0])
        if demand > cap:
            failed.append(
                Reason("exceeds_limit", {"dimension": name, "capacity": cap, "demand": demand})
            )
    lacking = int(persons.needs[0]) & ~int(vac.features[0])
    for bit, label in ACCESS_BITS:
        if lacking & bit:
            failed.append(Reason("access_missing", {"feature": label}))
    remote = bool(vac.features[0] & REMOTE_WORK) and bool(persons.accepts_remote[0])
    if not remote:
        # The engine's equirectangular distance, so the two never disagree.
        dlat = float(vac.lat[0]) - float(persons.lat[0])
        dlon = (float(vac.lon[0]) - float(persons.lon[0])) * float(persons.cos_lat[0])
        km = math.hypot(dlat, dlon) * KM_PER_DEGREE
        if km > float(persons.max_km[0]):
            failed.append(Reason("too_far", {"km": km, "limit": float(persons.max_km[0])}))
    return failed


def explain_pair(case: Case, vacancy: Vacancy, *, today: dt.date | None = None) -> dict:
    """How well the vacancy fits the case's person, read afresh from the database.

    Returns {"has_assessment", "matches", "score", "factors", "missing_skills",
    "reasons", "hierarchy_level", "failed"}: for a pair that passes every hard
    constraint, the score, the breakdown and the reason lines; otherwise "failed"
    lists each constraint it fails, in words."""
    day = _today(today)
    empty = {
        "has_assessment": False,
        "matches": False,
        "score": None,
        "factors": [],
        "missing_skills": [],
        "reasons": [],
        "hierarchy_level": None,
        "failed": [],
    }
    person = case_person(case)
    if person is None:
        return empty
    vac = vacancy_arrays(Vacancy.objects.filter(pk=vacancy.pk))
    results = engine.best_vacancies(vac, person, 0, k=1, today=day)
    if results:
        row = _row(results[0], _Translated(skill_names()))
        return empty | {
            "has_assessment": True,
            "matches": True,
            "score": row.score,
            "factors": row.factors,
            "missing_skills": row.missing_skills,
            "reasons": row.lines,
            "hierarchy_level": row.hierarchy_level,
        }
    failed = [
        reason_text(r, gettext=gettext) or r.code for r in _failures(vac, person, day_number(day))
    ]
    return empty | {"has_assessment": True, "failed": failed}
