"""`kembali import-vacancies FILE`: import vacancies from a CSV file.

The columns are listed in kembali/employers/imports.py (and on the upload page).
Exit code 1, with the bad rows listed, when nothing was imported because of bad
rows (all-or-nothing) or an unreadable file. Safe to run again on the same file:
a vacancy whose reference is on file is updated, or left alone when unchanged.
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from kembali.core.csvimport import ALL_OR_NOTHING, MODES
from kembali.employers.imports import DEFAULT_BATCH_SIZE, import_file


class Command(BaseCommand):
    help = "Import vacancies from a CSV file (columns: see kembali/employers/imports.py)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="the CSV file, UTF-8 with or without a byte-order mark")
        parser.add_argument(
            "--mode",
            choices=MODES,
            default=ALL_OR_NOTHING,
            help="all_or_nothing (default): any bad row and nothing is imported; "
            "good_rows: import the good rows, report the bad ones",
        )
        parser.add_argument(
            "--user", help="username the import is recorded under (default: the system)"
        )
        parser.add_argument("--batch-size", type=int, default=DEFAULT_BATCH_SIZE)

    def handle(self, *args, **options):
        actor = None
        if options["user"]:
            actor = get_user_model().objects.filter(username=options["user"]).first()
            if actor is None:
                raise CommandError(f"No user {options['user']}.")
        path = options["file"]
        try:
            open(path, "rb").close()
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror}.") from None
        report = import_file(
            actor=actor,
            path=path,
            mode=options["mode"],
            filename=str(path),
            batch_size=options["batch_size"],
        )
        if report.file_error:
            raise CommandError(report.file_error)
        for bad in report.bad_rows:
            reasons = "; ".join(bad.reasons)
            self.stderr.write(f"line {bad.line} ({bad.reference or 'no reference'}): {reasons}")
        if report.bad > len(report.bad_rows):
            self.stderr.write(f"... and {report.bad - len(report.bad_rows)} more bad rows")
        summary = (
            f"{report.rows} rows: {report.imported} imported, {report.updated} updated, "
            f"{report.already_imported} already imported, {report.bad} bad"
        )
        if report.refused:
            self.stderr.write(
                f"{summary}. Nothing was imported: correct the bad rows, or use "
                "--mode good_rows to import the others."
            )
            raise SystemExit(1)
        self.stdout.write(summary + ".")
