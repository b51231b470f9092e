"""The case lists' results region and filter form, written in Python.

A page of 25 cases through the template engine cost about three times the bare
signed-in request: some 600 variable lookups, a filter per cell, a template per
option of the status list. Here a row is one f-string over plain values (as
kembali.cases.selectors.case_list_rows reads them); what is the same on every row
or every page (column headings, status labels, the filter form for a given
status) is translated and escaped once per language. The HTML is what
cases/_case_results.html and cases/_case_filter.html wrote, and the page around them
what cases/case_list.html and cases/my_cases.html write without form errors
(tests/cases/test_case_list_html.py compares them)."""

from __future__ import annotations

import functools
from html import escape as _escape  # Django's escape() without its lazy-text check

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.urls import get_script_prefix
from django.utils.dates import MONTHS_3
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext, ngettext
from django.utils.translation import gettext_lazy as _

from kembali.cases.models import Status
from kembali.core.layout import page_response
from kembali.core.pagination import pagination_html
from kembali.core.templatetags.kembali import (
    nric_masked,
    status_tag_class,
    url_around,
    url_with,
)

_NO_MATCH = _("No cases match. Check the spelling, or search by NRIC or case number.")
# The table's column headings (lazy: translated when a language's table is first made).
_HEADINGS = (
    _("Case number"),
    _("Person"),
    _("NRIC"),
    _("Office"),
    _("Status"),
    _("Case manager"),
    _("Referral date"),
)


@functools.lru_cache(maxsize=8)
def _fixed(language: str) -> dict:
    """Called with `language` active."""
    return {
        "months": {n: escape(str(MONTHS_3[n]).title()) for n in MONTHS_3},
        "ending_in": escape(gettext("ending in")),
        "not_assigned": escape(gettext("Not assigned")),
        "statuses": {
            value: (status_tag_class(value), escape(str(label))) for value, label in Status.choices
        },
        "head": (
            '<div class="kembali-table-wrapper" role="region" '
            'aria-labelledby="case-table-caption" tabindex="0">\n'
            '  <table class="kembali-table">\n'
            '    <caption id="case-table-caption" class="kembali-visually-hidden">'
            + escape(gettext("Cases, newest referral first"))
            + "</caption>\n"
            "    <thead>\n      <tr>\n"
            + "".join(f'        <th scope="col">{escape(heading)}</th>\n' for heading in _HEADINGS)
            + "      </tr>\n    </thead>\n    <tbody>\n      "
        ),
        "foot": "\n    </tbody>\n  </table>\n</div>\n",
        "none": f"<p>{escape(_NO_MATCH)}</p>\n",
    }


def _day_month_year(day, months: dict) -> str:
    """{{ day|date:"j M Y" }}: 5 Feb 2024, the month's abbreviation translated."""
    if not day:
        return ""
    return f"{day.day} {months[day.month]} {day.year}"


def _count_text(page) -> str:
    paginator = page.paginator
    if paginator.more:
        text = gettext("More than %(bound)s cases found, the newest %(bound)s listed") % {
            "bound": escape(paginator.bound_display)
        }
    elif not paginator.exact:  # a search, before its last page: not counted
        return gettext("More than %(counter)s cases found, page %(number)s") % {
            "counter": f"{paginator.count:,}",
            "number": page.number,
        }
    else:
        count = paginator.count
        text = ngettext("%(counter)s case found", "%(counter)s cases found", count) % {
            "counter": count
        }
    if paginator.num_pages > 1:
        text += ", " + gettext("page %(number)s of %(pages)s") % {
            "number": page.number,
            "pages": paginator.num_pages,
        }
    if paginator.more:
        text += ". " + escape(gettext("Search or filter to find the others."))
    return text


