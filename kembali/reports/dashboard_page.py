"""The dashboard page's content (the `content` block of reports/dashboard.html),
written in Python.

With the figures and their drawing kept (dashboard_cache) and the filter form's
HTML reused (filter_html), the template around them was the largest cost left of a
dashboard view: a few paragraphs and links through the template engine cost more than
the rest of the view. This writes the same HTML (tests/reports/test_dashboard_html.py
compares it with the template it replaces) from the same strings, translated and
escaped as the template's tags did."""

from __future__ import annotations

import datetime as dt
import functools

from django.template.loader import render_to_string
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.formats import date_format, localize, time_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import template_localtime
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from kembali.reports import kpis


@functools.lru_cache(maxsize=64)
def _heading_and_links(
    language: str, script_prefix: str, urlconf, may_view_caseload: bool, may_request_pack: bool
) -> str:
    """The heading and the links to the other reports: the same for everyone with the
    same language and links (the address parts are here as the links start with them)."""
    heading = escape(_("Programme dashboard"))
    parts = [f"\n<h1>{heading}</h1>\n"]
    if may_view_caseload or may_request_pack:
        parts.append('\n<ul class="kembali-list">\n  ')
        if may_view_caseload:
            text = escape(_("Caseload of each officer"))
            parts.append(f'<li><a href="{escape(reverse("reports:caseload"))}">{text}</a></li>')
        parts.append("\n  ")
        if may_request_pack:
            text = escape(_("Ministry report pack (PDF and XLSX)"))
            parts.append(f'<li><a href="{escape(reverse("reports:pack"))}">{text}</a></li>')
        parts.append("\n</ul>\n")
    return "".join(parts)


def content_html(
    *,
    csrf_token: str,
    form,
    filter_form_html: str,
    may_view_caseload: bool,
    may_request_pack: bool,
    result: kpis.Dashboard | None = None,
    computed_at: dt.datetime | None = None,
    kept_minutes: int = 0,
    may_refresh: bool = False,
    filter_query: str = "",
    results_html: str = "",
) -> SafeString:
    """The page's content: errors, heading, links, the filter form, then (for a valid
    form) the period, when the figures were computed, the refresh button and the
    figures drawn (results_html). csrf_token: the page's (masked) token, as the
    template's {% csrf_token %} wrote it."""
    parts = ["\n"]
    if form.errors:
        parts.append(render_to_string("includes/error_summary.html", {"form": form}))
    else:
        parts.append("\n")  # what includes/error_summary.html writes without errors
    parts.append(
        _heading_and_links(
            get_language(), get_script_prefix(), get_urlconf(), may_view_caseload, may_request_pack
        )
    )
    parts.append(f"\n{filter_form_html}\n")
    if result:
        parts.append(
            _results_head(
                csrf_token,
                result=result,
                computed_at=computed_at,
                kept_minutes=kept_minutes,
                may_refresh=may_refresh,
                filter_query=filter_query,
            )
        )
        parts.append(f"\n  {results_html}\n</div>\n")
    parts.append("\n")
    return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped or ours


def _results_head(csrf_token, *, result, computed_at, kept_minutes, may_refresh, filter_query):
    period = _("Figures for %(start)s to %(end)s.") % {
        "start": escape(date_format(result.filters.start, "j M Y")),
        "end": escape(date_format(result.filters.end, "j M Y")),
    }
    as_of = _("Figures as of %(time)s.") % {
        "time": escape(time_format(template_localtime(computed_at), "H:i"))
    }
    if kept_minutes:
        kept = ngettext(
            "They are kept for up to %(minutes)s minute: changes to cases since then are "
            "not counted yet.",
            "They are kept for up to %(minutes)s minutes: changes to cases since then are "
            "not counted yet.",
            kept_minutes,
        ) % {"minutes": escape(localize(kept_minutes))}
        as_of = f"{as_of} {kept}"
    parts = [
        '\n<div id="report-results">\n',
        f'  <p class="kembali-lead">{period}</p>\n',
        f'  <p class="kembali-body" id="figures-as-of">{as_of}</p>\n  ',
    ]
    if may_refresh:
        action = f"{reverse('reports:dashboard_refresh')}?{filter_query}"
        button = escape(_("Compute the figures again now"))
        parts.append(
            f'\n  <form method="post" action="{escape(action)}" class="kembali-filter">\n'
            '    <input type="hidden" name="csrfmiddlewaretoken" '
            f'value="{escape(csrf_token)}">\n'
            '    <button type="submit" class="kembali-button kembali-button--secondary">'
            f"{button}</button>\n"
            "  </form>\n  "
        )
    return "".join(parts)
