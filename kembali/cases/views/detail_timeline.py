"""The case page's timeline as HTML, written in Python: a long case has dozens of
entries, and each cost the template engine two date filters and a dozen lookups.
The HTML is what cases/case_detail.html wrote for it
(tests/cases/test_case_page_html.py compares them)."""

from __future__ import annotations

import datetime as dt
import functools

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


def _local(at: dt.datetime) -> dt.datetime:
    """What the template's date filter formats: aware times in the current zone."""
    if settings.USE_TZ and timezone.is_aware(at):
        return timezone.localtime(at)
    return at


def timeline_html(entries: list[TimelineEntry]) -> SafeString:
    months = _months(get_language())
    parts = []
    for entry in entries:
        at = _local(entry.at)
        actor = f" · {conditional_escape(entry.actor)}" if entry.actor else ""
        detail = (
            f'\n      <p class="kembali-body">{linebreaksbr(entry.detail, autoescape=True)}</p>'
            if entry.detail
            else "\n      "
        )
        kind = conditional_escape(entry.kind)
        parts.append(
            "\n    "
            f'<li class="kembali-timeline__item kembali-timeline__item--{kind}">\n'
            '      <h3 class="kembali-heading-s kembali-timeline__title">'
            f"{conditional_escape(entry.title)}</h3>\n"
            '      <p class="kembali-hint kembali-timeline__meta">'
            f'<time datetime="{escape(at.isoformat())}">'
            f"{at.day} {months[at.month]} {at.year}, {at:%H:%M}</time>{actor}</p>"
            f"{detail}\n    </li>\n    "
        )
    return mark_safe("".join(parts))  # noqa: S308 (every value above is escaped)
