import pytest
from django.test import Client

from kembali.accounts.tokens import token_create, token_revoke

pytestmark = pytest.mark.django_db


def test_a_bearer_token_says_who_you_are(aisyah, bearer):
    response = bearer(aisyah).get("/api/v1/me")

    assert response.status_code == 200
    assert response.json() == {
        "username": "aisyah",
        "name": "Aisyah Rahman",
        "role": "case_manager",
        "role_label": "Case manager",
        "office": {"code": "KL01", "name": "PERKESO RTW Kuala Lumpur"},
        "sees_personal_data": True,
    }


def test_a_ministry_analyst_may_ask_who_they_are(ehsan, bearer):
    response = bearer(ehsan).get("/api/v1/me")
    assert response.status_code == 200
    assert response.json()["sees_personal_data"] is False


def test_no_token_is_refused_with_a_clear_message(db):
    response = Client().get("/api/v1/me")

    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    body = response.json()
    assert "Authorization: Bearer" in body["detail"]
    assert body["errors"] == []


@pytest.mark.parametrize(
    "header",
    [
        "Bearer kmb_abcdefgh_notarealtokennotarealtokennotareal",
        "Bearer ",
        "Basic YWlzeWFoOng=",
        "kmb_x",
    ],
)
def test_a_bad_token_is_refused(aisyah, header):
    token_create(user=aisyah, name="script")
    response = Client(headers={"Authorization": header}).get("/api/v1/me")
    assert response.status_code == 401


def test_a_revoked_token_is_refused(aisyah):
    token, plaintext = token_create(user=aisyah, name="script")
    client = Client(headers={"Authorization": f"Bearer {plaintext}"})
    assert client.get("/api/v1/me").status_code == 200

    token_revoke(user=aisyah, token_id=token.pk)

    assert client.get("/api/v1/me").status_code == 401


def test_a_signed_in_browser_may_use_the_api(aisyah):
    client = Client()
    client.force_login(aisyah)
    response = client.get("/api/v1/me")
    assert response.status_code == 200
    assert response.json()["username"] == "aisyah"


def test_a_bad_token_is_refused_even_with_a_session(aisyah):
    """A wrong token is a mistake to report, not a reason to fall back on the cookie."""
    client = Client(headers={"Authorization": "Bearer kmb_wrong"})
    client.force_login(aisyah)
    assert client.get("/api/v1/me").status_code == 401


def test_an_unknown_api_address_answers_json_404(aisyah, bearer):
    response = bearer(aisyah).get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert "docs" in response.json()["detail"]
