"""The shell's template helpers."""

import pytest

from kembali.core.templatetags.kembali import nric_masked, small_count, status_tag_class


@pytest.mark.parametrize(
    ("nric", "shown"),
    [
        ("850412145678", "XXXXXX-XX-5678"),
        ("850412-14-5678", "XXXXXX-XX-5678"),
        ("", ""),
        (None, ""),
    ],
)
def test_nric_is_masked_except_the_last_four_digits(nric, shown):
    assert nric_masked(nric) == shown


@pytest.mark.parametrize(
    ("value", "shown"), [(0, "0"), (1, "<5"), (4, "<5"), (5, "5"), (12345, "12,345"), (None, "")]
)
def test_small_counts_are_masked(value, shown):
    assert small_count(value) == shown


def test_status_tags_colour_endings_and_waiting():
    assert status_tag_class("closed") == "kembali-tag--grey"
    assert status_tag_class("returned_to_work") == "kembali-tag--green"
    assert status_tag_class("assessed") == ""
