"""`kembali import-referrals FILE`: import referrals from a CSV file.

The columns are listed in kembali/cases/imports_csv.py (and on the upload page);
kembali/cases/data/referrals_sample.csv is an example. Exit code 1, with the bad
rows listed, when nothing was imported because of bad rows (all-or-nothing) or an
unreadable file. Safe to run again on the same file: imported references are skipped.
"""

import time

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from kembali.accounts.models import Office
from kembali.cases.imports import (
    ALL_OR_NOTHING,
    DEFAULT_BATCH_SIZE,
    MODES,
    import_file,
)


class Command(BaseCommand):
    help = "Import referrals from a CSV file (columns: see kembali/cases/imports_csv.py)."

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
            "--office", help="office code for rows without an office_code (e.g. KL01)"
        )
        parser.add_argument(
            "--user",
            help="username the import is recorded under (default: the system); the user "
            "must be allowed to refer for each row's office",
        )
        parser.add_argument("--batch-size", type=int, default=DEFAULT_BATCH_SIZE)
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args, **options):
        office = None
        if options["office"]:
            office = Office.objects.filter(code__iexact=options["office"]).first()
            if office is None:
                raise CommandError(f"No office has the code {options['office']}.")
        actor = None
        if options["user"]:
            actor = get_user_model().objects.filter(username=options["user"]).first()
            if actor is None:
                raise CommandError(f"No user {options['user']}.")
        path = options["file"]
        try:
            with open(path, "rb") as f:
                total = max(0, sum(1 for _ in f) - 1)
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror}.") from None
        verbosity = options["verbosity"]
        bar = tqdm(
            total=total,
            unit="rows",
            disable=options["no_progress"] or verbosity == 0,
            file=self.stderr._out,
        )

        def committed(imported: int) -> None:
            if verbosity >= 2:
                self.stdout.write(f"batch committed: {imported} imported so far")
                self.stdout.flush()

        started, cpu_started = time.perf_counter(), time.process_time()
        try:
            report = import_file(
                actor=actor,
                path=path,
                mode=options["mode"],
                office=office,
                filename=str(path),
                batch_size=options["batch_size"],
                progress=bar.update,
                on_batch_committed=committed,
            )
        finally:
            bar.close()
        if report.file_error:
            raise CommandError(report.file_error)
        for bad in report.bad_rows:
            reasons = "; ".join(bad.reasons)
            self.stderr.write(f"line {bad.line} ({bad.reference or 'no reference'}): {reasons}")
        if report.bad > len(report.bad_rows):
            self.stderr.write(f"... and {report.bad - len(report.bad_rows)} more bad rows")
        summary = (
            f"{report.rows} rows: {report.imported} imported, "
            f"{report.already_imported} already imported, {report.bad} bad"
            f" in {time.perf_counter() - started:.1f} s"
            f" ({time.process_time() - cpu_started:.1f} s of CPU)"
        )
        if report.refused:
            self.stderr.write(
                f"{summary}. Nothing was imported: correct the bad rows, or use "
                "--mode good_rows to import the others."
            )
            raise SystemExit(1)
        self.stdout.write(summary + ".")
