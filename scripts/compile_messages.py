"""Compile every .po under kembali/ (project and app locale folders) into its .mo.

Uses polib, so no GNU gettext is needed on a fresh machine."""

from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent / "kembali"

for po_path in sorted(ROOT.glob("**/locale/*/LC_MESSAGES/*.po")):
    mo_path = po_path.with_suffix(".mo")
    if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
        continue
    po = polib.pofile(str(po_path))
    po.save_as_mofile(str(mo_path))
    print(f"compiled {po_path.relative_to(ROOT.parent)} ({po.percent_translated()}% translated)")
