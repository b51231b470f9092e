"""The ministry pack: the measures the programme reports to the Ministry of Human
Resources, by sex and by state, from the same case sets as the dashboard (kpis)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Sum
from django.utils.translation import get_language, gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from kembali.accounts.models import Office
from kembali.employers.models import Employer, Training, TrainingAttendance
from kembali.people.models import Sex
from kembali.reference.models import State
from kembali.reports.kpis import (
    MONEY_PLACES,
    NOT_PEOPLE,
    CaseFigures,
    Measure,
    MinistryPack,
    ReportFilters,
    _cost_querysets,
    _employer_state_q,
    _pct,
    _period,
    case_figures,
    employers_engaged,
    trainings,
)
from kembali.reports.suppression import NA, suppress_column, suppress_pair

PACK_MEASURES = (
    Measure("jpess_placed", _("Persons placed in new jobs (JPESS)"), "count"),
    Measure("jpess_female_share", _("Women among persons placed (%)"), "percent"),
    Measure("self_employed", _("Persons who became self-employed"), "count"),
    Measure("employers_engaged", _("New employers engaged"), "count"),
    Measure("trainings_held", _("Disability equality trainings held"), "count"),
    Measure("employers_trained", _("Employers trained"), "count"),
    Measure("served", _("Persons receiving RTW services"), "count"),
    Measure("served_jpess_share", _("Of them receiving JPESS (%)"), "percent"),
    Measure("cost", _("Intervention costs (RM)"), "money"),
)


def _costs_by_sex_and_state(
    filters: ReportFilters,
) -> tuple[dict[object, Decimal], dict[object, Decimal]]:
    """Costs by the case's person's sex and by state, from one query per kind of cost
    grouped by (office, sex), added up here by state (a join to the offices would make
    SQLite walk every office's cases instead of the period's costs)."""
    state_of = dict(Office.objects.values_list("pk", "state_id"))
    by_sex: dict[object, Decimal] = {}
    by_state: dict[object, Decimal] = {}
    for qs, amount, prefix, ringgit in _cost_querysets(filters):
        office, sex = prefix + "office_id", prefix + "person_sex"
        for row in qs.values(office, sex).order_by().annotate(total=Sum(amount)):
            total = ringgit(row["total"])
            by_sex[row[sex]] = by_sex.get(row[sex], Decimal("0")) + total
            state = state_of[row[office]]
            by_state[state] = by_state.get(state, Decimal("0")) + total
    return (
        {key: value.quantize(MONEY_PLACES) for key, value in by_sex.items()},
        {key: value.quantize(MONEY_PLACES) for key, value in by_state.items()},
    )


@dataclass(frozen=True, eq=False)
class RowName:
    """The name of a row of the pack by state, in the reader's language when it is
    shown: a state's (State.local_name) or, with no name_ms, a message of the
    catalogue ("Total"). A pack kept in the cache (dashboard_cache) is shown to
    readers of either language; plain data, because a lazy translation is slow to
    unpickle (each one builds a class)."""

    name: str
    name_ms: str | None = None

    def __str__(self) -> str:
        if self.name_ms is None:
            return gettext(self.name)
        return self.name_ms if get_language() == "ms" else self.name

    def __eq__(self, other) -> bool:
        return str(self) == str(other)

    def __hash__(self) -> int:
        return hash(str(self))


def _employers_by_state(filters: ReportFilters) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    engaged = (
        Employer.objects.filter(_employer_state_q(filters), engaged_on__range=_period(filters))
        .values_list("state_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for state_id, n in engaged:
        out.setdefault(state_id, {})["employers_engaged"] = n
    held = (
        Training.objects.filter(_employer_state_q(filters), date__range=_period(filters))
        .values_list("state_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for state_id, n in held:
        out.setdefault(state_id, {})["trainings_held"] = n
    trained = (
        TrainingAttendance.objects.filter(
            _employer_state_q(filters, "training__"),
            training__date__range=_period(filters),
            attended=True,
        )
        .values_list("training__state_id")
        .annotate(n=Count("employer", distinct=True))
        .order_by()
    )
    for state_id, n in trained:
        out.setdefault(state_id, {})["employers_trained"] = n
    return out


def _pack_row(people: dict[str, int], cost_total: Decimal, extra: dict[str, int]) -> dict:
    row: dict[str, object] = {
        "jpess_placed": people.get("jpess_placed", 0),
        "jpess_female_share": _pct(
            people.get("jpess_placed_female", 0), people.get("jpess_placed", 0)
        ),
        "self_employed": people.get("self_employed", 0),
        "employers_engaged": extra.get("employers_engaged", 0),
        "trainings_held": extra.get("trainings_held", 0),
        "employers_trained": extra.get("employers_trained", 0),
        "served": people.get("served", 0),
        "served_jpess_share": _pct(people.get("served_jpess", 0), people.get("served", 0)),
        "cost": cost_total,
        # Kept for suppression, not shown.
        "_jpess_placed_female": people.get("jpess_placed_female", 0),
        "_served_jpess": people.get("served_jpess", 0),
    }
    return row


def _suppress_pack_row(row: dict) -> None:
    _female, placed, share = suppress_pair(
        row["_jpess_placed_female"], row["jpess_placed"], row["jpess_female_share"]
    )
    row["jpess_placed"], row["jpess_female_share"] = placed, share
    _jpess, served, share = suppress_pair(
        row["_served_jpess"], row["served"], row["served_jpess_share"]
    )
    row["served"], row["served_jpess_share"] = served, share
    for code in ("jpess_placed", "self_employed", "served"):
        if isinstance(row[code], int) and 0 < row[code] < 5:
            row[code] = None


def ministry_pack(filters: ReportFilters, *, suppress: bool) -> MinistryPack:
    """The measures the programme reports to the Ministry, by sex and by state.
    suppress: cells of 1 to 4 people become None (and the cells that would give them
    away); counts of employers and trainings and money are not about people."""
    return pack_for(filters, suppress=suppress)


def pack_for(filters: ReportFilters, *, suppress: bool, figures: CaseFigures | None = None):
    """ministry_pack, reusing the dashboard's case counts when it has them. The people
    measures of every row (total, each sex, each state) are sums of the one pass's
    (state, sex) cells."""
    if figures is None:
        figures = case_figures(filters)
    cost_by_sex, cost_by_state = _costs_by_sex_and_state(filters)
    employer_rows = _employers_by_state(filters)

    total_people = figures.totals()
    total_extra = {"employers_engaged": employers_engaged(filters), **trainings(filters)}
    total_row = _pack_row(total_people, sum(cost_by_sex.values(), Decimal("0.00")), total_extra)

    sexes = {"male": Sex.MALE, "female": Sex.FEMALE}
    sex_rows = {
        name: _pack_row(figures.totals(sex=value), cost_by_sex.get(value, Decimal("0.00")), {})
        for name, value in sexes.items()
    }

    states = State.objects.all()
    if filters.state:
        states = states.filter(code=filters.state)
    if filters.office_id is not None:
        states = states.filter(offices__id=filters.office_id)
    state_rows = [
        (
            RowName(state.name, state.name_ms),
            _pack_row(
                figures.totals(state=state.code),
                cost_by_state.get(state.code, Decimal("0.00")),
                employer_rows.get(state.code, {}),
            ),
        )
        for state in states.order_by("name")
    ]

    if suppress:
        for row in [total_row, *sex_rows.values(), *(row for _name, row in state_rows)]:
            _suppress_pack_row(row)
        for code in ("jpess_placed", "self_employed", "served"):
            male, female = suppress_column([sex_rows["male"][code], sex_rows["female"][code]])
            sex_rows["male"][code], sex_rows["female"][code] = male, female
            column = suppress_column([row[code] for _name, row in state_rows])
            for (_name, row), value in zip(state_rows, column, strict=True):
                row[code] = value
        for code in ("jpess_female_share", "served_jpess_share"):
            for row in [*sex_rows.values(), *(row for _name, row in state_rows)]:
                base = "jpess_placed" if code == "jpess_female_share" else "served"
                if row[base] is None:
                    row[code] = None

    by_sex: dict[str, dict[str, object]] = {}
    for measure in PACK_MEASURES:
        values = {
            "male": sex_rows["male"][measure.code],
            "female": sex_rows["female"][measure.code],
        }
        if measure.code in NOT_PEOPLE - {"cost"} or measure.code == "jpess_female_share":
            values = {"male": NA, "female": NA}
        by_sex[measure.code] = {**values, "total": total_row[measure.code]}
    by_state = [(name, {m.code: row[m.code] for m in PACK_MEASURES}) for name, row in state_rows]
    total = RowName(gettext_noop("Total"))
    by_state.append((total, {m.code: total_row[m.code] for m in PACK_MEASURES}))
    return MinistryPack(
        filters=filters,
        measures=PACK_MEASURES,
        by_sex=by_sex,
        by_state=by_state,
        suppressed=suppress,
    )
