"""The case lists' results and filter form written in Python
(kembali.cases.views.list_table) are what the templates wrote: the reference
template below is the results template as it was, the filter form's is the
project's own (cases/_case_filter.html, which the Python renders once per
language, list and status and fills in)."""

# ruff: noqa: E501 (the reference template's lines are the template's own)
import re

import pytest
from django.template import engines
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from kembali.accounts.models import Office, Role
from kembali.cases.models import Case, Status
from kembali.cases.selectors import case_list_rows, case_list_search
from kembali.cases.views import list as list_views
from kembali.cases.views.list_table import filter_html, results_html
from tests.factories import CaseFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db

REFERENCE_RESULTS = """{% load i18n kembali %}
<p class="kembali-results__count" role="status">{% if page_obj.paginator.more %}{% blocktranslate with bound=page_obj.paginator.bound_display %}More than {{ bound }} cases found, the newest {{ bound }} listed{% endblocktranslate %}{% else %}{% blocktranslate count counter=page_obj.paginator.count %}{{ counter }} case found{% plural %}{{ counter }} cases found{% endblocktranslate %}{% endif %}{% if page_obj.paginator.num_pages > 1 %}, {% blocktranslate with number=page_obj.number pages=page_obj.paginator.num_pages %}page {{ number }} of {{ pages }}{% endblocktranslate %}{% endif %}{% if page_obj.paginator.more %}. {% translate "Search or filter to find the others." %}{% endif %}</p>
{% if page_obj.object_list %}{% translate "ending in" as ending_in %}{% translate "Not assigned" as not_assigned %}
<div class="kembali-table-wrapper" role="region" aria-labelledby="case-table-caption" tabindex="0">
  <table class="kembali-table">
    <caption id="case-table-caption" class="kembali-visually-hidden">{% translate "Cases, newest referral first" %}</caption>
    <thead>
      <tr>
        <th scope="col">{% translate "Case number" %}</th>
        <th scope="col">{% translate "Person" %}</th>
        <th scope="col">{% translate "NRIC" %}</th>
        <th scope="col">{% translate "Office" %}</th>
        <th scope="col">{% translate "Status" %}</th>
        <th scope="col">{% translate "Case manager" %}</th>
        <th scope="col">{% translate "Referral date" %}</th>
      </tr>
    </thead>
    <tbody>
      {% for case in page_obj.object_list %}
      <tr>
        <th scope="row" class="kembali-table__nowrap"><a href="{{ case.number|url_with:'cases:detail' }}">{{ case.number }}</a></th>
        <td>{{ case.person.full_name }}</td>
        <td class="kembali-table__nowrap"><span class="kembali-visually-hidden">{{ ending_in }} </span><span aria-hidden="true">{{ case.person.nric|nric_masked }}</span><span class="kembali-visually-hidden">{{ case.person.nric|slice:"-4:" }}</span></td>
        <td>{{ case.office.name }}</td>
        <td><strong class="kembali-tag {{ case.status|status_tag_class }}">{{ case|choice_label:"status" }}</strong></td>
        <td>{% if case.case_manager %}{{ case.case_manager.display_name }}{% else %}{{ not_assigned }}{% endif %}</td>
        <td>{{ case.referral_date|date:"j M Y" }}</td>
      </tr>
      {% endfor %}
    </tbody>
  </table>
</div>
{% include "includes/pagination.html" with page=page_obj htmx_target=results_id %}
{% else %}
<p>{% translate "No cases match. Check the spelling, or search by NRIC or case number." %}</p>
{% endif %}"""


def _squeezed(html: str) -> str:
    return re.sub(r">\s+<", "><", re.sub(r"\s+", " ", str(html))).strip()


def _both(params: dict, *, per_page: int = 3, bound: int = 1000, language: str = "en"):
    """(ours, the reference's) for the case list with these parameters, as the
    national administrator (every case) sees it: ours from the list's rows, the
    reference from the same page of the ORM's model instances."""
    request = RequestFactory().get("/cases/", params)
    criteria = {"query": params.get("q", ""), "status": params.get("status", "")}
    admin = UserFactory(role=Role.NATIONAL_ADMIN, office=None)
    with translation.override(language):
        paginator = list_views.BoundedPaginator(
            case_list_rows(admin, **criteria), per_page, bound=bound
        )
        page = paginator.get_page(params.get("page"))
        ours = results_html(page, query=request.GET, results_id="case-results")
        instances = case_list_search(Case.objects.all(), **criteria)
        bottom = (page.number - 1) * per_page
        page.object_list = list(instances[bottom : min(bottom + per_page, bound)])
        reference = (
            engines["django"]
            .from_string(REFERENCE_RESULTS)
            .render({"page_obj": page, "results_id": "case-results"}, request=request)
        )
    return _squeezed(ours), _squeezed(reference)


@pytest.fixture
def cases(kl_office, aisyah):
    made = [
        CaseFactory(
            office=kl_office,
            case_manager=aisyah if n % 3 else None,
            status=[Status.REFERRED, Status.ASSESSED, Status.CLOSED, Status.RETURNED_TO_WORK][
                n % 4
            ],
            person=PersonFactory(full_name=f'Nur "Aina" <b>{n}</b> & co'),
        )
        for n in range(8)
    ]
    aisyah.first_name = "Aisyah <i>"
    aisyah.save()
    return made


