"""Pagination links in Python: what includes/pagination.html writes, for the hot
lists that render their results without the template engine (a page of the case
list spent more time in that template's tags than in its queries).
tests/core/test_pagination.py checks that both write the same links."""

from __future__ import annotations

import functools

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext


@functools.lru_cache(maxsize=8)
def _labels(language: str) -> tuple[str, str, str, str]:
    """The links' fixed words, escaped (called with `language` active)."""
    words = (gettext("page"), gettext("Pages"), gettext("Previous"), gettext("Next"))
    return tuple(escape(word) for word in words)


def _querystring(query, page: int) -> str:
    """{% querystring page=page %}: the request's parameters with this page."""
    params = query.copy()
    params["page"] = page
    return escape(f"?{params.urlencode()}")


def pagination_html(page, *, query, htmx_target: str = "") -> SafeString:
    """The page links for a Django Page; `query` is request.GET, whose other
    parameters (search, filters) every link keeps. Inside an htmx region the links
    are boosted into the same target, and work as plain links without JS."""
    if not page.has_other_pages():
        return mark_safe("")
    hidden_page, pages, previous, following = _labels(get_language())
    boost = (
        f' hx-boost="true" hx-target="#{escape(htmx_target)}" hx-push-url="true"'
        if htmx_target
        else ""
    )
    parts = [f'\n<nav class="kembali-pagination" aria-label="{pages}"{boost}>\n  ']
    if page.has_previous():
        parts.append(
            '<a class="kembali-pagination__prev" '
            f'href="{_querystring(query, page.previous_page_number())}" rel="prev">'
            f'{previous}<span class="kembali-visually-hidden"> '
            f"{hidden_page}</span></a>\n  "
        )
    parts.append('\n  <ul class="kembali-pagination__list">\n    ')
    page_n = gettext("Page %(number)s")
    numbers = page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
    for number in numbers:
        if number == page.paginator.ELLIPSIS:
            parts.append(
                '\n    <li class="kembali-pagination__item '
                'kembali-pagination__item--ellipses">&hellip;</li>\n    '
            )
            continue
        label = escape(page_n % {"number": number})
        href = _querystring(query, number)
        if number == page.number:
            parts.append(
                '\n    <li class="kembali-pagination__item kembali-pagination__item--current">'
                f'<a class="kembali-pagination__link" href="{href}" aria-current="page" '
                f'aria-label="{label}">{number}</a></li>\n    '
            )
        else:
            parts.append(
                '\n    <li class="kembali-pagination__item"><a class="kembali-pagination__link" '
                f'href="{href}" aria-label="{label}">{number}</a></li>\n    '
            )
    parts.append("\n  </ul>\n  ")
    if page.has_next():
        parts.append(
            '<a class="kembali-pagination__next" '
            f'href="{_querystring(query, page.next_page_number())}" rel="next">'
            f'{following}<span class="kembali-visually-hidden"> '
            f"{hidden_page}</span></a>\n  "
        )
    parts.append("\n</nav>\n")
    return mark_safe("".join(parts))  # noqa: S308 (every value above is escaped)
