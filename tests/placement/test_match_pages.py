# ruff: noqa: F811  (the fixtures of test_index, imported)
"""The matching pages and API as an officer uses them: the vacancies for a case with
their explanations and near misses, one pair, the candidates for a vacancy, the
skills a vacancy asks for."""

from __future__ import annotations

import re

import pytest
from django.contrib import messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.db import connection
from django.template import engines
from django.template.defaultfilters import floatformat
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, resolve, reverse
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from kembali.accounts.tokens import token_create
from kembali.audit.models import AccessEvent, AuditEvent
from kembali.placement.match import FactorRow, case_matches
from kembali.placement.models import Skill, VacancySkill
from kembali.placement.templatetags.match_explanation import Words, explanation_html, fixed
from kembali.placement.views_match import case_matches_page
from tests.placement.test_index import (  # noqa: F401  (fixtures)
    assessed_case,
    lorry_firm,
    make_vacancy,
    other_firm,
    three_vacancies,
)


def _login(client, user):
    client.force_login(user)
    return client


def _matches_url(case):
    return reverse("placement:matches", args=[case.number])


def test_bala_sees_the_matches_explained_with_the_near_miss(
    client, bala, assessed_case, three_vacancies
):
    response = _login(client, bala).get(_matches_url(assessed_case))

    assert response.status_code == 200
    page = response.content.decode()
    assert page.index("Dispatch clerk") < page.index("Stock clerk")
    assert "at the pre-injury employer" in page
    assert "within lifting limit 10 kg (job needs 5 kg)" in page
    assert "3: Different job, same employer" in page
    assert "How the score is made" in page
    assert "Near misses" in page
    assert "needs lifting 25 kg; limit is 10 kg" in page
    try:
        refer = reverse("placement:referral_new", args=[assessed_case.number])
    except NoReverseMatch:  # the referral page is another part's; linked once it exists
        refer = None
    if refer:
        assert f"{refer}?vacancy={three_vacancies['pre_injury'].pk}" in page
    assert AccessEvent.objects.filter(
        actor=bala, what="match.vacancies", object_id=str(assessed_case.pk)
    ).exists()


def test_the_score_breakdown_shows_each_factor_as_computed(
    client, bala, assessed_case, three_vacancies
):
    page = _login(client, bala).get(_matches_url(assessed_case)).content.decode()

    for row in case_matches(assessed_case).rows:
        for f in row.factors:
            assert (
                f'<tr><th scope="row">{f.label}</th>'
                f'<td class="kembali-table__numeric">{floatformat(f.value, 2)}</td>'
                f'<td class="kembali-table__numeric">{floatformat(f.weight, 2)}</td>'
                f'<td class="kembali-table__numeric">{floatformat(f.contribution, 3)}</td></tr>'
            ) in page


def test_a_case_without_an_assessment_is_asked_for_one(client, bala, jpess_case):
    response = _login(client, bala).get(_matches_url(jpess_case))

    page = response.content.decode()
    assert "Matching needs a current job placement assessment" in page
    assert reverse("placement:assessment", args=[jpess_case.number]) in page
    assert not AccessEvent.objects.filter(what="match.vacancies").exists()


def test_a_case_not_in_jpess_says_so(client, aisyah, case):
    response = _login(client, aisyah).get(_matches_url(case))

    assert "The case has not been referred to JPESS." in response.content.decode()


def test_another_office_gets_404_and_the_analyst_is_refused(
    client, farid, gopal, ehsan, assessed_case
):
    for user in (farid, gopal, ehsan):
        response = _login(Client(), user).get(_matches_url(assessed_case))
        assert response.status_code == 404


def test_the_match_page_costs_the_same_queries_whatever_k_and_the_vacancies(
    client, bala, assessed_case, three_vacancies, other_firm
):
    _login(client, bala)
    url = _matches_url(assessed_case)
    client.get(url)  # builds the index
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(25):
        make_vacancy(other_firm, bala, title=f"Clerk {n}")
    client.get(url)  # rebuilds the index once
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)

    assert response.content.decode().count('data-testid="match"') == 20
    assert len(many) == len(few)
    # The session and the user (2), the case (1), its person with their skills
    # and preferred occupations (1), the index's marker (1), the vacancies shown
    # (1), the skill names (1), the read recorded (1) and the session saved (3, in
    # a savepoint). A lookup per match, or a field the page shows left out of the
    # vacancies' query, adds 20.
    assert len(many) == 11


def test_the_pair_page_explains_one_vacancy(client, bala, assessed_case, three_vacancies):
    heavy = three_vacancies["too_heavy"]
    url = reverse("placement:match_pair", args=[assessed_case.number, heavy.pk])

    page = _login(client, bala).get(url).content.decode()

    assert "The vacancy does not meet every limit of the person" in page
    assert "needs lifting 25 kg; limit is 10 kg" in page


