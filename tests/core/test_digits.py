"""Numbers typed or sent in are read in the digits 0-9 alone: a superscript or
another script's digit is refused where it reached int() (a server error) or was
read as a different number."""

import datetime as dt

import pytest

from kembali.accounts.totp import matching_step
from kembali.audit.selectors import decode_cursor
from kembali.core.digits import digits_only, is_digits
from kembali.people.pdpa import person_by_ref
from tests.factories import PersonFactory


@pytest.mark.parametrize("text", ["0", "42", "880101145678"])
def test_ascii_digits_are_digits(text):
    assert is_digits(text)


@pytest.mark.parametrize("text", ["", "¹", "4²", "٣", "１２", "12a", " 12", "-1"])
def test_anything_else_is_not(text):
    assert not is_digits(text)


def test_digits_only_keeps_the_ascii_digits_in_order():
    assert digits_only("123 456") == "123456"
    assert digits_only("1²3-٤5") == "135"


@pytest.mark.django_db
def test_a_person_is_found_by_id_or_nric_in_plain_digits_only():
    person = PersonFactory()
    assert person_by_ref(str(person.pk)) == person
    assert person_by_ref(person.nric) == person
    assert person_by_ref("¹") is None  # was a ValueError: a server error on the export API
    arabic = str(person.pk).translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    assert person_by_ref(arabic) is None  # was read as the person's id


def test_an_audit_cursor_in_other_digits_is_no_cursor():
    assert decode_cursor("¹_²") is None
    assert decode_cursor("1700000000000000_12") is not None


def test_a_two_step_code_in_other_digits_matches_nothing():
    secret = "JBSWY3DPEHPK3PXP"
    assert matching_step(secret, "¹²³⁴⁵⁶", at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC)) is None
