"""Personal API tokens: made, revoked and checked here, and nowhere else.

A token reads ``kmb_<8 chars>_<32 chars>``. The first part (``kmb_`` and 8
characters) is the public prefix, kept so a person can tell their tokens apart;
the whole token is stored only as its SHA-256 hash. The plaintext exists once,
in the return value of token_create, and is never logged or audited.

A fast hash (not a password hash) is right here: the secret has 192 bits of
entropy, so there is nothing to brute-force, and every API request checks one.
"""

import datetime as dt
import hashlib
import hmac
import secrets
import string

from django.db import transaction
from django.utils import timezone

from kembali.accounts.models import ApiToken
from kembali.accounts.roles import is_national_admin
from kembali.audit.services import audit_record

TOKEN_START = "kmb_"
_PREFIX_ALPHABET = string.ascii_lowercase + string.digits
_PREFIX_LENGTH = 8
# 24 random bytes are 32 url-safe characters.
_SECRET_BYTES = 24
# A token is at most this long; anything longer is refused before hashing.
_MAX_TOKEN_LENGTH = 64
# last_used_at is a hint for the owner, not an audit trail: writing it on every
# request would turn each API read into a write.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


class TokenError(Exception):
    """A token operation that cannot be done, with a message for the user."""


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def token_create(*, user, name: str) -> tuple[ApiToken, str]:
    """A new token for this user. Returns the row and the plaintext token, which
    the caller shows once and must not store."""
    name = (name or "").strip()
    if not name:
        raise TokenError("Give the token a name, so you can tell it apart later.")
    if len(name) > ApiToken._meta.get_field("name").max_length:
        raise TokenError("The name is too long: use 80 characters or fewer.")
    public = "".join(secrets.choice(_PREFIX_ALPHABET) for _ in range(_PREFIX_LENGTH))
    prefix = f"{TOKEN_START}{public}"
    plaintext = f"{prefix}_{secrets.token_urlsafe(_SECRET_BYTES)}"
    token = ApiToken.objects.create(
        user=user, name=name, prefix=prefix, token_hash=_hash(plaintext)
    )
    audit_record(
        actor=user,
        action="create",
        obj=token,
        changes={"name": [None, name], "prefix": [None, prefix]},
    )
    return token, plaintext


def tokens_revocable_by(user):
    """The tokens this user may revoke: their own; a national administrator's, anyone's."""
    qs = ApiToken.objects.select_related("user")
    if is_national_admin(user):
        return qs
    return qs.filter(user_id=user.pk)


@transaction.atomic
def token_revoke(*, user, token_id: int) -> ApiToken:
    """Revoke a token. Raises ApiToken.DoesNotExist for a token that is missing or
    not the user's to revoke (the same answer, so ids cannot be probed)."""
    token = tokens_revocable_by(user).select_for_update(of=("self",)).get(pk=token_id)
    if token.revoked_at is not None:
        raise TokenError("This token was already revoked.")
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit_record(
        actor=user,
        action="revoke",
        obj=token,
        changes={"revoked_at": [None, token.revoked_at]},
        office=getattr(token.user, "office", None),
    )
    return token


def token_authenticate(raw: str | None):
    """The active user this token belongs to, or None for an unknown, revoked or
    malformed token or an inactive user."""
    if not raw or len(raw) > _MAX_TOKEN_LENGTH or not raw.startswith(TOKEN_START):
        return None
    digest = _hash(raw)
    token = (
        ApiToken.objects.select_related("user", "user__office").filter(token_hash=digest).first()
    )
    # The lookup is by hash, so timing reveals nothing about the secret; the
    # compare is a second guard against a database that matched loosely.
    if token is None or not hmac.compare_digest(token.token_hash, digest):
        return None
    if token.revoked_at is not None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
