"""The explanation of a match as HTML: why it fits, the missing skills and how the
score is made, shared by the match, pair and candidate pages.

Built in Python rather than with template includes because the match page shows 20
matches, each with about ten reasons and five factors of three numbers: as
templates that was some 700 variable lookups and 300 ``floatformat`` round trips per
page, half of the page's time. The words that repeat are translated once per page
(kept in the render context), the numbers are formatted as ``floatformat`` does
(rounding half up, the locale's decimal separator), and the markup is the one the
templates had.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from html import escape  # what django.utils.html.escape wraps, without its lazy wrapper

from django import template
from django.conf import settings
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils.formats import get_format, localize
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext

register = template.Library()

_QUANTUM = {2: Decimal("0.01"), 3: Decimal("0.001")}


@functools.lru_cache(maxsize=4096)
def fixed(value: float, places: int, decimal_separator: str) -> str:
    """``value|floatformat:places`` without the filter's per-call locale lookups.
    Cached: a page repeats the weights twenty times, and many values (0, 1).

    The factors are between 0 and 1, so there are no thousands to group. Anything
    else goes to the filter itself: other precisions, infinities, 1000 and more,
    and the vanishingly small, which the filter prints as they are."""
    if places not in _QUANTUM or not (value == 0 or 1e-100 < abs(value) < 1000):
        return str(floatformat(value, places))
    rounded = Decimal(str(value)).quantize(_QUANTUM[places], ROUND_HALF_UP)
    if not rounded:  # no "-0.00", as the filter
        rounded = abs(rounded)
    whole, _, fraction = f"{rounded:f}".partition(".")
    return f"{whole}{decimal_separator}{fraction}"


@dataclass(frozen=True)
class Words:
    """What every explanation on a page repeats, translated and escaped once."""

    reasons_head: str
    missing_skills: str
    factors_head: str
    decimal_separator: str

    @classmethod
    def for_active_language(cls) -> Words:
        # Plain gettext calls, outside the f-strings, so that makemessages finds them.
        why = escape(gettext("Why it fits"))
        missing = escape(gettext("Missing skills"))
        caption = escape(gettext("How the score is made"))
        factor = escape(gettext("Factor"))
        value = escape(gettext("Value"))
        weight = escape(gettext("Weight"))
        contribution = escape(gettext("Contribution"))
        numeric = 'scope="col" class="kembali-table__numeric"'
        return cls(
            reasons_head=f'<p class="kembali-body"><strong>{why}:</strong></p>\n',
            missing_skills=missing,
            factors_head=(
                '<table class="kembali-table">\n'
                f'  <caption class="kembali-heading-s">{caption}</caption>\n'
                f'  <thead><tr><th scope="col">{factor}</th><th {numeric}>{value}</th>'
                f"<th {numeric}>{weight}</th><th {numeric}>{contribution}</th></tr></thead>\n"
                "  <tbody>"
            ),
            decimal_separator=str(get_format("DECIMAL_SEPARATOR")),
        )


def explanation_html(
    *, lines: Iterable[str], missing_skills: Iterable[str], factors: Iterable, words: Words
) -> SafeString:
    """The reasons as a list, the missing skills and the factor table (objects with
    ``label``, ``value``, ``weight`` and ``contribution``), every text escaped."""
    sep = words.decimal_separator
    parts = [
        words.reasons_head,
        '<ul class="kembali-list kembali-list--bullet" data-testid="match-reasons">',
    ]
    parts += [f"<li>{escape(line)}</li>" for line in lines]
    parts.append("</ul>\n")
    missing = [escape(name) for name in missing_skills]
    if missing:
        parts.append(
            '<p class="kembali-body" data-testid="missing-skills">'
            f"<strong>{words.missing_skills}:</strong> {', '.join(missing)}</p>"
        )
    parts.append("\n")
    parts.append(words.factors_head)
    parts += [
        f'<tr><th scope="row">{escape(f.label)}</th>'
        f'<td class="kembali-table__numeric">{fixed(f.value, 2, sep)}</td>'
        f'<td class="kembali-table__numeric">{fixed(f.weight, 2, sep)}</td>'
        f'<td class="kembali-table__numeric">{fixed(f.contribution, 3, sep)}</td></tr>'
        for f in factors
    ]
    parts.append("</tbody>\n</table>\n")
    return mark_safe("".join(parts))  # noqa: S308  (every text above is escaped)


@register.simple_tag(takes_context=True)
def match_explanation(context, *, lines, missing_skills, factors) -> SafeString:
    """``{% match_explanation lines=... missing_skills=... factors=... %}``"""
    words = context.render_context.get(Words)
    if words is None:
        words = context.render_context[Words] = Words.for_active_language()
    return explanation_html(
        lines=lines, missing_skills=missing_skills, factors=factors, words=words
    )


# ------------------------------------------------------------ the match list


@functools.lru_cache(maxsize=8)
def _row_words(language: str) -> dict[str, str]:
    """The labels every match repeats, escaped (called with `language` active)."""
    return {
        "score": escape(gettext("Score")),
        "where": escape(gettext("Where")),
        "wage": escape(gettext("Monthly wage")),
        "rtw": escape(gettext("RTW hierarchy")),
        "refer": escape(gettext("Refer to this vacancy")),
        "own_page": escape(gettext("This match on its own page")),
    }


def _shown(value) -> str:
    """``{{ value }}``: localised as the template engine does it, then escaped. An
    integer without thousands grouping is its digits (numberformat.format's own
    shortcut), without the locale lookups."""
    if type(value) is int and not settings.USE_THOUSAND_SEPARATOR:
        return str(value)
    return escape(str(localize(value)))


@register.simple_tag(takes_context=True)
def match_rows(context, rows, case_number: str, refer_url: str = "") -> SafeString:
    """``{% match_rows found.rows case.number refer_url %}``: the list items of the
    match page, one per MatchRow, with its explanation. As the loop in the template
    it was half of the page (some 400 lookups and 60 {% url %} tags for 20 matches)."""
    words = context.render_context.get(Words)
    if words is None:
        words = context.render_context[Words] = Words.for_active_language()
    labels = _row_words(get_language())
    # Each address is reversed once per page, a vacancy's number put in per row.
    vacancy_before, vacancy_after = _around(
        reverse("employers:vacancy_detail", args=[_PK_STAND_IN])
    )
    pair_before, pair_after = _around(
        reverse("placement:match_pair", kwargs={"number": case_number, "vacancy_id": _PK_STAND_IN})
    )
    refer_url = escape(refer_url) if refer_url else ""
    parts = []
    levels: dict[int, str] = {}  # "3: Different job, same employer", once per level
    for row in rows:
        vacancy = row.vacancy
        pk = int(vacancy.pk)
        title, employer = escape(vacancy.title), escape(vacancy.employer.name)
        where = f"{escape(vacancy.district)}, " if vacancy.district else ""
        wage = _shown(vacancy.monthly_wage)
        refer = (
            f'<a class="kembali-button" href="{refer_url}?vacancy={pk}">{labels["refer"]}'
            f'<span class="kembali-visually-hidden">: {title}, {employer}</span></a> '
            if refer_url
            else ""
        )
        level = levels.get(row.hierarchy_level)
        if level is None:
            level = f"{_shown(row.hierarchy_level)}: {escape(row.hierarchy_label)}"
            levels[row.hierarchy_level] = level
        explanation = explanation_html(
            lines=row.lines, missing_skills=row.missing_skills, factors=row.factors, words=words
        )
        parts.append(
            '\n  <li class="kembali-match" data-testid="match">\n'
            '    <h2 class="kembali-heading-m">'
            f'<a href="{vacancy_before}{pk}{vacancy_after}">{title}</a>, '
            f"{employer}</h2>\n"
            '    <dl class="kembali-summary-list">\n'
            f'      <div><dt>{labels["score"]}</dt><dd data-testid="score">'
            f"{_shown(row.score_percent)} / 100</dd></div>\n"
            f"      <div><dt>{labels['where']}</dt><dd>{where}"
            f"{escape(vacancy.state.local_name)}</dd></div>\n"
            f"      <div><dt>{labels['wage']}</dt><dd>RM {wage}</dd></div>\n"
            f'      <div><dt>{labels["rtw"]}</dt><dd data-testid="rtw-level">'
            f"{level}</dd></div>\n"
            "    </dl>\n"
            f"    {explanation}\n"
            f'    <p class="kembali-body">{refer}'
            f'<a href="{pair_before}{pk}{pair_after}">{labels["own_page"]}'
            f'<span class="kembali-visually-hidden">: {title}</span></a></p>\n'
            "  </li>\n"
        )
    return mark_safe("".join(parts))  # noqa: S308  (every text above is escaped)


@register.simple_tag
def near_miss_rows(misses) -> SafeString:
    """``{% near_miss_rows found.near_misses %}``: the rows of the near-miss table, one
    per NearMissRow, as the template's loop wrote them (a {% url %} each)."""
    before, after = _around(reverse("employers:vacancy_detail", args=[_PK_STAND_IN]))
    return mark_safe(  # noqa: S308  (every text below is escaped)
        "".join(
            f'<tr><th scope="row"><a href="{before}{int(miss.vacancy.pk)}{after}">'
            f"{escape(miss.vacancy.title)}</a>, {escape(miss.vacancy.employer.name)}</th>"
            f"<td>{escape(str(miss.failed))}</td>"
            f'<td class="kembali-table__numeric">{_shown(miss.score_percent)}</td></tr>'
            for miss in misses
        )
    )


_PK_STAND_IN = 987654321987


def _around(url: str) -> tuple[str, str]:
    before, _, after = url.partition(str(_PK_STAND_IN))
    return escape(before), escape(after)