def results_html(page, *, query, results_id: str) -> SafeString:
    """The results region: how many were found, the table of this page's rows
    (page.object_list: tuples of kembali.cases.selectors.CASE_LIST_ROW) and the
    page links."""
    language = get_language()
    fixed = _fixed(language)
    parts = [f'<p class="kembali-results__count" role="status">{_count_text(page)}</p>\n']
    rows = page.object_list
    if not rows:
        parts.append(fixed["none"])
        return mark_safe("".join(parts))  # noqa: S308 (escaped above)
    statuses = fixed["statuses"]
    ending_in, not_assigned = fixed["ending_in"], fixed["not_assigned"]
    dates: dict = {}
    before, after = url_around("cases:detail")

    def case_url(number: str) -> str:
        if number and number.replace("-", "").isalnum():
            return f"{before}{number}{after}"
        return url_with(number, "cases:detail")  # not a plain path segment: reverse()

    parts.append(fixed["head"])
    for number, name, nric, office, status, manager_id, first, last, username, day in rows:
        tag, label = statuses.get(status) or (status_tag_class(status), _escape(status))
        if manager_id is None:
            manager = not_assigned
        else:
            manager = _escape(f"{first} {last}".strip() or username)
        if day not in dates:
            dates[day] = _day_month_year(day, fixed["months"])
        nric = nric or ""
        parts.append(
            "<tr>\n"
            '        <th scope="row" class="kembali-table__nowrap">'
            f'<a href="{_escape(case_url(number))}">{_escape(number)}</a></th>\n'
            f"        <td>{_escape(name)}</td>\n"
            '        <td class="kembali-table__nowrap"><span class="kembali-visually-hidden">'
            f'{ending_in} </span><span aria-hidden="true">{_escape(nric_masked(nric))}</span>'
            f'<span class="kembali-visually-hidden">{_escape(nric[-4:])}</span></td>\n'
            f"        <td>{_escape(office)}</td>\n"
            f'        <td><strong class="kembali-tag {tag}">{label}</strong></td>\n'
            f"        <td>{manager}</td>\n"
            f"        <td>{dates[day]}</td>\n"
            "      </tr>\n      "
        )
    parts.append(fixed["foot"])
    parts.append(pagination_html(page, query=query, htmx_target=results_id))
    return mark_safe("".join(parts))  # noqa: S308 (every value above is escaped)


def filter_html(form, *, list_url_name: str, results_id: str) -> SafeString:
    """The search and filter form. Without the office filter (whose choices come
    from the database) and without errors, it depends only on the language, the
    list, whether the form was sent and the status chosen, and is rendered once
    per such combination, the search text put in afterwards."""
    context = {"form": form, "list_url_name": list_url_name, "results_id": results_id}
    if "office" in form.fields or (form.is_bound and not form.is_valid()):
        return render_to_string("cases/_case_filter.html", context)
    query = form.cleaned_data.get("q", "") if form.is_bound else ""
    status = form.cleaned_data.get("status", "") if form.is_bound else ""
    html = _filter_with_stand_in(
        get_language(),
        list_url_name,
        get_script_prefix(),
        results_id,
        form.is_bound,
        status,
        type(form),
    )
    stand_in = f' value="{_Q_STAND_IN}"'
    return mark_safe(html.replace(stand_in, f' value="{escape(query)}"' if query else ""))  # noqa: S308


_Q_STAND_IN = "KEMBALI-SEARCH-STAND-IN"


@functools.lru_cache(maxsize=256)
def _filter_with_stand_in(
    language: str,
    list_url_name: str,
    script_prefix: str,  # the form's address starts with it
    results_id: str,
    bound: bool,
    status: str,
    form_class,
) -> str:
    data = {"q": _Q_STAND_IN, "status": status}
    form = form_class(data if bound else None, initial=None if bound else {"q": _Q_STAND_IN})
    html = render_to_string(
        "cases/_case_filter.html",
        {"form": form, "list_url_name": list_url_name, "results_id": results_id},
    )
    if html.count(f' value="{_Q_STAND_IN}"') != 1:  # never expected: the form changed
        raise RuntimeError("the case filter form no longer shows the search text once")
    return html


# The lists' titles (and my cases' line under its heading), as their templates have them.
_PAGES = {
    False: (_("Cases"), None),  # cases/case_list.html
    True: (_("My cases"), _("Cases where you are the case manager or the job placement officer.")),
}


@functools.lru_cache(maxsize=8)
def _page_fixed(language: str, mine: bool) -> tuple[str, str]:
    """(the title, the content before the filter form). Called with `language` active."""
    title, intro = _PAGES[mine]
    head = f"\n\n<h1>{escape(title)}</h1>\n"
    if intro is not None:
        head += f"<p>{escape(intro)}</p>\n"
    return str(title), head


def list_page(
    request, *, mine: bool, filter_form: str, results: str, results_id: str
) -> HttpResponse:
    """The case list's page (my cases' if `mine`) around its filter form and
    results, as its template writes it when the form has no errors (with errors,
    the template, which shows their summary, renders it)."""
    title, head = _page_fixed(get_language(), mine)
    content = (
        f'{head}{filter_form}\n<div id="{escape(results_id)}" class="kembali-results">\n'
        f"  {results}\n</div>\n"
    )
    return page_response(request, title=title, content=content)


def results_response(results: str) -> HttpResponse:
    """The results region alone, for htmx: what cases/_case_results.html writes."""
    return HttpResponse(f"{results}\n")
