"""The reports pages: the dashboard of key figures and the drill-down to the cases
behind a figure. Thin: the filter form, one call to kpis, the rows to show."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from kembali.accounts import roles
from kembali.accounts.models import Role
from kembali.cases.access import cases_visible_to
from kembali.cases.models import RtwLevel, Status
from kembali.core.digits import is_digits
from kembali.reports import kpis
from kembali.reports.caseload import may_view_caseload
from kembali.reports.charts import Bar, bar_chart
from kembali.reports.dashboard_cache import (
    cache_seconds,
    dashboard_figures,
    dashboard_forget,
    dashboard_html,
)
from kembali.reports.dashboard_page import content_html
from kembali.reports.filter_html import filter_form_html
from kembali.reports.filters import ReportFilterForm
from kembali.reports.pack import may_request_pack
from kembali.reports.suppression import NA

FILTER_FIELDS = (
    "start", "end", "state", "office", "sex", "age_band", "injury_group", "eligibility_rule",
)  # fmt: skip

# What the drill-down page calls the cases behind each figure.
FIGURE_TITLES = {
    "referrals": gettext_lazy("Cases referred"),
    "decided": gettext_lazy("Cases referred with an eligibility decision"),
    "eligible": gettext_lazy("Cases referred and found eligible"),
    "stage": gettext_lazy("Cases referred, by stage"),
    "plan_approved": gettext_lazy("Cases whose first plan was approved"),
    "returned": gettext_lazy("Cases returned to work"),
    "ended": gettext_lazy("Cases returned to work or closed"),
    "ended_returned": gettext_lazy("Cases returned to work or closed, that returned to work"),
    "jpess_placed": gettext_lazy("Persons placed in new jobs (JPESS)"),
    "jpess_placed_female": gettext_lazy("Women placed in new jobs (JPESS)"),
    "self_employed": gettext_lazy("Persons who became self-employed"),
    "served": gettext_lazy("Cases of persons receiving RTW services"),
    "served_jpess": gettext_lazy("Cases of persons receiving JPESS"),
    "retention_6_done": gettext_lazy("Cases with a 6-month follow-up done"),
    "retention_6_kept": gettext_lazy("Cases still in work at the 6-month follow-up"),
    "retention_12_done": gettext_lazy("Cases with a 12-month follow-up done"),
    "retention_12_kept": gettext_lazy("Cases still in work at the 12-month follow-up"),
}


def may_see_reports(user) -> bool:
    """Supervisors (of an office), national administrators and ministry analysts."""
    if not roles.sees_reports.test(user):
        return False
    return user.role != Role.SUPERVISOR or user.office_id is not None


def may_refresh_figures(user) -> bool:
    """Who may have the kept dashboard figures computed again at once: supervisors and
    national administrators (the people who act on them)."""
    return may_see_reports(user) and user.role in (Role.SUPERVISOR, Role.NATIONAL_ADMIN)


def may_drill_down(user) -> bool:
    """The cases behind a number: not for the analyst, who sees aggregates only."""
    return may_see_reports(user) and roles.sees_personal_data.test(user)


@dataclass
class Cell:
    text: str
    href: str | None = None


@dataclass
class FigureRow:
    label: str
    value: str
    basis: list[Cell]  # the counts the value is built on, each a drill-down link


class Formatter:
    def __init__(self, *, suppressed: bool, query: str, links: bool):
        self.suppressed = suppressed
        self.query = query
        self.links = links

    def count(self, value) -> str:
        if value is None:
            return _("fewer than 5")
        return number_format(value, force_grouping=True)

    def derived(self, value, unit: str = "") -> str:
        """A percentage or median: None is suppressed or, with no cases, no data."""
        if value is None:
            return _("suppressed (small numbers)") if self.suppressed else _("no data")
        return f"{number_format(value, 1, force_grouping=True)}{unit}"

    def money(self, value) -> str:
        if value is None:
            return _("no data")
        return "RM " + number_format(value, 2, force_grouping=True)

    def href(self, figure: str, value, key: str | None = None) -> str | None:
        if not self.links or not value:
            return None
        extra = {"figure": figure, **({"key": key} if key else {})}
        return f"{reverse('reports:cases')}?{self.query}&{urlencode(extra)}"

    def cell(self, figure: str, value, key: str | None = None) -> Cell:
        return Cell(self.count(value), self.href(figure, value, key))


def _filter_query(form: ReportFilterForm) -> str:
    data = {name: form.data.get(name, "") for name in FILTER_FIELDS}
    return urlencode({k: v for k, v in data.items() if v})


def _figure_rows(d: kpis.Dashboard, fmt: Formatter) -> list[FigureRow]:
    c, p = d.counts, d.percents

    def rate(label, code, part, whole):
        basis = [fmt.cell(part, c[part]), Cell(_("of")), fmt.cell(whole, c[whole])]
        return FigureRow(label, fmt.derived(p[code], " %"), basis)

    days = _("days")
    rows = [
        FigureRow(
            _("Referrals"), fmt.count(c["referrals"]), [fmt.cell("referrals", c["referrals"])]
        ),
        rate(_("Eligibility rate"), "eligibility_rate", "eligible", "decided"),
        FigureRow(
            _("Median days from referral to plan approval"),
            fmt.derived(d.median_days_to_plan, f" {days}"),
            [fmt.cell("plan_approved", c["plan_approved"])],
        ),
        FigureRow(
            _("Median days from referral to return to work"),
            fmt.derived(d.median_days_to_rtw, f" {days}"),
            [fmt.cell("returned", c["returned"])],
        ),
        rate(_("Return-to-work rate"), "rtw_rate", "ended_returned", "ended"),
        FigureRow(
            _("JPESS placements (new employer, levels 4 to 6)"),
            fmt.count(c["jpess_placed"]),
            [fmt.cell("jpess_placed", c["jpess_placed"])],
        ),
        rate(
            _("Women among persons placed"),
            "jpess_female_share",
            "jpess_placed_female",
            "jpess_placed",
        ),
        FigureRow(
            _("Self-employed (level 7)"),
            fmt.count(c["self_employed"]),
            [fmt.cell("self_employed", c["self_employed"])],
        ),
        rate(_("Retention at 6 months"), "retention_6", "retention_6_kept", "retention_6_done"),
        rate(_("Retention at 12 months"), "retention_12", "retention_12_kept", "retention_12_done"),
        FigureRow(
            _("Persons receiving RTW services"),
            fmt.count(c["served"]),
            [fmt.cell("served", c["served"])],
        ),
        rate(_("Of them receiving JPESS"), "served_jpess_share", "served_jpess", "served"),
    ]
    pack_total = d.pack.by_state[-1][1]
    target = _("target for the period: %(target)s") % {
        "target": number_format(d.employer_target, force_grouping=True)
    }
    rows += [
        FigureRow(
            _("New employers engaged"),
            number_format(pack_total["employers_engaged"], force_grouping=True),
            [Cell(target)],
        ),
        FigureRow(
            _("Disability equality trainings held"),
            number_format(pack_total["trainings_held"], force_grouping=True),
            [],
        ),
        FigureRow(
            _("Employers trained"),
            number_format(pack_total["employers_trained"], force_grouping=True),
            [],
        ),
        FigureRow(_("Intervention costs"), fmt.money(d.cost), []),
        FigureRow(
            _("Cost per case (per person receiving services)"), fmt.money(d.cost_per_case), []
        ),
        FigureRow(_("Benefit payments avoided"), fmt.money(d.benefit_avoided), []),
        FigureRow(
            _("Benefit-cost ratio"),
            f"{number_format(d.benefit_cost_ratio, 2)} : 1"
            if d.benefit_cost_ratio is not None
            else _("no data"),
            [],
        ),
    ]
    return rows


def _chart(title: str, chart_id: str, rows: list[tuple[str, object, str, str | None]], fmt):
    """rows: (label, value, figure, key) -> the SVG and the table rows beside it."""
    bars = [Bar(label, value, fmt.count(value)) for label, value, _f, _k in rows]
    table = [(label, fmt.cell(figure, value, key)) for label, value, figure, key in rows]
    return {
        "title": title,
        "id": chart_id,
        "svg": bar_chart(bars, title=title, chart_id=chart_id),
        "rows": table,
    }


def _month_label(key: str) -> str:
    import datetime as dt

    from django.utils.formats import date_format

    year, month = (int(part) for part in key.split("-"))
    return date_format(dt.date(year, month, 1), "M Y")


def _pack_table(pack: kpis.MinistryPack, fmt: Formatter):
    def show(measure, value):
        if value == NA:
            return value
        if measure.kind == "money":
            return fmt.money(value)
        if measure.kind == "percent":
            return fmt.derived(value, " %")
        return fmt.count(value)

    by_sex = [
        (m.label, [show(m, pack.by_sex[m.code][k]) for k in ("male", "female", "total")])
        for m in pack.measures
    ]
    by_state = [
        (name, [show(m, row[m.code]) for m in pack.measures]) for name, row in pack.by_state
    ]
    return by_sex, by_state


def _results_html(result: kpis.Dashboard, *, query: str, links: bool) -> str:
    """The figures, charts and tables of the dashboard, drawn in the active language."""
    fmt = Formatter(suppressed=result.suppressed, query=query, links=links)
    by_sex, by_state = _pack_table(result.pack, fmt)
    charts = [
        _chart(
            _("Referrals by month"),
            "chart-months",
            [(_month_label(key), n, "referrals", key) for key, n in result.by_month],
            fmt,
        ),
        _chart(
            _("Cases referred in the period, by stage today"),
            "chart-stages",
            [(label, n, "stage", value) for value, label, n in result.by_stage],
            fmt,
        ),
        _chart(
            _("Returns to work by level of the RTW hierarchy"),
            "chart-levels",
            [
                (f"{value}. {label}", n, "returned", str(value))
                for value, label, n in result.by_level
            ],
            fmt,
        ),
    ]
    context = {
        "result": result,
        "figures": _figure_rows(result, fmt),
        "charts": charts,
        "pack": result.pack,
        "pack_by_sex": by_sex,
        "pack_by_state": by_state,
        "daily_rate": settings.KEMBALI_DAILY_BENEFIT_RATE,
        "baseline_days": settings.KEMBALI_BENEFIT_BASELINE_DAYS,
        "employer_target_year": settings.KEMBALI_EMPLOYER_TARGET_PER_YEAR,
    }
    return render_to_string("reports/_dashboard_results.html", context)


@login_required
def dashboard(request):
    user = request.user
    if not may_see_reports(user):
        raise Http404
    form = ReportFilterForm(request.GET, user=user)
    context = {
        "form": form,
        "filter_form_html": filter_form_html(form),
        "may_view_caseload": may_view_caseload(user),
        "may_request_pack": may_request_pack(user),
    }
    if form.is_valid():
        filters = form.report_filters()
        suppress = user.role == Role.MINISTRY_ANALYST
        kept = dashboard_figures(filters, suppress=suppress)
        query = _filter_query(form)
        links = may_drill_down(user)
        context.update(
            result=kept.dashboard,
            results_html=dashboard_html(
                kept,
                variant=(query, links),
                draw=lambda: _results_html(kept.dashboard, query=query, links=links),
            ),
            computed_at=kept.computed_at,
            kept_minutes=(cache_seconds() + 59) // 60,
            may_refresh=may_refresh_figures(user) and cache_seconds() > 0,
            filter_query=query,
        )
    # One token for the whole page, as the template's csrf_token was: masking one
    # costs as much as writing the rest of the content.
    context["csrf_token"] = get_token(request)
    context["content_html"] = content_html(**context)
    return render(request, "reports/dashboard.html", context)


@login_required
@require_POST
def dashboard_refresh(request):
    """Compute the dashboard's figures again now (for the filters in the query string,
    as the dashboard's), instead of showing those kept from a few minutes ago."""
    user = request.user
    if not may_refresh_figures(user):
        raise Http404
    form = ReportFilterForm(request.GET, user=user)
    if not form.is_valid():
        return redirect(reverse("reports:dashboard"))
    filters = form.report_filters()
    # Readers with and without small-number suppression see the same moment again.
    for suppress in (False, True):
        dashboard_forget(filters, suppress=suppress)
    return redirect(f"{reverse('reports:dashboard')}?{_filter_query(form)}")


