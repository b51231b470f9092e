"""Production mode: secure cookies, HSTS, HTTPS redirect, no framing, and the
deploy check (tests/core/test_settings.py runs check --deploy itself)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "KEMBALI_ENV": "production",
    "ALLOWED_HOSTS": "kembali.example",
    "SECRET_KEY": "k3mb4li-" + "q" * 30 + "Zx9!" + "w" * 30,
    "KEMBALI_FIELD_KEY": "nCdUyBh6P6kPz1j8oOKUdaNh-rJ9N2kBDPQV9_8IjbQ=",
}
NAMES = [
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "X_FRAME_OPTIONS",
    "SECURE_CONTENT_TYPE_NOSNIFF",
    "SECURE_PROXY_SSL_HEADER",
    "DEBUG",
    "MEDIA_ROOT",
    "STATIC_ROOT",
]


def _production_settings(extra: dict[str, str] | None = None) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    env.update(PRODUCTION_ENV)
    env.update(extra or {})
    script = (
        "import json, django; from django.conf import settings; django.setup(); "
        f"print(json.dumps({{n: str(getattr(settings, n, None)) for n in {NAMES!r}}}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={**env, "DJANGO_SETTINGS_MODULE": "kembali.settings"},
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_cookies_are_secure_and_https_is_enforced():
    values = _production_settings()
    assert values["DEBUG"] == "False"
    assert values["SESSION_COOKIE_SECURE"] == "True"
    assert values["CSRF_COOKIE_SECURE"] == "True"
    assert values["SESSION_COOKIE_HTTPONLY"] == "True"
    assert values["SECURE_SSL_REDIRECT"] == "True"
    assert int(values["SECURE_HSTS_SECONDS"]) >= 31536000
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] == "True"
    assert values["X_FRAME_OPTIONS"] == "DENY"
    assert values["SECURE_CONTENT_TYPE_NOSNIFF"] == "True"


def test_behind_a_redirecting_proxy_the_redirect_can_be_turned_off():
    values = _production_settings({"SECURE_SSL_REDIRECT": "false"})
    assert values["SECURE_SSL_REDIRECT"] == "False"
    assert values["SECURE_PROXY_SSL_HEADER"] == "('HTTP_X_FORWARDED_PROTO', 'https')"


def test_uploads_live_outside_the_static_root():
    media = Path(settings.MEDIA_ROOT).resolve()
    static = Path(settings.STATIC_ROOT).resolve()
    assert not media.is_relative_to(static)
    assert not static.is_relative_to(media)


@pytest.mark.django_db
@override_settings(
    SECURE_SSL_REDIRECT=True,
    SECURE_HSTS_SECONDS=31536000,
    SECURE_HSTS_INCLUDE_SUBDOMAINS=True,
    SESSION_COOKIE_SECURE=True,
    CSRF_COOKIE_SECURE=True,
)
def test_a_production_response_redirects_to_https_and_sends_hsts(client):
    assert client.get(reverse("accounts:login")).status_code == 301
    response = client.get(reverse("accounts:login"), secure=True)
    assert response.status_code == 200
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response.cookies["csrftoken"]["secure"]


@pytest.mark.django_db
def test_a_form_post_without_the_csrf_token_is_refused(aisyah):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(aisyah)
    response = strict.post(reverse("accounts:logout"))
    assert response.status_code == 403
