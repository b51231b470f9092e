"""Signing in and out, and changing a password."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_anonymous_user_is_sent_to_login(client):
    response = client.get(reverse("core:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_login_page_has_labelled_fields_and_no_autofocus(client):
    response = client.get(reverse("accounts:login"))
    html = response.content.decode()
    assert response.status_code == 200
    assert '<label class="kembali-label" for="id_username">' in html
    assert '<label class="kembali-label" for="id_password">' in html
    assert "autofocus" not in html
    assert 'autocomplete="current-password"' in html


def test_case_manager_signs_in_and_lands_on_her_home(client, aisyah):
    response = client.post(
        reverse("accounts:login"), {"username": "aisyah", "password": "kembali-test"}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("core:home")
    html = response.content.decode()
    assert "Your cases" in html
    assert "Aisyah Rahman" in html
    assert "Case manager, PERKESO RTW Kuala Lumpur" in html


def test_wrong_password_shows_the_error_summary(client, aisyah):
    response = client.post(reverse("accounts:login"), {"username": "aisyah", "password": "wrong"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html
    assert 'role="alert"' in html
    assert "Please enter a correct username and password" in html
    assert "<title>Error: Sign in – Kembali</title>" in html


def test_empty_fields_link_the_error_summary_to_each_field(client, aisyah):
    response = client.post(reverse("accounts:login"), {"username": "", "password": ""})
    html = response.content.decode()
    assert '<a href="#id_username">' in html
    assert '<a href="#id_password">' in html
    assert 'aria-describedby="id_username-error"' in html


def test_logout_is_a_post_and_signs_out(client, aisyah):
    client.force_login(aisyah)
    assert client.get(reverse("accounts:logout")).status_code == 405
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:login")
    assert client.get(reverse("core:home")).status_code == 302


def test_password_change(client, aisyah):
    client.force_login(aisyah)
    page = client.get(reverse("accounts:password_change"))
    assert page.status_code == 200
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": "kembali-test",
            "new_password1": "Pulang-ke-kerja-2026",
            "new_password2": "Pulang-ke-kerja-2026",
        },
    )
    assert response["Location"] == reverse("accounts:password_change_done")
    assert "Password changed" in client.get(response["Location"]).content.decode()
    aisyah.refresh_from_db()
    assert aisyah.check_password("Pulang-ke-kerja-2026")


def test_password_change_errors_are_summarised(client, aisyah):
    client.force_login(aisyah)
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": "nope", "new_password1": "abc", "new_password2": "abd"},
    )
    html = response.content.decode()
    assert "There is a problem" in html
    assert '<a href="#id_old_password">' in html
    assert '<a href="#id_new_password2">' in html
    aisyah.refresh_from_db()
    assert aisyah.check_password("kembali-test")


def test_login_page_in_malay(client):
    response = client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="ms")
    html = response.content.decode()
    assert '<html lang="ms">' in html
    assert "Log masuk ke Kembali" in html
