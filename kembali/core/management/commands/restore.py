"""`kembali restore PATH [--yes]`: restore a backup made by `kembali backup`, then
verify every table's row count and checksum against its manifest.

Refuses a database that already has tables unless --yes; exits non-zero, naming
each table that differs, when the restored database does not match the manifest.
See kembali/core/backup.py."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kembali.core.backup import BackupError, restore


class Command(BaseCommand):
    help = "Restore a backup (and verify it table by table against its manifest)."

    def add_arguments(self, parser):
        parser.add_argument("path", help="the backup file (its PATH.manifest.json beside it)")
        parser.add_argument(
            "--yes",
            action="store_true",
            help="replace the database even though it is not empty",
        )

    def handle(self, *args, **options):
        verbosity = options["verbosity"]

        def say(message: str) -> None:
            if verbosity >= 2:
                self.stderr.write(message + "...")

        try:
            result = restore(Path(options["path"]), replace=options["yes"], say=say)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        if verbosity == 0:
            return
        replaced = (
            f" (replacing the {result.replaced_tables} tables there were)"
            if result.replaced_tables
            else ""
        )
        self.stdout.write(
            f"Restored {result.path}{replaced} in {result.seconds:.1f} s and verified it: "
            f"{result.tables} tables, {result.rows:,} rows, every row count and checksum "
            "matches the manifest."
        )
