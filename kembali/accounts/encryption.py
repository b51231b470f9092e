"""Secrets encrypted at rest: a database dump or a stolen backup must not hand
over every staff member's second sign-in step.

Fernet (AES-128-CBC with HMAC-SHA256, from the `cryptography` package) with the
keys of settings.KEMBALI_FIELD_KEY, newest first. MultiFernet encrypts with the
first and decrypts with any, so a key is rotated by putting a new key in front
of the old one, running `kembali rotate_field_key`, then dropping the old one.

Without KEMBALI_FIELD_KEY (development and tests only: production refuses to
start) the key is derived from SECRET_KEY with HKDF, so a laptop needs nothing
set."""

import base64
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

# Every Fernet token starts with its version byte 0x80, "gAAAAA" in base64.
TOKEN_START = "gAAAAA"


class FieldKeyError(Exception):
    """A stored secret cannot be decrypted with the configured keys."""


def derive_key(secret_key: str) -> str:
    """A Fernet key derived from SECRET_KEY (development only)."""
    raw = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"kembali field encryption"
    ).derive(secret_key.encode())
    return base64.urlsafe_b64encode(raw).decode()


def _keys(configured: tuple[str, ...], secret_key: str) -> list[str]:
    return list(configured) or [derive_key(secret_key)]


@cache
def _fernet(configured: tuple[str, ...], secret_key: str) -> MultiFernet:
    fernets = []
    for position, key in enumerate(_keys(configured, secret_key), start=1):
        try:
            fernets.append(Fernet(key.encode()))
        except ValueError as error:
            raise ImproperlyConfigured(
                f"KEMBALI_FIELD_KEY: key {position} is not a Fernet key (32 url-safe "
                "base64-encoded bytes). Make one with: python -c 'from cryptography.fernet "
                "import Fernet; print(Fernet.generate_key().decode())'"
            ) from error
    return MultiFernet(fernets)


def fernet() -> MultiFernet:
    configured = tuple(getattr(settings, "KEMBALI_FIELD_KEY", None) or ())
    return _fernet(configured, settings.SECRET_KEY)


def encrypt(text: str) -> str:
    return fernet().encrypt(text.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return fernet().decrypt(token.encode()).decode()
    except InvalidToken as error:
        raise FieldKeyError(
            "A stored secret cannot be decrypted with KEMBALI_FIELD_KEY. If the key was "
            "changed, put the new key first and the old one after it, comma-separated."
        ) from error


def is_encrypted(value: str) -> bool:
    return value.startswith(TOKEN_START)


class EncryptedCharField(models.CharField):
    """Holds text that Python sees in the clear and the database sees encrypted.
    Encryption is randomised, so the column cannot be filtered or indexed by
    value: use it for secrets that are only ever read by their row."""

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(value)
