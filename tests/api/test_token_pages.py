import pytest
from django.test import Client

from kembali.accounts.models import ApiToken
from kembali.accounts.tokens import token_authenticate, token_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(aisyah):
    client = Client()
    client.force_login(aisyah)
    return client


@pytest.mark.parametrize("url", ["/tokens/", "/tokens/new/", "/tokens/1/revoke/"])
def test_anonymous_users_are_sent_to_sign_in(url):
    response = Client().get(url)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_the_list_shows_my_tokens_only(signed_in, aisyah, farid):
    token_create(user=aisyah, name="monthly report")
    token_create(user=farid, name="penang script")

    response = signed_in.get("/tokens/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "monthly report" in html
    assert "penang script" not in html
    assert "Revoke" in html


def test_creating_a_token_shows_it_once(signed_in, aisyah):
    response = signed_in.post("/tokens/new/", {"name": "monthly report"})

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    html = response.content.decode()
    assert "It will not be shown again" in html
    token = ApiToken.objects.get(user=aisyah)
    plaintext = next(word for word in html.split('"') if word.startswith(f"{token.prefix}_"))
    assert token_authenticate(plaintext) == aisyah

    listing = signed_in.get("/tokens/").content.decode()
    assert token.prefix in listing
    assert plaintext not in listing


def test_a_token_needs_a_name(signed_in):
    response = signed_in.post("/tokens/new/", {"name": ""})

    assert response.status_code == 200
    assert "Enter a name for the token" in response.content.decode()
    assert 'href="#id_name"' in response.content.decode()
    assert not ApiToken.objects.exists()


def test_revoking_asks_first_then_revokes(signed_in, aisyah):
    token, plaintext = token_create(user=aisyah, name="old script")

    confirm = signed_in.get(f"/tokens/{token.pk}/revoke/")
    assert confirm.status_code == 200
    assert "Yes, revoke it" in confirm.content.decode()
    assert token_authenticate(plaintext) == aisyah

    response = signed_in.post(f"/tokens/{token.pk}/revoke/", follow=True)

    assert response.redirect_chain[-1][0] == "/tokens/"
    assert "is revoked" in response.content.decode()
    assert token_authenticate(plaintext) is None


def test_another_users_token_cannot_be_revoked(signed_in, farid):
    token, plaintext = token_create(user=farid, name="penang script")

    assert signed_in.get(f"/tokens/{token.pk}/revoke/").status_code == 404
    assert signed_in.post(f"/tokens/{token.pk}/revoke/").status_code == 404
    assert token_authenticate(plaintext) == farid


def test_the_pages_speak_malay(signed_in):
    signed_in.cookies["django_language"] = "ms"
    html = signed_in.get("/tokens/", headers={"Accept-Language": "ms"}).content.decode()
    assert "Token API" in html
