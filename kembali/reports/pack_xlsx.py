"""The ministry report pack as an XLSX workbook (openpyxl): sheets "Summary" (by sex),
"By state" and "Notes", named in the pack's language as the rest of it is. Figures
are written as numbers with a number format (a percentage as a fraction formatted
as %), never as text; only a suppressed or not-applicable cell holds text, the same
words as the PDF."""

from __future__ import annotations

from decimal import Decimal
from io import BytesIO

from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from kembali.reports.pack import Cell, PackDocument

NUMBER_FORMATS = {
    "count": "#,##0",
    "percent": "0.0%",
    "money": "#,##0.00",
    "ratio": "0.00",
}
BOLD = Font(bold=True)


def cell_value(cell: Cell):
    """What the spreadsheet cell holds: the number (a percentage as a fraction), or
    the PDF's words where there is no number to show."""
    value = cell.value
    if value is None or isinstance(value, str):
        return cell.text
    if cell.kind == "percent":
        return float(value) / 100
    if cell.kind == "count":
        return int(value)
    if isinstance(value, Decimal):
        return float(value)
    return value


def _write_row(sheet, row: int, label: str, cells: list[Cell], *, bold: bool = False) -> None:
    first = sheet.cell(row=row, column=1, value=label)
    first.font = Font(bold=True) if bold else Font()
    for column, cell in enumerate(cells, start=2):
        target = sheet.cell(row=row, column=column, value=cell_value(cell))
        if isinstance(target.value, (int, float)):
            target.number_format = NUMBER_FORMATS.get(cell.kind, "General")
        else:
            target.alignment = Alignment(horizontal="right")
        if bold:
            target.font = BOLD


def _header(sheet, headings: list[str]) -> None:
    for column, heading in enumerate(headings, start=1):
        cell = sheet.cell(row=1, column=column, value=heading)
        cell.font = BOLD
        cell.alignment = Alignment(wrap_text=True, vertical="bottom")
    sheet.freeze_panes = "B2"


def _widths(sheet, first: int, others: int, count: int) -> None:
    sheet.column_dimensions["A"].width = first
    for column in range(2, count + 1):
        sheet.column_dimensions[get_column_letter(column)].width = others


def pack_workbook(document: PackDocument) -> Workbook:
    book = Workbook()
    summary = book.active
    summary.title = pgettext("spreadsheet sheet", "Summary")
    _header(summary, [_("Measure"), *document.sex_headings])
    for row, (label, cells) in enumerate(document.by_sex, start=2):
        _write_row(summary, row, label, cells)
    _widths(summary, 48, 14, 4)

    states = book.create_sheet(pgettext("spreadsheet sheet", "By state"))
    _header(states, [_("State"), *(str(m.label) for m in document.measures)])
    last = len(document.state_rows) + 1
    for row, (name, cells) in enumerate(document.state_rows, start=2):
        _write_row(states, row, name, cells, bold=row == last)
    _widths(states, 28, 16, len(document.measures) + 1)

    notes = book.create_sheet(pgettext("spreadsheet sheet", "Notes"))
    lines = [
        (document.title, True),
        (
            _("Period: %(start)s to %(end)s")
            % {"start": document.period_start.isoformat(), "end": document.period_end.isoformat()},
            False,
        ),
        (_("Covers: %(scope)s") % {"scope": document.scope}, False),
        (
            _("Generated: %(when)s") % {"when": document.generated_at.strftime("%Y-%m-%d %H:%M")},
            False,
        ),
        ("", False),
        (_("How these figures are counted"), True),
        *((note, False) for note in document.notes),
    ]
    for row, (text, bold) in enumerate(lines, start=1):
        cell = notes.cell(row=row, column=1, value=text)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if bold:
            cell.font = BOLD
    notes.column_dimensions["A"].width = 110
    return book


def pack_xlsx(document: PackDocument) -> bytes:
    buffer = BytesIO()
    pack_workbook(document).save(buffer)
    return buffer.getvalue()
