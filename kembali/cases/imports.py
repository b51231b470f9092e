"""The bulk import of referrals from a CSV file (the columns: kembali.cases.imports_csv).

Every row is checked by the same function as the referral form and the API
(``referral_input_check``), and refused for the same reasons as ``referral_create``
refuses a referral (a reference used for another person, a person with an open case,
an office the user may not refer for). What differs is the writing: one
``referral_create`` per row makes some forty queries, which at 100,000 rows is far
beyond a minute, so rows are written in batches:

- per batch, ONE query each finds the references already imported, the persons
  already on file, their open cases and the employers named by code;
- new rows are written with ``bulk_create``: persons, injuries, jobs, benefits, board
  recommendations, cases (numbers taken from CaseSequence under a row lock once per
  batch), eligibility decisions (``decide_eligibility``, the same pure function),
  transitions, and ONE AuditEvent per case holding the created values of the case and
  of everything written with it (kembali.cases.imports_write says why);
- one more AuditEvent per batch sums it up (who imported which file, how many rows).

A person already on file goes through the people services one by one (their details
brought up to date, benefits and board recommendations recorded as referral_create
does), because their facts on file count towards eligibility; that is rare in a file.

Modes: ``all_or_nothing`` (the default) writes everything in one transaction and
nothing at all when any row is bad; ``good_rows`` commits each batch on its own and
reports the bad rows. Either way a row whose reference is already imported is
counted as "already imported" and skipped, so importing a file twice, or again after
a crash half-way, adds each referral exactly once.

No case_transitioned signal is sent for imported cases: its receivers act on
closures only, and 100,000 on-commit callbacks would be a cost for nothing.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from kembali.accounts.models import Office
from kembali.cases.eligibility import EligibilityFacts, age_on, decide_eligibility
from kembali.cases.imports_csv import ImportFileError, ParsedRow, read_rows
from kembali.cases.imports_write import BatchWriter
from kembali.cases.models import (
    OPEN_STATUSES,
    Case,
    CaseSequence,
)
from kembali.cases.services import (
    DuplicateOpenCase,
    ReferenceCodes,
    ReferralInput,
    _may_refer,
    eligibility_facts,
    referral_input_check,
)
from kembali.employers.models import Employer
from kembali.people.models import (
    BenefitStatus,
    InsuredPerson,
)
from kembali.people.services import (
    PersonData,
    benefit_record,
    board_recommendation_record,
    person_update_details,
)
from kembali.reference.models import IscoGroup, State

ALL_OR_NOTHING = "all_or_nothing"
GOOD_ROWS = "good_rows"
MODES = (ALL_OR_NOTHING, GOOD_ROWS)
DEFAULT_BATCH_SIZE = 2000
# Shown in full on the result page and in the command's report; beyond it, counted.
MAX_REPORTED_BAD_ROWS = 1000
IMPORT_CACHE_KIB = 128 * 1024  # SQLite's page cache while importing (see _large_page_cache)

Progress = Callable[[int], None]  # called with the number of rows just handled


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
    imported: int = 0
    already_imported: int = 0
    bad: int = 0
    bad_rows: list[BadRow] = field(default_factory=list)  # the first MAX_REPORTED_BAD_ROWS
    file_error: str = ""  # the file as a whole could not be read: nothing imported

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

    @classmethod
    def from_dict(cls, data: dict) -> ImportReport:
        values = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        values["bad_rows"] = [BadRow(**b) for b in data.get("bad_rows", [])]
        return cls(**values)


@dataclass
class _Good:
    row: ParsedRow
    referral: ReferralInput
    person_data: PersonData
    office: Office
    person: InsuredPerson | None  # on file already, else None
    # Filled in while writing.
    facts: EligibilityFacts | None = None
    decision: object = None
    person_id: int | None = None
    injury_id: int | None = None
    job_id: int | None = None
    number: str = ""
    status: str = ""


class ReferralImport:
    """What the per-batch summary audit event is about: an import run (no table; the
    audit trail is its record)."""

    class _meta:  # noqa: N801 - stands in for a model's _meta in the audit event
        label_lower = "cases.referralimport"


class _Rollback(Exception):
    """Undo an all-or-nothing import once a bad row is found."""


def referrals_import(
    *,
    actor,
    source,
    mode: str = ALL_OR_NOTHING,
    office: Office | None = None,
    filename: str = "",
    batch_size: int = DEFAULT_BATCH_SIZE,
    progress: Progress | None = None,
    on_batch_committed: Callable[[int], None] | None = None,
) -> ImportReport:
    """Import the referrals of a CSV file (text stream or str). `actor` is the user
    importing, or None for the system (the command without --user); `office` takes the
    rows that name none. Returns the report; never raises for bad data."""
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}")
    report = ImportReport(mode=mode, filename=filename)
    run = _Run(
        actor=actor, default_office=office, report=report, batch_size=batch_size, source=source
    )
    with _large_page_cache():
        _run(run, report, mode=mode, progress=progress, on_batch_committed=on_batch_committed)
    return report


@contextmanager
def _large_page_cache():
    """On SQLite, a page cache of IMPORT_CACHE_KIB for the import's connection. With
    SQLite's default 2 MiB, the indexes of the tables an import fills (the audit trail's
    five, the cases') no longer fit after a few thousand rows, and inserts wait on
    index pages read and written through the operating system (20,000 rows on a loaded
    machine: 13.2 s before, 8.7 s with it, the same CPU). The connection's own size is
    put back afterwards."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        before = cursor.fetchone()[0]
        cursor.execute(f"PRAGMA cache_size = -{IMPORT_CACHE_KIB:d}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(before):d}")


