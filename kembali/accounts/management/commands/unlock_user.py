"""Unlock a staff account locked out after too many failed sign-ins.

    manage.py unlock_user aisyah --reason "confirmed by phone"

For operators with shell access; supervisors and national administrators use the
page at /accounts/locked/. axes' own axes_reset_username does the same without
an audit record, so prefer this one."""

from django.core.management.base import BaseCommand, CommandError

from kembali.accounts.lockout import is_locked_out
from kembali.accounts.models import User
from kembali.accounts.services import user_unlock


class Command(BaseCommand):
    help = "Unlock a staff account locked out after too many failed sign-in attempts."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--reason", default="", help="Why, for the audit trail.")

    def handle(self, *args, username, reason, **options):
        try:
            user = User.objects.get(username=username)
        except User.DoesNotExist:
            raise CommandError(f"No user named {username!r}.") from None
        was_locked = is_locked_out(username)
        user_unlock(actor=None, user=user, reason=reason or "unlocked from the command line")
        if was_locked:
            self.stdout.write(self.style.SUCCESS(f"{username} is unlocked and may sign in again."))
        else:
            self.stdout.write(f"{username} was not locked out; failed attempts cleared anyway.")
