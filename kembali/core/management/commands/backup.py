"""`kembali backup [PATH]`: copy the database while the app runs, with a manifest.

SQLite: the online backup API; PostgreSQL: pg_dump (custom format). PATH defaults to
var/backups/kembali-<UTC time>.sqlite3 (or .dump); PATH.manifest.json beside it
holds each table's row count and checksum, which `kembali restore` verifies.
See kembali/core/backup.py."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kembali.core.backup import BackupError, backup, summary_lines


class Command(BaseCommand):
    help = (
        "Back up the database (SQLite online backup or pg_dump) with a manifest of row "
        "counts and checksums per table."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "path",
            nargs="?",
            help="the backup file to write (default: var/backups/kembali-<time>.sqlite3 "
            "or .dump); its manifest is written beside it as PATH.manifest.json",
        )

    def handle(self, *args, **options):
        verbosity = options["verbosity"]

        def say(message: str) -> None:
            if verbosity >= 2:
                self.stderr.write(message + "...")

        try:
            result = backup(Path(options["path"]) if options["path"] else None, say=say)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        if verbosity == 0:
            return
        tables = result.manifest["tables"]
        megabytes = result.size / 1e6
        self.stdout.write(
            f"Backed up {len(tables)} tables ({result.rows:,} rows, {megabytes:,.1f} MB) "
            f"to {result.path} in {result.seconds:.1f} s "
            f"({megabytes / max(result.seconds, 1e-6):,.1f} MB/s)."
        )
        self.stdout.write(f"Manifest: {result.manifest_path}")
        for line in summary_lines(tables):
            self.stdout.write(line)
