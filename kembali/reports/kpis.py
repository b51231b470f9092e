"""Key figures of the RTW programme, computed in SQL: one aggregate per figure, never a
Python loop over rows. The dashboard, the drill-down and the ministry pack (PDF and
XLSX) all read these functions, so their numbers agree by construction.

How the figures are counted (the dashboard says the same in its "How these figures
are counted" section):

* Filters other than the period (state, office, sex, age band, injury or disease
  group, eligibility rule) select cases: the state is the state of the case's RTW
  office, the age is the age on the referral date recorded by the eligibility
  decision, the group is the kind of the case's injury or disease.
* Each figure takes the period on its own event date: referrals, eligibility and
  stages on the referral date; returns to work, levels, JPESS placements and
  self-employment on the return-to-work date; plan approval on the approval date of
  the first plan (version 1); closures on the closing date; follow-ups on the date
  they were done; employers on the date first engaged; trainings on their date;
  costs on the intervention's planned start, the provider referral's date and the
  self-employment support's date.
* Eligibility rate: of the cases referred in the period with a decision, the share
  found eligible.
* Return-to-work rate: of the cases that returned to work or were closed in the
  period, the share that returned to work.
* JPESS placements: JPESS cases returned to work in the period at levels 4-6 (a new
  employer). Self-employed: cases returned to work at level 7.
* Persons receiving RTW services: eligible cases open at some time in the period
  (referred by its end, not closed before its start). A person has one open case at a
  time, so this counts people; one whose case closed and whose next case opened within
  the same period counts twice (counting distinct people would sort every case).
* Retention at N months: of the N-month follow-ups done in the period, the share
  still in work.
* Cost: intervention costs on the plan in force (cancelled ones left out), costs of
  provider referrals not tied to an intervention (those are in the intervention's
  cost) and self-employment support amounts. Cost per case divides it by the
  persons receiving RTW services.
* Benefit-cost ratio: benefit payments avoided divided by cost. A person who returns
  to work d days after referral stops drawing benefit max(0, B - d) days earlier
  than without the programme, B = KEMBALI_BENEFIT_BASELINE_DAYS; benefit avoided =
  KEMBALI_DAILY_BENEFIT_RATE x the sum of those days over the returns in the period.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models import (
    Count,
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
)
from django.utils import timezone

from kembali.cases.models import Case, RtwLevel, Status
from kembali.employers.models import Employer, Training, TrainingAttendance
from kembali.people.models import Sex
from kembali.placement.models import FollowUp, SelfEmploymentSupport
from kembali.plans.models import (
    Intervention,
    InterventionCostDay,
    InterventionStatus,
    ProviderReferral,
    ReferralStatus,
)
from kembali.reports.suppression import suppress_column, suppress_pair


@dataclass(frozen=True)
class ReportFilters:
    start: dt.date  # inclusive period (referral date / event date)
    end: dt.date
    state: str | None = None  # reference.State code (of the case's office)
    office_id: int | None = None
    sex: str | None = None  # people.InsuredPerson sex values ("M", "F")
    age_band: str | None = None  # a key of AGE_BANDS: "18-29", ..., "60+"
    injury_group: str | None = None  # people.Injury.Kind value
    eligibility_rule: str | None = None  # "1".."4"


@dataclass(frozen=True)
class Measure:
    code: str
    label: str
    kind: str  # "count" | "percent" | "money" | "ratio"


@dataclass(frozen=True)
class MinistryPack:
    filters: ReportFilters
    measures: tuple[Measure, ...]
    # measure code -> {"male": v, "female": v, "total": v}; NA ("–") where a measure
    # is not about people (employers, trainings, the share of women).
    by_sex: dict[str, dict[str, object]]
    # (state name, {code: v}), "Total" last; the names are kpis_pack.RowName (shown in
    # the reader's language).
    by_state: list[tuple[object, dict[str, object]]]
    suppressed: bool  # small cells (<5 people) replaced by None


AGE_BANDS: dict[str, tuple[int | None, int | None]] = {
    "18-29": (None, 29),  # the youngest band takes the rare under-18 too
    "30-39": (30, 39),
    "40-49": (40, 49),
    "50-59": (50, 59),
    "60+": (60, None),
}
JPESS_PLACEMENT_LEVELS = (
    RtwLevel.SAME_JOB_DIFFERENT_EMPLOYER,
    RtwLevel.SIMILAR_JOB_DIFFERENT_EMPLOYER,
    RtwLevel.DIFFERENT_JOB_DIFFERENT_EMPLOYER,
)
RETENTION_MONTHS = (6, 12)
MONEY_PLACES = Decimal("0.01")


# --- Which cases: the filters as a Q, with a prefix for models that hang off a case.


def scope_q(filters: ReportFilters, prefix: str = "", *, own_copies: bool = False) -> Q:
    """The non-period filters, on Case (or on `prefix` + Case fields). own_copies: the
    model filtered keeps its case's office and sex itself (Intervention.office and
    person_sex), so those two filters read no case row."""
    q = Q()
    here = "" if own_copies else prefix
    if filters.office_id is not None:
        q &= Q(**{f"{here}office_id": filters.office_id})
    if filters.state:
        q &= Q(**{f"{here}office__state_id": filters.state})
    # Sex and age are the case's own copies (Case.person_sex, Case.referral_age): the
    # report pass reads no person or eligibility decision row.
    if filters.sex:
        q &= Q(**{f"{here}person_sex": filters.sex})
    if filters.age_band:
        low, high = AGE_BANDS[filters.age_band]
        if low is not None:
            q &= Q(**{f"{prefix}referral_age__gte": low})
        if high is not None:
            q &= Q(**{f"{prefix}referral_age__lte": high})
    if filters.injury_group:
        q &= Q(**{f"{prefix}injury__kind": filters.injury_group})
    if filters.eligibility_rule:
        rule = int(filters.eligibility_rule)
        # matched_rules is a JSON list of at most four rule numbers; a key transform
        # per position works in SQL on SQLite and PostgreSQL alike.
        any_position = Q()
        for position in range(4):
            any_position |= Q(**{f"{prefix}eligibility__matched_rules__{position}": rule})
        q &= any_position
    return q


def _period(filters: ReportFilters) -> tuple[dt.date, dt.date]:
    return (filters.start, filters.end)


def _moments(f: ReportFilters) -> tuple[dt.datetime, dt.datetime]:
    """The period as [local midnight of the start, local midnight after the end): a
    timestamp compared with these uses its index and no per-row date function."""
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(f.start, dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(f.end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    return start, end


def _at_in_period(field: str, f: ReportFilters) -> Q:
    start, end = _moments(f)
    return Q(**{f"{field}__gte": start, f"{field}__lt": end})


def _referred(f: ReportFilters) -> Q:
    return Q(referral_date__range=_period(f))


def _returned(f: ReportFilters) -> Q:
    return Q(rtw_date__range=_period(f))


def _ended(f: ReportFilters) -> Q:
    return _returned(f) | _at_in_period("closed_at", f)


def _served(f: ReportFilters) -> Q:
    return Q(eligible=True, referral_date__lte=f.end) & (
        Q(closed_at__isnull=True) | Q(closed_at__gte=_moments(f)[0])
    )


def _jpess_placed(f: ReportFilters) -> Q:
    return _returned(f) & Q(in_jpess=True, rtw_level__in=JPESS_PLACEMENT_LEVELS)


def _plan_approved(f: ReportFilters) -> Q:
    # The case's copy of the local day its version 1 was approved.
    return Q(plan_approved_on__range=_period(f))


def _followed_up(f: ReportFilters, months: int, kept: bool) -> Q:
    done = FollowUp.objects.filter(case=OuterRef("pk"), months=months, done_on__range=_period(f))
    if kept:
        done = done.filter(still_employed=True)
    return Q(Exists(done))


def _month_key(key: str) -> tuple[dt.date, dt.date]:
    year, month = (int(part) for part in key.split("-"))
    first = dt.date(year, month, 1)
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    return first, following - dt.timedelta(days=1)


# Every figure that counts cases, by code: the condition (period included) that puts a
# case in it. A key narrows bucketed figures (a month, a stage, a level).
CASE_SETS = {
    "referrals": lambda f, key: (
        _referred(f) & (Q(referral_date__range=_month_key(key)) if key else Q())
    ),
    "decided": lambda f, key: _referred(f) & Q(eligible__isnull=False),
    "eligible": lambda f, key: _referred(f) & Q(eligible=True),
    "stage": lambda f, key: _referred(f) & (Q(status=key) if key else Q()),
    "plan_approved": lambda f, key: _plan_approved(f),
    "returned": lambda f, key: _returned(f) & (Q(rtw_level=int(key)) if key else Q()),
    "ended": lambda f, key: _ended(f),
    "ended_returned": lambda f, key: _ended(f) & Q(rtw_date__isnull=False),
    "jpess_placed": lambda f, key: _jpess_placed(f),
    "jpess_placed_female": lambda f, key: _jpess_placed(f) & Q(person_sex=Sex.FEMALE),
    "self_employed": lambda f, key: _returned(f) & Q(rtw_level=RtwLevel.SELF_EMPLOYED),
    "served": lambda f, key: _served(f),
    "served_jpess": lambda f, key: _served(f) & Q(in_jpess=True),
    "retention_6_done": lambda f, key: _followed_up(f, 6, kept=False),
    "retention_6_kept": lambda f, key: _followed_up(f, 6, kept=True),
    "retention_12_done": lambda f, key: _followed_up(f, 12, kept=False),
    "retention_12_kept": lambda f, key: _followed_up(f, 12, kept=True),
}


def case_set(code: str, filters: ReportFilters, key: str | None = None) -> QuerySet[Case]:
    """The cases behind a figure (for the drill-down). KeyError: no such figure;
    ValueError: a key that does not fit it."""
    condition = CASE_SETS[code](filters, key or None)
    return Case.objects.filter(scope_q(filters)).filter(condition)


# --- The figures.


def _pct(part, whole) -> float | None:
    if not whole:
        return None
    return round(100.0 * part / whole, 1)


class DaysBetween(Func):
    """Whole days from one date to a later one, natively: PostgreSQL subtracts dates
    to an integer; SQLite through julianday() (Django's own date arithmetic there
    calls a Python function for every row, too slow for a million cases)."""

    output_field = IntegerField()
    arity = 2

    def as_sql(self, compiler, connection, **extra):
        return super().as_sql(compiler, connection, template="(%(expressions)s)", arg_joiner=" - ")

    def as_sqlite(self, compiler, connection, **extra):
        return super().as_sql(
            compiler,
            connection,
            template="CAST(julianday(%(expressions)s) AS INTEGER)",
            arg_joiner=") - julianday(",
        )


def _days_between(later: str, earlier: str) -> DaysBetween:
    return DaysBetween(F(later), F(earlier))


@dataclass
class Dashboard:
    filters: ReportFilters
    counts: dict[str, int]
    percents: dict[str, float | None]
    by_month: list[tuple[str, int]]  # ("2026-01", n) for every month of the period
    by_stage: list[tuple[str, str, int]]  # (status, label, n) for every status
    by_level: list[tuple[int, str, int]]  # (level, label, n) for levels 1-7
    median_days_to_plan: float | None
    median_days_to_rtw: float | None
    employer_target: int
    cost: Decimal
    cost_per_case: Decimal | None
    benefit_avoided: Decimal
    benefit_cost_ratio: float | None
    pack: MinistryPack
    suppressed: bool = False
    notes: dict[str, str] = field(default_factory=dict)


# The case counts that take one pass over the cases. "served" and "served_jpess" count
# cases, not distinct people: a person has at most one open case at a time
# (cases.services refuses a second), so a person counts twice only when one case closed
# and the next was opened within the same period. COUNT(DISTINCT person) would sort
# every case on each report and could not be added up over states and sexes.
PASS_CODES = (
    "referrals", "decided", "eligible", "returned", "ended", "ended_returned",
    "jpess_placed", "self_employed", "served", "served_jpess",
)  # fmt: skip
# The counts split by sex (the ministry pack's people measures); sex is M or F.
SEX_CODES = ("jpess_placed", "self_employed", "served", "served_jpess")


@dataclass
class CaseFigures:
    """The case counts by state, and those of SEX_CODES for women by state; the cases
    referred in the period by their status today, and those returned by level."""

    by_state: dict[str, dict[str, int]]
    women_by_state: dict[str, dict[str, int]]
    referrals_by_status: dict[str, int] = field(default_factory=dict)
    returned_by_level: dict[int, int] = field(default_factory=dict)

    def totals(self, *, state: str | None = None, sex: str | None = None) -> dict[str, int]:
        """All PASS_CODES for everyone (sex None), SEX_CODES for one sex; of one state
        or of all."""

        def added(rows: dict[str, dict[str, int]], codes) -> dict[str, int]:
            picked = [row for code, row in rows.items() if state is None or code == state]
            return {code: sum(row.get(code, 0) for row in picked) for code in codes}

        everyone = added(self.by_state, PASS_CODES)
        women = added(self.women_by_state, SEX_CODES)
        if sex is None:
            return {**everyone, "jpess_placed_female": women["jpess_placed"]}
        if sex == Sex.FEMALE:
            return {**women, "jpess_placed_female": women["jpess_placed"]}
        return {
            **{code: everyone[code] - women[code] for code in SEX_CODES},
            "jpess_placed_female": 0,
        }


# What the one pass counts: rows, COUNT(1) (Django's Count("*") takes no filter), not
# ids; see case_figures.
ROW = Value(1)


def case_figures(filters: ReportFilters) -> CaseFigures:
    """Every case count of the pack and the dashboard's headline counts, for everyone
    and for women, with the dashboard's stages and levels, in ONE aggregate query
    grouped by (office, status, level): a few hundred rows, added up here. It reads
    only case columns, all in the case_report_pass index, whose first columns are the
    grouping, so SQLite scans that narrow index in group order (no sort) instead of
    the wide case table (and PostgreSQL reads it alone, as rows are counted, COUNT(1),
    not their ids, which it does not hold: 0.37 s instead of 0.6-1.0 s over the heap at
    1,000,000 cases); the women's counts test the case's own copy of the sex. No
    Python callback runs per row on SQLite (dates compared as they are stored)."""
    from kembali.accounts.models import Office

    state_of = dict(Office.objects.values_list("pk", "state_id"))
    aggregates = {
        f"n_{code}": Count(ROW, filter=CASE_SETS[code](filters, None)) for code in PASS_CODES
    }
    if filters.sex is None:
        female = Q(person_sex=Sex.FEMALE)
        for code in SEX_CODES:
            aggregates[f"w_{code}"] = Count(ROW, filter=CASE_SETS[code](filters, None) & female)
    figures = CaseFigures(by_state={}, women_by_state={})
    rows = (
        Case.objects.filter(scope_q(filters))
        .values("office_id", "status", "rtw_level")
        .order_by()
        .annotate(**aggregates)
    )
    for row in rows:
        state = state_of[row.pop("office_id")]
        status, level = row.pop("status"), row.pop("rtw_level")
        stages, levels = figures.referrals_by_status, figures.returned_by_level
        stages[status] = stages.get(status, 0) + row["n_referrals"]
        levels[level] = levels.get(level, 0) + row["n_returned"]
        for name, n in row.items():
            kind, code = name.split("_", 1)
            rows_of = figures.by_state if kind == "n" else figures.women_by_state
            cell = rows_of.setdefault(state, {})
            cell[code] = cell.get(code, 0) + n
    if filters.sex == Sex.FEMALE:
        figures.women_by_state = figures.by_state
    return figures


def _retention_counts(filters: ReportFilters) -> dict[str, int]:
    """Read from the follow_up_retention index alone, which holds every column this
    reads (at 1,000,000 cases: SQLite 0.12 s instead of 1.0 s through the table)."""
    aggregates = {}
    for months in RETENTION_MONTHS:
        aggregates[f"retention_{months}_done"] = Count(
            "case", distinct=True, filter=Q(months=months)
        )
        aggregates[f"retention_{months}_kept"] = Count(
            "case", distinct=True, filter=Q(months=months, still_employed=True)
        )
    return FollowUp.objects.filter(
        scope_q(filters, "case__"), done_on__range=_period(filters)
    ).aggregate(**aggregates)


def _employer_state_q(filters: ReportFilters, prefix: str = "") -> Q:
    from kembali.accounts.models import Office

    if filters.office_id is not None:
        state = Office.objects.filter(pk=filters.office_id).values("state_id")
        return Q(**{f"{prefix}state_id__in": state})
    if filters.state:
        return Q(**{f"{prefix}state_id": filters.state})
    return Q()


def employers_engaged(filters: ReportFilters) -> int:
    """Employers first engaged in the period (in the office's state, or the state)."""
    return Employer.objects.filter(
        _employer_state_q(filters), engaged_on__range=_period(filters)
    ).count()


def trainings(filters: ReportFilters) -> dict[str, int]:
    held = Training.objects.filter(_employer_state_q(filters), date__range=_period(filters))
    trained = TrainingAttendance.objects.filter(
        _employer_state_q(filters, "training__"),
        training__date__range=_period(filters),
        attended=True,
    )
    return {
        "trainings_held": held.count(),
        "employers_trained": trained.values("employer").distinct().count(),
    }


def _ringgit(total) -> Decimal:
    return total or Decimal("0")


def _from_sen(total) -> Decimal:
    return Decimal(total or 0).scaleb(-2)


def _cost_querysets(filters: ReportFilters):
    """(queryset, amount field, prefix of the office and sex fields, the amount's sum in
    ringgit) per kind of cost. The interventions' costs are read from their sums per
    day, office and sex (InterventionCostDay, kept by kembali.plans.cost_days) when
    the filters are of those alone; else from the interventions, whose office, sex and
    plan in force are their own copies (the intervention_report_cost index)."""
    by_office_and_sex = not (filters.age_band or filters.injury_group or filters.eligibility_rule)
    if by_office_and_sex:
        interventions = InterventionCostDay.objects.filter(
            scope_q(filters, own_copies=True), day__range=_period(filters)
        )
        interventions_read = (interventions, "sen", "", _from_sen)
    else:
        interventions = Intervention.objects.filter(
            scope_q(filters, "plan__case__", own_copies=True),
            plan_in_force=True,
            planned_start__range=_period(filters),
        ).exclude(status=InterventionStatus.CANCELLED)
        interventions_read = (interventions, "cost", "", _ringgit)
    referrals = ProviderReferral.objects.filter(
        scope_q(filters, "case__"),
        intervention__isnull=True,
        cost__isnull=False,
        referred_on__range=_period(filters),
    ).exclude(status=ReferralStatus.CANCELLED)
    supports = SelfEmploymentSupport.objects.filter(
        scope_q(filters, "plan__case__"), given_on__range=_period(filters)
    )
    return (
        interventions_read,
        (referrals, "cost", "case__", _ringgit),
        (supports, "amount", "plan__case__", _ringgit),
    )


def cost(filters: ReportFilters) -> Decimal:
    total = Decimal("0")
    for qs, amount, _prefix, ringgit in _cost_querysets(filters):
        total += ringgit(qs.aggregate(total=Sum(amount))["total"])
    return total.quantize(MONEY_PLACES)


def days_histogram(qs: QuerySet, expression) -> dict[int, int]:
    """How many rows of `qs` have each value of a duration in days: one GROUP BY, a
    few hundred rows, from which the median and sums are exact (sorting every row for
    the median would cost more). Rows are counted, COUNT(*), not their ids: PostgreSQL
    then counts from an index alone where one holds the duration's columns (the
    returns to work of a year at 1,000,000 cases: 0.10 s instead of 0.27)."""
    rows = qs.annotate(_days=expression).values_list("_days").annotate(n=Count("*")).order_by()
    return {days: n for days, n in rows if days is not None}


def median_from_histogram(histogram: dict[int, int]) -> float | None:
    count = sum(histogram.values())
    if not count:
        return None
    low, high = (count - 1) // 2, count // 2  # the positions of the middle one or two
    middle: dict[int, int] = {}
    seen = 0
    for days in sorted(histogram):
        following = seen + histogram[days]
        for position in (low, high):
            if seen <= position < following:
                middle[position] = days
        seen = following
        if seen > high:
            break
    return (middle[low] + middle[high]) / 2


def _benefit_avoided(return_days: dict[int, int]) -> Decimal:
    """From the days to return of the period's returns (days_histogram)."""
    baseline = settings.KEMBALI_BENEFIT_BASELINE_DAYS
    days_avoided = sum(n * (baseline - days) for days, n in return_days.items() if days < baseline)
    rate = Decimal(str(settings.KEMBALI_DAILY_BENEFIT_RATE))
    return (rate * days_avoided).quantize(MONEY_PLACES)


def _employer_target(filters: ReportFilters) -> int:
    """The yearly target of new employers, for the length of the period."""
    days = (filters.end - filters.start).days + 1
    return round(settings.KEMBALI_EMPLOYER_TARGET_PER_YEAR * days / 365)


def _months(filters: ReportFilters) -> list[str]:
    keys = []
    year, month = filters.start.year, filters.start.month
    while (year, month) <= (filters.end.year, filters.end.month):
        keys.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return keys


def dashboard(filters: ReportFilters, *, suppress: bool) -> Dashboard:
    """Every figure of the dashboard for these filters; suppress: small cells of people
    (1 to 4) become None, with the percentages built on them and their complements."""
    scope = Case.objects.filter(scope_q(filters))
    figures = case_figures(filters)
    counts = figures.totals()
    counts.update(_retention_counts(filters))

    referred = scope.filter(_referred(filters))
    # Counted by day in SQL (at most one row a day, on the referral_date index), then
    # added up by month: truncating to months would call a function for every case.
    month_rows: dict[str, int] = {}
    for day, n in referred.values_list("referral_date").annotate(n=Count("*")).order_by():
        key = f"{day.year:04d}-{day.month:02d}"
        month_rows[key] = month_rows.get(key, 0) + n
    by_month = [(key, month_rows.get(key, 0)) for key in _months(filters)]
    # Stages and levels come with the counts, from the one pass over the cases.
    stage_rows, level_rows = figures.referrals_by_status, figures.returned_by_level
    by_stage = [(value, label, stage_rows.get(value, 0)) for value, label in Status.choices]
    by_level = [(value, label, level_rows.get(value, 0)) for value, label in RtwLevel.choices]
    returned = scope.filter(_returned(filters))

    # Histograms of days: their medians, their sizes, and the benefit avoided. First
    # approvals by the case's copy of their day (the case_report_plan index).
    first_plans = scope.filter(_plan_approved(filters))
    plan_days = days_histogram(first_plans, _days_between("plan_approved_on", "referral_date"))
    counts["plan_approved"] = sum(plan_days.values())
    median_plan = median_from_histogram(plan_days)
    return_days = days_histogram(returned, _days_between("rtw_date", "referral_date"))
    median_rtw = median_from_histogram(return_days)

    pack = pack_for(filters, suppress=suppress, figures=figures)
    total_cost = pack.by_sex["cost"]["total"]
    benefit = _benefit_avoided(return_days)
    cost_per_case = (
        (total_cost / counts["served"]).quantize(MONEY_PLACES) if counts["served"] else None
    )
    ratio = round(float(benefit / total_cost), 2) if total_cost else None

    percents = {
        "eligibility_rate": _pct(counts["eligible"], counts["decided"]),
        "rtw_rate": _pct(counts["ended_returned"], counts["ended"]),
        "jpess_female_share": _pct(counts["jpess_placed_female"], counts["jpess_placed"]),
        "served_jpess_share": _pct(counts["served_jpess"], counts["served"]),
    }
    for months in RETENTION_MONTHS:
        percents[f"retention_{months}"] = _pct(
            counts[f"retention_{months}_kept"], counts[f"retention_{months}_done"]
        )
    result = Dashboard(
        filters=filters,
        counts=counts,
        percents=percents,
        by_month=by_month,
        by_stage=by_stage,
        by_level=by_level,
        median_days_to_plan=median_plan,
        median_days_to_rtw=median_rtw,
        employer_target=_employer_target(filters),
        cost=total_cost,
        cost_per_case=cost_per_case,
        benefit_avoided=benefit,
        benefit_cost_ratio=ratio,
        pack=pack,
    )
    if suppress:
        _suppress_dashboard(result)
    return result


# Percentages and the (part, whole) counts they are built on.
PERCENT_PARTS = {
    "eligibility_rate": ("eligible", "decided"),
    "rtw_rate": ("ended_returned", "ended"),
    "jpess_female_share": ("jpess_placed_female", "jpess_placed"),
    "served_jpess_share": ("served_jpess", "served"),
    "retention_6": ("retention_6_kept", "retention_6_done"),
    "retention_12": ("retention_12_kept", "retention_12_done"),
}
# Figures that count employers or trainings, not people: never suppressed.
NOT_PEOPLE = {"employers_engaged", "trainings_held", "employers_trained", "cost"}


def _suppress_dashboard(result: Dashboard) -> None:
    counts = result.counts
    for code, (part, whole) in PERCENT_PARTS.items():
        part_value, whole_value, percent = suppress_pair(
            counts[part], counts[whole], result.percents[code]
        )
        counts[part], counts[whole], result.percents[code] = part_value, whole_value, percent
    for code, value in counts.items():
        if isinstance(value, int) and 0 < value < 5:
            counts[code] = None
    months = [key for key, _n in result.by_month]
    result.by_month = list(
        zip(months, suppress_column([n for _key, n in result.by_month]), strict=True)
    )
    result.by_stage = [
        (value, label, n)
        for (value, label, _old), n in zip(
            result.by_stage, suppress_column([n for *_, n in result.by_stage]), strict=True
        )
    ]
    result.by_level = [
        (value, label, n)
        for (value, label, _old), n in zip(
            result.by_level, suppress_column([n for *_, n in result.by_level]), strict=True
        )
    ]
    # A median of fewer than five people is one of them.
    if counts["plan_approved"] is None:
        result.median_days_to_plan = None
    if counts["returned"] is None:
        result.median_days_to_rtw = None
    result.suppressed = True


# The ministry pack lives beside this module (kpis_pack) and is re-exported here: the
# pack, the dashboard and the exports all import it from kembali.reports.kpis.
from kembali.reports.kpis_pack import PACK_MEASURES, ministry_pack, pack_for  # noqa: E402, F401
