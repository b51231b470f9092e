"""`kembali anonymise_closed [--years N] [--dry-run]`: PDPA retention.

Anonymises the people whose cases all closed more than N years ago (default
settings.KEMBALI_RETENTION_YEARS): names, NRIC, contact details and free text go,
the figures the reports count stay. Safe to run again: the anonymised are skipped."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from kembali.people.pdpa import people_anonymise_closed


class Command(BaseCommand):
    help = "Anonymise people whose cases all closed more than N years ago."

    def add_arguments(self, parser):
        parser.add_argument("--years", type=int, default=settings.KEMBALI_RETENTION_YEARS)
        parser.add_argument("--batch-size", type=int, default=200)
        parser.add_argument("--dry-run", action="store_true", help="count only, change nothing")

    def handle(self, *args, **options):
        years = options["years"]
        if years < 1:
            raise CommandError("--years must be 1 or more.")
        if options["batch_size"] < 1:
            raise CommandError("--batch-size must be 1 or more.")
        count = people_anonymise_closed(
            years=years, batch_size=options["batch_size"], dry_run=options["dry_run"]
        )
        if options["verbosity"] == 0:
            return
        if options["dry_run"]:
            self.stdout.write(
                f"{count} people would be anonymised (cases all closed > {years} years)."
            )
        else:
            self.stdout.write(f"{count} people anonymised (cases all closed > {years} years).")
