"""NRIC parsing: what a clerk typing a MyKad number would see accepted or refused."""

import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from kembali.people.nric import VALID_PLACE_CODES, Nric, NricError, format_nric, parse_nric

TODAY = date(2026, 11, 23)
INVALID_PLACE_CODES = sorted(
    {"00", "17", "18", "19", "20", "69", "70", "73", "80", "81", "94", "95", "96", "97"}
)

place_codes = st.sampled_from(sorted(VALID_PLACE_CODES))
serials = st.integers(min_value=0, max_value=9999).map(lambda n: f"{n:04d}")


def nric_digits(born: date, place: str, serial: str) -> str:
    return f"{born:%y%m%d}{place}{serial}"


# --- by example -------------------------------------------------------------


def test_a_dashed_nric_gives_date_of_birth_sex_and_place():
    nric = parse_nric("800415-14-5123", today=TODAY)
    assert nric == Nric(
        digits="800415145123", date_of_birth=date(1980, 4, 15), sex="M", place_code="14"
    )
    assert nric.formatted == "800415-14-5123"


def test_even_last_digit_is_female():
    assert parse_nric("800415145124", today=TODAY).sex == "F"


def test_surrounding_spaces_are_ignored():
    assert parse_nric("  800415-14-5124\n", today=TODAY).digits == "800415145124"


@pytest.mark.parametrize(
    ("value", "code", "reason"),
    [
        ("80041514512", "nric.length", "NRIC must have 12 digits; got 11."),
        ("800415-14-51234", "nric.length", "NRIC must have 12 digits; got 13."),
        ("991331-01-1234", "nric.month", "NRIC date 991331 is not a real date (month 13)."),
        ("990001011234", "nric.month", "NRIC date 990001 is not a real date (month 00)."),
        (
            "990431-01-1234",
            "nric.day",
            "NRIC date 990431 is not a real date (day 31; April has 30 days).",
        ),
        ("990100-01-1234", "nric.day", "NRIC date 990100 is not a real date (day 00; "),
        ("010229-01-1234", "nric.day", "2001 is not a leap year"),
        ("800415-17-5123", "nric.place", "place-of-birth code 17 is not valid."),
        ("800415-00-5123", "nric.place", "place-of-birth code 00 is not valid."),
        ("800415 14 5123", "nric.character", "found ' ' at position 7"),
        ("800415/14/5123", "nric.character", "found '/' at position 7"),
        ("80O415-14-5123", "nric.character", "found 'O' at position 3"),
        ("8004-1514-5123", "nric.dashes", "YYMMDD-PB-###G"),
        ("800415--145123", "nric.dashes", "YYMMDD-PB-###G"),
        ("", "nric.empty", "NRIC is empty"),
        ("   ", "nric.empty", "NRIC is empty"),
    ],
)
def test_refusals_say_exactly_what_is_wrong(value, code, reason):
    with pytest.raises(NricError) as caught:
        parse_nric(value, today=TODAY)
    assert caught.value.code == code
    assert reason in str(caught.value)


def test_arabic_indic_digits_are_refused():
    # str.isdigit() accepts them; an identity number must not.
    with pytest.raises(NricError, match="only digits"):
        parse_nric("٨٠٠٤١٥١٤٥١٢٣", today=TODAY)


@pytest.mark.parametrize(
    ("yymmdd", "born"),
    [
        ("261123", date(2026, 11, 23)),  # born today: 20YY
        ("261124", date(1926, 11, 24)),  # tomorrow in 2026 is not possible: 1926
        ("000101", date(2000, 1, 1)),
        ("991231", date(1999, 12, 31)),
        ("300101", date(1930, 1, 1)),
        ("000229", date(2000, 2, 29)),  # 2000 was a leap year
    ],
)
def test_century_is_the_latest_that_is_not_in_the_future(yymmdd, born):
    assert parse_nric(f"{yymmdd}140001", today=TODAY).date_of_birth == born