def test_the_jpess_page_and_the_case_page_lead_to_the_matches(
    client, bala, assessed_case, three_vacancies
):
    _login(client, bala)
    url = _matches_url(assessed_case)
    assert (
        url in client.get(reverse("placement:case", args=[assessed_case.number])).content.decode()
    )
    assert url in client.get(reverse("cases:detail", args=[assessed_case.number])).content.decode()


def test_the_match_page_reads_in_malay(client, bala, assessed_case, three_vacancies):
    _login(client, bala)
    client.cookies["django_language"] = "ms"
    page = client.get(_matches_url(assessed_case), HTTP_ACCEPT_LANGUAGE="ms").content.decode()

    assert "Kekosongan yang sepadan" in page
    assert "dalam had angkatan 10 kg (kerja memerlukan 5 kg)" in page
    assert "Hampir sepadan" in page


# ----------------------------------------------------------------- candidates


def test_chong_sees_the_candidate_and_gopal_sees_none(client, chong, gopal, three_vacancies):
    url = reverse("placement:vacancy_candidates", args=[three_vacancies["pre_injury"].pk])

    page = _login(client, chong).get(url).content.decode()
    assert "Siti Aminah binti Yusof" in page
    assert AccessEvent.objects.filter(actor=chong, what="match.candidate").count() == 1

    other = _login(Client(), gopal).get(url).content.decode()
    assert "Siti Aminah binti Yusof" not in other
    assert "No candidate you may see meets every demand of this job." in other


def test_the_vacancy_page_links_candidates_and_skills(client, bala, three_vacancies):
    vacancy = three_vacancies["elsewhere"]
    page = _login(client, bala).get(reverse("employers:vacancy_detail", args=[vacancy.pk]))

    assert reverse("placement:vacancy_candidates", args=[vacancy.pk]) in page.content.decode()
    assert reverse("placement:vacancy_skills", args=[vacancy.pk]) in page.content.decode()


# --------------------------------------------------------------------- skills


def test_bala_sets_the_skills_a_vacancy_asks(client, bala, three_vacancies):
    vacancy = three_vacancies["elsewhere"]
    forklift, english = Skill.objects.filter(code__in=["forklift-licence", "english"])
    url = reverse("placement:vacancy_skills", args=[vacancy.pk])

    response = _login(client, bala).post(url, {"skills": [forklift.pk, english.pk]})

    assert response.status_code == 302
    assert set(VacancySkill.objects.filter(vacancy=vacancy).values_list("skill", flat=True)) == {
        forklift.pk,
        english.pk,
    }
    event = AuditEvent.objects.get(action="vacancy.skills_set")
    assert event.actor == bala
    assert sorted(event.changes["skills"][1]) == ["english", "forklift-licence"]
    # Ticked on the form next time.
    page = client.get(url).content.decode()
    assert page.count("checked") == 2


def test_a_case_manager_may_not_set_skills(client, aisyah, three_vacancies):
    url = reverse("placement:vacancy_skills", args=[three_vacancies["elsewhere"].pk])

    assert _login(client, aisyah).get(url).status_code == 403


# ------------------------------------------------------------------------ API


@pytest.fixture
def bearer():
    def make(user) -> Client:
        _, plaintext = token_create(user=user, name="test script")
        return Client(headers={"Authorization": f"Bearer {plaintext}"})

    return make


def test_the_api_gives_the_matches_with_breakdown_and_reasons(bearer, bala, assessed_case,
                                                               three_vacancies):  # fmt: skip
    response = bearer(bala).get(f"/api/v1/cases/{assessed_case.number}/matches?k=5")

    assert response.status_code == 200
    body = response.json()
    assert body["has_assessment"] is True
    first = body["matches"][0]
    assert first["vacancy"]["title"] == "Dispatch clerk"
    assert first["rtw_level"] == 3
    assert [f["name"] for f in first["factors"]] == [
        "occupation",
        "skills",
        "wage",
        "distance",
        "rtw",
    ]
    assert sum(f["contribution"] for f in first["factors"]) == pytest.approx(
        first["score"], abs=1e-3
    )
    assert "at the pre-injury employer" in first["reasons"]
    assert body["near_misses"][0]["failed"] == "needs lifting 25 kg; limit is 10 kg"
    assert AccessEvent.objects.filter(actor=bala, what="match.vacancies").exists()


def test_the_api_refuses_the_analyst_and_hides_other_offices(bearer, ehsan, farid, assessed_case):
    url = f"/api/v1/cases/{assessed_case.number}/matches"

    assert bearer(ehsan).get(url).status_code == 403
    assert bearer(farid).get(url).status_code == 404


