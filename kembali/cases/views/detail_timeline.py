"""The case page's timeline as HTML, written in Python: a long case has dozens of
entries, and each cost the template engine two date filters and a dozen lookups.
The HTML is what cases/case_detail.html wrote for it
(tests/cases/test_case_page_html.py compares them)."""

from __future__ import annotations

import functools
from html import escape as _escape  # Django's escape() without its lazy-text check

from django.conf import settings
from django.template.defaultfilters import linebreaksbr
from django.utils import timezone
from django.utils.dates import MONTHS_3
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from kembali.cases.timeline import TimelineEntry


@functools.lru_cache(maxsize=8)
def _months(language: str) -> dict[int, str]:
    """The months' abbreviations as {{ value|date:"M" }} writes them (called with
    `language` active)."""
    return {n: escape(str(MONTHS_3[n]).title()) for n in MONTHS_3}


def _text(value) -> str:
    """{{ value }}: escaped unless already safe. Plain text, nearly every value here,
    goes straight to html.escape (Django's escape() first checks for lazy text)."""
    if type(value) is str:
        return _escape(value)
    return conditional_escape(value)


def _lines(value) -> str:
    """{{ value|linebreaksbr }}."""
    if type(value) is not str:
        return linebreaksbr(value, autoescape=True)
    if "\r" in value:
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    return _escape(value).replace("\n", "<br>")


def timeline_html(entries: list[TimelineEntry]) -> SafeString:
    months = _months(get_language())
    zone = timezone.get_current_timezone() if settings.USE_TZ else None
    parts = []
    for entry in entries:
        at = entry.at
        if zone is not None and at.utcoffset() is not None:  # what the date filter shows
            at = at.astimezone(zone)
        actor = f" · {_text(entry.actor)}" if entry.actor else ""
        detail = (
            f'\n      <p class="kembali-body">{_lines(entry.detail)}</p>'
            if entry.detail
            else "\n      "
        )
        parts.append(
            "\n    "
            f'<li class="kembali-timeline__item kembali-timeline__item--{_text(entry.kind)}">\n'
            '      <h3 class="kembali-heading-s kembali-timeline__title">'
            f"{_text(entry.title)}</h3>\n"
            '      <p class="kembali-hint kembali-timeline__meta">'
            f'<time datetime="{at.isoformat()}">'
            f"{at.day} {months[at.month]} {at.year}, {at.hour:02}:{at.minute:02}</time>"
            f"{actor}</p>"
            f"{detail}\n    </li>\n    "
        )
    return mark_safe("".join(parts))  # noqa: S308 (every value above is escaped)
