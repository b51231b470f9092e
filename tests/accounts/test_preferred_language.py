"""A staff member's preferred language applies from the moment they sign in."""

import pytest
from django.conf import settings
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _sign_in(client, username, **headers):
    return client.post(
        reverse("accounts:login"),
        {"username": username, "password": "kembali-test"},
        follow=True,
        **headers,
    )


def test_a_malay_speaker_lands_on_a_malay_home_page(client, kl_office):
    UserFactory(username="nurul", preferred_language="ms", office=kl_office)
    response = _sign_in(client, "nurul", HTTP_ACCEPT_LANGUAGE="en")
    assert response.redirect_chain[-1][0] == reverse("core:home")
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ms"
    assert '<html lang="ms"' in response.content.decode()
    # And it stays Malay on the next page, whatever the browser asks for.
    html = client.get(reverse("cases:list"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="ms"' in html


def test_english_preference_overrides_a_malay_cookie_left_from_before(client, aisyah):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ms"
    response = _sign_in(client, "aisyah")
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert '<html lang="en"' in response.content.decode()
    assert "Your cases" in response.content.decode()


def test_a_failed_sign_in_leaves_the_language_alone(client, kl_office):
    UserFactory(username="nurul", preferred_language="ms", office=kl_office)
    response = client.post(reverse("accounts:login"), {"username": "nurul", "password": "wrong"})
    assert response.status_code == 200
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies
