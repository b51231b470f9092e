"""The dashboard's HTML written in Python is what its templates wrote: the page's
content (kembali.reports.dashboard_page) against the template it replaced, and the
filter form kept by kembali.reports.filter_html against a fresh drawing of
reports/_filter_form.html. A renamed office or state shows at once, and a form with
errors shows them."""

# ruff: noqa: E501 (the reference template's lines are the template's own)
import datetime as dt

import pytest
from django.http import QueryDict
from django.template import engines
from django.template.loader import render_to_string
from django.utils import translation

from kembali.reference.models import State
from kembali.reports import filter_html
from kembali.reports.filters import ReportFilterForm
from tests.reports import kpi_world

pytestmark = pytest.mark.django_db

URL = "/reports/"

# The content block of reports/dashboard.html before it was written in Python.
REFERENCE_CONTENT = """{% load i18n %}
{% include "includes/error_summary.html" with form=form %}
<h1>{% translate "Programme dashboard" %}</h1>
{% if may_view_caseload or may_request_pack %}
<ul class="kembali-list">
  {% if may_view_caseload %}<li><a href="{% url 'reports:caseload' %}">{% translate "Caseload of each officer" %}</a></li>{% endif %}
  {% if may_request_pack %}<li><a href="{% url 'reports:pack' %}">{% translate "Ministry report pack (PDF and XLSX)" %}</a></li>{% endif %}
</ul>
{% endif %}
{% include "reports/_filter_form.html" %}
{% if result %}
<div id="report-results">
  <p class="kembali-lead">{% blocktranslate with start=result.filters.start|date:"j M Y" end=result.filters.end|date:"j M Y" %}Figures for {{ start }} to {{ end }}.{% endblocktranslate %}</p>
  <p class="kembali-body" id="figures-as-of">{% blocktranslate with time=computed_at|time:"H:i" %}Figures as of {{ time }}.{% endblocktranslate %}{% if kept_minutes %} {% blocktranslate count minutes=kept_minutes %}They are kept for up to {{ minutes }} minute: changes to cases since then are not counted yet.{% plural %}They are kept for up to {{ minutes }} minutes: changes to cases since then are not counted yet.{% endblocktranslate %}{% endif %}</p>
  {% if may_refresh %}
  <form method="post" action="{% url 'reports:dashboard_refresh' %}?{{ filter_query }}" class="kembali-filter">
    {% csrf_token %}
    <button type="submit" class="kembali-button kembali-button--secondary">{% translate "Compute the figures again now" %}</button>
  </form>
  {% endif %}
  {{ results_html }}
</div>
{% endif %}
"""

CONTEXT_KEYS = (
    "form",
    "may_view_caseload",
    "may_request_pack",
    "result",
    "results_html",
    "computed_at",
    "kept_minutes",
    "may_refresh",
    "filter_query",
    "csrf_token",
)

QUERIES = [
    "",
    "?start=2025-01-01&end=2025-12-31",
    "?start=2025-01-01&end=2025-12-31&state=14&sex=F&age_band=30-39&injury_group=occupational_disease&eligibility_rule=2",
    "?start=2025-06-01&end=2025-01-01",  # an error
    "?start=yesterday&sex=nobody",  # errors
]


@pytest.fixture
def world(kl_office, penang_office, chong, settings):
    settings.KEMBALI_DASHBOARD_CACHE_SECONDS = 300
    return kpi_world.build(kl_office, penang_office, chong)


def _reference(response) -> str:
    context = {key: response.context[key] for key in CONTEXT_KEYS if key in response.context}
    return engines["django"].from_string(REFERENCE_CONTENT).render(context)


