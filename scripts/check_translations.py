"""Fail if the zh-hans catalogue has an untranslated or fuzzy entry, or if a
translation's placeholders differ from its source string."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import polib

CATALOGUE = Path(__file__).resolve().parents[1] / "homeward/locale/zh_Hans/LC_MESSAGES/django.po"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]")


def problems(path: Path) -> list[str]:
    found = []
    for entry in polib.pofile(str(path)):
        if entry.obsolete:
            continue
        if "fuzzy" in entry.flags:
            found.append(f"fuzzy: {entry.msgid!r}")
        translations = (
            [entry.msgstr] if not entry.msgid_plural else list(entry.msgstr_plural.values())
        )
        for text in translations:
            if not text.strip():
                found.append(f"untranslated: {entry.msgid!r}")
            elif sorted(PLACEHOLDER.findall(text)) != sorted(PLACEHOLDER.findall(entry.msgid)):
                found.append(f"placeholders differ: {entry.msgid!r}")
    return found


def main() -> int:
    found = problems(CATALOGUE)
    for line in found:
        print(line)
    print(f"{CATALOGUE.name}: {len(found)} problem(s)")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
