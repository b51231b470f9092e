"""The note form drawn with its text field cached per language (monitoring.note_new)
is, byte for byte, the page the template draws with includes/field.html, in English
and Malay; a refused note still shows the field with its error."""

from __future__ import annotations

import re

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from kembali.cases.forms_monitoring import NoteForm
from kembali.cases.models import Status
from tests.factories import CaseFactory, PersonFactory

pytestmark = pytest.mark.django_db

# The masked CSRF token differs on every draw.
_TOKEN = re.compile(r"(?<![A-Za-z0-9])[A-Za-z0-9]{64}(?![A-Za-z0-9])")


@pytest.fixture
def case(kl_office, aisyah):
    return CaseFactory(
        office=kl_office,
        status=Status.IN_REHABILITATION,
        case_manager=aisyah,
        person=PersonFactory(full_name='Nur <Aisyah> & "Ali"'),
    )


@pytest.mark.parametrize("language", ["en", "ms"])
def test_the_blank_note_form_is_what_the_template_draws(client, aisyah, case, language):
    client.force_login(aisyah)
    client.cookies["django_language"] = language
    url = reverse("cases:note_new", args=[case.number])
    for _ in range(2):  # the first draws the field, the second takes it from the cache
        response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code == 200
        reference = render_to_string(
            "cases/notes_form.html",
            {"case": case, "form": NoteForm()},
            request=response.wsgi_request,
        )
        page = response.content.decode()
        assert _TOKEN.sub("-", page) == _TOKEN.sub("-", reference)
    assert 'name="text"' in page and "Nur &lt;Aisyah&gt; &amp; &quot;Ali&quot;" in page
    hint = "Catatan tidak boleh diubah" if language == "ms" else "Notes cannot be changed"
    assert hint in page


def test_a_refused_note_shows_the_field_with_its_error(client, aisyah, case):
    client.force_login(aisyah)
    client.get(reverse("cases:note_new", args=[case.number]))  # the blank field cached
    response = client.post(reverse("cases:note_new", args=[case.number]), {"text": ""})

    page = response.content.decode()
    assert response.status_code == 422
    assert 'id="id_text-error"' in page and 'aria-invalid="true"' in page