def _run(run: _Run, report: ImportReport, *, mode, progress, on_batch_committed) -> None:
    try:
        if mode == ALL_OR_NOTHING:
            try:
                with transaction.atomic():
                    run.go(progress=progress, writing=True, on_batch_committed=None)
                    if report.bad:
                        raise _Rollback
            except _Rollback:
                report.imported = 0
        else:
            run.go(progress=progress, writing=True, on_batch_committed=on_batch_committed)
    except ImportFileError as exc:
        report.file_error = exc.message
        if mode == ALL_OR_NOTHING:
            report.imported = 0  # rolled back; in good_rows, earlier batches stay


class _Run:
    def __init__(self, *, actor, default_office, report: ImportReport, batch_size: int, source):
        self.source = source
        self.actor = actor if actor is not None and actor.is_authenticated else None
        self.default_office = default_office
        self.report = report
        self.batch_size = max(1, batch_size)
        self.import_id = uuid.uuid4().hex[:12]
        self.today = timezone.localdate()
        self.states = frozenset(State.objects.values_list("code", flat=True))
        self.isco_units = frozenset(
            IscoGroup.objects.filter(level=IscoGroup.Level.UNIT).values_list("code", flat=True)
        )
        self.offices = {o.code.upper(): o for o in Office.objects.all()}
        self.seen_references: dict[str, int] = {}  # reference -> line, this file
        self.open_in_run: dict[str, int] = {}  # NRIC -> line of the row that opened a case

    def go(self, *, progress, writing: bool, on_batch_committed) -> None:
        for batch in self._batches(read_rows(self.source)):
            self._batch(batch, writing=writing and not self._stopped())
            if on_batch_committed is not None:
                on_batch_committed(self.report.imported)
            if progress is not None:
                progress(len(batch))

    def _stopped(self) -> bool:
        # All or nothing: after the first bad row there is no point writing more.
        return self.report.mode == ALL_OR_NOTHING and self.report.bad > 0

    def _batches(self, rows: Iterator[ParsedRow]) -> Iterator[list[ParsedRow]]:
        """Rows in batches; a batch ends early where an NRIC comes back, so the second
        referral of a person finds the first one written."""
        batch: list[ParsedRow] = []
        nrics: set[str] = set()
        for row in rows:
            key = _nric_key(row)
            if batch and (len(batch) >= self.batch_size or (key and key in nrics)):
                yield batch
                batch, nrics = [], set()
            batch.append(row)
            if key:
                nrics.add(key)
        if batch:
            yield batch

    # --- one batch

    def _batch(self, rows: list[ParsedRow], *, writing: bool) -> None:
        if not writing:
            self._classify(rows)
            return
        if self.report.mode == ALL_OR_NOTHING:
            self._classify_and_write(rows)
            return
        # Good rows: each batch commits alone. Another import of the same references
        # at the same moment makes the insert fail; the batch is then read again, and
        # those rows are found imported.
        for attempt in (1, 2):
            saved = _counts(self.report)
            try:
                with transaction.atomic():
                    self._classify_and_write(rows)
                return
            except IntegrityError:
                if attempt == 2:
                    raise
                _restore(self.report, saved)
                self.seen_references = {
                    r: line for r, line in self.seen_references.items() if line < rows[0].line
                }

    def _classify_and_write(self, rows: list[ParsedRow]) -> None:
        goods = self._classify(rows)
        if goods and not self._stopped():
            self._write(goods)

    def _classify(self, rows: list[ParsedRow]) -> list[_Good]:
        report = self.report
        report.rows += len(rows)
        references = [r.reference for r in rows if r.reference]
        imported = {
            ref: (number, nric)
            for ref, number, nric in Case.objects.filter(
                referral_reference__in=references
            ).values_list("referral_reference", "number", "person__nric")
        }
        checked = []
        employer_codes = {
            r.referral.employment.employer_code
            for r in rows
            if r.referral is not None
            and r.referral.employment is not None
            and r.referral.employment.employer_code
        }
        self.employers = dict(
            Employer.objects.filter(employer_code__in=employer_codes).values_list(
                "employer_code", "pk"
            )
        )
        codes = ReferenceCodes(
            states=self.states,
            isco_units=self.isco_units,
            employer_codes=frozenset(self.employers),
        )
        for row in rows:
            person_data, errors = None, {}
            if row.referral is not None:
                person_data, errors = referral_input_check(
                    row.referral, today=self.today, codes=codes
                )
            checked.append((row, person_data, errors))
        # Rows already imported need no person (a file imported again is all of them).
        nrics = [
            p.nric for row, p, _e in checked if p is not None and row.reference not in imported
        ]
        persons = {p.nric: p for p in InsuredPerson.objects.filter(nric__in=nrics)}
        open_cases = dict(
            Case.objects.filter(
                person__nric__in=list(persons), status__in=OPEN_STATUSES
            ).values_list("person__nric", "number")
        )

        goods: list[_Good] = []
        for row, person_data, errors in checked:
            reasons = list(row.errors)
            done = imported.get(row.reference)
            if done is not None:
                number, nric = done
                if person_data is not None and nric != person_data.nric:
                    reasons = [
                        _("referral_reference: already used for another person (case %(number)s).")
                        % {"number": number}
                    ]
                else:
                    report.already_imported += 1
                    continue
            else:
                reasons += [
                    f"{path.split('.')[-1] or _('row')}: {message}"
                    for path, messages in errors.items()
                    for message in messages
                ]
            if row.reference:
                earlier = self.seen_references.get(row.reference)
                if earlier is not None and done is None:
                    reasons.append(
                        _("referral_reference: the same reference is on line %(line)s.")
                        % {"line": earlier}
                    )
                else:
                    self.seen_references.setdefault(row.reference, row.line)
            office = self._office(row, reasons)
            if not reasons and person_data is not None:
                earlier = self.open_in_run.get(person_data.nric)
                if earlier is not None:
                    reasons.append(
                        _("nric: the case opened from line %(line)s of this file is still open.")
                        % {"line": earlier}
                    )
                elif person_data.nric in open_cases:
                    reasons += DuplicateOpenCase(open_cases[person_data.nric]).errors["person.nric"]
            if reasons or row.referral is None or person_data is None or office is None:
                report.add_bad(BadRow(line=row.line, reference=row.reference, reasons=reasons))
                continue
            goods.append(
                _Good(
                    row=row,
                    referral=row.referral,
                    person_data=person_data,
                    office=office,
                    person=persons.get(person_data.nric),
                )
            )
        if self._stopped() or not goods:
            # Nothing is written: still note which rows would have opened a case.
            for good in goods:
                decision = decide_cached(_facts_from_row(good))
                if decision.eligible:
                    self.open_in_run[good.person_data.nric] = good.row.line
        return goods

    def _office(self, row: ParsedRow, reasons: list[str]) -> Office | None:
        if row.office_code:
            office = self.offices.get(row.office_code)
            if office is None:
                reasons.append(
                    _("office_code: no office has the code %(code)s.")
                    % {"code": row.office_code[:12]}
                )
                return None
        else:
            office = self.default_office
            if office is None:
                reasons.append(_("office_code: give the office that takes the case."))
                return None
        if self.actor is not None and not _may_refer(self.actor, office):
            reasons.append(
                _("office_code: you may not create referrals for %(office)s.")
                % {"office": office.code}
            )
            return None
        return office

    # --- writing

    def _write(self, goods: list[_Good]) -> None:
        actor = self.actor
        # People on file: the same services as referral_create, one by one (rare).
        for good in goods:
            if good.person is None:
                continue
            person, office, ref = good.person, good.office, good.referral
            person_update_details(actor=actor, person=person, data=good.person_data, office=office)
            for b in ref.benefits:
                benefit_record(actor=actor, person=person, office=office, **asdict(b))
            for b in ref.board_recommendations:
                board_recommendation_record(actor=actor, person=person, office=office, **asdict(b))

        def decide(good: _Good):
            if good.person is None:
                facts = _facts_from_row(good)
            else:
                facts = eligibility_facts(
                    person=good.person,
                    referral_date=good.referral.referral_date,
                    is_contributor=good.referral.is_contributor,
                    injury=good.referral.injury,
                )
            return facts, decide_cached(facts)

        writer = BatchWriter(actor=actor)
        numbers = self._case_numbers([g.referral.referral_date.year for g in goods])
        written = writer.write(goods, employers=self.employers, numbers=numbers, decide=decide)
        for good, (_number, status) in zip(goods, written, strict=True):
            if status in OPEN_STATUSES:
                self.open_in_run[good.person_data.nric] = good.row.line
        self.report.imported += len(written)
        office = self.default_office or (actor.office if actor else None)
        writer.audit(
            ReferralImport,
            self.import_id,
            self.report.filename or "referrals.csv",
            office.pk if office else None,
            action="import",
            reason=_("CSV import of referrals"),
            changes={
                "imported": [None, len(written)],
                "lines": [None, f"{goods[0].row.line}-{goods[-1].row.line}"],
            },
        )
        writer.write_audits()

    def _case_numbers(self, years: list[int]) -> list[str]:
        """RTW-<year>-<7 digits> for each case, from the per-year counters, each locked
        and moved on once for the whole batch."""
        wanted: dict[int, int] = {}
        for year in years:
            wanted[year] = wanted.get(year, 0) + 1
        next_of: dict[int, int] = {}
        for year in sorted(wanted):
            CaseSequence.objects.get_or_create(year=year)
            sequence = CaseSequence.objects.select_for_update().get(year=year)
            next_of[year] = sequence.last + 1
            sequence.last += wanted[year]
            sequence.save(update_fields=["last"])
        numbers = []
        for year in years:
            numbers.append(f"RTW-{year}-{next_of[year]:07d}")
            next_of[year] += 1
        return numbers


