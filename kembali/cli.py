"""The `kembali` command: Django's management commands under the project's name.

`kembali generate --cases 1000 --seed 1` is `python manage.py generate ...`.
"""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kembali.settings")
    from django.core.management import execute_from_command_line

    args = sys.argv[1:]
    # Django's command modules cannot have dashes: `kembali import-referrals` runs
    # the import_referrals command.
    if args and not args[0].startswith("-"):
        args[0] = args[0].replace("-", "_")
    execute_from_command_line(["kembali", *args])
