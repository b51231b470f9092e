"""The dashboard's figures, kept for a few minutes in Django's cache.

A national dashboard is a few dozen aggregates over every case: recomputing them on
each page view makes the page cost what the aggregates cost. The figures are kept
per (filters, suppression), which is all they depend on: the supervisor's office is
already in the filters, and the drill-down links and the wording are added when the
page is drawn, in the reader's language (the figures hold no translated text, only
lazy labels), so one entry serves every reader of that scope. A reader sees when
they were computed; supervisors and national administrators may recompute them at
once. KEMBALI_DASHBOARD_CACHE_SECONDS sets how long they are kept (0: never).

The drill-down and the ministry pack are not cached: they are exact at the moment
they are asked for.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from kembali.cases.models import RtwLevel, Status
from kembali.reports import kpis

# Bumped when the cached Dashboard's shape changes, so old entries are not read.
FORMAT = 1


@dataclasses.dataclass(frozen=True)
class CachedDashboard:
    dashboard: kpis.Dashboard
    computed_at: dt.datetime


def cache_seconds() -> int:
    return max(0, int(settings.KEMBALI_DASHBOARD_CACHE_SECONDS))


def dashboard_cache_key(filters: kpis.ReportFilters, *, suppress: bool) -> str:
    """Everything the figures depend on besides the data: the filters, suppression,
    and the programme settings the money figures are computed with."""
    parts = (
        FORMAT,
        dataclasses.astuple(filters),
        suppress,
        settings.KEMBALI_DAILY_BENEFIT_RATE,
        settings.KEMBALI_BENEFIT_BASELINE_DAYS,
        settings.KEMBALI_EMPLOYER_TARGET_PER_YEAR,
    )
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
    return f"kembali:reports:dashboard:{digest}"


def _storable(figures: kpis.Dashboard) -> kpis.Dashboard:
    """The figures without lazy translations, which are slow to unpickle (each one
    builds a class, about a millisecond): the stage and level labels and the pack's
    measures are put back from their definitions when read (_readable)."""
    return dataclasses.replace(
        figures,
        by_stage=[(value, "", n) for value, _label, n in figures.by_stage],
        by_level=[(value, "", n) for value, _label, n in figures.by_level],
        pack=dataclasses.replace(figures.pack, measures=()),
    )


def _readable(figures: kpis.Dashboard) -> kpis.Dashboard:
    return dataclasses.replace(
        figures,
        by_stage=[(value, Status(value).label, n) for value, _label, n in figures.by_stage],
        by_level=[(value, RtwLevel(value).label, n) for value, _label, n in figures.by_level],
        pack=dataclasses.replace(figures.pack, measures=kpis.PACK_MEASURES),
    )


def dashboard_figures(filters: kpis.ReportFilters, *, suppress: bool) -> CachedDashboard:
    """The dashboard's figures: those kept from a recent computation, or computed now
    (and kept)."""
    seconds = cache_seconds()
    if seconds:
        kept = cache.get(dashboard_cache_key(filters, suppress=suppress))
        if isinstance(kept, CachedDashboard):
            return CachedDashboard(_readable(kept.dashboard), kept.computed_at)
    fresh = CachedDashboard(kpis.dashboard(filters, suppress=suppress), timezone.now())
    if seconds:
        stored = CachedDashboard(_storable(fresh.dashboard), fresh.computed_at)
        cache.set(dashboard_cache_key(filters, suppress=suppress), stored, seconds)
    return fresh


def dashboard_html(kept: CachedDashboard, *, variant: tuple, draw: Callable[[], str]) -> str:
    """The kept figures drawn as HTML by `draw()`, kept with them: drawing the charts
    and tables costs more than the rest of the page. One drawing per language and
    `variant` (what else the drawing shows: the filters of the drill-down links,
    whether there are links); a refresh computes new figures, and so draws anew."""
    seconds = cache_seconds()
    if not seconds:
        return draw()
    parts = (kept.computed_at.isoformat(), get_language(), variant)
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
    figures = kept.dashboard
    key = f"{dashboard_cache_key(figures.filters, suppress=figures.suppressed)}:{digest}"
    html = cache.get(key)
    if html is None:
        html = draw()
        cache.set(key, html, seconds)
    return mark_safe(html)  # noqa: S308 - drawn from our own template just above


def dashboard_forget(filters: kpis.ReportFilters, *, suppress: bool) -> None:
    """Drop the kept figures of this scope: the next view computes them again."""
    cache.delete(dashboard_cache_key(filters, suppress=suppress))
