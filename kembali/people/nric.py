"""Malaysian identity card numbers (MyKad / NRIC): parsing and validation.

Pure Python: no Django import, so it can be tested with generated numbers in
milliseconds and reused by imports, forms and the API alike.

An NRIC reads ``YYMMDD-PB-###G``: date of birth, place-of-birth code, a serial
of three digits and a last digit that is odd for a man and even for a woman.

The century is not written down. The rule used here: ``YY`` means ``20YY`` when
that date is not after ``today``, otherwise ``19YY``. Every holder is therefore
between 0 and 99 years old, which fits a scheme for people of working age (a
centenarian would be read as a child; no such person is ever referred for
rehabilitation back to work).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from typing import Literal

__all__ = ["VALID_PLACE_CODES", "Nric", "NricError", "format_nric", "parse_nric"]

DIGITS = frozenset("0123456789")
MONTH_NAMES = (
    "",
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def _codes(*spans: tuple[int, int]) -> frozenset[str]:
    return frozenset(f"{n:02d}" for first, last in spans for n in range(first, last + 1))


# Place-of-birth codes issued by the National Registration Department (Jabatan
# Pendaftaran Negara, JPN), from its "List of Codes for State of Birth" and
# "List of Codes for Country of Birth" as tabulated in the Wikipedia article
# "Malaysian identity card" (mirror read: en.academic.ru/dic.nsf/enwiki/11782099)
# and the state/country list at malaysiadiy.info/2018/12/blog-post_89.html:
#   01-16  the 13 states and 3 federal territories;
#   21-59  further codes for the same states (e.g. Johor 21-24, Selangor 41-44,
#          Kuala Lumpur 54-57, Negeri Sembilan 59);
#   60-68, 74-79  countries of South-East and South Asia (Brunei 60 ... Vietnam 68,
#          China 74 ... Bangladesh 79);
#   71, 72 born abroad, registered before country codes existed (JPN confirmed
#          in October 2011 that code 71 has been valid since 1990);
#   82     unknown state; 83-93 other countries grouped by region;
#   98     stateless; 99 unspecified / refugees.
# Never issued: 00, 17-20, 69, 70, 73, 80, 81, 94-97.
VALID_PLACE_CODES: frozenset[str] = _codes(
    (1, 16), (21, 59), (60, 68), (71, 72), (74, 79), (82, 93), (98, 99)
)


class NricError(ValueError):
    """A rejected NRIC. ``code`` is stable (for programs and translations),
    ``params`` fill the message, ``str()`` is a plain English reason."""

    def __init__(self, code: str, message: str, **params: str | int) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.params: dict[str, str | int] = params


@dataclass(frozen=True)
class Nric:
    digits: str  # 12 digits, no dashes
    date_of_birth: date
    sex: Literal["M", "F"]
    place_code: str  # the 2-digit PB code

    @property
    def formatted(self) -> str:
        d = self.digits
        return f"{d[:6]}-{d[6:8]}-{d[8:]}"

    def __str__(self) -> str:
        return self.formatted


def _digits_of(value: str) -> str:
    """The 12 digits of ``value``, or NricError saying what is wrong with its shape."""
    text = value.strip()
    if not text:
        raise NricError("nric.empty", "NRIC is empty; enter it as YYMMDD-PB-###G.")
    for position, char in enumerate(text, start=1):
        if char not in DIGITS and char != "-":
            raise NricError(
                "nric.character",
                f"NRIC may contain only digits and dashes; found {char!r} at position {position}.",
                character=char,
                position=position,
            )
    digits = text.replace("-", "")
    if len(digits) != 12:
        raise NricError(
            "nric.length",
            f"NRIC must have 12 digits; got {len(digits)}.",
            count=len(digits),
        )
    # Dashes are optional, but if present they must sit where the card prints
    # them, so that a typo such as 9001-0114-1234 is not silently accepted.
    if "-" in text and (len(text) != 14 or text[6] != "-" or text[9] != "-"):
        raise NricError(
            "nric.dashes",
            "NRIC dashes must be placed as YYMMDD-PB-###G, or left out altogether.",
        )
    return digits


def _date_of_birth(yymmdd: str, today: date) -> date:
    yy, month, day = int(yymmdd[:2]), int(yymmdd[2:4]), int(yymmdd[4:6])
    if not 1 <= month <= 12:
        raise NricError(
            "nric.month",
            f"NRIC date {yymmdd} is not a real date (month {month:02d}).",
            date=yymmdd,
            month=month,
        )
    # Newest century first: the person is the youngest age that is not negative.
    for year in (2000 + yy, 1900 + yy):
        last_day = calendar.monthrange(year, month)[1]
        if not 1 <= day <= last_day:
            if month == 2 and day == 29:
                message = (
                    f"NRIC date {yymmdd} is not a real date ({year} is not a leap year, "
                    "so February has no 29th)."
                )
            else:
                message = (
                    f"NRIC date {yymmdd} is not a real date (day {day:02d}; "
                    f"{MONTH_NAMES[month]} has {last_day} days)."
                )
            # Only 2000 and 1900 differ in leap status, and 2000 is the leap one:
            # a day that does not exist in 20YY does not exist in 19YY either.
            raise NricError("nric.day", message, date=yymmdd, day=day, year=year)
        candidate = date(year, month, day)
        if candidate <= today:
            return candidate
    raise NricError(
        "nric.future",
        f"NRIC date {yymmdd} is in the future.",
        date=yymmdd,
    )


def parse_nric(value: str, *, today: date | None = None) -> Nric:
    """Validate an NRIC written ``YYMMDD-PB-###G`` or as 12 digits (surrounding
    spaces are ignored) and return its parts, or raise NricError with the reason.

    ``today`` decides the century (see the module docstring); it defaults to the
    system date and is a parameter so tests and imports of old files are exact.
    """
    if not isinstance(value, str):
        raise NricError("nric.type", "NRIC must be text.")
    digits = _digits_of(value)
    born = _date_of_birth(digits[:6], today or date.today())
    place = digits[6:8]
    if place not in VALID_PLACE_CODES:
        raise NricError(
            "nric.place",
            f"place-of-birth code {place} is not valid.",
            place=place,
        )
    sex: Literal["M", "F"] = "M" if int(digits[11]) % 2 == 1 else "F"
    return Nric(digits=digits, date_of_birth=born, sex=sex, place_code=place)


def format_nric(digits: str) -> str:
    """12 digits as printed on the card; anything else is returned unchanged."""
    if len(digits) == 12 and set(digits) <= DIGITS:
        return f"{digits[:6]}-{digits[6:8]}-{digits[8:]}"
    return digits