def test_29_february_1900_does_not_exist():
    # Before 29 February 2000, "000229" could only mean 1900, which was no leap year.
    with pytest.raises(NricError, match="1900 is not a leap year"):
        parse_nric("000229-14-0001", today=date(2000, 2, 28))


def test_format_nric_adds_dashes_to_12_digits_only():
    assert format_nric("800415145123") == "800415-14-5123"
    assert format_nric("abc") == "abc"


def test_the_pure_cores_import_without_django():
    code = (
        "import sys, kembali.people.nric, kembali.cases.eligibility, kembali.cases.hierarchy; "
        "assert not [m for m in sys.modules if m.startswith('django')], 'django imported'"
    )
    root = Path(__file__).resolve().parents[2]
    # No DJANGO_SETTINGS_MODULE in this environment: the modules must not need it.
    subprocess.run(
        [sys.executable, "-c", code], check=True, env={"PATH": "/usr/bin:/bin"}, cwd=root
    )


# --- properties -------------------------------------------------------------


@given(
    born=st.dates(min_value=date(1930, 1, 1), max_value=TODAY),
    place=place_codes,
    serial=serials,
)
def test_format_then_parse_gives_back_date_of_birth_and_sex(born, place, serial):
    digits = nric_digits(born, place, serial)
    nric = parse_nric(format_nric(digits), today=TODAY)
    assert nric.date_of_birth == born
    assert nric.sex == ("M" if int(serial[-1]) % 2 else "F")
    assert nric.place_code == place
    assert nric.digits == digits


@given(
    today=st.dates(min_value=date(2000, 3, 1), max_value=date(2098, 12, 31)),
    years_back=st.integers(min_value=0, max_value=36524),
    place=place_codes,
    serial=serials,
)
def test_any_birth_in_the_last_hundred_years_round_trips(today, years_back, place, serial):
    born = today - timedelta(days=years_back)
    # The two digits of the year cover exactly one hundred years ending today.
    assume(born > today.replace(year=today.year - 100))
    nric = parse_nric(nric_digits(born, place, serial), today=today)
    assert nric.date_of_birth == born


@given(
    born=st.dates(min_value=date(1930, 1, 1), max_value=TODAY), place=place_codes, serial=serials
)
def test_with_or_without_dashes_parse_equal(born, place, serial):
    digits = nric_digits(born, place, serial)
    assert parse_nric(digits, today=TODAY) == parse_nric(format_nric(digits), today=TODAY)


@given(st.text(alphabet="0123456789", min_size=12, max_size=12))
def test_every_12_digit_string_parses_or_is_refused_with_a_reason(digits):
    for value in (digits, format_nric(digits)):
        try:
            nric = parse_nric(value, today=TODAY)
        except NricError as error:
            assert str(error).strip()
            assert error.code.startswith("nric.")
        else:
            assert nric.date_of_birth <= TODAY
            assert nric.digits == digits


@given(st.text(max_size=20))
def test_any_text_parses_or_is_refused_with_a_reason(value):
    try:
        parse_nric(value, today=TODAY)
    except NricError as error:
        assert str(error).strip()


@given(
    born=st.dates(min_value=date(1930, 1, 1), max_value=TODAY),
    place=st.sampled_from(INVALID_PLACE_CODES),
    serial=serials,
)
def test_invalid_place_codes_are_always_refused(born, place, serial):
    with pytest.raises(NricError) as caught:
        parse_nric(nric_digits(born, place, serial), today=TODAY)
    assert caught.value.code == "nric.place"
    assert f"place-of-birth code {place} is not valid" in str(caught.value)


def test_valid_and_invalid_place_codes_cover_every_two_digit_code():
    assert VALID_PLACE_CODES.isdisjoint(INVALID_PLACE_CODES)
    assert VALID_PLACE_CODES | set(INVALID_PLACE_CODES) == {f"{n:02d}" for n in range(100)}