def _valid_key(figure: str, key: str) -> bool:
    if not key:
        return True
    if figure == "referrals":
        return bool(re.fullmatch(r"[0-9]{4}-(0[1-9]|1[0-2])", key))
    if figure == "stage":
        return key in Status.values
    if figure == "returned":
        return is_digits(key) and int(key) in RtwLevel.values
    return False


@login_required
def drilldown(request):
    user = request.user
    if not may_drill_down(user):
        raise Http404
    figure = request.GET.get("figure") or "referrals"
    key = request.GET.get("key", "")
    if figure not in kpis.CASE_SETS or not _valid_key(figure, key):
        raise Http404
    form = ReportFilterForm(request.GET, user=user)
    context = {"form": form, "figure_title": FIGURE_TITLES[figure]}
    if form.is_valid():
        filters = form.report_filters()
        cases = (
            (cases_visible_to(user) & kpis.case_set(figure, filters, key or None))
            .select_related("person", "office")
            .order_by("-referral_date", "-id")
        )
        page = Paginator(cases, settings.KEMBALI_PAGE_SIZE).get_page(request.GET.get("page"))
        context.update(
            page_obj=page,
            filters=filters,
            key_label=_key_label(figure, key),
            back_url=f"{reverse('reports:dashboard')}?{_filter_query(form)}",
        )
    return render(request, "reports/drilldown.html", context)


def _key_label(figure: str, key: str) -> str:
    if not key:
        return ""
    if figure == "referrals":
        return _month_label(key)
    if figure == "stage":
        return str(Status(key).label)
    return f"{key}. {RtwLevel(int(key)).label}"
