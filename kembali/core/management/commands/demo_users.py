"""`kembali demo_users --list`: the demo logins, for scripts/serve.sh to print."""

from django.core.management.base import BaseCommand
from django.utils.translation import override

from kembali.core.generate.demo import demo_users_table


class Command(BaseCommand):
    help = "Show the demo logins (username, role, office, password)."

    def add_arguments(self, parser):
        parser.add_argument("--list", action="store_true", help="print the demo logins")

    def handle(self, *args, **options):
        with override("en"):
            rows = demo_users_table()
        if not rows:
            self.stdout.write("  No demo logins yet: run `make demo` (kembali demo).")
            return
        header = ("Username", "Role", "Office", "Password")
        widths = [max(len(r[i]) for r in [header, *rows]) for i in range(4)]
        for row in [header, *rows]:
            self.stdout.write(
                "  " + "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()
            )
