# ruff: noqa: F811, E501  (the fixtures of test_index, imported; the reference template's lines)
"""The match page's list written in Python ({% match_rows %}) is what the template's
loop wrote, in both languages, with and without the referral link, for vacancies
with and without a district and with text that must be escaped."""

from __future__ import annotations

import pytest
from django.template import engines
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from kembali.placement.match import case_matches
from tests.placement.test_index import (  # noqa: F401  (fixtures)
    assessed_case,
    lorry_firm,
    make_vacancy,
    other_firm,
    three_vacancies,
)

pytestmark = pytest.mark.django_db

# The loop as match_vacancies.html had it, the reference the tag must match.
REFERENCE = """{% load i18n match_explanation %}{% translate "Score" as score_label %}{% translate "Where" as where_label %}{% translate "Monthly wage" as wage_label %}{% translate "RTW hierarchy" as rtw_label %}{% translate "Refer to this vacancy" as refer_label %}{% translate "This match on its own page" as own_page_label %}
<ol class="kembali-list" data-testid="matches">
{% for row in found.rows %}
  <li class="kembali-match" data-testid="match">
    <h2 class="kembali-heading-m"><a href="{% url 'employers:vacancy_detail' row.vacancy.pk %}">{{ row.vacancy.title }}</a>, {{ row.vacancy.employer.name }}</h2>
    <dl class="kembali-summary-list">
      <div><dt>{{ score_label }}</dt><dd data-testid="score">{{ row.score_percent }} / 100</dd></div>
      <div><dt>{{ where_label }}</dt><dd>{% if row.vacancy.district %}{{ row.vacancy.district }}, {% endif %}{{ row.vacancy.state.local_name }}</dd></div>
      <div><dt>{{ wage_label }}</dt><dd>RM {{ row.vacancy.monthly_wage }}</dd></div>
      <div><dt>{{ rtw_label }}</dt><dd data-testid="rtw-level">{{ row.hierarchy_level }}: {{ row.hierarchy_label }}</dd></div>
    </dl>
    {% match_explanation lines=row.lines missing_skills=row.missing_skills factors=row.factors %}
    <p class="kembali-body">{% if refer_url %}<a class="kembali-button" href="{{ refer_url }}?vacancy={{ row.vacancy.pk }}">{{ refer_label }}<span class="kembali-visually-hidden">: {{ row.vacancy.title }}, {{ row.vacancy.employer.name }}</span></a> {% endif %}<a href="{% url 'placement:match_pair' number=case.number vacancy_id=row.vacancy.pk %}">{{ own_page_label }}<span class="kembali-visually-hidden">: {{ row.vacancy.title }}</span></a></p>
  </li>
{% endfor %}
</ol>"""

OURS = """{% load match_explanation %}
<ol class="kembali-list" data-testid="matches">
{% match_rows found.rows case.number refer_url %}
</ol>"""


def _render(source: str, context: dict) -> str:
    return engines["django"].from_string(source).render(context, RequestFactory().get("/"))


@pytest.mark.parametrize("language", ["en", "ms"])
@pytest.mark.parametrize("may_refer", [True, False])
def test_the_list_is_what_the_template_wrote(
    assessed_case, three_vacancies, other_firm, bala, language, may_refer
):
    make_vacancy(other_firm, bala, title='Clerk <b> & "night"', district="")
    make_vacancy(other_firm, bala, title="Records clerk", district="Petaling <Jaya>")
    found = case_matches(assessed_case)
    assert len(found.rows) >= 3
    refer_url = reverse("placement:referral_new", args=[assessed_case.number]) if may_refer else ""
    context = {"found": found, "case": assessed_case, "refer_url": refer_url}
    with translation.override(language):
        ours = _render(OURS, context)
        assert ours == _render(REFERENCE, context)
    assert "Clerk &lt;b&gt; &amp; &quot;night&quot;" in ours
    assert "Petaling &lt;Jaya&gt;, " in ours
    assert ("?vacancy=" in ours) is may_refer


# The near-miss rows as match_vacancies.html had them.
NEAR_REFERENCE = """<tbody>{% for miss in found.near_misses %}<tr><th scope="row"><a href="{% url 'employers:vacancy_detail' miss.vacancy.pk %}">{{ miss.vacancy.title }}</a>, {{ miss.vacancy.employer.name }}</th><td>{{ miss.failed }}</td><td class="kembali-table__numeric">{{ miss.score_percent }}</td></tr>{% endfor %}</tbody>"""

NEAR_OURS = """{% load match_explanation %}<tbody>{% near_miss_rows found.near_misses %}</tbody>"""


@pytest.mark.parametrize("language", ["en", "ms"])
def test_the_near_misses_are_what_the_template_wrote(
    assessed_case, three_vacancies, other_firm, bala, language
):
    make_vacancy(other_firm, bala, title='Loader <b> & "night"', max_lift_kg=30)
    found = case_matches(assessed_case)
    assert len(found.near_misses) >= 2
    context = {"found": found, "case": assessed_case}
    with translation.override(language):
        ours = _render(NEAR_OURS, context)
        assert ours == _render(NEAR_REFERENCE, context)
    assert "Loader &lt;b&gt; &amp; &quot;night&quot;" in ours
    assert ours.count("<tr>") == len(found.near_misses)
