"""Five wrong passwords lock an account, whatever address they come from; a
supervisor or national administrator unlocks it."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from kembali.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

LOCKED_MESSAGE = (
    "This account is locked after too many failed sign-in attempts. "
    "Ask your supervisor or a national administrator to unlock it."
)


def _sign_in(client, username, password, address="10.0.0.1"):
    return client.post(
        reverse("accounts:login"),
        {"username": username, "password": password},
        REMOTE_ADDR=address,
    )


def _fail_five_times(client, username="aisyah"):
    # The office shares one NAT address, but attackers may not: vary it.
    for attempt in range(5):
        _sign_in(client, username, "wrong", address=f"10.0.0.{attempt + 1}")


def test_four_failures_still_allow_the_right_password(client, aisyah):
    for _ in range(4):
        assert _sign_in(client, "aisyah", "wrong").status_code == 200
    response = _sign_in(client, "aisyah", "kembali-test")
    assert response.status_code == 302


def test_five_failures_lock_the_account_with_a_clear_message(client, aisyah):
    _fail_five_times(client)
    response = _sign_in(client, "aisyah", "kembali-test")
    html = response.content.decode()
    assert response.status_code == 429
    assert LOCKED_MESSAGE in html
    assert "<title>Account locked – Kembali</title>" in html
    assert "_auth_user_id" not in client.session


def test_the_lockout_message_is_in_malay_for_malay_speakers(client, aisyah):
    _fail_five_times(client)
    response = client.post(
        reverse("accounts:login"),
        {"username": "aisyah", "password": "kembali-test"},
        HTTP_ACCEPT_LANGUAGE="ms",
    )
    html = response.content.decode()
    assert "Akaun ini dikunci" in html


def test_a_lockout_is_per_person_not_per_office_address(client, aisyah, bala):
    _fail_five_times(client, "aisyah")
    # bala signs in from the same office address without trouble.
    response = _sign_in(client, "bala", "kembali-test", address="10.0.0.1")
    assert response.status_code == 302


def test_the_kl_supervisor_sees_and_unlocks_her_staff(client, aisyah, chong):
    _fail_five_times(client)
    client.force_login(chong)
    page = client.get(reverse("accounts:locked")).content.decode()
    assert "aisyah" in page
    assert "Aisyah Rahman" in page

    response = client.post(reverse("accounts:unlock"), {"username": "aisyah"}, follow=True)
    assert "Aisyah Rahman can sign in again." in response.content.decode()
    assert "No account is locked." in response.content.decode()

    event = AuditEvent.objects.get(action="unlock")
    assert event.actor == chong
    assert event.object_id == str(aisyah.pk)
    assert event.office == aisyah.office

    client.logout()
    assert _sign_in(client, "aisyah", "kembali-test").status_code == 302


def test_another_offices_supervisor_neither_sees_nor_unlocks(client, aisyah, gopal):
    _fail_five_times(client)
    client.force_login(gopal)
    assert "aisyah" not in client.get(reverse("accounts:locked")).content.decode()
    response = client.post(reverse("accounts:unlock"), {"username": "aisyah"})
    assert response.status_code == 404
    client.logout()
    assert _sign_in(client, "aisyah", "kembali-test").status_code == 429


def test_the_national_administrator_unlocks_anyone(client, farid, devi):
    _fail_five_times(client, "farid")
    client.force_login(devi)
    assert "farid" in client.get(reverse("accounts:locked")).content.decode()
    client.post(reverse("accounts:unlock"), {"username": "farid"})
    client.logout()
    assert _sign_in(client, "farid", "kembali-test").status_code == 302


@pytest.mark.parametrize("name", ["aisyah", "bala", "ehsan", "farid"])
def test_other_roles_cannot_open_the_locked_accounts_page(client, request, name):
    client.force_login(request.getfixturevalue(name))
    assert client.get(reverse("accounts:locked")).status_code == 403
    assert client.post(reverse("accounts:unlock"), {"username": name}).status_code == 403


def test_the_unlock_command_unlocks_and_is_audited(client, aisyah, capsys):
    _fail_five_times(client)
    call_command("unlock_user", "aisyah", "--reason", "confirmed by phone")
    assert "aisyah is unlocked" in capsys.readouterr().out
    event = AuditEvent.objects.get(action="unlock")
    assert event.actor is None
    assert event.reason == "confirmed by phone"
    assert _sign_in(client, "aisyah", "kembali-test").status_code == 302


def test_the_test_client_login_still_works(client, aisyah):
    assert client.login(username="aisyah", password="kembali-test")
    assert not client.login(username="aisyah", password="wrong")
