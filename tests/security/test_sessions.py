"""A session ends after 30 minutes without a request, not 30 minutes after sign-in."""

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_thirty_minutes_of_inactivity_signs_you_out(client, aisyah):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    with time_machine.travel("2026-03-02 09:00 +08:00", tick=False) as traveller:
        client.force_login(aisyah)
        assert client.get(reverse("core:home")).status_code == 200
        traveller.shift(31 * 60)
        response = client.get(reverse("core:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_activity_keeps_the_session_alive(client, aisyah):
    with time_machine.travel("2026-03-02 09:00 +08:00", tick=False) as traveller:
        client.force_login(aisyah)
        for _ in range(4):
            traveller.shift(20 * 60)
            assert client.get(reverse("core:home")).status_code == 200