def _nric_key(row: ParsedRow) -> str:
    if row.referral is None:
        return ""
    return "".join(ch for ch in row.referral.person.nric if ch.isdigit())


# (age, yes/no facts...) -> decision: at most 100 ages x 2**7 answers.
_DECISIONS: dict[tuple, object] = {}


def decide_cached(facts: EligibilityFacts):
    """decide_eligibility, remembered: the decision depends on the age and the yes/no
    facts only, and it is immutable. Explaining all four rules of every row afresh was
    a fifth of the import's time."""
    key = (
        age_on(facts.date_of_birth, facts.referral_date),
        *(v for v in vars(facts).values() if isinstance(v, bool)),
    )
    decision = _DECISIONS.get(key)
    if decision is None:
        decision = _DECISIONS[key] = decide_eligibility(facts)
    return decision


def _facts_from_row(good: _Good) -> EligibilityFacts:
    """The facts of a person new to the system, from the row alone: the benefits in
    force and the latest board recommendation on the referral date, as the people
    selectors would read them once written."""
    ref, on = good.referral, good.referral.referral_date
    in_force = {
        b.kind
        for b in ref.benefits
        if b.start_date <= on and (b.end_date is None or b.end_date >= on)
    }
    boards = sorted((b for b in ref.board_recommendations if b.date <= on), key=lambda b: b.date)
    return EligibilityFacts(
        date_of_birth=good.person_data.date_of_birth,
        referral_date=on,
        is_contributor=ref.is_contributor,
        work_related_injury=bool(ref.injury and ref.injury.work_related),
        receiving_tdb=BenefitStatus.Kind.TDB_RECEIVING in in_force,
        applying_pdb=BenefitStatus.Kind.PDB_APPLYING in in_force,
        applying_invalidity_pension=BenefitStatus.Kind.INVALIDITY_APPLYING in in_force,
        certified_invalid=BenefitStatus.Kind.CERTIFIED_INVALID in in_force,
        recommended_by_board=bool(boards and boards[-1].recommended_rehabilitation),
    )