@pytest.mark.parametrize("language", ["en", "ms"])
@pytest.mark.parametrize("username", ["chong", "devi", "ehsan"])
@pytest.mark.parametrize("query", QUERIES)
def test_the_page_is_what_the_template_wrote(request, client, world, language, username, query):
    client.force_login(request.getfixturevalue(username))
    with translation.override(language):
        for _ in range(2):  # drawn, then from what was kept
            response = client.get(URL + query, HTTP_ACCEPT_LANGUAGE=language)
            assert response.context["content_html"] == _reference(response)
            assert response.context["content_html"] in response.content.decode()


def test_without_keeping_the_page_is_what_the_template_wrote(client, chong, world, settings):
    settings.KEMBALI_DASHBOARD_CACHE_SECONDS = 0  # no "kept for" and no refresh button
    client.force_login(chong)
    response = client.get(URL + QUERIES[1])
    assert "kept for up to" not in response.context["content_html"]
    assert response.context["content_html"] == _reference(response)


def test_the_page_has_one_csrf_token_as_the_template_did(client, chong, world):
    client.force_login(chong)
    html = client.get(URL + QUERIES[1]).content.decode()
    token = html.split('"X-CSRFToken": "')[1].split('"')[0]
    assert f'name="csrfmiddlewaretoken" value="{token}"' in html
    assert "Compute the figures again now" in html


def _forms(user, data):
    return ReportFilterForm(data, user=user), ReportFilterForm(data, user=user)


@pytest.mark.parametrize("language", ["en", "ms"])
@pytest.mark.parametrize("username", ["chong", "devi"])
@pytest.mark.parametrize(
    "query",
    [None, "", "start=2025-01-01&end=2025-12-31", "state=07&office=&sex=M&eligibility_rule=4"],
)
def test_the_kept_filter_form_is_a_fresh_drawing(
    request, kl_office, penang_office, language, username, query
):
    user = request.getfixturevalue(username)
    data = None if query is None else QueryDict(query)
    filter_html.forget_all()
    with translation.override(language):
        for _ in range(2):  # drawn, then kept
            ours, fresh = _forms(user, data)
            assert filter_html.filter_form_html(ours) == render_to_string(
                "reports/_filter_form.html", {"form": fresh}
            )


def test_a_renamed_office_or_state_shows_on_the_next_view(client, devi, chong, kl_office):
    client.force_login(devi)
    assert "PERKESO RTW Kuala Lumpur" in client.get(URL).content.decode()

    kl_office.name = "PERKESO RTW Jalan Ampang"
    kl_office.save()
    State.objects.filter(code="14").update(name="Kuala Lumpur (renamed)")

    html = client.get(URL).content.decode()
    assert "PERKESO RTW Jalan Ampang" in html and "Kuala Lumpur (renamed)" in html
    assert "PERKESO RTW Kuala Lumpur<" not in html

    client.force_login(chong)  # a supervisor's office and state are shown, fixed
    html = client.get(URL).content.decode()
    assert "PERKESO RTW Jalan Ampang" in html and "Kuala Lumpur (renamed)" in html


def test_a_form_with_errors_shows_them_each_time(client, devi):
    client.force_login(devi)
    client.get(URL + "?start=2025-06-01&end=2025-01-01")
    client.get(URL + "?start=2025-01-01&end=2025-06-01")  # valid, between the two

    for _ in range(2):
        html = client.get(URL + "?start=2025-06-01&end=2025-01-01").content.decode()
        assert "There is a problem" in html
        assert 'id="id_end-error"' in html and 'aria-invalid="true"' in html
        assert "The end of the period must be on or after its start." in html

    html = client.get(URL + "?start=2025-01-01&end=2025-06-01").content.decode()
    assert "kembali-error-message" not in html and "There is a problem" not in html


def test_the_kept_forms_are_bounded(devi):
    filter_html.forget_all()
    first = dt.date(2025, 1, 1)
    for day in range(filter_html.MAX_KEPT + 10):
        end = first + dt.timedelta(days=day)
        form = ReportFilterForm(QueryDict(f"start={first}&end={end}"), user=devi)
        filter_html.filter_form_html(form)
    assert len(filter_html._kept) == filter_html.MAX_KEPT
