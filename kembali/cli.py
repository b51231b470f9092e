"""The `kembali` command: Django's management commands under the project's name.

`kembali generate --cases 1000 --seed 1` is `python manage.py generate ...`.
"""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kembali.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["kembali", *sys.argv[1:]])
