"""Bring every Malay catalogue up to date with the code (`make messages-extract`):
makemessages in each app that has a locale folder, then a count of what is left to
translate. Needs GNU gettext (xgettext, msgmerge).

The project's own templates (kembali/templates: the base page, 403, 404, 500) keep
their strings in kembali/core's catalogue. makemessages only reads the folder it
runs in, so for core the templates are linked in for the run (_project_templates,
followed with --symlinks) and unlinked after: without them their entries would be
dropped from the catalogue.
"""

import os
import subprocess
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
APPS = ROOT / "kembali"
MANAGE = ROOT / "manage.py"


def extract(app: Path) -> None:
    link = app / "_project_templates"
    if app.name == "core":
        link.symlink_to(APPS / "templates", target_is_directory=True)
    try:
        subprocess.run(
            [sys.executable, str(MANAGE), "makemessages", "-l", "ms", "--symlinks"],
            cwd=app,
            check=True,
            env={**os.environ, "DJANGO_SETTINGS_MODULE": "kembali.settings"},
        )
    finally:
        if link.is_symlink():
            link.unlink()


def main() -> int:
    untranslated = 0
    for locale in sorted(APPS.glob("*/locale")):
        app = locale.parent
        extract(app)
        po = polib.pofile(str(locale / "ms" / "LC_MESSAGES" / "django.po"))
        left = [e.msgid for e in po if not e.obsolete and (not e.translated() or e.fuzzy)]
        untranslated += len(left)
        for msgid in left:
            print(f"{app.relative_to(ROOT)}: to translate: {msgid!r}")
    print(f"{untranslated} message(s) to translate; then `make messages` compiles them")
    return 1 if untranslated else 0


if __name__ == "__main__":
    sys.exit(main())