def _counts(report: ImportReport) -> tuple:
    return (report.rows, report.imported, report.already_imported, report.bad, len(report.bad_rows))


def _restore(report: ImportReport, saved: tuple) -> None:
    report.rows, report.imported, report.already_imported, report.bad, kept = saved
    del report.bad_rows[kept:]


def import_file(*, actor, path, **options) -> ImportReport:
    """Import a CSV file on disk (UTF-8, a byte-order mark skipped)."""
    from kembali.cases.imports_csv import open_csv

    try:
        with open_csv(path) as source:
            return referrals_import(actor=actor, source=source, **options)
    except UnicodeDecodeError:
        report = ImportReport(mode=options.get("mode", ALL_OR_NOTHING))
        report.file_error = _(
            "The file is not UTF-8 text. In Excel, save it as “CSV UTF-8 (comma delimited)”."
        )
        return report


@task()
def import_referrals_task(
    stored_name: str, user_id: int, mode: str, office_code: str = "", filename: str = ""
) -> dict:
    """Import a stored upload in the background (a large file). Takes ids, reloads
    them; safe to run twice, since imported references are skipped."""
    from kembali.accounts.models import User
    from kembali.core.uploads import protected_storage

    actor = User.objects.get(pk=user_id)
    office = Office.objects.filter(code=office_code).first() if office_code else None
    report = import_file(
        actor=actor,
        path=protected_storage().path(stored_name),
        mode=mode,
        office=office,
        filename=filename or stored_name,
    )
    return report.as_dict()
