import pytest
from django.test import Client

from kembali.accounts.tokens import token_create


@pytest.fixture
def bearer():
    """A Django test client whose requests carry a fresh personal token of `user`."""

    def make(user) -> Client:
        _, plaintext = token_create(user=user, name="test script")
        return Client(headers={"Authorization": f"Bearer {plaintext}"})

    return make