@pytest.mark.parametrize("language", ["en", "ms"])
@pytest.mark.parametrize(
    "params",
    [{}, {"page": "2"}, {"page": "3"}, {"status": "closed"}, {"q": "aina 7"}, {"q": "nobody"}],
)
def test_the_results_are_what_the_template_wrote(cases, language, params):
    ours, reference = _both(params, language=language)
    assert ours == reference


def test_the_compared_rows_hold_what_needs_escaping_and_unassigned_cases(cases):
    ours, _reference = _both({}, per_page=10)
    assert ours.count("<tr>") == 9  # the heading and eight cases
    assert "Nur &quot;Aina&quot; &lt;b&gt;7&lt;/b&gt; &amp; co" in ours
    assert "Aisyah &lt;i&gt; Rahman" in ours and "<td>Not assigned</td>" in ours


def test_past_the_bound_the_results_say_so_as_the_template_did(cases):
    ours, reference = _both({"page": "2"}, per_page=2, bound=5)
    assert ours == reference
    assert "More than 5 cases found" in ours


@pytest.mark.parametrize("language", ["en", "ms"])
@pytest.mark.parametrize(
    "data",
    [None, {}, {"q": "Nur"}, {"q": '"><script>', "status": "closed"}, {"status": "assessed"}],
)
@pytest.mark.parametrize("list_url_name", ["cases:list", "cases:mine"])
def test_the_filter_form_is_the_templates(language, data, list_url_name):
    from django.template.loader import render_to_string

    with translation.override(language):
        for _ in range(2):  # made once, then from the cache
            form = list_views.CaseFilterForm(data)
            ours = filter_html(form, list_url_name=list_url_name, results_id="case-results")
            reference = render_to_string(
                "cases/_case_filter.html",
                {
                    "form": list_views.CaseFilterForm(data),
                    "list_url_name": list_url_name,
                    "results_id": "case-results",
                },
            )
            assert ours == reference
    assert f'action="{reverse(list_url_name)}"' in ours


def test_a_filter_form_with_errors_or_offices_is_rendered_each_time(hq_office, kl_office):
    from django.template.loader import render_to_string

    for form in (
        list_views.CaseFilterForm({"q": "x" * 101, "status": "bogus"}),
        list_views.OfficeCaseFilterForm(
            {"office": kl_office.pk}, offices=Office.objects.order_by("name")
        ),
    ):
        ours = filter_html(form, list_url_name="cases:list", results_id="case-results")
        context = {"form": form, "list_url_name": "cases:list", "results_id": "case-results"}
        assert ours == render_to_string("cases/_case_filter.html", context)
    assert "kembali-form-group--error" in filter_html(
        list_views.CaseFilterForm({"status": "bogus"}),
        list_url_name="cases:list",
        results_id="case-results",
    )


_TOKEN = re.compile(r'(name="csrfmiddlewaretoken" value="|"X-CSRFToken": ")[^"]+"')


@pytest.mark.parametrize("language", ["en", "ms"])
@pytest.mark.parametrize(
    "params",
    [{}, {"q": "aina"}, {"q": '"><script>', "status": "closed"}, {"q": "nobody"}, {"page": "2"}],
)
@pytest.mark.parametrize(
    ("list_url_name", "template"),
    [("cases:list", "cases/case_list.html"), ("cases:mine", "cases/my_cases.html")],
)
def test_the_list_pages_are_what_their_templates_wrote(
    cases, aisyah, monkeypatch, language, params, list_url_name, template
):
    """Written without the template engine (list_page), the whole page is byte for
    byte what the list's template writes around the same filter form and results."""
    from django.contrib.messages.storage.fallback import FallbackStorage
    from django.contrib.sessions.backends.db import SessionStore
    from django.template.loader import render_to_string

    given = {}
    real_list_page = list_views.list_page

    def list_page_spy(request, **parts):
        given.update(parts)
        return real_list_page(request, **parts)

    monkeypatch.setattr(list_views, "list_page", list_page_spy)
    request = RequestFactory().get(reverse(list_url_name), params)
    request.user, request.session = aisyah, SessionStore()
    request._messages = FallbackStorage(request)
    request.htmx = False
    view = list_views.case_list if list_url_name == "cases:list" else list_views.my_cases
    with translation.override(language):
        response = view(request)
        context = {
            "form": list_views.CaseFilterForm(request.GET or None),
            "filter": given["filter_form"],
            "results": given["results"],
            "results_id": given["results_id"],
        }
        reference = render_to_string(template, context, request=request)
    ours = response.content.decode()
    assert _TOKEN.sub(r'\1TOKEN"', ours) == _TOKEN.sub(r'\1TOKEN"', reference)
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert given["results"] in ours and given["filter_form"] in ours


def test_a_list_page_with_form_errors_is_the_templates_with_their_summary(client, aisyah):
    client.force_login(aisyah)
    html = client.get(reverse("cases:list"), {"status": "bogus"}).content.decode()
    assert "kembali-error-summary" in html and "<title>Error: Cases – Kembali</title>" in html


def test_htmx_gets_the_results_region_alone(client, aisyah, cases):
    client.force_login(aisyah)
    response = client.get(reverse("cases:list"), {"q": "aina"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert html.startswith('<p class="kembali-results__count"') and html.endswith("\n")
    assert "<html" not in html and "Aina" in html
    assert response["Vary"].count("HX-Request") == 1
