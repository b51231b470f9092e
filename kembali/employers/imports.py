"""Importing vacancies from a CSV file (a job board's export, an employer's list).

One row is one vacancy. The first line names the columns, in any order (names are
not case-sensitive); UTF-8 with or without a byte-order mark, comma-separated.

Required columns: ``reference`` (the source's own id of the vacancy, at most 40
characters), ``employer_code`` (the SOCSO employer code of an employer on file,
E140000123), ``isco_code`` (a 4-digit ISCO-08 unit group), ``title``,
``state_code`` (01 Johor ... 14 Kuala Lumpur, 15 Labuan, 16 Putrajaya),
``monthly_wage`` (RM, e.g. 1800.00) and ``opened_on`` (2026-03-31 or 31/03/2026).

Optional columns (an empty cell takes the default in brackets): description,
district, latitude and longitude (decimal degrees, both or neither),
hours_per_week [45], shift_work [no], strength_level 1 sedentary .. 5 very heavy [2],
max_lift_kg 0..100 [0], standing_walking, sitting, fine_hand_use, vision, hearing,
speech, driving, cognitive_load (0 not needed .. 3 high) [1; driving 0],
wheelchair_access, accessible_toilet, flexible_hours, remote_work,
assistive_technology [no], openings [1], closes_on, status (open, filled, closed) [open].

Idempotent by ``reference``: a row whose reference is already on file updates that
vacancy when something differs ("updated") and is counted as "already imported"
when nothing does, so a file imported twice, or again after a crash, adds each
vacancy once. Every row is checked by ``vacancy_input_errors``, the same check as
the form and the API; each bad row is reported with its line number and reasons.

Modes (kembali.core.csvimport): all_or_nothing (the default) writes nothing when
any row is bad; good_rows writes the good rows batch by batch.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import TextIO

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kembali.audit.models import AuditEvent
from kembali.audit.services import diff_fields
from kembali.core.csvimport import (
    ALL_OR_NOTHING,
    MODES,
    BadRow,
    CsvRow,
    ImportFileError,
    ImportReport,
    open_csv,
    parse_bool,
    parse_date,
    parse_decimal,
    parse_float,
    parse_int,
    read_csv,
)
from kembali.core.digits import is_digits
from kembali.employers.freshness import vacancies_changed
from kembali.employers.models import ACCESSIBILITY_FIELDS, Employer, Vacancy
from kembali.employers.vacancies import (
    AUDITED,
    LEVEL_FIELDS,
    ReferenceSets,
    VacancyInput,
    vacancy_input_errors,
)

REQUIRED_COLUMNS = (
    "reference",
    "employer_code",
    "isco_code",
    "title",
    "state_code",
    "monthly_wage",
    "opened_on",
)
INT_COLUMNS = ("hours_per_week", "strength_level", "max_lift_kg", *LEVEL_FIELDS, "openings")
BOOL_COLUMNS = ("shift_work", *ACCESSIBILITY_FIELDS)
OPTIONAL_COLUMNS = (
    "description",
    "district",
    "latitude",
    "longitude",
    *INT_COLUMNS,
    *BOOL_COLUMNS,
    "closes_on",
    "status",
)
DEFAULT_BATCH_SIZE = 1000

# What the upload page shows: (columns, what goes in them).
COLUMN_HELP = (
    (
        "reference",
        gettext_lazy("Required. The source's own id of the vacancy (up to 40 characters)."),
    ),
    (
        "employer_code",
        gettext_lazy("Required. The SOCSO employer code of an employer on file, like E140000123."),
    ),
    ("isco_code", gettext_lazy("Required. The 4-digit ISCO-08 unit group, like 4110.")),
    ("title", gettext_lazy("Required. The job title.")),
    ("state_code", gettext_lazy("Required. 01 Johor to 16 Putrajaya (14 is Kuala Lumpur).")),
    ("monthly_wage", gettext_lazy("Required. RM per month, more than 0.")),
    (
        "opened_on, closes_on",
        gettext_lazy(
            "2026-03-31 or 31/03/2026; the closing date is optional and after the opening date."
        ),
    ),
    (
        "description, district, latitude, longitude",
        gettext_lazy("Optional. Latitude and longitude both or neither."),
    ),
    ("hours_per_week, openings", gettext_lazy("Whole numbers; 45 hours and 1 opening when empty.")),
    (
        "strength_level, max_lift_kg",
        gettext_lazy("1 sedentary to 5 very heavy; the heaviest lift 0 to 100 kg."),
    ),
    (", ".join(LEVEL_FIELDS), gettext_lazy("0 not needed, 1 low, 2 moderate, 3 high.")),
    ("shift_work, " + ", ".join(ACCESSIBILITY_FIELDS), gettext_lazy("yes or no; no when empty.")),
    ("status", gettext_lazy("open, filled or closed; open when empty.")),
)

Progress = Callable[[int], None]


@dataclasses.dataclass
class _Parsed:
    line: int
    reference: str
    employer_code: str
    data: VacancyInput | None
    errors: list[str]


def _parse(row: CsvRow) -> _Parsed:
    cells = row.cells
    reference = cells.get("reference", "")
    if row.error:
        return _Parsed(row.line, reference, "", None, [row.error])
    errors: list[str] = []
    values: dict = {}

    def read(column: str, parser):
        try:
            return parser(cells.get(column, ""))
        except ValueError as exc:
            errors.append(f"{column}: {exc}")
            return None

    for column in INT_COLUMNS:
        value = read(column, parse_int)
        if value is not None:
            values[column] = value
    for column in BOOL_COLUMNS:
        value = read(column, parse_bool)
        if value is not None:
            values[column] = value
    wage = read("monthly_wage", parse_decimal)
    opened_on = read("opened_on", parse_date)
    closes_on = read("closes_on", parse_date)
    latitude = read("latitude", parse_float)
    longitude = read("longitude", parse_float)
    if not reference:
        errors.append(
            _("reference: required, so that importing the file again adds nothing twice.")
        )
    if not cells.get("employer_code"):
        errors.append(_("employer_code: required."))
    if not cells.get("monthly_wage"):
        errors.append(_("monthly_wage: required."))
    if not cells.get("opened_on"):
        errors.append(_("opened_on: required."))
    if errors:
        return _Parsed(row.line, reference, "", None, errors)
    state = cells.get("state_code", "")
    data = VacancyInput(
        employer_id=None,  # resolved from the code per batch
        reference=reference,
        isco_code=cells.get("isco_code", ""),
        title=cells.get("title", ""),
        state_code=state.zfill(2) if is_digits(state) else state,
        monthly_wage=wage,
        opened_on=opened_on,
        closes_on=closes_on,
        description=cells.get("description", ""),
        district=cells.get("district", ""),
        latitude=latitude,
        longitude=longitude,
        status=(cells.get("status") or Vacancy.Status.OPEN).lower(),
        **values,
    )
    code = cells.get("employer_code", "").replace(" ", "").replace("-", "").upper()
    return _Parsed(row.line, reference, code, data, [])


class _Rollback(Exception):
    pass


def vacancies_import(
    *,
    actor,
    source: TextIO | str,
    mode: str = ALL_OR_NOTHING,
    filename: str = "",
    batch_size: int = DEFAULT_BATCH_SIZE,
    progress: Progress | None = None,
) -> ImportReport:
    """Import the vacancies of a CSV file (a text stream or a str). Returns the
    report; never raises for bad data."""
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}")
    report = ImportReport(mode=mode, filename=filename)
    run = _Run(actor=actor, report=report, batch_size=batch_size, progress=progress)
    try:
        if mode == ALL_OR_NOTHING:
            try:
                with transaction.atomic():
                    run.go(source, each_batch_atomic=False)
                    if report.bad:
                        raise _Rollback
            except _Rollback:
                report.imported = report.updated = 0
        else:
            run.go(source, each_batch_atomic=True)
    except ImportFileError as exc:
        report.file_error = exc.message
        report.imported = report.updated = report.already_imported = 0
    return report


def import_file(*, actor, path, **options) -> ImportReport:
    """Import a CSV file on disk."""
    try:
        with open_csv(path) as source:
            return vacancies_import(actor=actor, source=source, **options)
    except UnicodeDecodeError:
        report = ImportReport(mode=options.get("mode", ALL_OR_NOTHING))
        report.file_error = _(
            "The file is not UTF-8 text. In Excel, save it as “CSV UTF-8 (comma delimited)”."
        )
        return report


class _Run:
    def __init__(self, *, actor, report: ImportReport, batch_size: int, progress):
        self.actor = actor
        self.report = report
        self.batch_size = batch_size
        self.progress = progress
        self.refs = ReferenceSets()
        self.seen: dict[str, int] = {}  # reference -> line, to catch a file naming one twice

    def go(self, source, *, each_batch_atomic: bool) -> None:
        batch: list[_Parsed] = []
        for row in read_csv(source, required=REQUIRED_COLUMNS, optional=OPTIONAL_COLUMNS):
            batch.append(_parse(row))
            if len(batch) >= self.batch_size:
                self._batch(batch, each_batch_atomic)
                batch = []
        if batch:
            self._batch(batch, each_batch_atomic)

    def _batch(self, batch: list[_Parsed], atomic: bool) -> None:
        if atomic:
            with transaction.atomic():
                self._write(batch)
        else:
            self._write(batch)
        if self.progress:
            self.progress(len(batch))

    def _write(self, batch: list[_Parsed]) -> None:
        report = self.report
        report.rows += len(batch)
        codes = {p.employer_code for p in batch if p.data is not None}
        employers = dict(
            Employer.objects.filter(employer_code__in=codes).values_list("employer_code", "id")
        )
        refs = [p.reference for p in batch if p.data is not None]
        existing = {v.reference: v for v in Vacancy.objects.filter(reference__in=refs)}
        new: list[Vacancy] = []
        changed: list[tuple[Vacancy, dict]] = []
        for parsed in batch:
            errors = list(parsed.errors)
            if parsed.reference in self.seen:
                errors.append(
                    _("reference: %(ref)s is on line %(line)s too.")
                    % {"ref": parsed.reference, "line": self.seen[parsed.reference]}
                )
            elif parsed.reference:
                self.seen[parsed.reference] = parsed.line
            data = parsed.data
            if data is not None and not errors:
                data.employer_id = employers.get(parsed.employer_code)
                if data.employer_id is None:
                    errors.append(
                        _("employer_code: no employer on file has the code %(code)s.")
                        % {"code": parsed.employer_code}
                    )
                else:
                    errors.extend(
                        f"{name.removesuffix('_id')}: {message}"
                        for name, message in vacancy_input_errors(data, self.refs)
                    )
            if errors:
                report.add_bad(BadRow(line=parsed.line, reference=parsed.reference, reasons=errors))
                continue
            values = data.model_values()
            current = existing.get(parsed.reference)
            if current is None:
                new.append(Vacancy(**values))
                continue
            old = {name: getattr(current, name) for name in AUDITED}
            diff = diff_fields(old, {name: values[name] for name in AUDITED})
            if not diff:
                report.already_imported += 1
                continue
            for name, value in values.items():
                setattr(current, name, value)
            current.version += 1
            current.updated_at = timezone.now()
            changed.append((current, diff))
        if report.bad and report.mode == ALL_OR_NOTHING:
            return  # nothing will be kept: go on only to find the other bad rows
        if new:
            Vacancy.objects.bulk_create(new)
        if changed:
            Vacancy.objects.bulk_update(
                [v for v, _d in changed], [*AUDITED, "version", "updated_at"]
            )
        report.imported += len(new)
        report.updated += len(changed)
        if new or changed:
            # bulk_create sets the new rows' ids (PostgreSQL, SQLite >= 3.35).
            ids = [v.pk for v in new] + [v.pk for v, _d in changed]
            vacancies_changed(vacancy_ids=None if None in ids else ids)
            self._audit(new, changed)

    def _audit(self, new: list[Vacancy], changed: list[tuple[Vacancy, dict]]) -> None:
        actor = self.actor
        office = getattr(actor, "office", None)
        reason = _("CSV import %(file)s") % {"file": self.report.filename or "vacancies.csv"}
        events = [
            AuditEvent(
                actor=actor,
                office=office,
                action=action,
                object_type="employers.vacancy",
                object_id=str(vacancy.pk),
                # Not str(vacancy): it reads the employer, a query per row.
                object_repr=f"{vacancy.title} ({vacancy.reference})"[:200],
                changes=changes,
                reason=reason,
            )
            for action, vacancy, changes in (
                *(("vacancy.import_create", v, {"reference": [None, v.reference]}) for v in new),
                *(("vacancy.import_update", v, d) for v, d in changed),
            )
        ]
        AuditEvent.objects.bulk_create(events)
