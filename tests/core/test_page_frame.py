"""base.html draws its frame (head, skip link, footer) from includes/page_frame.html,
once per language (kembali.core.layout.frame_pieces): a page is byte for byte what
the whole base template wrote, in both languages, with messages and without, signed
in and out."""

# ruff: noqa: E501 (the reference template's lines are the template's own)
import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages.storage.fallback import FallbackStorage
from django.template import TemplateSyntaxError, engines
from django.test import RequestFactory
from django.urls import resolve, reverse
from django.utils import translation

from kembali.core import layout

pytestmark = pytest.mark.django_db

# base.html as it was before the frame moved out: the reference the frame must match.
REFERENCE_BASE = """{% load i18n static django_htmx kembali %}{% get_current_language as LANGUAGE_CODE %}<!DOCTYPE html>
<html lang="{{ LANGUAGE_CODE|default:'en' }}">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  {# htmx must not inject its own <style> element: a strict CSP allows no inline style. #}
  <meta name="htmx-config" content='{"includeIndicatorStyles": false}'>
  <title>{% block title %}{% endblock %} – Kembali</title>
  <link rel="stylesheet" href="{% static 'css/kembali.css' %}">
  {% htmx_script %}
</head>
<body class="kembali-template" hx-headers='{"X-CSRFToken": "{{ csrf_token }}"}'>
  <a href="#main" class="kembali-skip-link">{% translate "Skip to main content" %}</a>

  <header class="kembali-header">
    {% page_header %}
  </header>

  <div class="kembali-width-container">
    {% if messages %}
    <div class="kembali-messages" role="status">
      {% for message in messages %}
      <div class="kembali-notification kembali-notification--{{ message.tags|default:'info' }}">
        <p class="kembali-body">{{ message }}</p>
      </div>
      {% endfor %}
    </div>
    {% endif %}
    <main id="main" class="kembali-main" tabindex="-1">
      {% block content %}{% endblock %}
    </main>
  </div>

  <footer class="kembali-footer">
    <div class="kembali-width-container">
      <p class="kembali-footer__text">{% translate "Kembali: case management for the Return to Work programme." %}</p>
      <p class="kembali-footer__text">{% translate "Occupation titles: ESCO, © European Union" %}</p>
    </div>
  </footer>
</body>
</html>
"""

PAGE = """{% block title %}Cases <&>{% endblock %}{% block content %}<h1>Cases</h1>
<p>{{ text }}</p>{% endblock %}"""

_TOKEN = re.compile(r'(name="csrfmiddlewaretoken" value="|"X-CSRFToken": ")[^"]+"')


def _page(parent: str, request, context: dict, page: str = PAGE) -> str:
    engine = engines["django"]
    child = engine.from_string("{% extends parent %}" + page)
    html = child.render({"parent": engine.from_string(parent), **context}, request)
    # Each render masks the CSRF token afresh: compare the pages around it.
    return _TOKEN.sub(r'\1TOKEN"', html)


def _request(user, *, messages=()):
    path = reverse("cases:list")
    request = RequestFactory().get(path)
    request.user = user
    request.resolver_match = resolve(path)
    request.session = {}
    request._messages = FallbackStorage(request)
    for level, text in messages:
        request._messages.add(level, text)
    return request


@pytest.mark.parametrize("language", ["en", "ms"])
@pytest.mark.parametrize("signed_in", [True, False])
@pytest.mark.parametrize("with_messages", [True, False])
def test_a_page_is_what_the_whole_base_template_wrote(aisyah, language, signed_in, with_messages):
    from django.contrib import messages as levels

    user = aisyah if signed_in else AnonymousUser()
    notes = [(levels.SUCCESS, "Saved <b>"), (levels.ERROR, "Refused")] if with_messages else []
    with translation.override(language):
        ours = _page(open_base(), _request(user, messages=notes), {"text": "<script>"})
        theirs = _page(REFERENCE_BASE, _request(user, messages=notes), {"text": "<script>"})
    assert ours == theirs
    assert f'<html lang="{language}">' in ours
    assert "&lt;script&gt;" in ours
    assert ("Saved &lt;b&gt;" in ours) is with_messages
    skip = "Langkau ke kandungan utama" if language == "ms" else "Skip to main content"
    assert skip in ours


def open_base() -> str:
    from django.template.loader import get_template

    return get_template("base.html").template.source


def test_the_frame_is_cut_once_per_language():
    with translation.override("en"):
        english = layout.frame_pieces()
        assert layout.frame_pieces() is english
    with translation.override("ms"):
        assert layout.frame_pieces() != english


def test_a_part_the_frame_does_not_have_is_a_template_error(aisyah):
    template = engines["django"].from_string('{% load kembali %}{% page_frame "middle" %}')
    with pytest.raises(TemplateSyntaxError, match='"start", "header" or "end"'):
        template.render({}, _request(aisyah))


# A page whose title is text (escaped) and whose content is HTML, and its blocks as
# page_response takes them.
TEXT_PAGE = """{% block title %}{{ title }}{% endblock %}{% block content %}<h1>Cases</h1>
<p>{{ text }}</p>{% endblock %}"""
PAGE_TITLE = "Cases <&> 'quoted'"
PAGE_CONTENT = "<h1>Cases</h1>\n<p>{}</p>"


@pytest.mark.parametrize("language", ["en", "ms"])
@pytest.mark.parametrize("signed_in", [True, False])
@pytest.mark.parametrize("with_messages", [True, False])
def test_a_page_response_is_what_base_html_writes(aisyah, language, signed_in, with_messages):
    from django.contrib import messages as levels
    from django.utils.html import escape, format_html

    user = aisyah if signed_in else AnonymousUser()
    notes = []
    if with_messages:  # a level of no tag of its own is shown as "info"
        notes = [(levels.SUCCESS, "Saved <b>"), (levels.ERROR, "Refused"), (35, "Untagged")]
    with translation.override(language):
        reference_request = _request(user, messages=notes)
        context = {"title": PAGE_TITLE, "text": "<script>"}
        theirs = _page(open_base(), reference_request, context, TEXT_PAGE)
        request = _request(user, messages=notes)
        response = layout.page_response(
            request, title=PAGE_TITLE, content=format_html(PAGE_CONTENT, "<script>")
        )
    ours = _TOKEN.sub(r'\1TOKEN"', response.content.decode())
    assert ours == theirs
    assert response.status_code == 200 and response["Content-Type"] == "text/html; charset=utf-8"
    assert f"<title>{escape(PAGE_TITLE)} – Kembali</title>" in ours
    assert ("kembali-notification--info" in ours) is with_messages
    # Shown, so the messages middleware drops them, as after the template's loop.
    assert request._messages.used is reference_request._messages.used is with_messages


def test_a_page_response_carries_the_token_and_status_it_is_given(aisyah):
    request = _request(aisyah)
    response = layout.page_response(
        request, title="T", content="<p>x</p>", csrf_token="GIVEN-TOKEN", status=409
    )
    html = response.content.decode()
    assert response.status_code == 409
    assert '"X-CSRFToken": "GIVEN-TOKEN"' in html
    assert 'name="csrfmiddlewaretoken" value="GIVEN-TOKEN"' in html
