import datetime as dt
import hashlib

import pytest
import time_machine
from django.utils import timezone

from kembali.accounts.models import ApiToken
from kembali.accounts.tokens import TokenError, token_authenticate, token_create, token_revoke
from kembali.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_a_new_token_is_stored_only_as_its_hash(aisyah):
    token, plaintext = token_create(user=aisyah, name="report script")

    assert plaintext.startswith(f"{token.prefix}_")
    assert token.prefix.startswith("kmb_") and len(token.prefix) == 12
    assert len(plaintext) == 12 + 1 + 32
    stored = ApiToken.objects.get(pk=token.pk)
    assert stored.token_hash == hashlib.sha256(plaintext.encode()).hexdigest()
    assert plaintext not in {stored.name, stored.prefix, stored.token_hash}


def test_creating_a_token_is_audited_without_the_secret(aisyah):
    token, plaintext = token_create(user=aisyah, name="report script")

    event = AuditEvent.objects.get(object_type="accounts.apitoken", object_id=str(token.pk))
    assert event.action == "create"
    assert event.actor == aisyah
    secret = plaintext.split("_", 2)[2]
    assert secret not in str(event.changes) and secret not in event.object_repr


def test_two_tokens_differ(aisyah):
    _, first = token_create(user=aisyah, name="one")
    _, second = token_create(user=aisyah, name="two")
    assert first != second


def test_a_token_needs_a_name(aisyah):
    with pytest.raises(TokenError):
        token_create(user=aisyah, name="   ")


def test_the_token_authenticates_its_user(aisyah):
    _, plaintext = token_create(user=aisyah, name="script")
    assert token_authenticate(plaintext) == aisyah


@pytest.mark.parametrize("raw", ["", "kmb_", "kmb_abcdefgh_" + "x" * 32, "Bearer x", "x" * 500])
def test_a_wrong_token_authenticates_nobody(aisyah, raw):
    token_create(user=aisyah, name="script")
    assert token_authenticate(raw) is None


def test_a_revoked_token_authenticates_nobody(aisyah):
    token, plaintext = token_create(user=aisyah, name="script")
    token_revoke(user=aisyah, token_id=token.pk)
    assert token_authenticate(plaintext) is None


def test_the_token_of_a_deactivated_user_authenticates_nobody(aisyah):
    _, plaintext = token_create(user=aisyah, name="script")
    aisyah.is_active = False
    aisyah.save()
    assert token_authenticate(plaintext) is None


def test_revoking_is_audited(aisyah):
    token, _ = token_create(user=aisyah, name="script")
    token_revoke(user=aisyah, token_id=token.pk)
    assert AuditEvent.objects.filter(
        action="revoke", object_type="accounts.apitoken", object_id=str(token.pk), actor=aisyah
    ).exists()


def test_a_token_cannot_be_revoked_twice(aisyah):
    token, _ = token_create(user=aisyah, name="script")
    token_revoke(user=aisyah, token_id=token.pk)
    with pytest.raises(TokenError):
        token_revoke(user=aisyah, token_id=token.pk)


def test_another_users_token_cannot_be_revoked(aisyah, farid, chong):
    token, plaintext = token_create(user=aisyah, name="script")
    for other in (farid, chong):
        with pytest.raises(ApiToken.DoesNotExist):
            token_revoke(user=other, token_id=token.pk)
    assert token_authenticate(plaintext) == aisyah


def test_a_national_administrator_may_revoke_anyones_token(aisyah, devi):
    token, plaintext = token_create(user=aisyah, name="script")
    token_revoke(user=devi, token_id=token.pk)
    assert token_authenticate(plaintext) is None


def test_last_used_is_written_at_most_once_a_minute(aisyah, django_assert_num_queries):
    token, plaintext = token_create(user=aisyah, name="script")
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        with django_assert_num_queries(2):  # the lookup, then the update
            token_authenticate(plaintext)
        with django_assert_num_queries(1):  # the lookup only
            token_authenticate(plaintext)
    token.refresh_from_db()
    assert token.last_used_at == start
    with time_machine.travel(start + dt.timedelta(seconds=61), tick=False):
        token_authenticate(plaintext)
    token.refresh_from_db()
    assert token.last_used_at > start
