"""The generic pieces of a CSV import: reading the file, the row report, the modes.

An app's import (kembali.employers.imports for vacancies) parses each row's
cells into its own input and checks it with the same function as its form; what
every import shares is here: the file's columns are checked before any row is
read, blank lines are skipped, every row keeps the line number it starts on, and
the report lists each bad row with its line and reasons.

Modes: ``all_or_nothing`` (the default) imports nothing when any row is bad;
``good_rows`` imports the good rows and reports the bad ones.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from decimal import Decimal, InvalidOperation
from typing import TextIO

from django.utils.translation import gettext as _

ALL_OR_NOTHING = "all_or_nothing"
GOOD_ROWS = "good_rows"
MODES = (ALL_OR_NOTHING, GOOD_ROWS)
# Shown in full on the result page and by the command; beyond it, counted.
MAX_REPORTED_BAD_ROWS = 1000

YES = frozenset({"yes", "y", "true", "1", "ya"})
NO = frozenset({"no", "n", "false", "0", "tidak"})


class ImportFileError(Exception):
    """The file as a whole cannot be read (encoding, columns): nothing is imported."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class BadRow:
    line: int
    reference: str
    reasons: list[str]


@dataclass
class ImportReport:
    mode: str
    filename: str = ""
    rows: int = 0
    imported: int = 0  # new objects
    updated: int = 0  # objects already imported whose row changed
    already_imported: int = 0  # objects already imported, row unchanged
    bad: int = 0
    bad_rows: list[BadRow] = field(default_factory=list)  # the first MAX_REPORTED_BAD_ROWS
    file_error: str = ""

    @property
    def refused(self) -> bool:
        """Nothing was imported because of bad rows (all-or-nothing) or a bad file."""
        return bool(self.file_error) or (self.mode == ALL_OR_NOTHING and self.bad > 0)

    def add_bad(self, row: BadRow) -> None:
        self.bad += 1
        if len(self.bad_rows) < MAX_REPORTED_BAD_ROWS:
            self.bad_rows.append(row)

    def as_dict(self) -> dict:
        return {**asdict(self), "refused": self.refused}


@dataclass
class CsvRow:
    line: int  # where the row starts in the file; the header is line 1
    cells: dict[str, str]  # column name -> stripped text; empty when `error` is set
    error: str = ""  # the row cannot be read at all (wrong number of cells)


def decode_upload(data: bytes) -> str:
    """The text of an uploaded file: UTF-8, with or without a byte-order mark."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFileError(
            _(
                "The file is not UTF-8 text (byte %(position)s cannot be read). In Excel, "
                "save it as “CSV UTF-8 (comma delimited)”."
            )
            % {"position": exc.start + 1}
        ) from None


def open_csv(path) -> TextIO:
    """A CSV file on disk: UTF-8, a byte-order mark skipped. The caller closes it."""
    return open(path, encoding="utf-8-sig", newline="")  # noqa: SIM115


def read_csv(
    source: TextIO | str, *, required: tuple[str, ...], optional: tuple[str, ...]
) -> Iterator[CsvRow]:
    """The file's rows in order. Column names are case-insensitive and in any order.
    Raises ImportFileError for a missing, unknown or repeated column (before any row)."""
    if isinstance(source, str):
        source = io.StringIO(source, newline="")
    reader = csv.reader(source)
    try:
        header = next(reader)
    except StopIteration:
        raise ImportFileError(_("The file is empty.")) from None
    except (csv.Error, UnicodeDecodeError) as exc:
        raise ImportFileError(
            _("The file is not a readable CSV file: %(error)s") % {"error": exc}
        ) from None
    names = [h.strip().lower() for h in header]
    known = set(required) | set(optional)
    problems = []
    missing = [c for c in required if c not in names]
    if missing:
        problems.append(
            _("Required columns are missing: %(columns)s.") % {"columns": ", ".join(missing)}
        )
    unknown = [n for n in names if n and n not in known]
    if unknown:
        problems.append(
            _("Unknown columns: %(columns)s (check the spelling against the list of columns).")
            % {"columns": ", ".join(unknown)}
        )
    repeated = sorted({n for n in names if n and names.count(n) > 1})
    if repeated:
        problems.append(_("Columns named twice: %(columns)s.") % {"columns": ", ".join(repeated)})
    if problems:
        raise ImportFileError(" ".join(problems))
    line = reader.line_num + 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except (csv.Error, UnicodeDecodeError) as exc:
            raise ImportFileError(
                _("Line %(line)s is not readable CSV: %(error)s") % {"line": line, "error": exc}
            ) from None
        start, line = line, reader.line_num + 1
        if not any(c.strip() for c in cells):
            continue  # blank lines (often at the end of a file) are not rows
        if len(cells) != len(names):
            yield CsvRow(
                line=start,
                cells={names[0]: cells[0].strip()} if cells else {},
                error=_("the row has %(found)s cells, the header %(expected)s.")
                % {"found": len(cells), "expected": len(names)},
            )
            continue
        yield CsvRow(
            line=start, cells={n: c.strip() for n, c in zip(names, cells, strict=True) if n}
        )


def parse_bool(raw: str, default: bool = False) -> bool:
    """yes/no cells: yes, no, y, n, true, false, 1, 0, ya, tidak; empty is `default`."""
    value = raw.strip().lower()
    if not value:
        return default
    if value in YES:
        return True
    if value in NO:
        return False
    raise ValueError(_("write yes or no."))


def parse_date(raw: str) -> dt.date | None:
    """2026-03-31 or 31/03/2026; None for an empty cell; ValueError otherwise."""
    value = raw.strip()
    if not value:
        return None
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise ValueError(_("write the date as 2026-03-31 or 31/03/2026."))


def parse_decimal(raw: str) -> Decimal | None:
    value = raw.strip().replace(",", "")
    if not value:
        return None
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise ValueError(_("write a number, like 2450.00.")) from None
    if not number.is_finite():
        raise ValueError(_("write a number, like 2450.00."))
    return number


def parse_int(raw: str) -> int | None:
    value = raw.strip()
    if not value:
        return None
    try:
        return int(value)
    except ValueError:
        raise ValueError(_("write a whole number.")) from None


def parse_float(raw: str) -> float | None:
    value = raw.strip()
    if not value:
        return None
    try:
        number = float(value)
    except ValueError:
        raise ValueError(_("write a decimal number, like 3.1390.")) from None
    if number != number or number in (float("inf"), float("-inf")):
        raise ValueError(_("write a decimal number, like 3.1390."))
    return number