def test_the_api_lists_candidates_the_caller_may_see(bearer, chong, gopal, three_vacancies):
    url = f"/api/v1/vacancies/{three_vacancies['pre_injury'].pk}/candidates"

    mine = bearer(chong).get(url).json()["candidates"]
    assert [c["person_name"] for c in mine] == ["Siti Aminah binti Yusof"]
    assert bearer(gopal).get(url).json()["candidates"] == []


def test_the_api_reads_and_sets_vacancy_skills(bearer, bala, aisyah, three_vacancies):
    url = f"/api/v1/vacancies/{three_vacancies['elsewhere'].pk}/skills"
    client = bearer(bala)

    bad = client.put(url, {"skills": ["forklift-licence", "juggling"]}, "application/json")
    assert bad.status_code == 422
    assert "juggling" in bad.json()["errors"][0]["message"]

    good = client.put(url, {"skills": ["forklift-licence"]}, "application/json")
    assert good.status_code == 200
    assert [s["code"] for s in good.json()] == ["forklift-licence"]
    assert [s["code"] for s in client.get(url).json()] == ["forklift-licence"]

    refused = bearer(aisyah).put(url, {"skills": []}, "application/json")
    assert refused.status_code == 403


# ------------------------------------------------------ the explanation's HTML

# Exact halves (n / 2000 is a multiple of 0.0005) are where rounding rules differ.
_numbers = (
    st.floats(min_value=-1500, max_value=1500, allow_nan=False)
    | st.integers(-2_000_000, 2_000_000).map(lambda n: n / 2000)
    | st.sampled_from([0.0, -0.0, 1e-300, -1e-101, float("inf")])
)


@settings(max_examples=300, deadline=None)
@given(value=_numbers, places=st.sampled_from([2, 3]))
def test_numbers_read_as_floatformat_writes_them(value, places):
    for language in ("en", "ms", "de"):  # German: a decimal comma
        with translation.override(language):
            separator = Words.for_active_language().decimal_separator
            assert fixed(value, places, separator) == floatformat(value, places)


def test_the_explanation_escapes_what_it_shows_and_reads_in_malay():
    factor = FactorRow("skills", "Skills <b>", 0.5, 0.25, 0.125)
    with translation.override("ms"):
        words = Words.for_active_language()
    html = explanation_html(
        lines=["has <script>", "5 km away"],
        missing_skills=["Forklift & crane", "Welding"],
        factors=[factor],
        words=words,
    )

    assert "<li>has &lt;script&gt;</li><li>5 km away</li>" in html
    assert "<strong>Kemahiran yang kurang:</strong> Forklift &amp; crane, Welding</p>" in html
    assert "Sebab ia sesuai" in html and "Bagaimana skor dikira" in html
    assert (
        '<th scope="row">Skills &lt;b&gt;</th><td class="kembali-table__numeric">0.50</td>'
        '<td class="kembali-table__numeric">0.25</td><td class="kembali-table__numeric">0.125</td>'
    ) in html
    assert 'data-testid="missing-skills"' not in explanation_html(
        lines=[], missing_skills=[], factors=[factor], words=words
    )


_TOKEN = re.compile(r"\b[A-Za-z0-9]{64}\b")  # a masked CSRF token: new on every get_token

# The match page as a template extending base.html wrote it, the reference for its
# frame written in Python (kembali.core.layout.page_response).
REFERENCE_PAGE = """{% extends "base.html" %}{% load i18n %}
{% block title %}{% translate "Matching vacancies" %} – {{ case.number }}{% endblock %}
{% block content %}{% include "placement/match_vacancies.html" %}{% endblock %}"""


@pytest.mark.parametrize("language", ["en", "ms"])
def test_the_match_page_is_what_base_html_wrote_around_it(
    language, bala, assessed_case, three_vacancies
):
    path = _matches_url(assessed_case)

    def request_with_a_message():
        request = RequestFactory().get(path)
        request.user = bala
        request.resolver_match = resolve(path)
        request.session = {}
        request._messages = FallbackStorage(request)
        request._messages.add(messages.SUCCESS, "Saved <the> step")
        return request

    with translation.override(language):
        ours = case_matches_page(request_with_a_message(), assessed_case.number)
        context = {
            "case": assessed_case,
            "found": case_matches(assessed_case),
            "may_assess": True,
        }
        reference = (
            engines["django"].from_string(REFERENCE_PAGE).render(context, request_with_a_message())
        )
    page = ours.content.decode()
    assert _TOKEN.sub("-", page) == _TOKEN.sub("-", reference)
    assert "Saved &lt;the&gt; step" in page and "Dispatch clerk" in page
    assert (
        f"<title>{'Kekosongan yang sepadan' if language == 'ms' else 'Matching vacancies'}" in page
    )
