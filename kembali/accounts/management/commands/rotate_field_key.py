"""Re-encrypt stored secrets with the newest encryption key.

    KEMBALI_FIELD_KEY=<new>,<old> manage.py rotate_field_key

then set KEMBALI_FIELD_KEY=<new> alone. Until the command has run, keep the old
key in the list: secrets written with it cannot be read without it."""

from django.core.management.base import BaseCommand, CommandError

from kembali.accounts.encryption import FieldKeyError
from kembali.accounts.services import field_key_rotate


class Command(BaseCommand):
    help = "Re-encrypt stored secrets (two-step sign-in apps) with the first KEMBALI_FIELD_KEY."

    def handle(self, *args, **options):
        try:
            rotated = field_key_rotate()
        except FieldKeyError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"{rotated} secret(s) re-encrypted with the first key of KEMBALI_FIELD_KEY; "
                "the other keys may now be removed."
            )
        )
