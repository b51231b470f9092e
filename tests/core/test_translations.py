"""Every page exists in Malay: every catalogue is complete, and nothing is fuzzy
(gettext ignores fuzzy entries, so a fuzzy string shows in English)."""

from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parents[2] / "kembali"
CATALOGUES = sorted(ROOT.glob("**/locale/ms/LC_MESSAGES/django.po"))


def test_there_are_malay_catalogues():
    assert len(CATALOGUES) >= 5


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_string_has_a_malay_translation(path):
    po = polib.pofile(str(path))
    untranslated = [e.msgid for e in po.untranslated_entries()]
    fuzzy = [e.msgid for e in po.fuzzy_entries()]
    assert not untranslated, f"{len(untranslated)} untranslated in {path}: {untranslated[:5]}"
    assert not fuzzy, f"{len(fuzzy)} fuzzy in {path}: {fuzzy[:5]}"


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_placeholders_survive_translation(path):
    import re

    placeholder = re.compile(r"%\(\w+\)[sd]|\{\w+\}")
    po = polib.pofile(str(path))
    broken = [
        e.msgid
        for e in po.translated_entries()
        if sorted(placeholder.findall(e.msgid)) != sorted(placeholder.findall(e.msgstr))
        and not e.msgid_plural
    ]
    assert not broken, f"placeholders differ in {path}: {broken[:5]}"
