"""Two-step sign-in: optional for staff, required for national administrators."""

import pyotp
import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from kembali.accounts.models import TotpDevice
from kembali.accounts.services import totp_remove
from kembali.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

START = "2026-03-02 09:00:00 +08:00"


def _sign_in(client, username):
    return client.post(
        reverse("accounts:login"), {"username": username, "password": "kembali-test"}
    )


def _code(secret: str) -> str:
    return pyotp.TOTP(secret).now()


def _enrol(client, user) -> str:
    client.get(reverse("accounts:totp_enrol"))
    device = TotpDevice.objects.get(user=user)
    response = client.post(reverse("accounts:totp_enrol"), {"code": _code(device.secret)})
    assert response.status_code == 302
    return device.secret


def test_staff_without_an_app_sign_in_with_the_password_alone(client, aisyah):
    _sign_in(client, "aisyah")
    assert client.get(reverse("core:home")).status_code == 200


def test_a_national_administrator_must_set_up_an_app_first(client, devi):
    with time_machine.travel(START, tick=False):
        _sign_in(client, "devi")
        response = client.get(reverse("core:home"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:totp_enrol"))
        page = client.get(reverse("accounts:totp_enrol")).content.decode()
        assert "Your role needs two-step sign-in" in page
        device = TotpDevice.objects.get(user=devi)
        assert "otpauth://totp/Kembali:devi?secret=" in page
        assert device.secret[:4] in page

        wrong = client.post(reverse("accounts:totp_enrol"), {"code": "000000"})
        assert "The code is not right" in wrong.content.decode()
        client.post(reverse("accounts:totp_enrol"), {"code": _code(device.secret)})
        assert client.get(reverse("core:home")).status_code == 200
    assert AuditEvent.objects.filter(action="two_step.enrol", object_id=str(devi.pk)).count() == 1


def test_the_secret_is_not_shown_again_once_set_up(client, aisyah):
    client.force_login(aisyah)
    secret = _enrol(client, aisyah)
    response = client.get(reverse("accounts:totp_enrol"), follow=True)
    assert secret[:4] not in response.content.decode()
    assert "already set up" in response.content.decode()


def test_with_an_app_the_password_alone_is_not_enough(client, aisyah):
    with time_machine.travel(START, tick=False) as traveller:
        client.force_login(aisyah)
        secret = _enrol(client, aisyah)
        client.post(reverse("accounts:logout"))
        traveller.shift(60)

        _sign_in(client, "aisyah")
        response = client.get(reverse("cases:list"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:totp_verify"))
        wrong = client.post(reverse("accounts:totp_verify"), {"code": "123456"})
        assert "The code is not right" in wrong.content.decode()
        ok = client.post(
            reverse("accounts:totp_verify"), {"code": _code(secret), "next": reverse("cases:list")}
        )
        assert ok["Location"] == reverse("cases:list")
        assert client.get(reverse("core:home")).status_code == 200


def test_a_code_cannot_be_used_twice(client, aisyah):
    with time_machine.travel(START, tick=False) as traveller:
        client.force_login(aisyah)
        secret = _enrol(client, aisyah)
        traveller.shift(60)
        code = _code(secret)
        client.post(reverse("accounts:logout"))
        _sign_in(client, "aisyah")
        client.post(reverse("accounts:totp_verify"), {"code": code})
        client.post(reverse("accounts:logout"))
        _sign_in(client, "aisyah")
        replay = client.post(reverse("accounts:totp_verify"), {"code": code})
        assert replay.status_code == 200
        assert "The code is not right" in replay.content.decode()


def test_a_national_administrator_removes_a_lost_app(aisyah, devi, chong):
    TotpDevice.objects.create(user=aisyah, secret=pyotp.random_base32())
    with pytest.raises(PermissionDenied):
        totp_remove(actor=chong, user=aisyah)
    totp_remove(actor=devi, user=aisyah, reason="lost phone")
    assert not TotpDevice.objects.filter(user=aisyah).exists()
    assert AuditEvent.objects.get(action="two_step.remove").reason == "lost phone"
