"""Two-step sign-in secrets are encrypted at rest: the database holds a Fernet
token, never the base32 secret; codes still work; a wrong key fails clearly;
keys can be rotated."""

import importlib
import os
import subprocess
import sys
from pathlib import Path

import pyotp
import pytest
import time_machine
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from kembali.accounts.encryption import FieldKeyError, derive_key
from kembali.accounts.models import TotpDevice
from kembali.accounts.services import totp_enrolment_confirm, totp_enrolment_start, totp_verify

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
OLD_KEY = Fernet.generate_key().decode()
NEW_KEY = Fernet.generate_key().decode()


def _stored(device) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT secret FROM accounts_totpdevice WHERE id = %s", [device.pk])
        return cursor.fetchone()[0]


def _enrolled(user) -> TotpDevice:
    """Enrolled through the services, and read back from the database."""
    device = totp_enrolment_start(user=user)
    assert totp_enrolment_confirm(user=user, code=pyotp.TOTP(device.secret).now())
    return TotpDevice.objects.get(pk=device.pk)


def test_the_database_holds_no_base32_secret(aisyah):
    device = _enrolled(aisyah)
    stored = _stored(device)
    assert len(device.secret) == 32
    assert device.secret not in stored
    assert stored.startswith("gAAAAA")  # a Fernet token


def test_codes_still_work_after_a_round_trip_through_the_database(aisyah):
    with time_machine.travel("2026-03-02 09:00 +08:00", tick=False) as traveller:
        device = _enrolled(aisyah)
        assert TotpDevice.objects.get(pk=device.pk).secret == device.secret
        traveller.shift(90)
        assert not totp_verify(user=aisyah, code="000000")
        assert totp_verify(user=aisyah, code=pyotp.TOTP(device.secret).now())


def test_a_wrong_key_fails_clearly(aisyah, settings):
    settings.KEMBALI_FIELD_KEY = [OLD_KEY]
    device = _enrolled(aisyah)
    settings.KEMBALI_FIELD_KEY = [NEW_KEY]
    with pytest.raises(FieldKeyError, match="cannot be decrypted with KEMBALI_FIELD_KEY"):
        TotpDevice.objects.get(pk=device.pk)


def test_a_key_is_rotated_by_listing_the_new_key_first(aisyah, settings):
    settings.KEMBALI_FIELD_KEY = [OLD_KEY]
    device = _enrolled(aisyah)
    written_with_old = _stored(device)

    settings.KEMBALI_FIELD_KEY = [NEW_KEY, OLD_KEY]
    assert TotpDevice.objects.get(pk=device.pk).secret == device.secret
    call_command("rotate_field_key", stdout=open(os.devnull, "w"))  # noqa: SIM115
    assert _stored(device) != written_with_old

    settings.KEMBALI_FIELD_KEY = [NEW_KEY]
    assert TotpDevice.objects.get(pk=device.pk).secret == device.secret


def test_without_a_key_development_derives_one_from_the_secret_key(aisyah, settings):
    settings.KEMBALI_FIELD_KEY = []
    device = _enrolled(aisyah)
    stored = _stored(device)
    derived = Fernet(derive_key(settings.SECRET_KEY).encode())
    assert derived.decrypt(stored.encode()).decode() == device.secret
    assert derive_key("another secret key") != derive_key(settings.SECRET_KEY)


def test_the_migration_encrypts_secrets_stored_in_the_clear(aisyah):
    secret = pyotp.random_base32()
    device = TotpDevice.objects.create(user=aisyah, secret=secret)
    with connection.cursor() as cursor:  # as rows were before the migration
        cursor.execute(
            "UPDATE accounts_totpdevice SET secret = %s WHERE id = %s", [secret, device.pk]
        )
    migration = importlib.import_module("kembali.accounts.migrations.0004_encrypt_totp_secret")
    state = MigrationLoader(connection).project_state(("accounts", "0003_totpdevice"))
    migration.encrypt_secrets(state.apps, None)
    assert secret not in _stored(device)
    assert TotpDevice.objects.get(pk=device.pk).secret == secret
    # Run twice, it does not encrypt twice.
    migration.encrypt_secrets(state.apps, None)
    assert TotpDevice.objects.get(pk=device.pk).secret == secret


def _production(extra: dict[str, str]) -> subprocess.CompletedProcess:
    unset = {"SECRET_KEY", "DEBUG", "KEMBALI_FIELD_KEY"}
    env = {k: v for k, v in os.environ.items() if k not in unset}
    env.update(
        {
            "KEMBALI_ENV": "production",
            "ALLOWED_HOSTS": "kembali.example",
            "SECRET_KEY": "k3mb4li-" + "q" * 30 + "Zx9!" + "w" * 30,
            **extra,
        }
    )
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_to_start_without_a_key():
    result = _production({})
    assert result.returncode != 0
    assert "needs KEMBALI_FIELD_KEY" in result.stderr


def test_production_reports_a_key_that_is_not_a_fernet_key():
    result = _production({"KEMBALI_FIELD_KEY": "not-a-key"})
    assert result.returncode != 0
    assert "key 1 is not a Fernet key" in result.stderr


def test_production_with_a_key_list_passes_the_deploy_check():
    result = _production({"KEMBALI_FIELD_KEY": f"{NEW_KEY},{OLD_KEY}"})
    assert result.returncode == 0, result.stdout + result.stderr
