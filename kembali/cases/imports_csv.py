"""Reading a CSV file of referrals: the columns, and one row into a ReferralInput.

One row is one referral. The first line names the columns (in any order; names are
not case-sensitive). The file is UTF-8, with or without a byte-order mark (as Excel
saves "CSV UTF-8"), separated by commas.

Required columns:

====================  ===========================================================
referral_reference    the referring system's own id of the referral (at most 40
                      characters): a file imported twice adds each referral once
referral_date         the date of the referral, 2026-03-31 or 31/03/2026
nric                  the MyKad number, 800415-14-5123 or 800415145123
full_name             the person's full name
state_code            the state the person lives in: 01 Johor ... 14 Kuala Lumpur,
                      15 Labuan, 16 Putrajaya
====================  ===========================================================

Optional columns (leave a cell empty when it is not known):

- person: socso_number, phone, email, address, postcode, district,
  preferred_language (ms or en; ms when empty), dependants (a whole number),
  is_contributor (yes or no; yes when empty), referred_by
- injury or disease: injury_date, injury_kind (industrial, commuting,
  occupational_disease or illness), injury_work_related (yes or no),
  injury_description, injury_body_part, injury_icd10. When injury_date is given,
  the kind, work_related and description are required.
- benefits: benefits, the kinds separated by ";" (tdb receiving Temporary
  Disablement Benefit, pdb applying for Permanent Disablement Benefit, invalidity
  applying for Invalidity Pension, certified_invalid), and benefit_start_dates,
  the dates they started in the same order (one date applies to all)
- medical board: board (mb Medical Board, smb Special Medical Board, amb Appellate
  Medical Board), board_date, board_recommended (yes or no)
- employment before the injury: employer_name, employer_code (the SOCSO employer
  code, when the employer is on file), isco_code (a 4-digit ISCO-08 unit group),
  job_title, monthly_wage (RM, e.g. 2450.00), employment_start. When any is given,
  employer_name, isco_code, job_title, monthly_wage and employment_start are required.
- office_code: the RTW office that takes the case (e.g. KL01); when empty, the office
  chosen for the whole import.

Yes/no cells accept yes, no, y, n, true, false, 1, 0, ya and tidak.

Parsing is only turning text into values (a date, a number, a choice); the rules
of a referral are checked by the same function as the referral form's, in
kembali.cases.services.referral_input_check.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import TextIO

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kembali.cases.models import Case
from kembali.cases.services import (
    BenefitInput,
    BoardRecommendationInput,
    EmploymentInput,
    InjuryInput,
    PersonInput,
    ReferralInput,
)
from kembali.core.csvimport import (  # noqa: F401 - the upload page and the command use these
    NO,
    YES,
    ImportFileError,
    decode_upload,
    open_csv,
    parse_date,
    read_csv,
)
from kembali.core.digits import is_digits
from kembali.people.models import BenefitStatus, BoardRecommendation, Injury

REQUIRED_COLUMNS = ("referral_reference", "referral_date", "nric", "full_name", "state_code")
OPTIONAL_COLUMNS = (
    "socso_number",
    "phone",
    "email",
    "address",
    "postcode",
    "district",
    "preferred_language",
    "dependants",
    "is_contributor",
    "referred_by",
    "injury_date",
    "injury_kind",
    "injury_work_related",
    "injury_description",
    "injury_body_part",
    "injury_icd10",
    "benefits",
    "benefit_start_dates",
    "board",
    "board_date",
    "board_recommended",
    "employer_name",
    "employer_code",
    "isco_code",
    "job_title",
    "monthly_wage",
    "employment_start",
    "office_code",
)
COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS

# What the upload page shows: (column, what goes in it).
COLUMN_HELP: tuple[tuple[str, object], ...] = (
    (
        "referral_reference",
        gettext_lazy("Required. The referring system's own id (up to 40 characters)."),
    ),
    ("referral_date", gettext_lazy("Required. 2026-03-31 or 31/03/2026.")),
    ("nric", gettext_lazy("Required. MyKad number, with or without dashes.")),
    ("full_name", gettext_lazy("Required.")),
    ("state_code", gettext_lazy("Required. 01 Johor to 16 Putrajaya (14 is Kuala Lumpur).")),
    ("socso_number, phone, email, address, postcode, district", gettext_lazy("Optional.")),
    ("preferred_language", gettext_lazy("ms or en; ms when empty.")),
    ("dependants", gettext_lazy("A whole number.")),
    ("is_contributor", gettext_lazy("yes or no; yes when empty.")),
    ("referred_by", gettext_lazy("Optional: who referred the person.")),
    (
        "injury_date, injury_kind, injury_work_related, injury_description",
        gettext_lazy(
            "The injury or disease. Kind: industrial, commuting, occupational_disease or illness."
        ),
    ),
    ("injury_body_part, injury_icd10", gettext_lazy("Optional.")),
    (
        "benefits, benefit_start_dates",
        gettext_lazy(
            "Kinds separated by “;”: tdb, pdb, invalidity, certified_invalid; and their "
            "start dates in the same order."
        ),
    ),
    (
        "board, board_date, board_recommended",
        gettext_lazy("Medical board: mb, smb or amb; the date; yes or no."),
    ),
    (
        "employer_name, employer_code, isco_code, job_title, monthly_wage, employment_start",
        gettext_lazy(
            "The job before the injury. The ISCO-08 unit group has 4 digits; the wage is "
            "monthly, in RM."
        ),
    ),
    ("office_code", gettext_lazy("Optional: the office that takes the case, e.g. KL01.")),
)

# Django's Choices.values builds a new list on every access: read them once.
INJURY_KINDS = tuple(Injury.Kind.values)
BENEFIT_KINDS = frozenset(BenefitStatus.Kind.values)
BOARDS = tuple(BoardRecommendation.Board.values)


# Lengths the database holds: a longer cell is refused with a reason, not cut.
MAX_LENGTHS = {
    "referral_reference": Case._meta.get_field("referral_reference").max_length,
    "referred_by": Case._meta.get_field("referred_by").max_length,
    "full_name": 150,
    "socso_number": 20,
    "phone": 20,
    "postcode": 5,
    "district": 60,
    "injury_body_part": 60,
    "injury_icd10": 8,
    "employer_name": 150,
    "job_title": 150,
    "employer_code": 20,
}


@dataclass
class ParsedRow:
    line: int  # the file's line number where the row starts (the header is line 1)
    reference: str
    office_code: str
    referral: ReferralInput | None
    errors: list[str] = field(default_factory=list)  # "column: what is wrong"


def read_rows(source: TextIO | str) -> Iterator[ParsedRow]:
    """The file's rows, parsed, in order. Raises ImportFileError for a missing or
    unknown column (before any row is read)."""
    for row in read_csv(source, required=REQUIRED_COLUMNS, optional=OPTIONAL_COLUMNS):
        if row.error:
            yield ParsedRow(
                line=row.line,
                reference=next(iter(row.cells.values()), ""),
                office_code="",
                referral=None,
                errors=[row.error],
            )
            continue
        yield parse_row(row.cells, row.line, stripped=True)


def parse_row(cells: dict[str, str], line: int, *, stripped: bool = False) -> ParsedRow:
    """One row's cells into a ReferralInput, or the reasons they cannot be read.
    `stripped`: the cells come from read_csv, which strips them and drops unnamed ones."""
    row = _Row(cells if stripped else {k: (v or "").strip() for k, v in cells.items() if k})
    reference = row.text("referral_reference")
    if not reference:
        row.error("referral_reference", _("required: the referring system's own id."))
    referral_date = row.date("referral_date", required=True)
    if not row.text("nric"):
        row.error("nric", _("required."))
    state_code = row.text("state_code")
    if is_digits(state_code) and len(state_code) == 1:
        state_code = f"0{state_code}"  # spreadsheets drop the leading zero
    language = row.text("preferred_language").lower() or "ms"
    if language not in ("ms", "en"):
        row.error("preferred_language", _("write ms or en."))
    email = row.text("email")
    if email:
        try:
            validate_email(email)
        except ValidationError:
            row.error("email", _("not a valid e-mail address."))
    dependants = row.whole_number("dependants")
    contributor = row.yes_no("is_contributor")
    person = PersonInput(
        nric=row.text("nric"),
        full_name=row.text("full_name"),
        state_code=state_code,
        socso_number=row.text("socso_number"),
        phone=row.text("phone"),
        email=email,
        address=row.text("address"),
        postcode=row.text("postcode"),
        district=row.text("district"),
        preferred_language=language,
        dependants=dependants,
    )
    injury = _injury(row)
    employment = _employment(row)
    benefits = _benefits(row)
    boards = _boards(row)
    referral = None
    if not row.errors and referral_date is not None:
        referral = ReferralInput(
            person=person,
            referral_date=referral_date,
            source=Case.Source.IMPORT,
            is_contributor=True if contributor is None else contributor,
            referral_reference=reference,
            referred_by=row.text("referred_by"),
            injury=injury,
            employment=employment,
            benefits=benefits,
            board_recommendations=boards,
        )
    return ParsedRow(
        line=line,
        reference=reference,
        office_code=row.text("office_code").upper(),
        referral=referral,
        errors=row.errors,
    )


class _Row:
    def __init__(self, cells: dict[str, str]):
        self.cells = cells
        self.errors: list[str] = []
        # Looked for once per row, not in each of some twenty cells.
        self.has_nul = "\x00" in "".join(cells.values())

    def error(self, column: str, message: str) -> None:
        self.errors.append(f"{column}: {message}")

    def text(self, column: str) -> str:
        value = self.cells.get(column, "")
        limit = MAX_LENGTHS.get(column)
        if limit is not None and len(value) > limit:
            self.error(column, _("at most %(limit)s characters.") % {"limit": limit})
        if self.has_nul and "\x00" in value:
            self.error(column, _("contains a NUL character."))
            return value.replace("\x00", "")
        return value

    def date(
        self, column: str, *, required: bool = False, value: str | None = None
    ) -> dt.date | None:
        raw = self.cells.get(column, "") if value is None else value.strip()
        if not raw:
            if required:
                self.error(column, _("required: a date such as 2026-03-31."))
            return None
        if len(raw) == 10 and raw[4] == "-" and raw[7] == "-" and raw.isascii():
            # The usual 2026-03-31 without strptime's per-call locale and regex work
            # (a fifth of the import's parsing); anything else as before.
            try:
                return dt.date.fromisoformat(raw)
            except ValueError:
                pass
        try:
            return parse_date(raw)
        except ValueError:
            self.error(
                column, _("“%(value)s” is not a date such as 2026-03-31.") % {"value": raw[:20]}
            )
            return None

    def yes_no(self, column: str) -> bool | None:
        raw = self.cells.get(column, "").lower()
        if not raw:
            return None
        if raw in YES:
            return True
        if raw in NO:
            return False
        self.error(column, _("write yes or no."))
        return None

    def whole_number(self, column: str) -> int | None:
        raw = self.cells.get(column, "")
        if not raw:
            return None
        if not is_digits(raw) or int(raw) > 32767:
            self.error(column, _("write a whole number."))
            return None
        return int(raw)

    def choice(self, column: str, choices, *, required: bool) -> str:
        raw = self.cells.get(column, "").lower()
        if not raw:
            if required:
                self.error(column, _("required."))
            return ""
        if raw not in choices:
            self.error(column, _("write one of: %(choices)s.") % {"choices": ", ".join(choices)})
        return raw

    def any(self, *columns: str) -> bool:
        return any(self.cells.get(c, "") for c in columns)


def _injury(row: _Row) -> InjuryInput | None:
    columns = ("injury_date", "injury_kind", "injury_work_related", "injury_description")
    if not row.any(*columns, "injury_body_part", "injury_icd10"):
        return None
    date = row.date("injury_date", required=True)
    kind = row.choice("injury_kind", INJURY_KINDS, required=True)
    work_related = row.yes_no("injury_work_related")
    if work_related is None and not row.cells.get("injury_work_related"):
        row.error("injury_work_related", _("required: yes or no."))
    description = row.text("injury_description")
    if not description:
        row.error("injury_description", _("required: what happened."))
    if row.errors or date is None:
        return None
    return InjuryInput(
        date=date,
        kind=kind,
        work_related=bool(work_related),
        description=description,
        body_part=row.text("injury_body_part"),
        icd10=row.text("injury_icd10").upper(),
    )


def _employment(row: _Row) -> EmploymentInput | None:
    required = ("employer_name", "isco_code", "job_title", "monthly_wage", "employment_start")
    if not row.any(*required, "employer_code"):
        return None
    for column in required:
        if not row.cells.get(column):
            row.error(column, _("required when the job before the injury is given."))
    wage = None
    raw_wage = row.cells.get("monthly_wage", "").replace(",", "")
    if raw_wage:
        try:
            wage = Decimal(raw_wage)
        except InvalidOperation:
            wage = None
        if wage is None or not wage.is_finite() or wage < 0 or wage >= Decimal("10000000"):
            row.error("monthly_wage", _("write the monthly wage in RM, e.g. 2450.00."))
            wage = None
        else:
            wage = wage.quantize(Decimal("0.01"))
    start = row.date("employment_start")
    employer_name, job_title = row.text("employer_name"), row.text("job_title")
    employer_code = row.text("employer_code")
    if row.errors or wage is None or start is None:
        return None
    return EmploymentInput(
        employer_name=employer_name,
        isco_code=row.cells.get("isco_code", ""),
        job_title=job_title,
        monthly_wage=wage,
        start_date=start,
        employer_code=employer_code,
    )


def _benefits(row: _Row) -> tuple[BenefitInput, ...]:
    kinds = [k.strip().lower() for k in row.cells.get("benefits", "").split(";") if k.strip()]
    dates = [d.strip() for d in row.cells.get("benefit_start_dates", "").split(";") if d.strip()]
    if not kinds:
        if dates:
            row.error("benefits", _("give the benefits the start dates belong to."))
        return ()
    if len(dates) == 1:
        dates = dates * len(kinds)
    if len(dates) != len(kinds):
        row.error(
            "benefit_start_dates",
            _("give one start date, or one per benefit (%(count)s).") % {"count": len(kinds)},
        )
        return ()
    found: dict[tuple[str, dt.date], BenefitInput] = {}
    for kind, raw in zip(kinds, dates, strict=True):
        if kind not in BENEFIT_KINDS:
            row.error(
                "benefits",
                _("“%(kind)s” is not a benefit: write tdb, pdb, invalidity or certified_invalid.")
                % {"kind": kind[:20]},
            )
            continue
        start = row.date("benefit_start_dates", value=raw)
        if start is not None:
            # The same benefit from the same date is one benefit, as benefit_record keeps it.
            found[(kind, start)] = BenefitInput(kind=kind, start_date=start)
    return tuple(found.values())


def _boards(row: _Row) -> tuple[BoardRecommendationInput, ...]:
    if not row.any("board", "board_date", "board_recommended"):
        return ()
    board = row.choice("board", BOARDS, required=True)
    date = row.date("board_date", required=True)
    recommended = row.yes_no("board_recommended")
    if recommended is None and not row.cells.get("board_recommended"):
        row.error("board_recommended", _("required: yes or no."))
    if not board or date is None or recommended is None:
        return ()
    return (
        BoardRecommendationInput(board=board, date=date, recommended_rehabilitation=recommended),
    )
